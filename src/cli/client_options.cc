#include "cli/client_options.h"

#include <CLI/CLI.hpp>

namespace gregor::cli {

void add_client_options(CLI::App* cmd, ClientOptions& options, bool with_format) {
  cmd->add_option("--brokers", options.brokers, "Bootstrap brokers, host:port[,host:port...]")
      ->envname("GREGOR_BROKERS")
      ->capture_default_str();
  cmd->add_option("-X", options.properties,
                  "librdkafka client property key=value (repeatable), e.g. -X "
                  "security.protocol=SSL");
  if (with_format) {
    cmd->add_option("--format", options.format, "Output format")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
  }
  cmd->add_flag("-v,--verbose", options.verbose, "Show the client library's log lines");
  cmd->add_option("--timeout", options.timeout_s, "Request timeout in seconds")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
}

}  // namespace gregor::cli
