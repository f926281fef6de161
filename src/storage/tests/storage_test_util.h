// Helpers shared by the storage tests: a temporary directory, a single-thread
// "shard loop" that runs posted tasks on the test thread, and batch builders.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "protocol/record/batch_builder.h"
#include "protocol/record/batch_header.h"
#include "storage/partition_log.h"

namespace gregor::storage::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "gregor-storage-XXXXXX").string();
    GREGOR_ASSERT(::mkdtemp(tmpl.data()) != nullptr, "mkdtemp");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Tasks posted from any thread run on the thread that calls run_until().
class TestLoop {
 public:
  Poster poster() {
    return [this](std::function<void()> fn) {
      {
        std::lock_guard lock(mu_);
        tasks_.push_back(std::move(fn));
      }
      cv_.notify_all();
    };
  }
  // Runs tasks until pred() holds; false after `timeout` (tests stay bounded).
  bool run_until(const std::function<bool()>& pred,
                 std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!pred()) {
      std::function<void()> task;
      {
        std::unique_lock lock(mu_);
        if (!cv_.wait_until(lock, deadline, [this] { return !tasks_.empty(); })) return pred();
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
      task();
    }
    return true;
  }
  // Runs every task posted so far (and those they post), without waiting.
  void drain() {
    for (;;) {
      std::function<void()> task;
      {
        std::lock_guard lock(mu_);
        if (tasks_.empty()) return;
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
      task();
    }
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
};

// Silences expected warnings (recoveries, injected failures) for a scope.
class QuietLogs {
 public:
  QuietLogs() : level_(spdlog::get_level()) { spdlog::set_level(spdlog::level::critical); }
  ~QuietLogs() { spdlog::set_level(level_); }

 private:
  spdlog::level::level_enum level_;
};

// A batch of `records` records with `value_bytes`-byte values, timestamps
// first_ts, first_ts + 1, ...
inline std::vector<uint8_t> make_batch(int records, size_t value_bytes, int64_t first_ts = 1'000,
                                       record::Codec codec = record::Codec::kNone) {
  record::BatchSpec spec;
  spec.codec = codec;
  for (int i = 0; i < records; ++i) {
    record::RecordSpec r;
    r.key = "k" + std::to_string(i);
    r.value = std::string(value_bytes, static_cast<char>('a' + i % 26));
    r.timestamp = first_ts + i;
    spec.records.push_back(std::move(r));
  }
  return record::build_batch(spec);
}

// The bytes a read returned, flattened (file chunks are pread).
inline std::vector<uint8_t> flatten(const ReadResult& r) {
  std::vector<uint8_t> out;
  for (const auto& c : r.chunks) {
    if (c.fd < 0) {
      out.insert(out.end(), c.data, c.data + c.size);
      continue;
    }
    std::vector<uint8_t> buf(c.size);
    EXPECT_EQ(::pread(c.fd, buf.data(), c.size, c.file_offset), static_cast<ssize_t>(c.size));
    out.insert(out.end(), buf.begin(), buf.end());
  }
  return out;
}

// Base offsets of the batches in a flat byte range.
inline std::vector<int64_t> batch_offsets(const std::vector<uint8_t>& bytes) {
  std::vector<int64_t> out;
  size_t pos = 0;
  while (pos + record::kHeaderSize <= bytes.size()) {
    record::BatchHeaderView h(bytes.data() + pos);
    out.push_back(h.base_offset());
    pos += static_cast<size_t>(h.total_size());
  }
  EXPECT_EQ(pos, bytes.size()) << "reads return whole batches";
  return out;
}

// Waits for a when_written/when_durable callback.
struct Outcome {
  bool done = false;
  std::optional<StorageError> error;
  DoneCallback callback() {
    return [this](std::optional<StorageError> e) {
      done = true;
      error = e;
    };
  }
};

}  // namespace gregor::storage::testing
