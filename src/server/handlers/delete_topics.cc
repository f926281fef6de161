// DeleteTopics (key 20), versions 0-6: by name (all versions) or by topic id
// (v6+). The topic's data is removed from disk.
#include "protocol/messages/delete_topics.h"
#include "server/broker.h"
#include "server/handlers/handler.h"
#include "server/topic_manager.h"

namespace gregor::server {
namespace {

using protocol::DeleteTopicsRequest;
using protocol::DeleteTopicsResponse;

struct Target {
  std::optional<std::string> name;
  Uuid id;
};

std::vector<Target> targets_of(const DeleteTopicsRequest& request, int16_t version) {
  std::vector<Target> out;
  if (version >= 6) {
    for (const auto& t : request.topics) out.push_back({t.name, t.topic_id});
  } else {
    for (const auto& n : request.topic_names) out.push_back({n, Uuid{}});
  }
  return out;
}

}  // namespace

asio::awaitable<net::Response> handle_delete_topics(Broker& broker, net::Request& req) {
  DeleteTopicsRequest request;
  if (!decode_body(req, request)) co_return close_connection(req, "malformed DeleteTopics request");
  DeleteTopicsResponse resp;
  for (const Target& target : targets_of(request, req.header.api_version)) {
    DeleteTopicsResponse::DeletableTopicResult r;
    r.name = target.name;
    r.topic_id = target.id;
    auto table = broker.topics();
    const TopicInfo* topic = nullptr;
    if (target.name.has_value() && target.id.is_zero()) {
      topic = table->find(*target.name);
    } else if (!target.name.has_value() && !target.id.is_zero()) {
      topic = table->find(target.id);
    } else {
      r.error_code = to_wire(ErrorCode::kInvalidRequest);
      r.error_message = "Exactly one of topic name and topic id must be set.";
      resp.responses.push_back(std::move(r));
      continue;
    }
    if (topic == nullptr) {
      r.error_code = to_wire(target.id.is_zero() ? ErrorCode::kUnknownTopicOrPartition
                                                 : ErrorCode::kUnknownTopicId);
      r.error_message = "This server does not host this topic.";
    } else if (!broker.config().delete_topic_enable) {
      r.error_code = to_wire(ErrorCode::kTopicDeletionDisabled);
      r.error_message = "Topic deletion is disabled.";
    } else {
      r.name = topic->name;
      r.topic_id = topic->id;
      TopicResult done = co_await broker.topic_manager().delete_topic(topic->id);
      r.error_code = to_wire(done.error);
      if (done.error != ErrorCode::kNone) r.error_message = done.message;
    }
    resp.responses.push_back(std::move(r));
  }
  co_return respond(resp, req);
}

}  // namespace gregor::server
