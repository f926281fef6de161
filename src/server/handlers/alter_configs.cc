// AlterConfigs (key 33, v0-2) and IncrementalAlterConfigs (key 44, v0-1).
// Topics: AlterConfigs replaces the topic's overrides, IncrementalAlterConfigs
// applies SET / DELETE / APPEND / SUBTRACT (config_alter.h); the change is
// validated with Kafka's messages, recorded durably and applied without a
// restart (TopicManager::alter_configs). Brokers (resource "" = cluster-wide
// default, or this node's id): the dynamic keys (the broker defaults of topic
// configs) are changed the same way and apply to every topic without its own
// override (TopicManager::alter_broker_configs); other keys are refused as Kafka
// refuses its read-only ones (INVALID_REQUEST "Cannot update these configs
// dynamically: Set(...)").
#include <vector>

#include "config/config_alter.h"
#include "protocol/messages/alter_configs.h"
#include "protocol/messages/incremental_alter_configs.h"
#include "server/broker.h"
#include "server/handlers/config_resource.h"
#include "server/handlers/handler.h"
#include "server/topic_manager.h"

namespace gregor::server {
namespace {

struct Outcome {
  ErrorCode error = ErrorCode::kNone;
  std::optional<std::string> message;
};

asio::awaitable<Outcome> alter_broker(Broker& broker, const std::string& name,
                                      std::vector<config::AlterEntry> entries, bool incremental,
                                      bool validate_only) {
  if (auto bad = check_broker_resource(name, broker.node_id()))
    co_return Outcome{ErrorCode::kInvalidRequest, *bad};
  BrokerConfigChange change = [entries = std::move(entries), incremental](
                                  const config::Overrides& cur, const config::BrokerConfig& b) {
    return incremental ? config::apply_incremental_broker(cur, entries, b)
                       : config::replace_broker_overrides(entries);
  };
  TopicResult r =
      co_await broker.topic_manager().alter_broker_configs(name, std::move(change), validate_only);
  if (r.error == ErrorCode::kNone) co_return Outcome{};
  co_return Outcome{r.error, r.message};
}

// One resource of either request; `incremental` selects the topic semantics.
asio::awaitable<Outcome> alter_resource(Broker& broker, int8_t type, const std::string& name,
                                        std::vector<config::AlterEntry> entries, bool incremental,
                                        bool validate_only) {
  if (type == kBrokerResource) {
    Outcome o = co_await alter_broker(broker, name, std::move(entries), incremental, validate_only);
    co_return o;
  }
  if (type != kTopicResource) {
    co_return Outcome{
        ErrorCode::kInvalidRequest,
        "AlterConfigs is only supported for topics and brokers, but resource type is " +
            resource_type_name(type)};
  }
  ConfigChange change = [entries = std::move(entries), incremental](const config::Overrides& cur) {
    return incremental ? config::apply_incremental_topic(cur, entries)
                       : config::replace_topic_overrides(entries);
  };
  TopicResult r =
      co_await broker.topic_manager().alter_configs(name, std::move(change), validate_only);
  if (r.error == ErrorCode::kNone) co_return Outcome{};
  co_return Outcome{r.error, r.message};
}

template <typename Response, typename Resource>
typename Response::AlterConfigsResourceResponse to_response(const Resource& r, Outcome o) {
  typename Response::AlterConfigsResourceResponse out;
  out.error_code = to_wire(o.error);
  out.error_message = std::move(o.message);
  out.resource_type = r.resource_type;
  out.resource_name = r.resource_name;
  return out;
}

}  // namespace

asio::awaitable<net::Response> handle_alter_configs(Broker& broker, net::Request& req) {
  protocol::AlterConfigsRequest request;
  if (!decode_body(req, request)) co_return close_connection(req, "malformed AlterConfigs request");
  protocol::AlterConfigsResponse resp;
  for (const auto& r : request.resources) {
    std::vector<config::AlterEntry> entries;
    for (const auto& c : r.configs) entries.push_back({c.name, 0, c.value});
    Outcome o = co_await alter_resource(broker, r.resource_type, r.resource_name,
                                        std::move(entries), false, request.validate_only);
    resp.responses.push_back(to_response<protocol::AlterConfigsResponse>(r, std::move(o)));
  }
  co_return respond(resp, req);
}

asio::awaitable<net::Response> handle_incremental_alter_configs(Broker& broker, net::Request& req) {
  protocol::IncrementalAlterConfigsRequest request;
  if (!decode_body(req, request))
    co_return close_connection(req, "malformed IncrementalAlterConfigs request");
  protocol::IncrementalAlterConfigsResponse resp;
  for (const auto& r : request.resources) {
    std::vector<config::AlterEntry> entries;
    for (const auto& c : r.configs) entries.push_back({c.name, c.config_operation, c.value});
    Outcome o = co_await alter_resource(broker, r.resource_type, r.resource_name,
                                        std::move(entries), true, request.validate_only);
    resp.responses.push_back(
        to_response<protocol::IncrementalAlterConfigsResponse>(r, std::move(o)));
  }
  co_return respond(resp, req);
}

}  // namespace gregor::server
