#include <gtest/gtest.h>

#include "cli/bench_meter.h"
#include "cli/bench_summary.h"
#include "cli/histogram.h"
#include "cli/rate_pacer.h"

namespace gregor::cli {
namespace {

TEST(LatencyHistogram, ExactBelow2048AndWithinAPermilleAbove) {
  LatencyHistogram h;
  for (int64_t v = 1; v <= 1000; ++v) h.record(v);
  EXPECT_EQ(h.count(), 1000);
  EXPECT_EQ(h.percentile(0.5), 500);
  EXPECT_EQ(h.percentile(0.99), 990);
  EXPECT_EQ(h.percentile(1.0), 1000);
  EXPECT_EQ(h.max(), 1000);

  LatencyHistogram big;
  for (int64_t v : {5'000, 123'456, 9'876'543}) big.record(v);
  EXPECT_NEAR(static_cast<double>(big.percentile(0.33)), 5'000, 5);
  EXPECT_NEAR(static_cast<double>(big.percentile(0.5)), 123'456, 123);
  EXPECT_EQ(big.percentile(1.0), 9'876'543);  // capped at the recorded max
}

TEST(LatencyHistogram, MergeAndReset) {
  LatencyHistogram a, b;
  a.record(10);
  b.record(20);
  b.record(30);
  a.merge(b);
  EXPECT_EQ(a.count(), 3);
  EXPECT_EQ(a.percentile(0.5), 20);
  EXPECT_EQ(a.max(), 30);
  a.reset();
  EXPECT_EQ(a.count(), 0);
  EXPECT_EQ(a.percentile(0.5), 0);
}

TEST(Meter, IntervalsAndTotals) {
  Meter meter;
  {
    MeterBuffer buffer(meter);
    buffer.record(100, 5);
    buffer.record(100, 7);
    buffer.error();
  }  // flushed on destruction
  LatencyHistogram interval;
  MeterTotals first = meter.take_interval(interval);
  EXPECT_EQ(first.records, 2);
  EXPECT_EQ(first.bytes, 200);
  EXPECT_EQ(first.errors, 1);
  EXPECT_EQ(interval.count(), 2);
  EXPECT_EQ(meter.take_interval(interval).records, 0);
  EXPECT_EQ(interval.count(), 0);
  EXPECT_EQ(meter.totals().records, 2);
  EXPECT_EQ(meter.total_latencies().max(), 7);
}

TEST(BenchSummary, JsonAndText) {
  LatencyHistogram latencies;
  latencies.record(1500);
  BenchResult result{"produce", {1000, 100'000, 0}, 2.0, &latencies};
  BenchOptions options;
  auto j = bench_json(result, options);
  EXPECT_EQ(j["records"], 1000);
  EXPECT_DOUBLE_EQ(j["records_per_second"].get<double>(), 500.0);
  EXPECT_DOUBLE_EQ(j["mb_per_second"].get<double>(), 0.05);
  EXPECT_DOUBLE_EQ(j["latency_ms"]["p99"].get<double>(), 1.5);
  std::string text = bench_text(result);
  EXPECT_NE(text.find("RECORDS/S"), std::string::npos);
  EXPECT_NE(text.find("1.500"), std::string::npos);
  result.latencies = nullptr;
  EXPECT_FALSE(bench_json(result, options).contains("latency_ms"));
}

TEST(BenchSummary, Thousands) {
  EXPECT_EQ(with_thousands(0), "0");
  EXPECT_EQ(with_thousands(999), "999");
  EXPECT_EQ(with_thousands(1234567), "1,234,567");
  EXPECT_EQ(with_thousands(-1000), "-1,000");
  EXPECT_EQ(ms_text(1234), "1.234");
}

TEST(RatePacer, SpacesEventsEvenly) {
  auto start = RatePacer::Clock::now();
  RatePacer pacer(1000, start);
  EXPECT_EQ(pacer.due(0), start);
  EXPECT_EQ(pacer.due(1000) - start, std::chrono::seconds(1));
  EXPECT_EQ(pacer.due(500) - start, std::chrono::milliseconds(500));
}

}  // namespace
}  // namespace gregor::cli
