// The `gregor` executable: `gregor serve` runs a broker; other subcommands are
// the operator's command line.
#include <CLI/CLI.hpp>
#include <string_view>

#include "app/serve.h"
#include "base/log.h"
#include "cli/command_set.h"

int main(int argc, char** argv) {
  CLI::App app{"Gregor: an event-streaming platform that speaks the Apache Kafka protocol"};
  app.set_version_flag("--version", std::string("gregor 0.1.0"));
  app.require_subcommand(1);

  std::string config_file;
  std::vector<std::string> overrides;
  std::string log_level = "info";
  auto* serve =
      app.add_subcommand("serve", "Run a broker (default: localhost:9092, data in ./gregor-data)");
  serve->add_option("-c,--config", config_file, "server.properties-style configuration file")
      ->check(CLI::ExistingFile);
  serve->add_option("--override", overrides, "KEY=VALUE configuration override (repeatable)");
  serve->add_option("--log-level", log_level, "trace, debug, info, warn or error");
  serve->footer(
      "Examples:\n"
      "  gregor serve\n"
      "  gregor serve --config server.properties\n"
      "  gregor serve --override listeners=PLAINTEXT://127.0.0.1:19092 --override "
      "log.dirs=/var/lib/gregor");

  gregor::cli::CommandSet commands;
  gregor::cli::add_client_commands(app, commands);
  app.footer(
      "Client commands talk to any Kafka cluster: --brokers (or GREGOR_BROKERS, default\n"
      "localhost:9092), -X key=value for client properties, --format json for scripts.\n"
      "Exit codes: 0 ok, 1 refused by the cluster, 2 bad arguments, 3 brokers unreachable,\n"
      "4 the broker does not support the request.");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    // Client commands promise exit code 2 for bad arguments; serve keeps CLI11's codes.
    bool client_command = argc > 1 && std::string_view(argv[1]) != "serve";
    return code != 0 && client_command ? 2 : code;
  }
  if (commands.chosen()) return commands.run();
  gregor::log::init();
  if (!gregor::log::set_level(log_level)) {
    std::fprintf(stderr, "gregor: unknown log level '%s'\n", log_level.c_str());
    return 2;
  }
  if (serve->parsed()) return gregor::app::serve(config_file, overrides);
  return 0;
}
