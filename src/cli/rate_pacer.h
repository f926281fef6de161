// RatePacer: spaces events at a fixed rate (records per second) by sleeping
// until each event's due time, computed from the start so that errors do not
// accumulate. A rate of 0 means unlimited. Used by one thread.
#pragma once

#include <chrono>
#include <cstdint>

namespace gregor::cli {

class RatePacer {
 public:
  using Clock = std::chrono::steady_clock;

  explicit RatePacer(double per_second, Clock::time_point start = Clock::now())
      : per_second_(per_second), start_(start) {}

  // When event number n (0-based) is due.
  Clock::time_point due(int64_t n) const {
    auto offset = std::chrono::duration<double>(static_cast<double>(n) / per_second_);
    return start_ + std::chrono::duration_cast<Clock::duration>(offset);
  }

  // Sleeps until the next event is due (returns at once when unlimited).
  void wait();

 private:
  double per_second_;
  Clock::time_point start_;
  int64_t next_ = 0;
};

}  // namespace gregor::cli
