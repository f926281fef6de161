// What a benchmark measures while it runs. Workers count into a private
// MeterBuffer and hand it to the shared Meter every ~100 ms, so the hot path
// takes no lock; the reporter takes one Interval per second from the Meter.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>

#include "cli/histogram.h"

namespace gregor::cli {

struct MeterTotals {
  int64_t records = 0;
  int64_t bytes = 0;
  int64_t errors = 0;
};

// Thread-safe: any worker adds, the reporter takes intervals.
class Meter {
 public:
  void add(const MeterTotals& counts, const LatencyHistogram& latencies);

  // The counts and latencies since the previous call (latencies swapped into
  // interval_latencies) and the running totals.
  MeterTotals take_interval(LatencyHistogram& interval_latencies);
  MeterTotals totals() const;
  LatencyHistogram total_latencies() const;

 private:
  mutable std::mutex mu_;
  MeterTotals interval_;
  MeterTotals total_;
  LatencyHistogram interval_latencies_;
  LatencyHistogram total_latencies_;
};

// One worker's counts since its last flush. Used by one thread.
class MeterBuffer {
 public:
  explicit MeterBuffer(Meter& meter) : meter_(meter) {}
  ~MeterBuffer() { flush(); }

  void record(int64_t bytes, int64_t latency_us = -1) {
    ++counts_.records;
    counts_.bytes += bytes;
    if (latency_us >= 0) latencies_.record(latency_us);
  }
  void error() { ++counts_.errors; }

  // Hands the counts to the meter when 100 ms passed since the last flush.
  void maybe_flush();
  void flush();

 private:
  Meter& meter_;
  MeterTotals counts_;
  LatencyHistogram latencies_;
  std::chrono::steady_clock::time_point last_flush_ = std::chrono::steady_clock::now();
};

}  // namespace gregor::cli
