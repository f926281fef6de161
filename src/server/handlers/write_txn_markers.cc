// WriteTxnMarkers (key 27), versions 0-1: the inter-broker request with which
// a transaction coordinator has partition leaders write COMMIT/ABORT markers.
// Gregor's own coordinator writes markers in-process (server/txn_markers.h);
// this handler serves the same work over the wire. Each partition's error is
// NONE once its marker is durable; unknown partitions get
// UNKNOWN_TOPIC_OR_PARTITION, as Kafka answers.
#include "protocol/messages/write_txn_markers.h"
#include "server/broker.h"
#include "server/completion.h"
#include "server/handlers/handler.h"
#include "server/txn_markers.h"

namespace gregor::server {
namespace {

using protocol::WriteTxnMarkersRequest;
using protocol::WriteTxnMarkersResponse;
using Results = std::vector<ErrorCode>;

asio::awaitable<Results> write_one(Broker& broker, const MarkerSpec& spec,
                                   std::vector<MarkerTarget> targets) {
  auto done = Completion<Results>::make(co_await asio::this_coro::executor);
  auto reply = [done](Results r) { done->complete(std::move(r)); };
  write_markers(broker, spec, std::move(targets), static_cast<unsigned>(net::ShardSet::current()),
                reply);
  Results results = co_await done->wait();
  co_return results;
}

}  // namespace

asio::awaitable<net::Response> handle_write_txn_markers(Broker& broker, net::Request& req) {
  WriteTxnMarkersRequest request;
  if (!decode_body(req, request))
    co_return close_connection(req, "malformed WriteTxnMarkers request");
  WriteTxnMarkersResponse resp;
  for (const auto& m : request.markers) {
    MarkerSpec spec{m.producer_id, m.producer_epoch, m.transaction_result, m.coordinator_epoch};
    std::vector<MarkerTarget> targets;
    for (const auto& t : m.topics) {
      for (int32_t p : t.partition_indexes) targets.push_back({t.name, p});
    }
    const Results results = co_await write_one(broker, spec, targets);
    auto& out = resp.markers.emplace_back();
    out.producer_id = m.producer_id;
    size_t i = 0;
    for (const auto& t : m.topics) {
      auto& topic_out = out.topics.emplace_back();
      topic_out.name = t.name;
      for (int32_t p : t.partition_indexes) {
        auto& part = topic_out.partitions.emplace_back();
        part.partition_index = p;
        part.error_code = to_wire(results[i++]);
      }
    }
  }
  co_return respond(resp, req);
}

}  // namespace gregor::server
