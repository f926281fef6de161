// BenchReporter: once a second, takes the interval's figures from the Meter
// and shows them as a progress line (only when stderr is a terminal) and a CSV
// row (with --csv); at the end prints the summary as a table or JSON.
// start()/finish() are called by the benchmark's thread; the ticker runs on
// its own thread and touches only the Meter, the CSV file and stderr.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

#include "cli/bench_meter.h"
#include "cli/bench_options.h"

namespace gregor::cli {

struct BenchFigures {
  MeterTotals totals;
  double seconds = 0;
  LatencyHistogram latencies;
};

class BenchReporter {
 public:
  BenchReporter(const BenchOptions& options, Meter& meter, std::string kind, bool has_latency);
  ~BenchReporter();

  void start();
  // Stops the ticker and prints the summary for everything measured since start().
  void finish();

 private:
  void run();
  void tick(int64_t second, std::chrono::duration<double> span);

  const BenchOptions& options_;
  Meter& meter_;
  std::string kind_;
  bool has_latency_;
  bool progress_;
  std::FILE* csv_ = nullptr;
  std::chrono::steady_clock::time_point start_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread ticker_;
};

}  // namespace gregor::cli
