#include "cli/bench_producer.h"

#include <cstring>

#include "cli/producer.h"
#include "cli/rate_pacer.h"
#include "cli/stop_signal.h"

namespace gregor::cli {
namespace {

// Delivery reports are served by rd_kafka_poll/flush on the producer's own
// thread, so the MeterBuffer needs no lock.
void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void*) {
  auto* buffer = static_cast<MeterBuffer*>(m->_private);
  if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    buffer->error();
    return;
  }
  int64_t sent_us = 0;
  std::memcpy(&sent_us, m->payload, sizeof sent_us);
  buffer->record(static_cast<int64_t>(m->len), steady_now_us() - sent_us);
}

// Serves delivery reports while waiting for the next send time, so that a
// report is timed when it arrives, not when the next record is due.
void wait_until(Client& producer, std::chrono::steady_clock::time_point due) {
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        due - std::chrono::steady_clock::now());
    if (left.count() <= 0) return;
    rd_kafka_poll(producer.get(), static_cast<int>(left.count()));
  }
}

}  // namespace

void run_bench_producer(const BenchOptions& options, const ProducerPlan& plan, Meter& meter) {
  MeterBuffer buffer(meter);
  Client producer(options.client, RD_KAFKA_PRODUCER, options.producer_properties(), &on_delivery);
  std::string payload = bench_payload(options.record_bytes());
  RatePacer pacer(plan.rate);
  OutgoingRecord record;
  TopicPtr topic = topic_handle(producer, options.topic);
  record.topic = topic.get();
  record.value = payload.data();
  record.value_size = payload.size();
  record.opaque = &buffer;
  for (int64_t i = 0; plan.count == 0 || i < plan.count; ++i) {
    if ((i & 63) == 0) {
      if (stop_requested() || std::chrono::steady_clock::now() >= plan.deadline) break;
      rd_kafka_poll(producer.get(), 0);
      buffer.maybe_flush();
    }
    if (plan.rate > 0) wait_until(producer, pacer.due(i));
    int64_t now_us = steady_now_us();
    std::memcpy(payload.data(), &now_us, sizeof now_us);
    send_record(producer, record);
  }
  flush_producer(producer, options.client.timeout_ms() + 30000);
  buffer.flush();
}

}  // namespace gregor::cli
