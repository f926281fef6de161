// gregor produce TOPIC: one record per line (or per --delimiter) from stdin or
// --file, with an optional fixed key (-k) or a key split from each line
// (--key-delimiter), headers, partition, compression, acks, idempotence and a
// rate limit. Reports how many records were written and their offsets.
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <map>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/producer.h"
#include "cli/rate_pacer.h"
#include "cli/rdkafka_ptr.h"
#include "cli/table.h"

namespace gregor::cli {
namespace {

struct ProduceArgs {
  ClientOptions client;
  std::string topic;
  std::string key;
  bool has_key = false;
  std::string key_delimiter;
  std::vector<std::string> headers;
  int partition = RD_KAFKA_PARTITION_UA;
  std::string compression = "none";
  std::string acks = "all";
  bool idempotent = false;
  double rate = 0;
  std::string file;
  std::string delimiter = "\\n";
};

// Written offsets per partition and the first delivery error, filled by the
// delivery callback on the command's thread (inside rd_kafka_poll/flush).
struct DeliveryLog {
  struct Range {
    int64_t first = -1;
    int64_t last = -1;
    int64_t count = 0;
  };
  std::map<int, Range> partitions;
  int64_t failed = 0;
  rd_kafka_resp_err_t first_error = RD_KAFKA_RESP_ERR_NO_ERROR;
};

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void*) {
  auto* log = static_cast<DeliveryLog*>(m->_private);
  if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (log->failed++ == 0) log->first_error = m->err;
    return;
  }
  auto& range = log->partitions[m->partition];
  if (range.count++ == 0) range.first = m->offset;
  range.last = m->offset;
}

char parse_delimiter(const std::string& text) {
  if (text == "\\n") return '\n';
  if (text == "\\0") return '\0';
  if (text.size() != 1) usage_error("--delimiter: expected one character, \\n or \\0");
  return text[0];
}

HeadersPtr parse_headers(const std::vector<std::string>& texts) {
  if (texts.empty()) return nullptr;
  HeadersPtr headers(rd_kafka_headers_new(texts.size()));
  for (const auto& [key, value] : split_key_values(texts)) {
    rd_kafka_header_add(headers.get(), key.data(), static_cast<ssize_t>(key.size()), value.data(),
                        static_cast<ssize_t>(value.size()));
  }
  return headers;
}

void send_line(Client& producer, rd_kafka_topic_t* topic, const ProduceArgs& args,
               const std::string& line, const rd_kafka_headers_t* headers, DeliveryLog& log) {
  OutgoingRecord r;
  r.topic = topic;
  r.partition = args.partition;
  r.opaque = &log;
  std::string_view value = line;
  std::string_view key;
  if (!args.key_delimiter.empty()) {
    auto at = line.find(args.key_delimiter);
    if (at != std::string::npos) {
      key = std::string_view(line).substr(0, at);
      value = std::string_view(line).substr(at + args.key_delimiter.size());
      r.key = key.data();
      r.key_size = key.size();
    }
  } else if (args.has_key) {
    r.key = args.key.data();
    r.key_size = args.key.size();
  }
  r.value = value.data();
  r.value_size = value.size();
  HeadersPtr copy(headers ? rd_kafka_headers_copy(headers) : nullptr);
  r.headers = copy.get();
  send_record(producer, r);
  copy.release();  // librdkafka owns the headers once the record is enqueued
  rd_kafka_poll(producer.get(), 0);
}

void report(const ProduceArgs& args, const DeliveryLog& log) {
  int64_t total = 0;
  for (const auto& [p, range] : log.partitions) total += range.count;
  if (args.client.output() == OutputFormat::kJson) {
    nlohmann::json partitions = nlohmann::json::array();
    for (const auto& [p, r] : log.partitions) {
      partitions.push_back({{"partition", p},
                            {"count", r.count},
                            {"first_offset", r.first},
                            {"last_offset", r.last}});
    }
    print_json({{"topic", args.topic}, {"records", total}, {"partitions", partitions}});
    return;
  }
  Table table({"partition", "records", "first-offset", "last-offset"});
  for (const auto& [p, r] : log.partitions) {
    table.add_row({std::to_string(p), std::to_string(r.count), std::to_string(r.first),
                   std::to_string(r.last)});
  }
  print_text("Produced " + std::to_string(total) + " record(s) to " + args.topic + "\n" +
             table.render());
}

void produce(ProduceArgs& args) {
  const char delimiter = parse_delimiter(args.delimiter);
  Properties defaults = producer_defaults(args.acks, args.compression, args.idempotent);
  defaults.emplace_back("message.timeout.ms", std::to_string(args.client.timeout_ms()));
  Client producer(args.client, RD_KAFKA_PRODUCER, defaults, &on_delivery);
  HeadersPtr headers = parse_headers(args.headers);
  TopicPtr topic = topic_handle(producer, args.topic);
  std::ifstream file;
  if (!args.file.empty()) {
    file.open(args.file, std::ios::binary);
    if (!file) usage_error("cannot open " + args.file);
  }
  std::istream& in = args.file.empty() ? std::cin : file;
  DeliveryLog log;
  RatePacer pacer(args.rate);
  std::string line;
  while (std::getline(in, line, delimiter)) {
    pacer.wait();
    send_line(producer, topic.get(), args, line, headers.get(), log);
  }
  flush_producer(producer, args.client.timeout_ms() + 5000);
  if (log.failed > 0) {
    throw producer.error(log.first_error,
                         std::to_string(log.failed) + " record(s) not produced to " + args.topic);
  }
  report(args, log);
}

}  // namespace

void add_produce_command(CLI::App& app, CommandSet& commands) {
  auto& args = commands.hold<ProduceArgs>();
  auto* cmd = app.add_subcommand("produce", "Write records from stdin or a file, one per line");
  cmd->add_option("topic", args.topic, "Topic")->required();
  cmd->add_option("-k,--key", args.key, "Key for every record")->each([&args](const std::string&) {
    args.has_key = true;
  });
  cmd->add_option("-K,--key-delimiter", args.key_delimiter,
                  "Split each line at the first DELIM into key and value (kcat's -K)");
  cmd->add_option("-H,--header", args.headers, "Header key=value for every record (repeatable)");
  cmd->add_option("-p,--partition", args.partition, "Partition (default: by key, else spread)");
  cmd->add_option("-z,--compression", args.compression, "Compression codec")
      ->check(CLI::IsMember({"none", "gzip", "snappy", "lz4", "zstd"}))
      ->capture_default_str();
  cmd->add_option("--acks", args.acks, "Acknowledgements: all (-1), 1 or 0")
      ->check(CLI::IsMember({"all", "-1", "0", "1"}))
      ->capture_default_str();
  cmd->add_flag("--idempotent", args.idempotent, "Enable the idempotent producer");
  cmd->add_option("--rate", args.rate, "Records per second (0: unlimited)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("-f,--file", args.file, "Read records from FILE instead of stdin");
  cmd->add_option("--delimiter", args.delimiter, "Record delimiter: one character, \\n or \\0")
      ->capture_default_str();
  add_client_options(cmd, args.client);
  cmd->footer(
      "Examples:\n  echo hello | gregor produce demo\n"
      "  printf 'k1:v1\\nk2:v2\\n' | gregor produce demo -K :\n"
      "  gregor produce demo -k user-7 -H source=cli -z zstd -f records.txt\n"
      "  seq 1000 | gregor produce demo --rate 100 --format json");
  commands.bind(cmd, [&args] { produce(args); });
}

}  // namespace gregor::cli
