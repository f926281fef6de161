#include "cli/bench_meter.h"

namespace gregor::cli {
namespace {

void accumulate(MeterTotals& into, const MeterTotals& from) {
  into.records += from.records;
  into.bytes += from.bytes;
  into.errors += from.errors;
}

}  // namespace

void Meter::add(const MeterTotals& counts, const LatencyHistogram& latencies) {
  std::lock_guard lock(mu_);
  accumulate(interval_, counts);
  accumulate(total_, counts);
  if (latencies.count() > 0) {
    interval_latencies_.merge(latencies);
    total_latencies_.merge(latencies);
  }
}

MeterTotals Meter::take_interval(LatencyHistogram& interval_latencies) {
  interval_latencies.reset();
  std::lock_guard lock(mu_);
  std::swap(interval_latencies, interval_latencies_);
  MeterTotals out = interval_;
  interval_ = {};
  return out;
}

MeterTotals Meter::totals() const {
  std::lock_guard lock(mu_);
  return total_;
}

LatencyHistogram Meter::total_latencies() const {
  std::lock_guard lock(mu_);
  return total_latencies_;
}

void MeterBuffer::maybe_flush() {
  auto now = std::chrono::steady_clock::now();
  if (now - last_flush_ < std::chrono::milliseconds(100)) return;
  last_flush_ = now;
  flush();
}

void MeterBuffer::flush() {
  if (counts_.records == 0 && counts_.errors == 0) return;
  meter_.add(counts_, latencies_);
  counts_ = {};
  latencies_.reset();
}

}  // namespace gregor::cli
