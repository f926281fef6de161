// gregor config get|set: broker configuration through DescribeConfigs and
// AlterConfigs (per broker with --broker ID, or the cluster-wide default with
// --cluster-default).
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/configs.h"
#include "cli/metadata.h"
#include "cli/output.h"

namespace gregor::cli {
namespace {

struct GetArgs {
  ClientOptions client;
  std::vector<std::string> keys;
  int broker = -1;
};

struct SetArgs {
  ClientOptions client;
  std::vector<std::string> settings;
  std::vector<std::string> remove;
  int broker = -1;
  bool cluster_default = false;
};

// The broker to ask: --broker, else the controller, else the first broker.
std::string broker_resource(Admin& admin, int broker) {
  if (broker >= 0) return std::to_string(broker);
  ClusterMetadata md = fetch_metadata(admin.client());
  if (md.controller_id >= 0) return std::to_string(md.controller_id);
  if (md.brokers.empty()) fail("the cluster reports no brokers");
  return std::to_string(md.brokers.front().id);
}

void get(const GetArgs& args) {
  Admin admin(args.client);
  auto entries =
      describe_configs(admin, RD_KAFKA_RESOURCE_BROKER, broker_resource(admin, args.broker));
  if (!args.keys.empty()) {
    std::vector<ConfigEntry> wanted;
    for (const auto& key : args.keys) {
      auto it = std::find_if(entries.begin(), entries.end(),
                             [&](const auto& e) { return e.name == key; });
      if (it == entries.end()) fail("unknown broker config " + key);
      wanted.push_back(*it);
    }
    entries = wanted;
  }
  if (args.client.output() == OutputFormat::kJson) return print_json(to_json(entries));
  print_text(render_configs(entries));
}

void set(const SetArgs& args) {
  if (args.settings.empty() && args.remove.empty())
    usage_error("nothing to change: give KEY=VALUE or --delete KEY");
  if (args.cluster_default && args.broker >= 0)
    usage_error("--broker and --cluster-default cannot be combined");
  Admin admin(args.client);
  std::string resource = args.cluster_default ? "" : broker_resource(admin, args.broker);
  alter_configs(admin, RD_KAFKA_RESOURCE_BROKER, resource, split_key_values(args.settings),
                args.remove);
  std::string target = args.cluster_default ? "cluster default" : "broker " + resource;
  if (args.client.output() == OutputFormat::kJson) {
    return print_json({{"resource", target}, {"set", args.settings}, {"deleted", args.remove}});
  }
  print_text("Altered the configuration of " + target + "\n");
}

}  // namespace

void add_config_commands(CLI::App& app, CommandSet& commands) {
  auto* config = app.add_subcommand("config", "Read and change broker configuration");
  config->require_subcommand(1);

  auto& get_args = commands.hold<GetArgs>();
  auto* get_cmd = config->add_subcommand("get", "Show broker configs with their sources");
  get_cmd->add_option("keys", get_args.keys, "Only these keys");
  get_cmd->add_option("-b,--broker", get_args.broker, "Broker id (default: the controller)");
  add_client_options(get_cmd, get_args.client);
  get_cmd->footer(
      "Examples:\n  gregor config get\n  gregor config get log.retention.ms --broker 1 --format "
      "json");
  commands.bind(get_cmd, [&get_args] { get(get_args); });

  auto& set_args = commands.hold<SetArgs>();
  auto* set_cmd = config->add_subcommand("set", "Set or remove dynamic broker configs");
  set_cmd->add_option("settings", set_args.settings, "KEY=VALUE to set");
  set_cmd->add_option("-d,--delete", set_args.remove, "Key to remove (repeatable)");
  set_cmd->add_option("-b,--broker", set_args.broker, "Broker id (default: the controller)");
  set_cmd->add_flag("--cluster-default", set_args.cluster_default,
                    "Change the default for every broker");
  add_client_options(set_cmd, set_args.client);
  set_cmd->footer(
      "Examples:\n  gregor config set log.retention.ms=86400000\n"
      "  gregor config set --cluster-default log.cleaner.threads=2");
  commands.bind(set_cmd, [&set_args] { set(set_args); });
}

}  // namespace gregor::cli
