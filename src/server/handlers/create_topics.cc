// CreateTopics (key 19), versions 0-7: partitions or explicit assignments,
// replication factor 1 on one broker, configs validated with Kafka's names and
// messages, validate_only. v5+ answers carry the topic's effective configs.
#include <set>

#include "config/topic_config.h"
#include "protocol/messages/create_topics.h"
#include "server/broker.h"
#include "server/handlers/handler.h"
#include "server/topic_manager.h"

namespace gregor::server {
namespace {

using protocol::CreateTopicsRequest;
using protocol::CreateTopicsResponse;
using Result_ = CreateTopicsResponse::CreatableTopicResult;

Result_ error_result(const std::string& name, ErrorCode code, std::string message) {
  Result_ r;
  r.name = name;
  r.error_code = to_wire(code);
  r.error_message = std::move(message);
  r.configs = std::nullopt;
  return r;
}

// Turns a request entry into arguments, or an error for malformed entries.
std::optional<Result_> to_args(const CreateTopicsRequest::CreatableTopic& t, int32_t node,
                               CreateTopicArgs& args) {
  args.name = t.name;
  args.partitions = t.num_partitions;
  args.replication_factor = t.replication_factor;
  for (const auto& c : t.configs) {
    if (!c.value.has_value()) {
      return error_result(t.name, ErrorCode::kInvalidRequest,
                          "Null value not supported for topic configs: " + c.name);
    }
    args.configs[c.name] = *c.value;
  }
  if (t.assignments.empty()) return std::nullopt;
  if (t.num_partitions != -1 || t.replication_factor != -1) {
    return error_result(t.name, ErrorCode::kInvalidRequest,
                        "Both numPartitions or replicationFactor and replicasAssignments were set. "
                        "Both cannot be used at the same time.");
  }
  std::set<int32_t> indexes;
  for (const auto& a : t.assignments) {
    if (a.broker_ids.size() != 1 || a.broker_ids[0] != node) {
      return error_result(t.name, ErrorCode::kInvalidReplicaAssignment,
                          "Replica assignment must name exactly this broker (" +
                              std::to_string(node) + ") for every partition.");
    }
    indexes.insert(a.partition_index);
  }
  auto n = static_cast<int32_t>(t.assignments.size());
  if (static_cast<int32_t>(indexes.size()) != n || *indexes.begin() != 0 ||
      *indexes.rbegin() != n - 1) {
    return error_result(t.name, ErrorCode::kInvalidReplicaAssignment,
                        "Partitions should be a consecutive 0-based integer sequence");
  }
  args.partitions = n;
  args.replication_factor = 1;
  return std::nullopt;
}

Result_ success_result(Broker& broker, const TopicInfo& topic) {
  Result_ r;
  r.name = topic.name;
  r.error_message = std::nullopt;  // Kafka sends null on success
  r.topic_id = topic.id;
  r.num_partitions = topic.partitions;
  r.replication_factor = 1;
  std::vector<CreateTopicsResponse::CreatableTopicConfigs> configs;
  for (const auto& e : config::describe_topic_config(topic.overrides, broker.config())) {
    CreateTopicsResponse::CreatableTopicConfigs c;
    c.name = e.name;
    c.value = e.sensitive ? std::nullopt : std::optional<std::string>(e.value);
    c.read_only = e.read_only;
    c.config_source = config::wire_source(e.source);
    c.is_sensitive = e.sensitive;
    configs.push_back(std::move(c));
  }
  r.configs = std::move(configs);
  return r;
}

}  // namespace

asio::awaitable<net::Response> handle_create_topics(Broker& broker, net::Request& req) {
  CreateTopicsRequest request;
  if (!decode_body(req, request)) co_return close_connection(req, "malformed CreateTopics request");
  std::map<std::string, int> seen;
  for (const auto& t : request.topics) ++seen[t.name];

  CreateTopicsResponse resp;
  for (const auto& t : request.topics) {
    if (seen[t.name] > 1) {
      resp.topics.push_back(
          error_result(t.name, ErrorCode::kInvalidRequest,
                       "Create topics request contains multiple entries for the topic " + t.name));
      continue;
    }
    CreateTopicArgs args;
    if (auto bad = to_args(t, broker.node_id(), args)) {
      resp.topics.push_back(std::move(*bad));
      continue;
    }
    args.validate_only = request.validate_only;
    TopicResult r = co_await broker.topic_manager().create_topic(std::move(args));
    resp.topics.push_back(r.error == ErrorCode::kNone ? success_result(broker, *r.topic)
                                                      : error_result(t.name, r.error, r.message));
  }
  co_return respond(resp, req);
}

}  // namespace gregor::server
