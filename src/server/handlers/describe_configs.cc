// DescribeConfigs (key 32), versions 0-4: topic resources (every topic key with
// its value, source and synonyms) and broker resources (this node's keys; the
// cluster-wide default resource "" lists the dynamic defaults, of which Gregor
// has none). Built from config::describe_topic_config / describe_broker_config.
#include <algorithm>

#include "config/broker_config_describe.h"
#include "config/topic_config.h"
#include "protocol/messages/describe_configs.h"
#include "server/broker.h"
#include "server/handlers/config_resource.h"
#include "server/handlers/handler.h"

namespace gregor::server {
namespace {

using protocol::DescribeConfigsRequest;
using protocol::DescribeConfigsResponse;
using Resource = DescribeConfigsRequest::DescribeConfigsResource;
using ResultEntry = DescribeConfigsResponse::DescribeConfigsResult;
using WireConfig = DescribeConfigsResponse::DescribeConfigsResourceResult;

struct Options {
  int16_t version = 0;
  bool synonyms = false;
  bool documentation = false;
};

bool requested(const Resource& r, const std::string& name) {
  if (!r.configuration_keys || r.configuration_keys->empty()) return true;
  const auto& keys = *r.configuration_keys;
  return std::find(keys.begin(), keys.end(), name) != keys.end();
}

WireConfig to_wire(const config::ConfigEntry& e, const Options& o) {
  WireConfig c;
  c.name = e.name;
  if (e.sensitive || e.value_null) {
    c.value = std::nullopt;
  } else {
    c.value = e.value;
  }
  c.read_only = e.read_only;
  c.is_default = e.source == config::ConfigEntry::Source::kDefault;
  c.config_source = config::wire_source(e.source);
  c.is_sensitive = e.sensitive;
  if (o.synonyms) {
    for (const auto& s : e.synonyms) {
      DescribeConfigsResponse::DescribeConfigsSynonym w;
      w.name = s.name;
      if (e.sensitive) {
        w.value = std::nullopt;
      } else {
        w.value = s.value;
      }
      w.source = config::wire_source(s.source);
      c.synonyms.push_back(std::move(w));
    }
  }
  c.config_type = e.wire_type;
  if (o.documentation) {
    c.documentation = e.doc;
  } else {
    c.documentation = std::nullopt;
  }
  return c;
}

ResultEntry error_result(const Resource& r, ErrorCode code, std::optional<std::string> message) {
  ResultEntry out;
  out.error_code = to_wire(code);
  out.error_message = std::move(message);
  out.resource_type = r.resource_type;
  out.resource_name = r.resource_name;
  return out;
}

ResultEntry describe(Broker& broker, const Resource& r, const Options& o) {
  std::vector<config::ConfigEntry> entries;
  if (r.resource_type == kTopicResource) {
    auto table = broker.topics();
    const TopicInfo* topic = table->find(r.resource_name);
    if (topic == nullptr) return error_result(r, ErrorCode::kUnknownTopicOrPartition, std::nullopt);
    entries = config::describe_topic_config(topic->overrides, broker.config());
  } else if (r.resource_type == kBrokerResource) {
    if (auto bad = check_broker_resource(r.resource_name, broker.node_id()))
      return error_result(r, ErrorCode::kInvalidRequest, *bad);
    // "" is the cluster-wide dynamic default: only the keys set at that level.
    entries = r.resource_name.empty() ? config::describe_default_broker_config(broker.config())
                                      : config::describe_broker_config(broker.config());
  } else {
    return error_result(r, ErrorCode::kInvalidRequest,
                        "Unsupported resource type: " + resource_type_name(r.resource_type));
  }
  ResultEntry out = error_result(r, ErrorCode::kNone, std::nullopt);
  for (const auto& e : entries)
    if (requested(r, e.name)) out.configs.push_back(to_wire(e, o));
  return out;
}

}  // namespace

asio::awaitable<net::Response> handle_describe_configs(Broker& broker, net::Request& req) {
  DescribeConfigsRequest request;
  if (!decode_body(req, request))
    co_return close_connection(req, "malformed DescribeConfigs request");
  Options o;
  o.version = req.header.api_version;
  o.synonyms = o.version >= 1 && request.include_synonyms;
  o.documentation = o.version >= 3 && request.include_documentation;
  DescribeConfigsResponse resp;
  for (const auto& r : request.resources) resp.results.push_back(describe(broker, r, o));
  co_return respond(resp, req);
}

}  // namespace gregor::server
