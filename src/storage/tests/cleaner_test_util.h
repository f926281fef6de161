// Helpers for the log cleaner tests: keyed batches, running one cleaning
// pass against a PartitionLog, and reading back every record.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "protocol/record/batch_builder.h"
#include "protocol/record/record.h"
#include "storage/log_cleaner.h"
#include "storage/tests/log_fixture.h"

namespace gregor::storage::testing {

struct Kv {
  int64_t offset;
  std::string key;
  std::optional<std::string> value;
  bool operator==(const Kv&) const = default;
};

inline std::vector<uint8_t> keyed_batch(
    const std::vector<std::pair<std::string, std::optional<std::string>>>& kvs, int64_t ts,
    record::Codec codec = record::Codec::kNone) {
  record::BatchSpec spec;
  spec.codec = codec;
  for (const auto& [k, v] : kvs) spec.records.push_back({k, v, {}, ts, std::nullopt});
  return record::build_batch(spec);
}

// Every record of the flat batches, checking each batch's CRC.
inline std::vector<Kv> records_of(const std::vector<uint8_t>& bytes) {
  std::vector<Kv> out;
  size_t pos = 0;
  while (pos < bytes.size()) {
    std::span<const uint8_t> rest(bytes.data() + pos, bytes.size() - pos);
    record::ReadOptions options;
    options.verify_crc = true;
    auto batch = record::BatchRecords::open(rest, options);
    EXPECT_TRUE(batch.ok()) << "batch at " << pos << " does not decode or has a bad CRC";
    if (!batch.ok()) return out;
    auto all = batch->read_all();
    EXPECT_TRUE(all.ok());
    for (const auto& r : *all) {
      Kv kv{r.offset, r.key ? std::string(r.key->begin(), r.key->end()) : "<null>", std::nullopt};
      if (r.value) kv.value = std::string(r.value->begin(), r.value->end());
      out.push_back(kv);
    }
    pos += static_cast<size_t>(batch->header().total_size());
  }
  return out;
}

class CleanerFixture : public LogFixture {
 protected:
  static LogConfig cleaner_config() {
    LogConfig c = small_config();
    c.segment_bytes = 1024;
    c.index_interval_bytes = 256;
    return c;
  }

  // The full pass: snapshot, clean, swap. nullopt if nothing was cleanable.
  std::optional<CleanResult> clean(PartitionLog& log, const CompactionConfig& config,
                                   size_t dedupe_bytes = size_t{1} << 20) {
    auto task = log.clean_task(config);
    if (!task) return std::nullopt;
    LogCleaner cleaner(dedupe_bytes, 64 * 1024, throttler_, stop_);
    auto result = cleaner.clean(*task->io, *task);
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : error_name(result.error()));
    if (!result.ok()) return std::nullopt;
    auto applied = log.apply_clean(*task, *result);
    EXPECT_TRUE(applied.ok() && *applied);
    return std::move(result).value();
  }

  std::vector<Kv> all_records(PartitionLog& log) {
    return records_of(read_all(log, log.log_start_offset()));
  }

  // The newest record of every key among `records`, in offset order.
  static std::vector<Kv> latest_per_key(const std::vector<Kv>& records) {
    std::map<std::string, Kv> last;
    for (const Kv& kv : records) last.insert_or_assign(kv.key, kv);
    std::vector<Kv> out;
    for (const auto& [k, kv] : last) out.push_back(kv);
    std::sort(out.begin(), out.end(), [](const Kv& a, const Kv& b) { return a.offset < b.offset; });
    return out;
  }

  std::vector<std::string> files_ending(const std::string& dir, const std::string& suffix) {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      const std::string name = e.path().filename().string();
      if (name.size() >= suffix.size() &&
          name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
        out.push_back(name);
    }
    return out;
  }

  IoThrottler throttler_{0};
  std::atomic<bool> stop_{false};
};

}  // namespace gregor::storage::testing
