#include "cli/commands.h"

namespace gregor::cli {

void add_client_commands(CLI::App& app, CommandSet& commands) {
  add_topic_commands(app, commands);
  add_produce_command(app, commands);
  add_consume_command(app, commands);
  add_group_commands(app, commands);
  add_cluster_commands(app, commands);
  add_config_commands(app, commands);
  add_bench_commands(app, commands);
  add_transaction_commands(app, commands);
  add_producer_commands(app, commands);
}

}  // namespace gregor::cli
