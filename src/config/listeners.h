// Listener endpoints as Kafka writes them: "NAME://host:port", comma-separated,
// e.g. "PLAINTEXT://localhost:9092,SSL://[::1]:9093,INTERNAL://:9094".
//   - NAME is the listener name; it is upper-cased (Kafka normalises it) and
//     mapped to a security protocol by listener.security.protocol.map;
//   - host may be a name, an IPv4 address, an IPv6 address in brackets, empty
//     (bind the default interface) or 0.0.0.0 (bind all interfaces);
//   - port is 0..65535; 0 asks the OS for a free port (useful in tests; the
//     server must then advertise the port it actually bound).
//
// Pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace gregor::config {

struct Endpoint {
  std::string listener_name;
  std::string host;
  uint16_t port = 0;
  // From listener.security.protocol.map: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL.
  std::string security_protocol = "PLAINTEXT";

  bool operator==(const Endpoint&) const = default;
  // "NAME://host:port" with brackets around an IPv6 host.
  std::string to_string() const;
};

// Parses a listener list. `key` names the configuration in error messages. An empty list
// is an error: a broker needs at least one listener.
Result<std::vector<Endpoint>, std::string> parse_endpoints(std::string_view key,
                                                           std::string_view value);

// Parses listener.security.protocol.map ("NAME:PROTOCOL,...") into upper-cased names.
Result<std::map<std::string, std::string>, std::string> parse_security_protocol_map(
    std::string_view value);

}  // namespace gregor::config
