// Time behind an interface so that timeouts, segment roll and retention can be
// tested with a controllable clock.
#pragma once

#include <chrono>
#include <cstdint>

namespace gregor {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock milliseconds since the Unix epoch (record timestamps).
  virtual int64_t now_ms() const = 0;
  // Monotonic milliseconds (timeouts, durations).
  virtual int64_t monotonic_ms() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t now_ms() const override {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  }
  int64_t monotonic_ms() const override {
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
  }
  static SystemClock& instance() {
    static SystemClock clock;
    return clock;
  }
};

// A clock that moves only when told to.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_ms = 1'700'000'000'000) : now_(start_ms), mono_(0) {}
  int64_t now_ms() const override { return now_; }
  int64_t monotonic_ms() const override { return mono_; }
  void advance(int64_t ms) {
    now_ += ms;
    mono_ += ms;
  }

 private:
  int64_t now_;
  int64_t mono_;
};

}  // namespace gregor
