// The end-of-run summary of a benchmark, as a table or JSON (pure; tested).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "cli/bench_meter.h"
#include "cli/bench_options.h"

namespace gregor::cli {

struct BenchResult {
  std::string kind;  // produce, consume, e2e
  MeterTotals totals;
  double seconds = 0;
  const LatencyHistogram* latencies = nullptr;  // nullptr: no latency measured
};

nlohmann::json bench_json(const BenchResult& result, const BenchOptions& options);
std::string bench_text(const BenchResult& result);

// "1234567" -> "1,234,567" (figures in progress lines and tables).
std::string with_thousands(int64_t value);
// Microseconds as milliseconds with three decimals ("1.234").
std::string ms_text(int64_t us);

}  // namespace gregor::cli
