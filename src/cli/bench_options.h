// Options shared by `gregor bench produce|consume|e2e`, and the pieces every
// benchmark needs: the topic, the record payload, the time limits.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "cli/client.h"

namespace CLI {
class App;
}

namespace gregor::cli {

struct BenchOptions {
  ClientOptions client;
  std::string topic = "gregor-bench";
  std::string record_size = "100";
  int64_t count = 0;     // 0: run for the duration
  std::string duration;  // default: 10s for produce and e2e, no limit for consume
  double rate = 0;       // records per second over all producers; 0: unlimited
  int partitions = 1;
  int producers = 1;
  int consumers = 1;
  std::string acks = "all";
  std::string compression = "none";
  std::string batch_size;  // librdkafka's batch.size, when given
  std::string linger_ms;   // librdkafka's linger.ms, when given
  bool json = false;
  std::string csv;

  int64_t record_bytes() const;
  // When the run must end: now + --duration (or fallback when not given), or
  // time_point::max() for no limit.
  std::chrono::steady_clock::time_point deadline(const std::string& fallback) const;
  Properties producer_properties() const;
};

enum class BenchKind { kProduce, kConsume, kEndToEnd };

void add_bench_options(CLI::App* cmd, BenchOptions& options, BenchKind kind);

// Creates the topic with options.partitions partitions unless it exists.
void ensure_bench_topic(const BenchOptions& options);

// A payload of `size` bytes that compresses like typical data (not zeros).
std::string bench_payload(int64_t size);

// Runs body(0..n-1) on n threads and waits for all; rethrows the first
// exception a thread threw.
void run_in_threads(int n, const std::function<void(int)>& body);

// Microseconds on the steady clock, stamped into payloads for latency.
int64_t steady_now_us();

}  // namespace gregor::cli
