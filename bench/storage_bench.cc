// Storage engine write-path benchmark: appends batches of 1 KiB records to a
// partition log as fast as group-committed fdatasync allows, keeping a window
// of un-synced bytes in flight (as many concurrent acks=all producers would),
// and reports MB/s, appends/s, durable-latency percentiles and CPU seconds
// per GB, for O_DIRECT and buffered (page cache) writes.
//
//   storage_bench [--dir=PATH] [--total-mib=1024] [--batch-kib=16,64,256,1024]
//                 [--inflight-kib=8192] [--modes=direct,buffered]
//
// Prints figures; never asserts on them.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "base/clock.h"
#include "protocol/record/batch_builder.h"
#include "storage/io_worker.h"
#include "storage/partition_log.h"

namespace {

using namespace gregor;
using Clock = std::chrono::steady_clock;

// The benchmark thread plays the shard: tasks posted by the I/O thread run here.
class Loop {
 public:
  storage::Poster poster() {
    return [this](std::function<void()> fn) {
      {
        std::lock_guard lock(mu_);
        tasks_.push_back(std::move(fn));
      }
      cv_.notify_one();
    };
  }
  void run_one() {
    std::function<void()> task;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return !tasks_.empty(); });
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
};

std::vector<uint8_t> make_batch(size_t batch_bytes) {
  record::BatchSpec spec;
  const size_t records = std::max<size_t>(1, batch_bytes / 1024);
  for (size_t i = 0; i < records; ++i) {
    record::RecordSpec r;
    r.value = std::string(1024 - 30, static_cast<char>('a' + i % 26));
    r.timestamp = 1'700'000'000'000 + static_cast<int64_t>(i);
    spec.records.push_back(std::move(r));
  }
  return record::build_batch(spec);
}

double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto sec = [](timeval t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return sec(ru.ru_utime) + sec(ru.ru_stime);
}

struct Options {
  std::string dir = "storage-bench-data";
  int64_t total_bytes = int64_t{1} << 30;
  std::vector<size_t> batch_bytes = {16 << 10, 64 << 10, 256 << 10, 1 << 20};
  int64_t inflight_bytes = 8 << 20;
  std::vector<std::string> modes = {"direct", "buffered"};
};

void run(const Options& o, const std::string& mode, size_t batch_bytes) {
  const std::string dir = o.dir + "/bench-0";
  std::filesystem::remove_all(dir);
  storage::IoWorker io("bench-io");
  io.start();
  Loop loop;
  storage::LogConfig config;
  config.direct_io = mode == "direct";
  auto opened = storage::PartitionLog::open(dir, "bench", 0, config, io, loop.poster(),
                                            SystemClock::instance());
  if (!opened.ok()) {
    std::fprintf(stderr, "cannot open %s: %s\n", dir.c_str(),
                 std::string(error_name(opened.error())).c_str());
    return;
  }
  auto& log = **opened;
  const auto batch = make_batch(batch_bytes);
  const int64_t n = std::max<int64_t>(1, o.total_bytes / static_cast<int64_t>(batch.size()));
  std::vector<double> latency_us;
  latency_us.reserve(static_cast<size_t>(n));
  int64_t appended = 0, durable = 0, inflight = 0;
  bool failed = false;
  const double cpu0 = cpu_seconds();
  const auto t0 = Clock::now();
  while (durable < n && !failed) {
    while (appended < n && inflight < o.inflight_bytes) {
      auto r = log.append(batch);
      if (!r.ok()) {
        failed = true;
        break;
      }
      ++appended;
      inflight += static_cast<int64_t>(batch.size());
      log.when_durable(
          r->last_offset + 1, [&, start = Clock::now()](std::optional<storage::StorageError> e) {
            if (e) failed = true;
            latency_us.push_back(
                std::chrono::duration<double, std::micro>(Clock::now() - start).count());
            inflight -= static_cast<int64_t>(batch.size());
            ++durable;
          });
    }
    loop.run_one();
  }
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  const double cpu = cpu_seconds() - cpu0;
  log.close();
  io.stop();
  std::filesystem::remove_all(dir);
  if (failed) {
    std::printf("%-8s batch %5zu KiB: FAILED (storage error)\n", mode.c_str(), batch_bytes >> 10);
    return;
  }
  std::sort(latency_us.begin(), latency_us.end());
  auto pct = [&](double p) {
    return latency_us[static_cast<size_t>(p * static_cast<double>(latency_us.size() - 1))];
  };
  const double mb = static_cast<double>(n) * static_cast<double>(batch.size()) / 1e6;
  std::printf(
      "%-8s batch %5zu KiB: %7.0f MB/s %8.0f appends/s  durable p50 %7.0f us  p99 %7.0f us  "
      "cpu %.2f s/GB\n",
      mode.c_str(), batch_bytes >> 10, mb / secs, static_cast<double>(n) / secs, pct(0.50),
      pct(0.99), cpu / (mb / 1000));
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string item; std::getline(ss, item, ',');) out.push_back(item);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](const char* name) -> std::optional<std::string> {
      std::string prefix = std::string("--") + name + "=";
      if (arg.rfind(prefix, 0) == 0) return arg.substr(prefix.size());
      return std::nullopt;
    };
    if (auto v = value("dir")) {
      o.dir = *v;
    } else if (auto v = value("total-mib")) {
      o.total_bytes = std::stoll(*v) << 20;
    } else if (auto v = value("inflight-kib")) {
      o.inflight_bytes = std::stoll(*v) << 10;
    } else if (auto v = value("batch-kib")) {
      o.batch_bytes.clear();
      for (const auto& b : split(*v))
        o.batch_bytes.push_back(static_cast<size_t>(std::stoul(b)) << 10);
    } else if (auto v = value("modes")) {
      o.modes = split(*v);
    } else {
      std::fprintf(stderr,
                   "usage: storage_bench [--dir=PATH] [--total-mib=N] [--batch-kib=16,64,...] "
                   "[--inflight-kib=N] [--modes=direct,buffered]\n");
      return 2;
    }
  }
  std::filesystem::create_directories(o.dir);
  std::printf("storage_bench: %lld MiB per run, %lld KiB in flight, 1 KiB records, dir %s\n",
              static_cast<long long>(o.total_bytes >> 20),
              static_cast<long long>(o.inflight_bytes >> 10), o.dir.c_str());
  for (size_t b : o.batch_bytes) {
    for (const auto& mode : o.modes) run(o, mode, b);
  }
  return 0;
}
