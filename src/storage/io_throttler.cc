#include "storage/io_throttler.h"

#include <chrono>
#include <cmath>
#include <limits>
#include <thread>

namespace gregor::storage {
namespace {

constexpr int64_t kCheckIntervalNs = 300'000'000;

int64_t now_ns() {
  using namespace std::chrono;
  return duration_cast<nanoseconds>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace

IoThrottler::IoThrottler(double bytes_per_second)
    : rate_(bytes_per_second), period_start_ns_(now_ns()) {}

void IoThrottler::maybe_throttle(int64_t bytes, const std::atomic<bool>* stop) {
  if (!(rate_ > 0) || std::isinf(rate_) || rate_ >= std::numeric_limits<double>::max()) return;
  int64_t sleep_ms = 0;
  {
    std::lock_guard lock(mu_);
    observed_ += static_cast<double>(bytes);
    const int64_t now = now_ns();
    const int64_t elapsed_ns = now - period_start_ns_;
    if (elapsed_ns < kCheckIntervalNs) return;
    const double elapsed_s = static_cast<double>(elapsed_ns) / 1e9;
    if (observed_ / elapsed_s > rate_) {
      // Sleep until the bytes seen fit the rate.
      const double needed_s = observed_ / rate_;
      sleep_ms = static_cast<int64_t>((needed_s - elapsed_s) * 1000.0);
    }
    period_start_ns_ = now + sleep_ms * 1'000'000;
    observed_ = 0;
  }
  throttled_ms_ += sleep_ms;
  while (sleep_ms > 0 && !(stop != nullptr && stop->load())) {
    const int64_t slice = std::min<int64_t>(sleep_ms, 100);
    std::this_thread::sleep_for(std::chrono::milliseconds(slice));
    sleep_ms -= slice;
  }
}

}  // namespace gregor::storage
