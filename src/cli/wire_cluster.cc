#include "cli/wire_cluster.h"

#include <algorithm>
#include <cctype>

#include "cli/client.h"
#include "cli/command_error.h"
#include "cli/key_value.h"

namespace gregor::cli {

bool plaintext_listeners(const ClientOptions& options) {
  for (const auto& property : options.properties) {
    auto [key, value] = split_key_value(property);
    std::transform(value.begin(), value.end(), value.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (key == "security.protocol" && value != "plaintext") return false;
  }
  return true;
}

void require_plaintext(const ClientOptions& options) {
  if (!plaintext_listeners(options))
    usage_error("this command supports only PLAINTEXT listeners (security.protocol)");
}

ClusterMetadata plaintext_cluster_metadata(const ClientOptions& options) {
  require_plaintext(options);
  Client client(options, RD_KAFKA_PRODUCER);
  return fetch_metadata(client);
}

const BrokerMetadata& find_broker(const ClusterMetadata& md, int id) {
  for (const auto& b : md.brokers) {
    if (b.id == id) return b;
  }
  fail("broker " + std::to_string(id) + " is not in the cluster metadata");
}

int16_t highest_supported(WireClient& wire, int16_t api_key, int16_t min, int16_t max) {
  for (int16_t v = max; v >= min; --v) {
    if (wire.supports(api_key, v)) return v;
  }
  return -1;
}

}  // namespace gregor::cli
