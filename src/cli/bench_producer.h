// One benchmark producer: a librdkafka producer on the calling thread sending
// fixed-size records, each stamped with its send time, until a count, a
// deadline or Ctrl-C; delivery latency and acknowledged records go to a Meter.
#pragma once

#include <chrono>
#include <cstdint>

#include "cli/bench_meter.h"
#include "cli/bench_options.h"

namespace gregor::cli {

struct ProducerPlan {
  int64_t count = 0;  // 0: until the deadline
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  double rate = 0;  // records per second for this producer; 0: unlimited
};

void run_bench_producer(const BenchOptions& options, const ProducerPlan& plan, Meter& meter);

}  // namespace gregor::cli
