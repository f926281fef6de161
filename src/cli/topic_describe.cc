// gregor topic describe: partitions (leader, replicas, ISR, log start offset,
// high watermark, size of the leader's replica) and configs with their
// sources. Configs come from DescribeConfigs, sizes from DescribeLogDirs; when
// a broker cannot answer either (or -X asks for a secured listener, which the
// DescribeLogDirs connection cannot use) the partitions are still shown and
// the reason is given on stderr (and in "configs_error" / "sizes_error" in
// JSON).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <optional>

#include "cli/admin.h"
#include "cli/commands.h"
#include "cli/configs.h"
#include "cli/log_dirs.h"
#include "cli/metadata.h"
#include "cli/output.h"
#include "cli/table.h"
#include "cli/units.h"
#include "cli/wire_cluster.h"

namespace gregor::cli {
namespace {

struct DescribeArgs {
  ClientOptions client;
  std::string topic;
};

struct PartitionRow {
  PartitionMetadata meta;
  Watermarks offsets;
  std::optional<int64_t> size_bytes;  // the leader's replica
};

nlohmann::json optional_json(const std::optional<int64_t>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json();
}

// The sum of the partitions' sizes, if every partition has one.
std::optional<int64_t> total_size(const std::vector<PartitionRow>& rows) {
  int64_t total = 0;
  for (const auto& r : rows) {
    if (!r.size_bytes) return std::nullopt;
    total += *r.size_bytes;
  }
  return total;
}

std::string size_text(const std::optional<int64_t>& bytes) {
  return bytes ? format_bytes(*bytes) : "-";
}

// Fills each row's size from DescribeLogDirs; returns why not, or "".
std::string add_sizes(const ClientOptions& options, const ClusterMetadata& md,
                      const TopicMetadata& topic, std::vector<PartitionRow>& rows) {
  if (!plaintext_listeners(options))
    return "sizes need a PLAINTEXT listener (DescribeLogDirs is sent without TLS or SASL)";
  try {
    ReplicaSizes sizes = describe_replica_sizes(md, topic, options.timeout_ms());
    for (auto& r : rows) r.size_bytes = sizes.of(r.meta.leader, r.meta.id);
  } catch (const CommandError& e) {
    return e.what();
  }
  return "";
}

nlohmann::json partitions_json(const std::vector<PartitionRow>& rows) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : rows) {
    out.push_back({{"partition", r.meta.id},
                   {"leader", r.meta.leader},
                   {"replicas", r.meta.replicas},
                   {"isr", r.meta.isr},
                   {"log_start_offset", r.offsets.low},
                   {"high_watermark", r.offsets.high},
                   {"size_bytes", optional_json(r.size_bytes)}});
  }
  return out;
}

std::string partitions_text(const std::vector<PartitionRow>& rows) {
  Table table(
      {"partition", "leader", "replicas", "isr", "log-start-offset", "high-watermark", "size"});
  for (const auto& r : rows) {
    table.add_row({std::to_string(r.meta.id), std::to_string(r.meta.leader),
                   join_ints(r.meta.replicas), join_ints(r.meta.isr), std::to_string(r.offsets.low),
                   std::to_string(r.offsets.high), size_text(r.size_bytes)});
  }
  return table.render();
}

void describe_topic(const DescribeArgs& args) {
  Admin admin(args.client);
  ClusterMetadata md = fetch_metadata(admin.client());
  const TopicMetadata& topic = md.topic(args.topic);
  std::vector<PartitionRow> rows;
  for (const auto& p : topic.partitions) {
    rows.push_back({p, query_watermarks(admin.client(), topic.name, p.id), std::nullopt});
  }
  std::string sizes_error = add_sizes(args.client, md, topic, rows);
  std::vector<ConfigEntry> configs;
  std::string configs_error;
  try {
    configs = describe_configs(admin, RD_KAFKA_RESOURCE_TOPIC, topic.name);
  } catch (const CommandError& e) {
    // Partitions are useful without configs (brokers without DescribeConfigs).
    configs_error = e.what();
  }
  if (args.client.output() == OutputFormat::kJson) {
    nlohmann::json out = {{"name", topic.name},
                          {"size_bytes", optional_json(total_size(rows))},
                          {"partitions", partitions_json(rows)},
                          {"configs", to_json(configs)}};
    if (!configs_error.empty()) out["configs_error"] = configs_error;
    if (!sizes_error.empty()) out["sizes_error"] = sizes_error;
    print_json(out);
  } else {
    std::string text = "NAME        " + topic.name + "\nPARTITIONS  " +
                       std::to_string(rows.size()) + "\nREPLICAS    " +
                       std::to_string(rows.empty() ? 0 : rows.front().meta.replicas.size()) +
                       "\nSIZE        " + size_text(total_size(rows)) + "\n\nCONFIGS\n" +
                       (configs_error.empty() ? render_configs(configs) : "(unavailable)\n") +
                       "\nPARTITIONS\n" + partitions_text(rows);
    print_text(text);
  }
  if (!configs_error.empty())
    std::fprintf(stderr, "gregor: configs unavailable: %s\n", configs_error.c_str());
  if (!sizes_error.empty())
    std::fprintf(stderr, "gregor: sizes unavailable: %s\n", sizes_error.c_str());
}

}  // namespace

void add_topic_describe_command(CLI::App* topic, CommandSet& commands) {
  auto& args = commands.hold<DescribeArgs>();
  auto* cmd =
      topic->add_subcommand("describe", "Show a topic's partitions, offsets, sizes and configs");
  cmd->add_option("topic", args.topic, "Topic name")->required();
  add_client_options(cmd, args.client);
  cmd->footer(
      "Examples:\n  gregor topic describe orders\n  gregor topic describe orders --format json");
  commands.bind(cmd, [&args] { describe_topic(args); });
}

}  // namespace gregor::cli
