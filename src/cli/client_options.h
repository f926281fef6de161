// Options every client command takes: where the cluster is, librdkafka
// properties passed through, output format, verbosity and the request timeout.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace CLI {
class App;
}

namespace gregor::cli {

enum class OutputFormat { kText, kJson };

struct ClientOptions {
  std::string brokers = "localhost:9092";
  std::vector<std::string> properties;  // -X key=value, applied last
  std::string format = "text";
  bool verbose = false;
  double timeout_s = 10.0;

  OutputFormat output() const {
    return format == "json" ? OutputFormat::kJson : OutputFormat::kText;
  }
  int timeout_ms() const { return static_cast<int>(timeout_s * 1000); }
};

// Adds --brokers (env GREGOR_BROKERS), -X, --format, --verbose and --timeout to cmd.
// with_format is false for commands whose output is data, not a report (consume).
void add_client_options(CLI::App* cmd, ClientOptions& options, bool with_format = true);

}  // namespace gregor::cli
