// `gregor serve`: runs a broker until SIGTERM or SIGINT, then shuts down
// cleanly (drains in-flight requests, syncs and closes every log).
#pragma once

#include <string>
#include <vector>

namespace gregor::app {

// Returns the process exit code: 0 after a clean shutdown, 1 if the broker
// could not start, 2 for an invalid configuration.
int serve(const std::string& config_file, const std::vector<std::string>& overrides);

}  // namespace gregor::app
