#include "cli/bench_report.h"

#include <unistd.h>

#include "cli/bench_summary.h"
#include "cli/output.h"

namespace gregor::cli {
namespace {

constexpr const char* kCsvHeader =
    "second,records,records_per_second,mb_per_second,p50_ms,p90_ms,p99_ms,p999_ms,max_ms,errors\n";

}  // namespace

BenchReporter::BenchReporter(const BenchOptions& options, Meter& meter, std::string kind,
                             bool has_latency)
    : options_(options),
      meter_(meter),
      kind_(std::move(kind)),
      has_latency_(has_latency),
      progress_(isatty(STDERR_FILENO) == 1) {
  if (!options.csv.empty()) {
    csv_ = std::fopen(options.csv.c_str(), "w");
    if (csv_ == nullptr) usage_error("--csv: cannot write " + options.csv);
    std::fputs(kCsvHeader, csv_);
  }
}

BenchReporter::~BenchReporter() {
  if (ticker_.joinable()) {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    wake_.notify_all();
    ticker_.join();
  }
  if (csv_ != nullptr) std::fclose(csv_);
}

void BenchReporter::start() {
  start_ = std::chrono::steady_clock::now();
  ticker_ = std::thread([this] { run(); });
}

void BenchReporter::run() {
  auto last = start_;
  for (int64_t second = 1;; ++second) {
    auto due = start_ + std::chrono::seconds(second);
    std::unique_lock lock(mu_);
    if (wake_.wait_until(lock, due, [this] { return stopping_; })) return;
    lock.unlock();
    auto now = std::chrono::steady_clock::now();
    tick(second, now - last);
    last = now;
  }
}

void BenchReporter::tick(int64_t second, std::chrono::duration<double> span) {
  LatencyHistogram latencies;
  MeterTotals interval = meter_.take_interval(latencies);
  double seconds = span.count();
  double rate = static_cast<double>(interval.records) / seconds;
  double mb = static_cast<double>(interval.bytes) / 1e6 / seconds;
  if (progress_) {
    std::string line = "\r\033[K" + std::to_string(second) + "s  " +
                       with_thousands(static_cast<int64_t>(rate)) + " rec/s  " +
                       std::to_string(static_cast<int64_t>(mb)) + " MB/s";
    if (has_latency_ && latencies.count() > 0) {
      line += "  p50 " + ms_text(latencies.percentile(0.5)) + " ms  p99 " +
              ms_text(latencies.percentile(0.99)) + " ms";
    }
    line += "  total " + with_thousands(meter_.totals().records);
    std::fputs(line.c_str(), stderr);
    std::fflush(stderr);
  }
  if (csv_ != nullptr) {
    std::fprintf(
        csv_, "%lld,%lld,%.1f,%.3f,%s,%s,%s,%s,%s,%lld\n", static_cast<long long>(second),
        static_cast<long long>(interval.records), rate, mb,
        ms_text(latencies.percentile(0.5)).c_str(), ms_text(latencies.percentile(0.9)).c_str(),
        ms_text(latencies.percentile(0.99)).c_str(), ms_text(latencies.percentile(0.999)).c_str(),
        ms_text(latencies.max()).c_str(), static_cast<long long>(interval.errors));
    std::fflush(csv_);
  }
}

void BenchReporter::finish() {
  std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start_;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (ticker_.joinable()) ticker_.join();
  if (progress_) std::fputs("\r\033[K", stderr);
  LatencyHistogram latencies = meter_.total_latencies();
  BenchResult result{kind_, meter_.totals(), elapsed.count(), has_latency_ ? &latencies : nullptr};
  if (options_.json || options_.client.output() == OutputFormat::kJson) {
    print_json(bench_json(result, options_));
  } else {
    print_text(bench_text(result));
  }
}

}  // namespace gregor::cli
