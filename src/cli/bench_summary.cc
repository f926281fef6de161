#include "cli/bench_summary.h"

#include <cmath>
#include <cstdio>

#include "cli/table.h"

namespace gregor::cli {
namespace {

constexpr double kMB = 1e6;

struct Quantile {
  const char* name;
  double q;
};
constexpr Quantile kQuantiles[] = {{"p50", 0.5}, {"p90", 0.9}, {"p99", 0.99}, {"p99.9", 0.999}};

double per_second(double amount, double seconds) {
  return seconds > 0 ? amount / seconds : 0;
}

std::string fixed(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

}  // namespace

std::string with_thousands(int64_t value) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return value < 0 ? "-" + out : out;
}

std::string ms_text(int64_t us) {
  return fixed(static_cast<double>(us) / 1000.0, 3);
}

nlohmann::json bench_json(const BenchResult& r, const BenchOptions& o) {
  nlohmann::json out = {
      {"bench", r.kind},
      {"topic", o.topic},
      {"records", r.totals.records},
      {"bytes", r.totals.bytes},
      {"errors", r.totals.errors},
      {"seconds", r.seconds},
      {"records_per_second", per_second(static_cast<double>(r.totals.records), r.seconds)},
      {"mb_per_second", per_second(static_cast<double>(r.totals.bytes) / kMB, r.seconds)},
  };
  if (r.latencies != nullptr) {
    nlohmann::json latency;
    for (const auto& [name, q] : kQuantiles)
      latency[name] = static_cast<double>(r.latencies->percentile(q)) / 1000.0;
    latency["max"] = static_cast<double>(r.latencies->max()) / 1000.0;
    out["latency_ms"] = latency;
  }
  return out;
}

std::string bench_text(const BenchResult& r) {
  std::vector<std::string> headers = {"bench", "records", "seconds", "records/s", "MB/s", "errors"};
  std::vector<std::string> row = {
      r.kind,
      with_thousands(r.totals.records),
      fixed(r.seconds, 2),
      with_thousands(std::llround(per_second(static_cast<double>(r.totals.records), r.seconds))),
      fixed(per_second(static_cast<double>(r.totals.bytes) / kMB, r.seconds), 2),
      with_thousands(r.totals.errors)};
  if (r.latencies != nullptr) {
    for (const auto& [name, q] : kQuantiles) {
      headers.push_back(std::string(name) + " ms");
      row.push_back(ms_text(r.latencies->percentile(q)));
    }
    headers.push_back("max ms");
    row.push_back(ms_text(r.latencies->max()));
  }
  Table table(headers);
  table.add_row(row);
  return table.render();
}

}  // namespace gregor::cli
