// The log cleaner on crafted logs: what a pass keeps and drops, and that the
// result reads back the same after a reopen.
#include <gtest/gtest.h>

#include "storage/cleaner_batch_filter.h"
#include "storage/cleaner_checkpoint.h"
#include "storage/tests/cleaner_test_util.h"

namespace gregor::storage {
namespace {

using testing::CleanerFixture;
using testing::keyed_batch;
using testing::Kv;
using testing::records_of;

class LogCleanerTest : public CleanerFixture {
 protected:
  // `rounds` updates of keys k0..k(keys-1), one record per batch.
  std::vector<Kv> fill(PartitionLog& log, int rounds, int keys, const std::string& tag = "v") {
    std::vector<Kv> written;
    for (int round = 0; round < rounds; ++round) {
      for (int k = 0; k < keys; ++k) {
        const std::string key = "k" + std::to_string(k);
        const std::string value = tag + std::to_string(round) + std::string(40, 'x');
        const int64_t off = append(log, keyed_batch({{key, value}}, clock_.now_ms()));
        written.push_back({off, key, value});
      }
    }
    return written;
  }

  // What one pass over everything below `active_base` must leave.
  static std::vector<Kv> expected_after(const std::vector<Kv>& written, int64_t active_base) {
    std::vector<Kv> below, rest;
    for (const Kv& kv : written) (kv.offset < active_base ? below : rest).push_back(kv);
    auto out = latest_per_key(below);
    out.insert(out.end(), rest.begin(), rest.end());
    return out;
  }

  CompactionConfig config_;
};

TEST_F(LogCleanerTest, KeepsTheLatestValuePerKeyAtItsOffsetAndLeavesTheActiveSegment) {
  auto log = open_log(cleaner_config());
  auto written = fill(*log, 20, 10);
  wait_durable(*log);
  ASSERT_GT(log->segment_count(), 4u);
  const int64_t active_base = log->segment_base_offsets().back();
  const auto active_before = read_all(*log, active_base);
  const auto size_before = log->size_bytes();

  auto result = clean(*log, config_);
  ASSERT_TRUE(result);
  const auto expected = expected_after(written, active_base);
  EXPECT_EQ(all_records(*log), expected);
  EXPECT_EQ(read_all(*log, active_base), active_before);
  EXPECT_EQ(log->segment_base_offsets().back(), active_base);
  EXPECT_EQ(log->first_dirty_offset(), active_base);
  EXPECT_EQ(result->end_offset, active_base);
  EXPECT_LT(log->size_bytes(), size_before / 4);
  EXPECT_EQ(result->stats.records_dropped, static_cast<int64_t>(active_base) - 10);
  // Nothing dirty is left below the active segment.
  EXPECT_FALSE(log->clean_task(config_).has_value());

  log->close();
  auto reopened = open_log(cleaner_config());
  EXPECT_EQ(all_records(*reopened), expected);
  EXPECT_TRUE(files_ending(log_dir(), ".cleaned").empty());
  EXPECT_TRUE(files_ending(log_dir(), ".swap").empty());
}

TEST_F(LogCleanerTest, ReadsFromTheMiddleOfACleanedRangeStartAtTheNextSurvivor) {
  auto log = open_log(cleaner_config());
  auto written = fill(*log, 20, 10);
  wait_durable(*log);
  const int64_t active_base = log->segment_base_offsets().back();
  ASSERT_TRUE(clean(*log, config_));
  const auto expected = expected_after(written, active_base);
  // Offset 3 was superseded: a read there starts at the next record kept.
  auto from3 = records_of(read_all(*log, 3));
  ASSERT_FALSE(from3.empty());
  auto first_after =
      std::find_if(expected.begin(), expected.end(), [](const Kv& kv) { return kv.offset >= 3; });
  EXPECT_EQ(from3.front(), *first_after);
}

TEST_F(LogCleanerTest, TombstonesStayUntilTheirDeleteHorizonThenGo) {
  config_.delete_retention_ms = 1000;
  auto log = open_log(cleaner_config());
  append(*log, keyed_batch({{"gone", "old"}}, clock_.now_ms()));
  const int64_t tombstone = append(*log, keyed_batch({{"gone", std::nullopt}}, clock_.now_ms()));
  fill(*log, 3, 10);
  wait_durable(*log);
  ASSERT_TRUE(clean(*log, config_));
  auto after_first = all_records(*log);
  ASSERT_FALSE(after_first.empty());
  EXPECT_EQ(after_first.front(), (Kv{tombstone, "gone", std::nullopt}));
  // The tombstone's batch now carries a delete horizon (KIP-534).
  auto bytes = read_all(*log, tombstone);
  record::BatchHeaderView h(bytes.data());
  ASSERT_TRUE(delete_horizon_ms(h).has_value());
  EXPECT_EQ(*delete_horizon_ms(h), clock_.now_ms() + 1000);

  // Before the horizon, another pass keeps it.
  fill(*log, 2, 10, "w");
  wait_durable(*log);
  ASSERT_TRUE(clean(*log, config_));
  EXPECT_EQ(all_records(*log).front(), (Kv{tombstone, "gone", std::nullopt}));

  clock_.advance(1001);
  fill(*log, 2, 10, "y");
  wait_durable(*log);
  ASSERT_TRUE(clean(*log, config_));
  for (const Kv& kv : all_records(*log)) EXPECT_NE(kv.key, "gone");
}

TEST_F(LogCleanerTest, MinCompactionLagKeepsRecentSegmentsDirty) {
  config_.min_compaction_lag_ms = 60'000;
  auto log = open_log(cleaner_config());
  auto written = fill(*log, 10, 10);
  wait_durable(*log);
  auto state = log->cleanable_state(config_);
  EXPECT_EQ(state.dirty_bytes, 0);
  EXPECT_EQ(state.first_uncleanable_offset, 0);
  EXPECT_FALSE(log->clean_task(config_).has_value());

  clock_.advance(60'001);
  state = log->cleanable_state(config_);
  EXPECT_GT(state.dirty_bytes, 0);
  EXPECT_TRUE(state.due(0.5));
  ASSERT_TRUE(clean(*log, config_));
  EXPECT_EQ(all_records(*log), expected_after(written, log->segment_base_offsets().back()));
}

TEST_F(LogCleanerTest, MaxCompactionLagForcesAPassBelowTheRatio) {
  config_.max_compaction_lag_ms = 10'000;
  auto log = open_log(cleaner_config());
  fill(*log, 10, 10);
  wait_durable(*log);
  EXPECT_FALSE(log->cleanable_state(config_).due(1.0));
  clock_.advance(20'000);
  auto state = log->cleanable_state(config_);
  EXPECT_GT(state.max_compaction_delay_ms, 0);
  EXPECT_TRUE(state.due(1.0));
}

TEST_F(LogCleanerTest, CompressedBatchesAreRebuiltWithTheirCodecOffsetsAndValidCrcs) {
  for (auto codec :
       {record::Codec::kGzip, record::Codec::kSnappy, record::Codec::kLz4, record::Codec::kZstd}) {
    SCOPED_TRACE(record::codec_name(codec));
    stored_.clear();
    const std::string dir = dir_.path() + "/c-" + record::codec_name(codec);
    auto log = open_log(cleaner_config(), dir);
    std::vector<Kv> written;
    for (int b = 0; b < 30; ++b) {
      std::vector<std::pair<std::string, std::optional<std::string>>> kvs;
      for (int k = 0; k < 3; ++k)
        kvs.push_back({"k" + std::to_string((b + k) % 7), "v" + std::to_string(b)});
      const int64_t base = append(*log, keyed_batch(kvs, clock_.now_ms(), codec));
      for (int k = 0; k < 3; ++k) written.push_back({base + k, kvs[k].first, kvs[k].second});
    }
    wait_durable(*log);
    const int64_t active_base = log->segment_base_offsets().back();
    ASSERT_TRUE(clean(*log, config_));
    EXPECT_EQ(all_records(*log), expected_after(written, active_base));
    // Every batch keeps its codec, base offset and last offset.
    std::map<int64_t, int64_t> original_last;
    for (const auto& b : stored_) {
      record::BatchHeaderView h(b.data());
      original_last[h.base_offset()] = h.last_offset();
    }
    auto bytes = read_all(*log, 0);
    for (size_t pos = 0; pos < bytes.size();) {
      record::BatchHeaderView h(bytes.data() + pos);
      EXPECT_EQ(h.compression(), static_cast<int>(codec));
      ASSERT_TRUE(original_last.count(h.base_offset()));
      EXPECT_EQ(h.last_offset(), original_last[h.base_offset()]);
      pos += static_cast<size_t>(h.total_size());
    }
  }
}

TEST_F(LogCleanerTest, ASmallKeyMapCleansThePrefixThatFits) {
  auto log = open_log(cleaner_config());
  auto written = fill(*log, 3, 40);
  wait_durable(*log);
  const int64_t active_base = log->segment_base_offsets().back();
  // Room for 18 keys (24 bytes each, load factor 0.9).
  const size_t dedupe = 20 * CleanerOffsetMap::kBytesPerEntry;
  auto first = clean(*log, config_, dedupe);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->end_offset, 18);
  EXPECT_EQ(log->first_dirty_offset(), 18);
  EXPECT_EQ(first->stats.map_utilization, 1.0);
  // Nothing is lost: every key still reads its newest value.
  EXPECT_EQ(latest_per_key(all_records(*log)), latest_per_key(written));
  for (int pass = 0; pass < 20 && log->first_dirty_offset() < active_base; ++pass)
    ASSERT_TRUE(clean(*log, config_, dedupe));
  EXPECT_EQ(log->first_dirty_offset(), active_base);
  // One more full pass removes what the partial passes could not see together.
  log->close();
  std::filesystem::remove(log_dir() + "/cleaner-offset-checkpoint");
  log = open_log(cleaner_config());
  ASSERT_TRUE(clean(*log, config_));
  EXPECT_EQ(all_records(*log), expected_after(written, active_base));
}

TEST_F(LogCleanerTest, TheCheckpointSurvivesARestart) {
  auto log = open_log(cleaner_config());
  fill(*log, 10, 10);
  wait_durable(*log);
  auto task = log->clean_task(config_);
  ASSERT_TRUE(task);
  LogCleaner cleaner(1 << 20, 64 * 1024, throttler_, stop_);
  auto result = cleaner.clean(*task->io, *task);
  ASSERT_TRUE(result.ok());
  ASSERT_TRUE(*log->apply_clean(*task, *result));
  ASSERT_EQ(write_cleaner_checkpoint(*task->io, log_dir(), "t", 0, result->end_offset), 0);
  log->close();
  auto reopened = open_log(cleaner_config());
  EXPECT_EQ(reopened->first_dirty_offset(), result->end_offset);
  EXPECT_FALSE(reopened->clean_task(config_).has_value());
}

TEST_F(LogCleanerTest, CachedCopiesOfReplacedSegmentsAreNotServed) {
  LogConfig config = cleaner_config();
  config.tail_cache_bytes = size_t{8} << 20;  // everything stays in memory
  auto log = open_log(config);
  auto written = fill(*log, 10, 10);
  wait_durable(*log);
  const int64_t active_base = log->segment_base_offsets().back();
  ASSERT_TRUE(clean(*log, config_));
  EXPECT_EQ(all_records(*log), expected_after(written, active_base));
  // Appends continue on the active segment.
  append(*log, keyed_batch({{"k1", "after"}}, clock_.now_ms()));
  wait_durable(*log);
  EXPECT_EQ(all_records(*log).back().value, "after");
}

TEST_F(LogCleanerTest, ASwapIsAbandonedWhenRetentionDeletedASegmentMeanwhile) {
  auto log = open_log(cleaner_config());
  fill(*log, 10, 10);
  wait_durable(*log);
  auto task = log->clean_task(config_);
  ASSERT_TRUE(task);
  LogCleaner cleaner(1 << 20, 64 * 1024, throttler_, stop_);
  auto result = cleaner.clean(*task->io, *task);
  ASSERT_TRUE(result.ok());
  EXPECT_FALSE(files_ending(log_dir(), ".cleaned").empty());
  const auto bases = log->segment_base_offsets();
  ASSERT_TRUE(log->delete_records(bases[1], 0).ok());
  auto applied = log->apply_clean(*task, *result);
  ASSERT_TRUE(applied.ok());
  EXPECT_FALSE(*applied);
  EXPECT_TRUE(files_ending(log_dir(), ".cleaned").empty());
  EXPECT_EQ(log->segment_base_offsets().front(), bases[1]);
}

TEST_F(LogCleanerTest, AStoppedPassLeavesNoFiles) {
  auto log = open_log(cleaner_config());
  fill(*log, 10, 10);
  wait_durable(*log);
  auto task = log->clean_task(config_);
  ASSERT_TRUE(task);
  stop_ = true;
  LogCleaner cleaner(1 << 20, 64 * 1024, throttler_, stop_);
  auto result = cleaner.clean(*task->io, *task);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), StorageError::kClosed);
  EXPECT_TRUE(files_ending(log_dir(), ".cleaned").empty());
}

TEST_F(LogCleanerTest, TransactionMarkersStayWhileTheirDataDoesThenExpire) {
  config_.delete_retention_ms = 1000;
  auto log = open_log(cleaner_config());
  record::BatchSpec txn;
  txn.records.push_back({"t", "in-txn", {}, clock_.now_ms(), std::nullopt});
  txn.transactional = true;
  txn.producer_id = 7;
  txn.producer_epoch = 0;
  txn.base_sequence = 0;
  const int64_t data =
      append(*log, record::build_batch(txn), AppendOptions{log->begin_txn_verification(7)});
  const int64_t marker = append(
      *log, record::build_txn_marker(7, 0, record::ControlType::kCommit, 0, clock_.now_ms()));
  append(*log, keyed_batch({{"t", "later"}}, clock_.now_ms()));
  fill(*log, 3, 10);
  wait_durable(*log);
  auto has_offset = [&](int64_t offset) {
    for (const Kv& kv : all_records(*log))
      if (kv.offset == offset) return true;
    return false;
  };

  // Pass 1 drops the superseded transactional record; its marker stays, since
  // this pass still met a batch of the transaction.
  ASSERT_TRUE(clean(*log, config_));
  EXPECT_FALSE(has_offset(data));
  EXPECT_TRUE(has_offset(marker));
  // Pass 2 meets no data of the transaction: the marker gets a delete horizon.
  fill(*log, 2, 10, "w");
  wait_durable(*log);
  ASSERT_TRUE(clean(*log, config_));
  ASSERT_TRUE(has_offset(marker));
  auto bytes = read_all(*log, marker);
  record::BatchHeaderView h(bytes.data());
  EXPECT_TRUE(h.is_control());
  EXPECT_EQ(h.base_offset(), marker);
  EXPECT_TRUE(delete_horizon_ms(h).has_value());
  // Once the horizon has passed, the marker goes.
  clock_.advance(1001);
  fill(*log, 2, 10, "y");
  wait_durable(*log);
  ASSERT_TRUE(clean(*log, config_));
  EXPECT_FALSE(has_offset(marker));
}

// A transactional batch of producer `pid` (epoch 0) holding `kvs`.
std::vector<uint8_t> txn_batch(int64_t pid, int32_t sequence,
                               const std::vector<std::pair<std::string, std::string>>& kvs,
                               int64_t ts) {
  record::BatchSpec spec;
  for (const auto& [k, v] : kvs) spec.records.push_back({k, v, {}, ts, std::nullopt});
  spec.transactional = true;
  spec.producer_id = pid;
  spec.producer_epoch = 0;
  spec.base_sequence = sequence;
  return record::build_batch(spec);
}

TEST_F(LogCleanerTest, AbortedDataNeverHidesACommittedValueAndGoesWhileItsMarkerStays) {
  auto log = open_log(cleaner_config());
  const int64_t committed = append(*log, keyed_batch({{"k", "committed"}}, clock_.now_ms()));
  const int64_t aborted_at =
      append(*log, txn_batch(9, 0, {{"k", "aborted"}, {"a", "only-aborted"}}, clock_.now_ms()),
             AppendOptions{log->begin_txn_verification(9)});
  auto marker = log->append_marker(9, 0, /*commit=*/false, 0, clock_.now_ms());
  ASSERT_TRUE(marker.ok());
  fill(*log, 3, 10);
  wait_durable(*log);
  ASSERT_EQ(log->aborted_transactions(0, log->log_end_offset()).size(), 1u);

  ASSERT_TRUE(clean(*log, config_));
  std::map<std::string, Kv> by_key;
  bool marker_kept = false;
  for (const Kv& kv : all_records(*log)) {
    if (kv.offset == marker->base_offset) marker_kept = true;
    if (kv.offset != marker->base_offset) by_key[kv.key] = kv;
  }
  // The committed value is still the key's value; the aborted records are gone.
  EXPECT_EQ(by_key["k"], (Kv{committed, "k", "committed"}));
  EXPECT_EQ(by_key.count("a"), 0u);
  // The ABORT marker stays with its aborted-transaction entry (read_committed
  // clients need both).
  EXPECT_TRUE(marker_kept);
  const auto aborted = log->aborted_transactions(0, log->log_end_offset());
  ASSERT_EQ(aborted.size(), 1u);
  EXPECT_EQ(aborted[0].first_offset, aborted_at);

  // And so after more passes and a reopen.
  fill(*log, 2, 10, "w");
  wait_durable(*log);
  ASSERT_TRUE(clean(*log, config_));
  log->close();
  log = open_log(cleaner_config());
  by_key.clear();
  marker_kept = false;
  for (const Kv& kv : all_records(*log)) {
    if (kv.offset == marker->base_offset) marker_kept = true;
    by_key[kv.key] = kv;
  }
  EXPECT_EQ(by_key["k"], (Kv{committed, "k", "committed"}));
  EXPECT_TRUE(marker_kept);
  EXPECT_EQ(log->aborted_transactions(0, log->log_end_offset()).size(), 1u);
}

TEST_F(LogCleanerTest, AnUndecidedTransactionStopsTheCleaningUntilItsMarker) {
  auto log = open_log(cleaner_config());
  const int64_t committed = append(*log, keyed_batch({{"k", "committed"}}, clock_.now_ms()));
  fill(*log, 2, 10);
  const int64_t pending = append(*log, txn_batch(11, 0, {{"k", "pending"}}, clock_.now_ms()),
                                 AppendOptions{log->begin_txn_verification(11)});
  fill(*log, 3, 10, "w");
  wait_durable(*log);
  ASSERT_LE(log->last_stable_offset(), pending);

  // Nothing at or after the open transaction's segment is cleaned: its
  // record must not become the key's latest value before it is decided.
  auto first = clean(*log, config_);
  ASSERT_TRUE(first);
  EXPECT_LE(first->end_offset, pending);
  std::vector<Kv> k_values;
  for (const Kv& kv : all_records(*log))
    if (kv.key == "k") k_values.push_back(kv);
  ASSERT_EQ(k_values.size(), 2u);
  EXPECT_EQ(k_values[0], (Kv{committed, "k", "committed"}));

  // Committed: the transaction's value supersedes the older one.
  ASSERT_TRUE(log->append_marker(11, 0, /*commit=*/true, 0, clock_.now_ms()).ok());
  fill(*log, 2, 10, "y");
  wait_durable(*log);
  ASSERT_TRUE(clean(*log, config_));
  k_values.clear();
  for (const Kv& kv : all_records(*log))
    if (kv.key == "k") k_values.push_back(kv);
  ASSERT_EQ(k_values.size(), 1u);
  EXPECT_EQ(k_values[0], (Kv{pending, "k", "pending"}));
}

TEST_F(LogCleanerTest, RecordsWithoutKeysAreDropped) {
  auto log = open_log(cleaner_config());
  record::BatchSpec spec;
  spec.records.push_back({std::nullopt, "no key", {}, clock_.now_ms(), std::nullopt});
  spec.records.push_back({"k", "keyed", {}, clock_.now_ms(), std::nullopt});
  const int64_t base = append(*log, record::build_batch(spec));
  fill(*log, 3, 10);
  wait_durable(*log);
  ASSERT_TRUE(clean(*log, config_));
  auto bytes = read_all(*log, 0);
  record::BatchHeaderView h(bytes.data());
  EXPECT_EQ(h.base_offset(), base);
  EXPECT_EQ(h.records_count(), 1);
  EXPECT_EQ(h.last_offset(), base + 1);
  EXPECT_EQ(all_records(*log).front(), (Kv{base + 1, "k", "keyed"}));
}

}  // namespace
}  // namespace gregor::storage
