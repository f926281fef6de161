// One registration function per command family; command_set.cc's
// add_client_commands calls them all.
#pragma once

#include "cli/command_set.h"

namespace gregor::cli {

void add_topic_commands(CLI::App& app, CommandSet& commands);
void add_produce_command(CLI::App& app, CommandSet& commands);
void add_consume_command(CLI::App& app, CommandSet& commands);
void add_cluster_commands(CLI::App& app, CommandSet& commands);
void add_group_commands(CLI::App& app, CommandSet& commands);
void add_config_commands(CLI::App& app, CommandSet& commands);
void add_bench_commands(CLI::App& app, CommandSet& commands);
void add_transaction_commands(CLI::App& app, CommandSet& commands);
void add_producer_commands(CLI::App& app, CommandSet& commands);

}  // namespace gregor::cli
