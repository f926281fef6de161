// The cleaner's I/O throttle (Kafka's Throttler): measured over check
// intervals of 300 ms, it sleeps long enough to bring the average back to the
// limit, and never when unlimited or once told to stop.
#include "storage/io_throttler.h"

#include <gtest/gtest.h>

#include <chrono>
#include <limits>
#include <thread>

namespace gregor::storage {
namespace {

TEST(IoThrottlerTest, SleepsUntilTheAverageIsBackAtTheLimit) {
  IoThrottler throttler(1'000'000);  // 1 MB/s
  throttler.maybe_throttle(1'000'000);
  EXPECT_EQ(throttler.throttled_ms(), 0);  // inside the first check interval
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto start = std::chrono::steady_clock::now();
  throttler.maybe_throttle(1);
  const auto slept = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::steady_clock::now() - start)
                         .count();
  // 1 MB at 1 MB/s takes a second; 300 ms (more on a loaded machine) had passed.
  EXPECT_GE(throttler.throttled_ms(), 300);
  EXPECT_LE(throttler.throttled_ms(), 700);
  EXPECT_GE(slept, 250);
}

TEST(IoThrottlerTest, UnlimitedNeverSleeps) {
  for (double rate : {0.0, std::numeric_limits<double>::max()}) {
    IoThrottler throttler(rate);
    throttler.maybe_throttle(int64_t{1} << 40);
    std::this_thread::sleep_for(std::chrono::milliseconds(310));
    throttler.maybe_throttle(int64_t{1} << 40);
    EXPECT_EQ(throttler.throttled_ms(), 0);
  }
}

TEST(IoThrottlerTest, AStopCutsTheSleepShort) {
  IoThrottler throttler(1'000);  // 1 KB/s: 1 MB would mean a long sleep
  std::atomic<bool> stop{true};
  throttler.maybe_throttle(1'000'000, &stop);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto start = std::chrono::steady_clock::now();
  throttler.maybe_throttle(1, &stop);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(200));
}

}  // namespace
}  // namespace gregor::storage
