// Kafka's Throttler for the log cleaner (log.cleaner.io.max.bytes.per.second):
// every cleaner thread reports the bytes it reads and writes, and sleeps when
// the measured rate over the last check interval (300 ms) exceeds the limit,
// long enough to bring the average back to it. Shared by all cleaner threads.
//
// Thread contract: maybe_throttle() may be called from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>

namespace gregor::storage {

class IoThrottler {
 public:
  // bytes_per_second <= 0 or infinite: no limit.
  explicit IoThrottler(double bytes_per_second);

  // Accounts `bytes` and sleeps if the rate is over the limit. Returns early
  // (in slices of at most 100 ms) once `stop` is set.
  void maybe_throttle(int64_t bytes, const std::atomic<bool>* stop = nullptr);
  // Total time spent sleeping, for logs and tests.
  int64_t throttled_ms() const { return throttled_ms_.load(); }

 private:
  const double rate_;
  std::mutex mu_;
  int64_t period_start_ns_;
  double observed_ = 0;
  std::atomic<int64_t> throttled_ms_{0};
};

}  // namespace gregor::storage
