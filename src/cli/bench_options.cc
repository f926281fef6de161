#include "cli/bench_options.h"

#include <CLI/CLI.hpp>
#include <exception>
#include <thread>

#include "cli/admin.h"
#include "cli/metadata.h"
#include "cli/producer.h"
#include "cli/units.h"

namespace gregor::cli {

int64_t BenchOptions::record_bytes() const {
  int64_t size = parse_size_bytes(record_size, "--record-size");
  if (size < 8)
    usage_error("--record-size: at least 8 bytes (the send time is stamped into each record)");
  return size;
}

std::chrono::steady_clock::time_point BenchOptions::deadline(const std::string& fallback) const {
  const std::string& text = duration.empty() ? fallback : duration;
  if (text.empty()) return std::chrono::steady_clock::time_point::max();
  return std::chrono::steady_clock::now() +
         std::chrono::milliseconds(parse_duration_ms(text, "--duration"));
}

Properties BenchOptions::producer_properties() const {
  Properties p = producer_defaults(acks, compression, false);
  if (!batch_size.empty()) p.emplace_back("batch.size", batch_size);
  if (!linger_ms.empty()) p.emplace_back("linger.ms", linger_ms);
  return p;
}

void add_bench_options(CLI::App* cmd, BenchOptions& o, BenchKind kind) {
  cmd->add_option("-t,--topic", o.topic, "Topic (created with --partitions if missing)")
      ->capture_default_str();
  cmd->add_option("-n,--count", o.count, "Records in total (0: run for --duration)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("-d,--duration", o.duration,
                  kind == BenchKind::kConsume
                      ? "Stop after this long: 30s, 1m, ... (default: no limit)"
                      : "How long to run when no --count: 10s, 1m, ... (default 10s)");
  cmd->add_option("-p,--partitions", o.partitions, "Partitions of a topic it creates")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  if (kind != BenchKind::kConsume) {
    cmd->add_option("-s,--record-size", o.record_size, "Value size: 100, 1KiB, ...")
        ->capture_default_str();
    cmd->add_option("--rate", o.rate, "Records per second over all producers (0: unlimited)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--acks", o.acks, "all (-1), 1 or 0")
        ->check(CLI::IsMember({"all", "-1", "0", "1"}))
        ->capture_default_str();
    cmd->add_option("-z,--compression", o.compression, "none, gzip, snappy, lz4, zstd")
        ->check(CLI::IsMember({"none", "gzip", "snappy", "lz4", "zstd"}))
        ->capture_default_str();
    cmd->add_option("--batch-size", o.batch_size, "Producer batch.size in bytes");
    cmd->add_option("--linger-ms", o.linger_ms, "Producer linger.ms");
  }
  if (kind == BenchKind::kProduce) {
    cmd->add_option("--producers", o.producers, "Producer clients, one thread each")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
  }
  if (kind == BenchKind::kConsume) {
    cmd->add_option("--consumers", o.consumers,
                    "Consumer clients, one thread each, partitions split among them")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
  }
  cmd->add_flag("--json", o.json, "Print the summary as JSON (same as --format json)");
  cmd->add_option("--csv", o.csv, "Write per-second figures to this CSV file");
  add_client_options(cmd, o.client);
}

void ensure_bench_topic(const BenchOptions& options) {
  Admin admin(options.client);
  if (fetch_metadata(admin.client()).find_topic(options.topic) != nullptr) return;
  char errstr[512];
  NewTopicPtr topic(
      rd_kafka_NewTopic_new(options.topic.c_str(), options.partitions, -1, errstr, sizeof errstr));
  if (!topic) usage_error("--topic: " + std::string(errstr));
  rd_kafka_NewTopic_t* raw = topic.get();
  EventPtr event =
      admin.run(RD_KAFKA_ADMIN_OP_CREATETOPICS, "create topic " + options.topic,
                [raw](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* o,
                      rd_kafka_queue_t* q) mutable { rd_kafka_CreateTopics(rk, &raw, 1, o, q); });
  size_t n = 0;
  auto results =
      rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event.get()), &n);
  // Another client may have created it in between; that is as good.
  if (n == 1 && rd_kafka_topic_result_error(results[0]) == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
    return;
  check_topic_results(results, n, "create topic");
}

std::string bench_payload(int64_t size) {
  std::string payload(static_cast<size_t>(size), '\0');
  uint32_t state = 2463534242u;  // xorshift32: cheap text-like bytes
  for (auto& c : payload) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    c = static_cast<char>('a' + state % 26);
  }
  return payload;
}

int64_t steady_now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace gregor::cli

namespace gregor::cli {

void run_in_threads(int n, const std::function<void(int)>& body) {
  std::vector<std::exception_ptr> errors(static_cast<size_t>(n));
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&body, &errors, i] {
      try {
        body(i);
      } catch (...) {
        errors[static_cast<size_t>(i)] = std::current_exception();  // rethrown below
      }
    });
  }
  for (auto& t : threads) t.join();
  for (auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

}  // namespace gregor::cli
