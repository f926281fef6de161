// gregor consume TOPIC...: prints records with a kcat-style format string or as
// JSON lines, from -o start|end|N|+N|-N|@TIMESTAMP, by plain assignment or in a
// group (-g), until -n records, the end of every partition (-e), or Ctrl-C.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <set>

#include "cli/commands.h"
#include "cli/consume_start.h"
#include "cli/metadata.h"
#include "cli/record_format.h"
#include "cli/stop_signal.h"

namespace gregor::cli {
namespace {

struct ConsumeArgs {
  ClientOptions client;
  std::vector<std::string> topics;
  std::string offset = "start";
  int64_t count = 0;
  std::string group;
  std::vector<int> partitions;
  std::string format = "%v\\n";
  bool exit_at_end = false;
};

// Prints one record in the chosen format.
class RecordPrinter {
 public:
  explicit RecordPrinter(const std::string& format)
      : json_(format == "json"),
        format_(RecordFormat::parse(json_              ? ""
                                    : format == "text" ? "%v\\n"
                                                       : format)) {}

  void print(const rd_kafka_message_t* m) {
    RecordView view = view_of(m);
    line_.clear();
    if (json_) {
      line_ = record_json(view).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      line_ += '\n';
    } else {
      format_.render(view, line_);
    }
    std::fwrite(line_.data(), 1, line_.size(), stdout);
    std::fflush(stdout);
  }

 private:
  static RecordView view_of(const rd_kafka_message_t* m) {
    RecordView v;
    v.topic = rd_kafka_topic_name(m->rkt);
    v.partition = m->partition;
    v.offset = m->offset;
    v.timestamp_ms = rd_kafka_message_timestamp(m, nullptr);
    if (m->key) v.key = std::string_view(static_cast<const char*>(m->key), m->key_len);
    if (m->payload) v.value = std::string_view(static_cast<const char*>(m->payload), m->len);
    rd_kafka_headers_t* headers = nullptr;
    if (rd_kafka_message_headers(m, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      const char* name;
      const void* value;
      size_t size;
      for (size_t i = 0;
           rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
           ++i) {
        std::optional<std::string_view> data;
        if (value) data = std::string_view(static_cast<const char*>(value), size);
        v.headers.emplace_back(name, data);
      }
    }
    return v;
  }

  bool json_;
  RecordFormat format_;
  std::string line_;
};

Properties consumer_defaults(const ConsumeArgs& args, const OffsetSpec& spec) {
  Properties p = {{"enable.partition.eof", "true"}};
  if (args.group.empty()) {
    p.insert(p.end(), {{"group.id", "gregor-cli"}, {"enable.auto.commit", "false"}});
  } else {
    p.insert(p.end(),
             {{"group.id", args.group},
              {"auto.offset.reset", spec.kind == OffsetSpec::Kind::kEnd ? "latest" : "earliest"}});
  }
  return p;
}

// The partitions to read, checked against the cluster's metadata.
std::vector<TopicPartitions> targets(Client& consumer, const ConsumeArgs& args) {
  ClusterMetadata md = fetch_metadata(consumer);
  std::vector<TopicPartitions> out;
  for (const auto& name : args.topics) {
    const TopicMetadata& topic = md.topic(name);
    TopicPartitions t{name, {}};
    for (const auto& p : topic.partitions) {
      if (args.partitions.empty() ||
          std::count(args.partitions.begin(), args.partitions.end(), p.id)) {
        t.partitions.push_back(p.id);
      }
    }
    for (int p : args.partitions) {
      if (std::find(t.partitions.begin(), t.partitions.end(), p) == t.partitions.end()) {
        fail("topic " + name + " has no partition " + std::to_string(p));
      }
    }
    out.push_back(std::move(t));
  }
  return out;
}

void start(Client& consumer, const ConsumeArgs& args, const OffsetSpec& spec) {
  auto wanted = targets(consumer, args);
  if (args.group.empty()) {
    PartitionListPtr list = resolve_start_offsets(consumer, wanted, spec);
    consumer.check(rd_kafka_assign(consumer.get(), list.get()), "assign partitions");
    return;
  }
  PartitionListPtr list = new_partition_list(static_cast<int>(args.topics.size()));
  for (const auto& t : args.topics)
    rd_kafka_topic_partition_list_add(list.get(), t.c_str(), RD_KAFKA_PARTITION_UA);
  consumer.check(rd_kafka_subscribe(consumer.get(), list.get()), "subscribe");
}

size_t assigned_count(Client& consumer) {
  rd_kafka_topic_partition_list_t* raw = nullptr;
  if (rd_kafka_assignment(consumer.get(), &raw) != RD_KAFKA_RESP_ERR_NO_ERROR) return 0;
  PartitionListPtr list(raw);
  return static_cast<size_t>(list->cnt);
}

bool is_fatal(rd_kafka_resp_err_t err) {
  return err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC ||
         err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
         err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED ||
         err == RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED || err == RD_KAFKA_RESP_ERR__FATAL ||
         err == RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE ||
         err == RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE;
}

void consume(const ConsumeArgs& args) {
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  OffsetSpec spec = parse_offset_spec(args.offset, now_ms);
  if (!args.group.empty() && spec.kind != OffsetSpec::Kind::kStart &&
      spec.kind != OffsetSpec::Kind::kEnd) {
    usage_error(
        "with -g, -o may only be start or end (where to begin when the group has no committed "
        "offset)");
  }
  if (!args.group.empty() && !args.partitions.empty()) usage_error("-p and -g cannot be combined");
  RecordPrinter printer(args.format);
  Client consumer(args.client, RD_KAFKA_CONSUMER, consumer_defaults(args, spec));
  rd_kafka_poll_set_consumer(consumer.get());
  start(consumer, args, spec);
  watch_stop_signals();
  int64_t printed = 0;
  std::set<std::pair<std::string, int>> at_end;
  while (!stop_requested() && (args.count == 0 || printed < args.count)) {
    MessagePtr m(rd_kafka_consumer_poll(consumer.get(), 100));
    if (!m) continue;
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      at_end.emplace(rd_kafka_topic_name(m->rkt), m->partition);
      size_t assigned = assigned_count(consumer);
      if (args.exit_at_end && assigned > 0 && at_end.size() >= assigned) break;
      continue;
    }
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (is_fatal(m->err))
        throw consumer.error(m->err, "consume", rd_kafka_message_errstr(m.get()));
      continue;  // transient (a broker reconnecting): librdkafka retries
    }
    if (m->rkt) at_end.erase({rd_kafka_topic_name(m->rkt), m->partition});
    printer.print(m.get());
    ++printed;
  }
  rd_kafka_consumer_close(consumer.get());
}

}  // namespace

void add_consume_command(CLI::App& app, CommandSet& commands) {
  auto& args = commands.hold<ConsumeArgs>();
  auto* cmd = app.add_subcommand("consume", "Print records from topics");
  cmd->add_option("topics", args.topics, "Topics")->required();
  cmd->add_option("-o,--offset", args.offset, "start | end | N | +N | -N | @UNIX_MS | @-DURATION")
      ->capture_default_str();
  cmd->add_option("-n,--num", args.count, "Stop after COUNT records (0: no limit)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("-g,--group", args.group, "Consume in this consumer group (commits offsets)");
  cmd->add_option("-p,--partitions", args.partitions, "Only these partitions (repeatable)");
  cmd->add_option("-f,--format", args.format,
                  "json, text, or a format string: %t %p %o %T %k %K %v %V %h and \\n \\t")
      ->capture_default_str();
  cmd->add_flag("-e,--exit", args.exit_at_end,
                "Exit when every partition has been read to its end");
  add_client_options(cmd, args.client, false);
  cmd->footer(
      "Examples:\n  gregor consume demo -n 10\n"
      "  gregor consume demo -o end -f '%p/%o %k=%v\\n'\n"
      "  gregor consume demo -o @-1h -e -f json\n"
      "  gregor consume demo -g billing");
  commands.bind(cmd, [&args] { consume(args); });
}

}  // namespace gregor::cli
