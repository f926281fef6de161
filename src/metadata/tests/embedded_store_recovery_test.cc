// Recovery of the embedded store from torn writes, damage and crashes around
// snapshots, driven by editing the files between a close and a reopen.
#include <gtest/gtest.h>

#include "metadata/embedded_store.h"
#include "metadata/tests/store_test_util.h"

namespace gregor::metadata {
namespace {

using testing::log_path;
using testing::open_ok;
using testing::read_bytes;
using testing::snapshot_path;
using testing::TempDir;
using testing::topic;
using testing::write_bytes;

// A store with three topics whose last change (the third create) is the last log record.
struct ThreeTopics {
  std::vector<TopicRecord> before_last;  // state before the last record
  std::vector<uint8_t> log;              // the whole log
  size_t last_record_start = 0;
};

ThreeTopics make_three_topics(const std::string& dir, const Clock& clock) {
  ThreeTopics out;
  auto store = open_ok(dir, clock);
  EXPECT_TRUE(store->create_topic(topic("one", 1, {{"retention.ms", "1"}})).ok());
  EXPECT_TRUE(store->create_topic(topic("two", 2)).ok());
  out.before_last = store->topics();
  out.last_record_start = static_cast<size_t>(store->log_bytes());
  EXPECT_TRUE(store->create_topic(topic("three", 3, {{"cleanup.policy", "compact"}})).ok());
  store.reset();
  out.log = read_bytes(log_path(dir));
  return out;
}

TEST(EmbeddedStoreRecovery, TornLastRecordAtEveryByteIsTruncated) {
  TempDir dir;
  ManualClock clock;
  ThreeTopics base = make_three_topics(dir.path(), clock);
  ASSERT_GT(base.log.size(), base.last_record_start);
  for (size_t cut = base.last_record_start; cut < base.log.size(); ++cut) {
    write_bytes(log_path(dir.path()),
                std::vector<uint8_t>(base.log.begin(), base.log.begin() + cut));
    {
      auto store = open_ok(dir.path(), clock);
      ASSERT_TRUE(store) << "cut at " << cut;
      ASSERT_EQ(store->topics(), base.before_last) << "cut at " << cut;
      EXPECT_EQ(store->log_bytes(), static_cast<int64_t>(base.last_record_start));
      // The store keeps working after the cut, and what it writes next survives.
      ASSERT_TRUE(store->create_topic(topic("after", 1)).ok());
    }
    EXPECT_EQ(read_bytes(log_path(dir.path())).size() > base.last_record_start, true);
    auto reopened = open_ok(dir.path(), clock);
    ASSERT_TRUE(reopened);
    EXPECT_EQ(reopened->topics().size(), base.before_last.size() + 1) << "cut at " << cut;
    EXPECT_NE(reopened->image()->find("after"), nullptr);
  }
}

TEST(EmbeddedStoreRecovery, CrcDamageInTheLastRecordIsTruncated) {
  TempDir dir;
  ManualClock clock;
  ThreeTopics base = make_three_topics(dir.path(), clock);
  for (size_t pos = base.last_record_start; pos < base.log.size(); pos += 3) {
    auto damaged = base.log;
    damaged[pos] ^= 0x80;
    write_bytes(log_path(dir.path()), damaged);
    auto store = open_ok(dir.path(), clock);
    ASSERT_TRUE(store) << pos;
    EXPECT_EQ(store->topics(), base.before_last) << pos;
    EXPECT_EQ(read_bytes(log_path(dir.path())).size(), base.last_record_start);
  }
}

TEST(EmbeddedStoreRecovery, DamageBeforeTheLastRecordRefusesToOpen) {
  TempDir dir;
  ManualClock clock;
  ThreeTopics base = make_three_topics(dir.path(), clock);
  auto damaged = base.log;
  damaged[base.last_record_start - 10] ^= 0x01;  // inside the second create
  write_bytes(log_path(dir.path()), damaged);
  auto r = EmbeddedMetadataStore::open(dir.path(), clock);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("damaged"), std::string::npos) << r.error();
  // Nothing was cut: the operator still has every byte.
  EXPECT_EQ(read_bytes(log_path(dir.path())), damaged);
}

TEST(EmbeddedStoreRecovery, SnapshotThenLaterRecordsReplay) {
  TempDir dir;
  ManualClock clock;
  EmbeddedStoreOptions small{.snapshot_threshold_bytes = 600};
  std::vector<TopicRecord> expected;
  {
    auto store = open_ok(dir.path(), clock, small);
    ASSERT_TRUE(store);
    for (int i = 0; i < 30; ++i) {
      TopicRecord t =
          topic("t" + std::to_string(i), 1, {{"segment.bytes", std::to_string(1000 + i)}});
      ASSERT_TRUE(store->create_topic(t).ok());
      ASSERT_LT(store->log_bytes(), 600 + 200);
    }
    for (int i = 0; i < 30; i += 3)
      ASSERT_TRUE(store->delete_topic(store->image()->find("t" + std::to_string(i))->id).ok());
    ASSERT_TRUE(store->set_partition_count(store->image()->find("t1")->id, 7).ok());
    expected = store->topics();
    EXPECT_GT(store->log_bytes(), 0);  // records after the last snapshot
  }
  EXPECT_FALSE(read_bytes(snapshot_path(dir.path())).empty());
  auto store = open_ok(dir.path(), clock, small);
  ASSERT_TRUE(store);
  EXPECT_EQ(store->topics(), expected);
  EXPECT_EQ(store->image()->find("t1")->partitions, 7);
  EXPECT_EQ(store->topics().size(), 20u);
}

TEST(EmbeddedStoreRecovery, CrashBeforeTheLogRestartReplaysOnlyNewRecords) {
  TempDir dir;
  ManualClock clock;
  std::vector<TopicRecord> expected;
  std::string cluster_id;
  {
    auto store = open_ok(dir.path(), clock);  // default threshold: no snapshot yet
    ASSERT_TRUE(store);
    cluster_id = store->cluster_id();
    for (int i = 0; i < 10; ++i)
      ASSERT_TRUE(store->create_topic(topic("t" + std::to_string(i))).ok());
    expected = store->topics();
  }
  auto old_log = read_bytes(log_path(dir.path()));
  {
    // Opening with a tiny threshold snapshots at once and restarts the log.
    auto store = open_ok(dir.path(), clock, {.snapshot_threshold_bytes = 1});
    ASSERT_TRUE(store);
    EXPECT_EQ(store->log_bytes(), 0);
  }
  EXPECT_TRUE(read_bytes(log_path(dir.path())).empty());
  // As if the process died after the snapshot rename but before the log was replaced.
  write_bytes(log_path(dir.path()), old_log);
  {
    auto store = open_ok(dir.path(), clock);
    ASSERT_TRUE(store);
    EXPECT_EQ(store->topics(), expected);
    EXPECT_EQ(store->cluster_id(), cluster_id);
    ASSERT_TRUE(store->create_topic(topic("later")).ok());
    expected = store->topics();
  }
  auto store = open_ok(dir.path(), clock);
  ASSERT_TRUE(store);
  EXPECT_EQ(store->topics(), expected);
}

TEST(EmbeddedStoreRecovery, MissingRecordsAfterASnapshotRefuseToOpen) {
  TempDir dir;
  ManualClock clock;
  uint64_t seq = 0;
  {
    auto store = open_ok(dir.path(), clock, {.snapshot_threshold_bytes = 1});
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->create_topic(topic("a")).ok());
    seq = store->last_sequence();
    ASSERT_EQ(store->log_bytes(), 0);
  }
  MetadataRecord rec;
  rec.type = RecordType::kCreateTopic;
  rec.sequence = seq + 2;  // seq + 1 is missing
  rec.topic = topic("b");
  write_bytes(log_path(dir.path()), encode_frame(rec));
  auto r = EmbeddedMetadataStore::open(dir.path(), clock);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("missing"), std::string::npos) << r.error();
}

TEST(EmbeddedStoreRecovery, DamagedSnapshotRefusesToOpen) {
  TempDir dir;
  ManualClock clock;
  {
    auto store = open_ok(dir.path(), clock, {.snapshot_threshold_bytes = 1});
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->create_topic(topic("a")).ok());
  }
  auto snap = read_bytes(snapshot_path(dir.path()));
  ASSERT_FALSE(snap.empty());
  snap[snap.size() / 2] ^= 0x04;
  write_bytes(snapshot_path(dir.path()), snap);
  auto r = EmbeddedMetadataStore::open(dir.path(), clock);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("snapshot"), std::string::npos) << r.error();
}

TEST(EmbeddedStoreRecovery, LeftoverTemporaryFilesAreIgnored) {
  TempDir dir;
  ManualClock clock;
  {
    auto store = open_ok(dir.path(), clock);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->create_topic(topic("a")).ok());
  }
  write_bytes(snapshot_path(dir.path()) + ".tmp", {1, 2, 3});
  write_bytes(log_path(dir.path()) + ".tmp", {4, 5});
  auto store = open_ok(dir.path(), clock);
  ASSERT_TRUE(store);
  EXPECT_EQ(store->topics().size(), 1u);
  EXPECT_TRUE(read_bytes(snapshot_path(dir.path()) + ".tmp").empty());
}

}  // namespace
}  // namespace gregor::metadata
