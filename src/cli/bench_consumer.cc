#include "cli/bench_consumer.h"

#include <cstring>

#include "cli/stop_signal.h"

namespace gregor::cli {
namespace {

bool should_stop(const ConsumerPlan& plan) {
  if (stop_requested() || std::chrono::steady_clock::now() >= plan.deadline) return true;
  if (plan.target > 0 && plan.consumed->load(std::memory_order_relaxed) >= plan.target) return true;
  return plan.done && plan.done();
}

}  // namespace

void run_bench_consumer(const BenchOptions& options, const ConsumerPlan& plan, Meter& meter) {
  MeterBuffer buffer(meter);
  Client consumer(options.client, RD_KAFKA_CONSUMER,
                  {{"group.id", "gregor-bench"},
                   {"enable.auto.commit", "false"},
                   {"enable.partition.eof", "true"}});
  rd_kafka_poll_set_consumer(consumer.get());
  consumer.check(rd_kafka_assign(consumer.get(), plan.assignment), "assign partitions");
  int at_end = 0;
  while (!should_stop(plan)) {
    MessagePtr m(rd_kafka_consumer_poll(consumer.get(), 100));
    buffer.maybe_flush();
    if (!m) continue;
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      if (plan.stop_at_end && ++at_end >= plan.assignment->cnt) break;
      continue;
    }
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      buffer.error();
      continue;
    }
    int64_t latency_us = -1;
    if (plan.measure_latency && m->len >= sizeof(int64_t)) {
      int64_t sent_us = 0;
      std::memcpy(&sent_us, m->payload, sizeof sent_us);
      latency_us = steady_now_us() - sent_us;
    }
    buffer.record(static_cast<int64_t>(m->len), latency_us);
    plan.consumed->fetch_add(1, std::memory_order_relaxed);
  }
  buffer.flush();
  rd_kafka_consumer_close(consumer.get());
}

}  // namespace gregor::cli
