// A fixture owning a temporary log dir, a test loop standing in for the
// shard, a manual clock and an I/O worker whose file operations can fail on
// demand.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "storage/fault_injecting_file_io.h"
#include "storage/io_worker.h"
#include "storage/partition_log.h"
#include "storage/tests/storage_test_util.h"

namespace gregor::storage::testing {

inline LogConfig small_config() {
  LogConfig c;
  c.segment_bytes = 64 * 1024;
  c.index_interval_bytes = 1024;
  c.tail_cache_bytes = 0;  // evict as soon as written: reads exercise the files
  return c;
}

class LogFixture : public ::testing::Test {
 protected:
  void SetUp() override { start_worker(); }
  void TearDown() override { worker_->stop(); }

  void start_worker() {
    if (worker_) worker_->stop();
    worker_ = std::make_unique<IoWorker>("test-io", io_);
    worker_->start();
  }

  std::string log_dir() const { return dir_.path() + "/t-0"; }

  std::unique_ptr<PartitionLog> open_log(const LogConfig& config = small_config(),
                                         const std::string& dir = "",
                                         const OpenOptions& options = {}) {
    auto r = PartitionLog::open(dir.empty() ? log_dir() : dir, "t", 0, config, *worker_,
                                loop_.poster(), clock_, options);
    EXPECT_TRUE(r.ok()) << "open failed: " << (r.ok() ? "" : error_name(r.error()));
    return r.ok() ? std::move(r).value() : nullptr;
  }

  // Appends and remembers the stored form of the batch (offsets assigned).
  int64_t append(PartitionLog& log, std::vector<uint8_t> batch, const AppendOptions& options = {}) {
    auto r = log.append(batch, options);
    EXPECT_TRUE(r.ok());
    if (!r.ok()) return -1;
    record::patch_base_offset(batch.data(), r->base_offset);
    stored_.push_back(std::move(batch));
    return r->base_offset;
  }

  void wait_durable(PartitionLog& log) {
    Outcome o;
    log.when_durable(log.log_end_offset(), o.callback());
    ASSERT_TRUE(loop_.run_until([&] { return o.done; }));
    ASSERT_FALSE(o.error.has_value());
  }

  // The concatenation of stored batches [from, to).
  std::vector<uint8_t> expected(size_t from, size_t to) const {
    std::vector<uint8_t> out;
    for (size_t i = from; i < to; ++i) out.insert(out.end(), stored_[i].begin(), stored_[i].end());
    return out;
  }

  std::vector<uint8_t> read_all(PartitionLog& log, int64_t from = 0) {
    auto r = log.read(from, log.log_end_offset(), size_t{1} << 30, true);
    EXPECT_TRUE(r.ok());
    return r.ok() ? flatten(*r) : std::vector<uint8_t>{};
  }

  // What a crash leaves: a copy of the directory taken while the log is open.
  std::string snapshot(const std::string& name) {
    std::string to = dir_.path() + "/" + name;
    std::filesystem::copy(log_dir(), to, std::filesystem::copy_options::recursive);
    return to;
  }

  // Declaration order matters: tasks left in the loop may hold files that
  // close through io_, so the loop goes first.
  TempDir dir_;
  FaultInjectingFileIo io_;
  ManualClock clock_;
  TestLoop loop_;
  std::unique_ptr<IoWorker> worker_;
  std::vector<std::vector<uint8_t>> stored_;
};

}  // namespace gregor::storage::testing
