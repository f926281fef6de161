// CreatePartitions (key 37), versions 0-3: grows a topic's partition count.
// Explicit assignments must name this broker only.
#include "protocol/messages/create_partitions.h"
#include "server/broker.h"
#include "server/handlers/handler.h"
#include "server/topic_manager.h"

namespace gregor::server {

asio::awaitable<net::Response> handle_create_partitions(Broker& broker, net::Request& req) {
  protocol::CreatePartitionsRequest request;
  if (!decode_body(req, request))
    co_return close_connection(req, "malformed CreatePartitions request");
  protocol::CreatePartitionsResponse resp;
  for (const auto& t : request.topics) {
    protocol::CreatePartitionsResponse::CreatePartitionsTopicResult r;
    r.name = t.name;
    bool bad_assignment = false;
    if (t.assignments.has_value()) {
      for (const auto& a : *t.assignments) {
        if (a.broker_ids.size() != 1 || a.broker_ids[0] != broker.node_id()) bad_assignment = true;
      }
    }
    if (bad_assignment) {
      r.error_code = to_wire(ErrorCode::kInvalidReplicaAssignment);
      r.error_message = "Replica assignment must name exactly this broker for every new partition.";
    } else {
      TopicResult done =
          co_await broker.topic_manager().create_partitions(t.name, t.count, request.validate_only);
      r.error_code = to_wire(done.error);
      if (done.error != ErrorCode::kNone) r.error_message = done.message;
    }
    resp.results.push_back(std::move(r));
  }
  co_return respond(resp, req);
}

}  // namespace gregor::server
