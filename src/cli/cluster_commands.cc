// gregor cluster info: brokers, controller, cluster id and the API versions
// the first broker supports.
#include <CLI/CLI.hpp>

#include "cli/api_versions.h"
#include "cli/client.h"
#include "cli/commands.h"
#include "cli/metadata.h"
#include "cli/output.h"
#include "cli/table.h"

namespace gregor::cli {
namespace {

struct InfoArgs {
  ClientOptions client;
};

void cluster_info(const InfoArgs& args) {
  // "debug=feature" makes librdkafka log the broker's ApiVersions answer,
  // which is where api_versions.h reads it from.
  Client client(args.client, RD_KAFKA_PRODUCER, {{"debug", "feature"}});
  ClusterMetadata md = fetch_metadata(client);
  auto apis = parse_api_version_lines(client.api_version_lines());
  if (args.client.output() == OutputFormat::kJson) {
    nlohmann::json brokers = nlohmann::json::array();
    for (const auto& b : md.brokers)
      brokers.push_back({{"id", b.id}, {"host", b.host}, {"port", b.port}});
    nlohmann::json api_list = nlohmann::json::array();
    for (const auto& a : apis) {
      api_list.push_back({{"key", a.key},
                          {"name", a.name},
                          {"min_version", a.min_version},
                          {"max_version", a.max_version}});
    }
    print_json({{"cluster_id", md.cluster_id},
                {"controller_id", md.controller_id},
                {"brokers", brokers},
                {"api_versions", api_list}});
    return;
  }
  std::string text = "CLUSTER ID  " + md.cluster_id + "\nCONTROLLER  " +
                     std::to_string(md.controller_id) + "\n\nBROKERS\n";
  Table brokers({"id", "host", "port"});
  for (const auto& b : md.brokers) {
    brokers.add_row({std::to_string(b.id) + (b.id == md.controller_id ? "*" : ""), b.host,
                     std::to_string(b.port)});
  }
  text += brokers.render() + "\nAPI VERSIONS\n";
  Table versions({"key", "api", "versions"});
  for (const auto& a : apis) {
    versions.add_row({std::to_string(a.key), a.name,
                      std::to_string(a.min_version) + ".." + std::to_string(a.max_version)});
  }
  print_text(text + versions.render());
}

}  // namespace

void add_cluster_commands(CLI::App& app, CommandSet& commands) {
  auto* cluster = app.add_subcommand("cluster", "Show the cluster");
  cluster->require_subcommand(1);
  auto& args = commands.hold<InfoArgs>();
  auto* info = cluster->add_subcommand("info", "Brokers, controller, cluster id, API versions");
  add_client_options(info, args.client);
  info->footer(
      "Examples:\n  gregor cluster info\n  gregor cluster info --brokers kafka1:9092 --format "
      "json");
  commands.bind(info, [&args] { cluster_info(args); });
}

}  // namespace gregor::cli
