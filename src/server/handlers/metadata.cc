// Metadata (key 3), every version 0-12. One broker: it leads every partition
// (leader epoch 0, replicas = ISR = [this broker]). Unknown topics are created
// when auto.create.topics.enable and the request allow it (v4+ field; always
// allowed before v4, as in Kafka).
#include "protocol/messages/metadata.h"
#include "metadata/topic_names.h"
#include "server/broker.h"
#include "server/handlers/acl_operations.h"
#include "server/handlers/handler.h"
#include "server/topic_manager.h"

namespace gregor::server {
namespace {

using protocol::MetadataRequest;
using protocol::MetadataResponse;

MetadataResponse::MetadataResponseTopic describe_topic(const TopicInfo& t, int32_t node, bool ops) {
  MetadataResponse::MetadataResponseTopic out;
  out.name = t.name;
  out.topic_id = t.id;
  out.is_internal = t.internal;
  out.topic_authorized_operations = ops ? kTopicOperations : kOperationsNotRequested;
  out.partitions.reserve(static_cast<size_t>(t.partitions));
  for (int32_t p = 0; p < t.partitions; ++p) {
    MetadataResponse::MetadataResponsePartition part;
    part.partition_index = p;
    part.leader_id = node;
    part.leader_epoch = 0;
    part.replica_nodes = {node};
    part.isr_nodes = {node};
    out.partitions.push_back(std::move(part));
  }
  return out;
}

MetadataResponse::MetadataResponseTopic topic_error(ErrorCode code, std::optional<std::string> name,
                                                    Uuid id = {}) {
  MetadataResponse::MetadataResponseTopic out;
  out.error_code = to_wire(code);
  out.name = std::move(name);
  out.topic_id = id;
  return out;
}

}  // namespace

asio::awaitable<net::Response> handle_metadata(Broker& broker, net::Request& req) {
  MetadataRequest request;
  if (!decode_body(req, request)) co_return close_connection(req, "malformed Metadata request");
  const int16_t version = req.header.api_version;
  const int32_t node = broker.node_id();
  const bool topic_ops = request.include_topic_authorized_operations;

  MetadataResponse resp;
  auto endpoint = broker.advertised_endpoint(req.conn->listener_name);
  MetadataResponse::MetadataResponseBroker self;
  self.node_id = node;
  self.host = endpoint.host;
  self.port = endpoint.port;
  resp.brokers.push_back(self);
  resp.cluster_id = broker.cluster_id();
  resp.controller_id = node;
  resp.cluster_authorized_operations =
      request.include_cluster_authorized_operations ? kClusterOperations : kOperationsNotRequested;

  const bool all_topics = !request.topics.has_value() || (version == 0 && request.topics->empty());
  if (all_topics) {
    auto table = broker.topics();
    for (const TopicInfo* t : table->sorted())
      resp.topics.push_back(describe_topic(*t, node, topic_ops));
    co_return respond(resp, req);
  }
  const bool may_create = version < 4 || request.allow_auto_topic_creation;
  for (const auto& wanted : *request.topics) {
    auto table = broker.topics();
    if (!wanted.name.has_value()) {
      const TopicInfo* t = table->find(wanted.topic_id);
      resp.topics.push_back(
          t ? describe_topic(*t, node, topic_ops)
            : topic_error(ErrorCode::kUnknownTopicId, std::nullopt, wanted.topic_id));
      continue;
    }
    const std::string& name = *wanted.name;
    if (const TopicInfo* t = table->find(name)) {
      resp.topics.push_back(describe_topic(*t, node, topic_ops));
      continue;
    }
    if (metadata::validate_topic_name(name)) {
      resp.topics.push_back(topic_error(ErrorCode::kInvalidTopicException, name));
      continue;
    }
    std::shared_ptr<const TopicInfo> created;
    if (may_create) created = co_await broker.topic_manager().auto_create(name);
    resp.topics.push_back(created ? describe_topic(*created, node, topic_ops)
                                  : topic_error(ErrorCode::kUnknownTopicOrPartition, name));
  }
  co_return respond(resp, req);
}

}  // namespace gregor::server
