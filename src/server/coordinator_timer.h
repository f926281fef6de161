// The wake-up of a shard's coordinator: the coordinator asks to be woken at a
// monotonic time (its Schedule hook); the timer calls `tick` then, keeping only
// the earliest request pending.
//
// Threads: touched only on the shard whose executor it uses.
#pragma once

#include <algorithm>
#include <asio.hpp>
#include <chrono>
#include <cstdint>
#include <functional>

#include "base/clock.h"

namespace gregor::server {

class CoordinatorTimer {
 public:
  CoordinatorTimer(asio::any_io_executor executor, std::function<void()> tick)
      : timer_(executor), tick_(std::move(tick)) {}

  void schedule(int64_t monotonic_ms) {
    if (stopped_ || (armed_ >= 0 && armed_ <= monotonic_ms)) return;
    armed_ = monotonic_ms;
    const int64_t wait =
        std::max<int64_t>(monotonic_ms - SystemClock::instance().monotonic_ms(), 0);
    timer_.expires_after(std::chrono::milliseconds(wait));
    timer_.async_wait([this](const asio::error_code& ec) {
      if (ec || stopped_) return;
      armed_ = -1;
      tick_();
    });
  }
  void stop() {
    stopped_ = true;
    timer_.cancel();
  }
  bool stopped() const { return stopped_; }

 private:
  asio::steady_timer timer_;
  std::function<void()> tick_;
  int64_t armed_ = -1;
  bool stopped_ = false;
};

}  // namespace gregor::server
