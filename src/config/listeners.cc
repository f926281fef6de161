#include "config/listeners.h"

#include <set>

#include <fmt/format.h>

#include "config/config_def.h"

namespace gregor::config {
namespace {

constexpr std::string_view kProtocols[] = {"PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"};

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

bool valid_listener_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

bool valid_host(std::string_view host) {
  for (char c : host) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.' || c == '_' || c == ':' || c == '%';
    if (!ok) return false;
  }
  return true;
}

// Parses one "NAME://host:port"; the reason on failure.
Result<Endpoint, std::string> parse_one(std::string_view text) {
  size_t scheme = text.find("://");
  if (scheme == std::string_view::npos) return Err(std::string("expected NAME://host:port"));
  std::string_view name = text.substr(0, scheme);
  std::string_view rest = text.substr(scheme + 3);
  if (!valid_listener_name(name)) return Err(fmt::format("invalid listener name '{}'", name));
  size_t colon = rest.rfind(':');
  if (colon == std::string_view::npos) return Err(std::string("missing port"));
  std::string_view host = rest.substr(0, colon);
  std::string_view port_text = rest.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find_first_of("[]") != std::string_view::npos) {
    return Err(fmt::format("unbalanced brackets in host '{}'", host));
  }
  if (!valid_host(host)) return Err(fmt::format("invalid host '{}'", host));
  auto port = parse_long(port_text);
  if (port_text.empty() || port_text.find_first_not_of("0123456789") != std::string_view::npos ||
      !port || *port > 65535)
    return Err(fmt::format("invalid port '{}' (must be 0..65535)", port_text));
  Endpoint e;
  e.listener_name = upper(name);
  e.host = std::string(host);
  e.port = static_cast<uint16_t>(*port);
  return e;
}

}  // namespace

std::string Endpoint::to_string() const {
  if (host.find(':') != std::string::npos)
    return fmt::format("{}://[{}]:{}", listener_name, host, port);
  return fmt::format("{}://{}:{}", listener_name, host, port);
}

Result<std::vector<Endpoint>, std::string> parse_endpoints(std::string_view key,
                                                           std::string_view value) {
  std::vector<Endpoint> out;
  std::set<std::string> names;
  for (const auto& item : split_list(value)) {
    auto e = parse_one(item);
    if (!e)
      return Err(fmt::format(
          "Invalid value {} for configuration {}: unable to parse '{}' to an endpoint: {}", value,
          key, item, e.error()));
    if (!names.insert(e->listener_name).second)
      return Err(fmt::format(
          "Invalid value {} for configuration {}: each listener must have a different name "
          "({} appears twice)",
          value, key, e->listener_name));
    out.push_back(std::move(e).value());
  }
  if (out.empty())
    return Err(fmt::format(
        "Invalid value {} for configuration {}: at least one listener is required", value, key));
  return out;
}

Result<std::map<std::string, std::string>, std::string> parse_security_protocol_map(
    std::string_view value) {
  std::map<std::string, std::string> out;
  for (const auto& item : split_list(value)) {
    size_t colon = item.find(':');
    std::string name = upper(trim(std::string_view(item).substr(0, colon)));
    std::string protocol = colon == std::string::npos
                               ? std::string()
                               : upper(trim(std::string_view(item).substr(colon + 1)));
    bool known = false;
    for (auto p : kProtocols) known = known || p == protocol;
    if (!valid_listener_name(name) || !known)
      return Err(
          fmt::format("Invalid value {} for configuration listener.security.protocol.map: "
                      "'{}' is not LISTENER_NAME:PROTOCOL with PROTOCOL one of PLAINTEXT, SSL, "
                      "SASL_PLAINTEXT, SASL_SSL",
                      value, item));
    if (!out.emplace(name, protocol).second)
      return Err(
          fmt::format("Invalid value {} for configuration listener.security.protocol.map: "
                      "listener {} is mapped twice",
                      value, name));
  }
  return out;
}

}  // namespace gregor::config
