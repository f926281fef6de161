// What an open partition costs the storage engine alone: opens N partition
// logs on one I/O worker (as one shard does), appends a few small batches to
// each, closes them, reopens them all (the clean restart path) and appends
// again, printing after each step its duration, the process's VmRSS and the
// number of open descriptors. The broker-level figures (bench/partitions.py)
// add sockets, metadata and the server's per-partition state on top.
//
//   open_logs_bench [--dir=PATH] [--logs=10000] [--batches=3] [--fd-budget=N]
//
// Prints figures; never asserts on them.
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
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
  void run_until(const std::function<bool()>& done) {
    while (!done()) {
      std::function<void()> task;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [this] { return !tasks_.empty(); });
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

std::vector<uint8_t> small_batch(int i) {
  record::BatchSpec spec;
  record::RecordSpec r;
  r.value = "value-" + std::to_string(i) + std::string(80, 'x');
  r.timestamp = 1'700'000'000'000 + i;
  spec.records.push_back(std::move(r));
  return record::build_batch(spec);
}

double rss_mib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return -1;
}

// Heap bytes in use (RSS does not drop when freed memory is kept for reuse).
double heap_mib() {
  const struct mallinfo2 m = ::mallinfo2();
  return static_cast<double>(m.uordblks + m.hblkhd) / (1024.0 * 1024.0);
}

size_t open_fds() {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

struct Options {
  std::string dir = "/var/tmp";
  int logs = 10000;
  int batches = 3;
  size_t fd_budget = 0;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char* key) -> const char* {
      const std::string k = std::string("--") + key + "=";
      return a.rfind(k, 0) == 0 ? argv[i] + k.size() : nullptr;
    };
    if (const char* v = value("dir"))
      o.dir = v;
    else if (const char* v = value("logs"))
      o.logs = std::stoi(v);
    else if (const char* v = value("batches"))
      o.batches = std::stoi(v);
    else if (const char* v = value("fd-budget"))
      o.fd_budget = std::stoul(v);
    else {
      std::fprintf(
          stderr, "usage: open_logs_bench [--dir=PATH] [--logs=N] [--batches=N] [--fd-budget=N]\n");
      std::exit(2);
    }
  }
  return o;
}

class Bench {
 public:
  explicit Bench(const Options& o) : o_(o), worker_("bench-io") {
    if (o.fd_budget > 0) worker_.set_fd_budget(o.fd_budget);
    worker_.start();
    char tmpl[] = "gregor-open-logs-XXXXXX";
    std::string path = o.dir + "/" + tmpl;
    dir_ = ::mkdtemp(path.data()) ? path : "";
  }
  ~Bench() {
    logs_.clear();
    worker_.stop();
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }
  bool ok() const { return !dir_.empty(); }

  void open_all() {
    for (int i = 0; i < o_.logs; ++i) {
      auto log = storage::PartitionLog::open(dir_ + "/t-" + std::to_string(i), "t", i, config_,
                                             worker_, loop_.poster(), SystemClock::instance());
      if (!log.ok()) {
        std::fprintf(stderr, "cannot open log %d\n", i);
        std::exit(1);
      }
      logs_.push_back(std::move(log).value());
    }
  }
  void append_all() {
    int pending = 0;
    for (int b = 0; b < o_.batches; ++b) {
      for (auto& log : logs_) {
        auto batch = small_batch(b);
        if (!log->append(batch).ok()) std::exit(1);
      }
    }
    for (auto& log : logs_) {
      ++pending;
      log->when_durable(log->log_end_offset(), [&](std::optional<storage::StorageError> e) {
        if (e) std::exit(1);
        --pending;
      });
    }
    loop_.run_until([&] { return pending == 0; });
  }
  void close_all() {
    for (auto& log : logs_) log->close();
    logs_.clear();
  }
  void step(const char* name, const std::function<void()>& fn) {
    const auto t0 = Clock::now();
    fn();
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    std::printf(
        "%-10s %8.2f s  RSS %8.1f MiB  heap %8.1f MiB  fds %6zu  read cache %zu  write cache %zu\n",
        name, s, rss_mib(), heap_mib(), open_fds(), worker_.fd_caches().read->size(),
        worker_.fd_caches().write->size());
    std::fflush(stdout);
  }

 private:
  Options o_;
  // The broker's defaults: log.preallocate is false (preallocating would
  // reserve 32 MiB of disk per partition here).
  storage::LogConfig config_ = [] {
    storage::LogConfig c;
    c.preallocate = false;
    return c;
  }();
  storage::IoWorker worker_;
  Loop loop_;
  std::string dir_;
  std::vector<std::unique_ptr<storage::PartitionLog>> logs_;
};

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  Bench bench(o);
  if (!bench.ok()) {
    std::fprintf(stderr, "cannot create a directory in %s\n", o.dir.c_str());
    return 1;
  }
  std::printf("%d logs, %d batches each\n", o.logs, o.batches);
  bench.step("start", [] {});
  bench.step("create", [&] { bench.open_all(); });
  bench.step("append", [&] { bench.append_all(); });
  bench.step("close", [&] { bench.close_all(); });
  bench.step("reopen", [&] { bench.open_all(); });
  bench.step("append-2", [&] { bench.append_all(); });
  bench.step("close-2", [&] { bench.close_all(); });
  return 0;
}
