// Translation from the broker configuration (Kafka's names) to the network
// layer's own options, kept apart so that the rest of the module does not
// depend on the configuration module.
#include "config/broker_config.h"
#include "net/server.h"

namespace gregor::net {

NetServerOptions net_server_options(const config::BrokerConfig& cfg) {
  NetServerOptions out;
  for (const auto& ep : cfg.listeners) {
    ListenerConfig l;
    l.name = ep.listener_name;
    l.host = ep.host;
    l.port = ep.port;
    l.security_protocol = ep.security_protocol;
    out.listeners.push_back(std::move(l));
  }
  out.connection.max_request_bytes = cfg.socket_request_max_bytes;
  out.connection.idle_timeout = std::chrono::milliseconds(cfg.connections_max_idle_ms);
  return out;
}

}  // namespace gregor::net
