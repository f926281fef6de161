// gregor topic create|list|delete|add-partitions|alter-config (describe is in
// topic_describe.cc, trim-prefix in topic_trim.cc).
#include <CLI/CLI.hpp>

#include "cli/admin.h"
#include "cli/commands.h"
#include "cli/configs.h"
#include "cli/metadata.h"
#include "cli/output.h"
#include "cli/table.h"

namespace gregor::cli {

void add_topic_describe_command(CLI::App* topic, CommandSet& commands);
void add_topic_trim_command(CLI::App* topic, CommandSet& commands);

namespace {

using DeleteTopicPtr =
    std::unique_ptr<rd_kafka_DeleteTopic_t,
                    RdDeleter<rd_kafka_DeleteTopic_t, rd_kafka_DeleteTopic_destroy>>;
using NewPartitionsPtr =
    std::unique_ptr<rd_kafka_NewPartitions_t,
                    RdDeleter<rd_kafka_NewPartitions_t, rd_kafka_NewPartitions_destroy>>;

// Reports that each named topic was changed, as a table or a JSON list.
void report_topics(const ClientOptions& options, const std::vector<std::string>& topics,
                   const std::string& status) {
  if (options.output() == OutputFormat::kJson) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& t : topics) out.push_back({{"topic", t}, {"status", status}});
    print_json(out);
    return;
  }
  Table table({"topic", "status"});
  for (const auto& t : topics) table.add_row({t, status});
  print_text(table.render());
}

struct CreateArgs {
  ClientOptions client;
  std::vector<std::string> topics;
  int partitions = -1;
  int replicas = -1;
  std::vector<std::string> configs;
  bool dry_run = false;
};

void create_topics(const CreateArgs& args) {
  Admin admin(args.client);
  Properties configs = split_key_values(args.configs);
  std::vector<NewTopicPtr> owned;
  std::vector<rd_kafka_NewTopic_t*> raw;
  for (const auto& name : args.topics) {
    char errstr[512];
    NewTopicPtr t(
        rd_kafka_NewTopic_new(name.c_str(), args.partitions, args.replicas, errstr, sizeof errstr));
    if (!t) usage_error("topic " + name + ": " + errstr);
    for (const auto& [key, value] : configs) {
      admin.client().check(rd_kafka_NewTopic_set_config(t.get(), key.c_str(), value.c_str()),
                           "config " + key);
    }
    raw.push_back(t.get());
    owned.push_back(std::move(t));
  }
  EventPtr event = admin.run(
      RD_KAFKA_ADMIN_OP_CREATETOPICS, "create topics",
      [&raw](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
        rd_kafka_CreateTopics(rk, raw.data(), raw.size(), o, q);
      },
      args.dry_run);
  size_t n = 0;
  auto results =
      rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event.get()), &n);
  check_topic_results(results, n, "create topic");
  report_topics(args.client, args.topics, args.dry_run ? "valid (dry run)" : "created");
}

struct ListArgs {
  ClientOptions client;
  bool internal = false;
};

void list_topics(const ListArgs& args) {
  Client client(args.client, RD_KAFKA_PRODUCER);
  ClusterMetadata md = fetch_metadata(client);
  nlohmann::json out = nlohmann::json::array();
  Table table({"name", "partitions", "replicas"});
  for (const auto& t : md.topics) {
    if (!args.internal && t.name.rfind("__", 0) == 0) continue;
    size_t replicas = t.partitions.empty() ? 0 : t.partitions.front().replicas.size();
    out.push_back({{"name", t.name}, {"partitions", t.partitions.size()}, {"replicas", replicas}});
    table.add_row({t.name, std::to_string(t.partitions.size()), std::to_string(replicas)});
  }
  if (args.client.output() == OutputFormat::kJson) return print_json(out);
  print_text(table.render());
}

struct DeleteArgs {
  ClientOptions client;
  std::vector<std::string> topics;
};

void delete_topics(const DeleteArgs& args) {
  Admin admin(args.client);
  std::vector<DeleteTopicPtr> owned;
  std::vector<rd_kafka_DeleteTopic_t*> raw;
  for (const auto& name : args.topics) {
    owned.emplace_back(rd_kafka_DeleteTopic_new(name.c_str()));
    raw.push_back(owned.back().get());
  }
  EventPtr event =
      admin.run(RD_KAFKA_ADMIN_OP_DELETETOPICS, "delete topics",
                [&raw](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
                  rd_kafka_DeleteTopics(rk, raw.data(), raw.size(), o, q);
                });
  size_t n = 0;
  auto results =
      rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(event.get()), &n);
  check_topic_results(results, n, "delete topic");
  report_topics(args.client, args.topics, "deleted");
}

struct AddPartitionsArgs {
  ClientOptions client;
  std::vector<std::string> topics;
  int add = 0;
};

void add_partitions(const AddPartitionsArgs& args) {
  Admin admin(args.client);
  ClusterMetadata md = fetch_metadata(admin.client());
  std::vector<NewPartitionsPtr> owned;
  std::vector<rd_kafka_NewPartitions_t*> raw;
  for (const auto& name : args.topics) {
    size_t total = md.topic(name).partitions.size() + static_cast<size_t>(args.add);
    char errstr[512];
    NewPartitionsPtr p(rd_kafka_NewPartitions_new(name.c_str(), total, errstr, sizeof errstr));
    if (!p) usage_error("topic " + name + ": " + errstr);
    raw.push_back(p.get());
    owned.push_back(std::move(p));
  }
  EventPtr event =
      admin.run(RD_KAFKA_ADMIN_OP_CREATEPARTITIONS, "add partitions",
                [&raw](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
                  rd_kafka_CreatePartitions(rk, raw.data(), raw.size(), o, q);
                });
  size_t n = 0;
  auto results = rd_kafka_CreatePartitions_result_topics(
      rd_kafka_event_CreatePartitions_result(event.get()), &n);
  check_topic_results(results, n, "add partitions to");
  report_topics(args.client, args.topics, "added " + std::to_string(args.add) + " partition(s)");
}

struct AlterConfigArgs {
  ClientOptions client;
  std::vector<std::string> topics;
  std::vector<std::string> set;
  std::vector<std::string> remove;
};

void alter_topic_configs(const AlterConfigArgs& args) {
  if (args.set.empty() && args.remove.empty())
    usage_error("nothing to change: give --set or --delete");
  Admin admin(args.client);
  Properties set = split_key_values(args.set);
  for (const auto& topic : args.topics)
    alter_configs(admin, RD_KAFKA_RESOURCE_TOPIC, topic, set, args.remove);
  report_topics(args.client, args.topics, "altered");
}

void add_create(CLI::App* topic, CommandSet& commands) {
  auto& args = commands.hold<CreateArgs>();
  auto* cmd = topic->add_subcommand("create", "Create topics");
  cmd->add_option("topics", args.topics, "Topic names")->required();
  cmd->add_option("-p,--partitions", args.partitions, "Partitions per topic (-1: broker default)");
  cmd->add_option("-r,--replicas", args.replicas, "Replication factor (-1: broker default)");
  cmd->add_option("-c,--topic-config", args.configs, "Topic config key=value (repeatable)");
  cmd->add_flag("-d,--dry-run", args.dry_run, "Validate only, create nothing");
  add_client_options(cmd, args.client);
  cmd->footer(
      "Examples:\n  gregor topic create orders -p 3 -r 1\n"
      "  gregor topic create logs -c retention.ms=3600000 -c segment.bytes=104857600");
  commands.bind(cmd, [&args] { create_topics(args); });
}

void add_list(CLI::App* topic, CommandSet& commands) {
  auto& args = commands.hold<ListArgs>();
  auto* cmd = topic->add_subcommand("list", "List topics");
  cmd->alias("ls");
  cmd->add_flag("-i,--internal", args.internal, "Include internal topics (names starting with __)");
  add_client_options(cmd, args.client);
  cmd->footer("Examples:\n  gregor topic list\n  gregor topic list --format json");
  commands.bind(cmd, [&args] { list_topics(args); });
}

void add_delete(CLI::App* topic, CommandSet& commands) {
  auto& args = commands.hold<DeleteArgs>();
  auto* cmd = topic->add_subcommand("delete", "Delete topics");
  cmd->add_option("topics", args.topics, "Topic names")->required();
  add_client_options(cmd, args.client);
  cmd->footer("Examples:\n  gregor topic delete orders\n  gregor topic delete a b c");
  commands.bind(cmd, [&args] { delete_topics(args); });
}

void add_add_partitions(CLI::App* topic, CommandSet& commands) {
  auto& args = commands.hold<AddPartitionsArgs>();
  auto* cmd = topic->add_subcommand("add-partitions", "Add partitions to topics");
  cmd->add_option("topics", args.topics, "Topic names")->required();
  cmd->add_option("-n,--num", args.add, "Number of partitions to add")
      ->required()
      ->check(CLI::PositiveNumber);
  add_client_options(cmd, args.client);
  cmd->footer("Examples:\n  gregor topic add-partitions orders --num 3");
  commands.bind(cmd, [&args] { add_partitions(args); });
}

void add_alter_config(CLI::App* topic, CommandSet& commands) {
  auto& args = commands.hold<AlterConfigArgs>();
  auto* cmd = topic->add_subcommand("alter-config", "Set or remove topic config overrides");
  cmd->add_option("topics", args.topics, "Topic names")->required();
  cmd->add_option("-s,--set", args.set, "key=value to set (repeatable)");
  cmd->add_option("-d,--delete", args.remove, "Key whose override to remove (repeatable)");
  add_client_options(cmd, args.client);
  cmd->footer(
      "Examples:\n  gregor topic alter-config orders --set retention.ms=86400000\n"
      "  gregor topic alter-config orders --delete retention.ms");
  commands.bind(cmd, [&args] { alter_topic_configs(args); });
}

}  // namespace

void add_topic_commands(CLI::App& app, CommandSet& commands) {
  auto* topic = app.add_subcommand("topic", "Create, list, describe, delete and change topics");
  topic->require_subcommand(1);
  add_create(topic, commands);
  add_list(topic, commands);
  add_topic_describe_command(topic, commands);
  add_delete(topic, commands);
  add_add_partitions(topic, commands);
  add_alter_config(topic, commands);
  add_topic_trim_command(topic, commands);
}

}  // namespace gregor::cli
