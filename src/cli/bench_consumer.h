// One benchmark consumer: a librdkafka consumer on the calling thread, assigned
// the given partitions at given offsets, counting records into a Meter (with
// end-to-end latency from the send time stamped by bench_producer) until its
// partitions are read to the end, a shared record target, a deadline or Ctrl-C.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>

#include "cli/bench_meter.h"
#include "cli/bench_options.h"
#include "cli/rdkafka_ptr.h"

namespace gregor::cli {

struct ConsumerPlan {
  const rd_kafka_topic_partition_list_t* assignment = nullptr;
  bool stop_at_end = false;                  // stop when every assigned partition hit its end
  bool measure_latency = false;              // e2e: latency from the stamped send time
  std::atomic<int64_t>* consumed = nullptr;  // shared count over all consumers
  int64_t target = 0;                        // stop when *consumed reaches it (0: never)
  std::function<bool()> done;                // extra stop condition, checked between polls
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
};

void run_bench_consumer(const BenchOptions& options, const ConsumerPlan& plan, Meter& meter);

}  // namespace gregor::cli
