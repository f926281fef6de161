// gregor bench produce|consume|e2e: throughput and latency of a cluster,
// measured with librdkafka clients (see bench_producer.h, bench_consumer.h).
#include <CLI/CLI.hpp>

#include "cli/bench_consumer.h"
#include "cli/bench_producer.h"
#include "cli/bench_report.h"
#include "cli/commands.h"
#include "cli/metadata.h"
#include "cli/stop_signal.h"

namespace gregor::cli {
namespace {

void bench_produce(const BenchOptions& o) {
  ensure_bench_topic(o);
  watch_stop_signals();
  Meter meter;
  BenchReporter reporter(o, meter, "produce", true);
  ProducerPlan plan;
  plan.deadline = o.count > 0 ? std::chrono::steady_clock::time_point::max() : o.deadline("10s");
  plan.rate = o.rate / o.producers;
  reporter.start();
  run_in_threads(o.producers, [&](int i) {
    ProducerPlan mine = plan;
    // The first producers take one record more when the count does not divide.
    mine.count = o.count == 0 ? 0 : o.count / o.producers + (i < o.count % o.producers ? 1 : 0);
    if (o.count == 0 || mine.count > 0) run_bench_producer(o, mine, meter);
  });
  reporter.finish();
}

struct Assignment {
  PartitionListPtr partitions = new_partition_list(4);
  int64_t records = 0;  // between the start offsets and the high watermarks
};

// Splits every partition of the topic round-robin over n consumers; each
// starts at the log start offset (from_end: at the high watermark).
std::vector<Assignment> split_partitions(const BenchOptions& o, int n, bool from_end) {
  Client client(o.client, RD_KAFKA_PRODUCER);
  ClusterMetadata md = fetch_metadata(client);
  const TopicMetadata& topic = md.topic(o.topic);
  std::vector<Assignment> out(static_cast<size_t>(n));
  for (size_t i = 0; i < topic.partitions.size(); ++i) {
    int partition = topic.partitions[i].id;
    Watermarks w = query_watermarks(client, o.topic, partition);
    Assignment& a = out[i % out.size()];
    rd_kafka_topic_partition_list_add(a.partitions.get(), o.topic.c_str(), partition)->offset =
        from_end ? w.high : w.low;
    a.records += from_end ? 0 : w.high - w.low;
  }
  return out;
}

void bench_consume(const BenchOptions& o) {
  auto assignments = split_partitions(o, o.consumers, false);
  int64_t available = 0;
  for (const auto& a : assignments) available += a.records;
  if (available == 0)
    fail("topic " + o.topic + " is empty: fill it with gregor bench produce first");
  watch_stop_signals();
  Meter meter;
  std::atomic<int64_t> consumed{0};
  BenchReporter reporter(o, meter, "consume", false);
  auto deadline = o.deadline("");
  reporter.start();
  run_in_threads(o.consumers, [&](int i) {
    const Assignment& a = assignments[static_cast<size_t>(i)];
    if (a.partitions->cnt == 0) return;
    ConsumerPlan plan;
    plan.assignment = a.partitions.get();
    plan.stop_at_end = o.count == 0;
    plan.consumed = &consumed;
    plan.target = o.count;
    plan.deadline = deadline;
    run_bench_consumer(o, plan, meter);
  });
  reporter.finish();
}

void bench_e2e(const BenchOptions& options) {
  BenchOptions o = options;
  if (o.rate == 0) o.rate = 1000;  // latency at a moderate rate, not at saturation
  ensure_bench_topic(o);
  auto assignments = split_partitions(o, 1, true);
  watch_stop_signals();
  Meter consumed_meter;
  Meter produced_meter;
  std::atomic<int64_t> consumed{0};
  std::atomic<bool> producer_done{false};
  BenchReporter reporter(o, consumed_meter, "e2e", true);
  ProducerPlan produce;
  produce.count = o.count;
  produce.deadline = o.count > 0 ? std::chrono::steady_clock::time_point::max() : o.deadline("10s");
  produce.rate = o.rate;
  reporter.start();
  run_in_threads(2, [&](int i) {
    if (i == 0) {
      run_bench_producer(o, produce, produced_meter);
      producer_done = true;
      return;
    }
    ConsumerPlan plan;
    plan.assignment = assignments[0].partitions.get();
    plan.measure_latency = true;
    plan.consumed = &consumed;
    // Once the producer is done, wait for what it wrote, at most 5 s more.
    auto grace = std::make_shared<std::chrono::steady_clock::time_point>();
    plan.done = [&, grace] {
      if (!producer_done) return false;
      auto now = std::chrono::steady_clock::now();
      if (*grace == std::chrono::steady_clock::time_point()) *grace = now + std::chrono::seconds(5);
      return consumed.load() >= produced_meter.totals().records || now >= *grace;
    };
    run_bench_consumer(o, plan, consumed_meter);
  });
  reporter.finish();
  int64_t lost = produced_meter.totals().records - consumed.load();
  if (lost > 0) fail(std::to_string(lost) + " acknowledged record(s) were not consumed within 5 s");
  if (produced_meter.totals().errors > 0) {
    fail(std::to_string(produced_meter.totals().errors) + " record(s) could not be produced");
  }
}

CLI::App* add_bench(CLI::App* bench, CommandSet& commands, const char* name, const char* about,
                    BenchKind kind, void (*body)(const BenchOptions&)) {
  auto& options = commands.hold<BenchOptions>();
  auto* cmd = bench->add_subcommand(name, about);
  add_bench_options(cmd, options, kind);
  commands.bind(cmd, [&options, body] { body(options); });
  return cmd;
}

}  // namespace

void add_bench_commands(CLI::App& app, CommandSet& commands) {
  auto* bench = app.add_subcommand("bench", "Measure throughput and latency of a cluster");
  bench->require_subcommand(1);
  add_bench(bench, commands, "produce", "Produce as fast as allowed; delivery latency percentiles",
            BenchKind::kProduce, &bench_produce)
      ->footer(
          "Examples:\n  gregor bench produce -s 100 -d 10s\n"
          "  gregor bench produce -s 1KiB -n 1000000 --acks 1 --producers 2 -p 4\n"
          "  gregor bench produce --rate 50000 --csv per-second.csv --json");
  add_bench(bench, commands, "consume", "Read a topic from its start; throughput",
            BenchKind::kConsume, &bench_consume)
      ->footer(
          "Examples:\n  gregor bench consume\n  gregor bench consume -t gregor-bench --consumers 2 "
          "-n 500000");
  add_bench(bench, commands, "e2e", "Produce at a rate and consume; end-to-end latency percentiles",
            BenchKind::kEndToEnd, &bench_e2e)
      ->footer(
          "Examples:\n  gregor bench e2e --rate 1000 -d 30s\n  gregor bench e2e -s 1KiB --acks 1 "
          "--json");
}

}  // namespace gregor::cli
