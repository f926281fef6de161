// DescribeTransactions (key 65), version 0, and ListTransactions (key 66),
// versions 0-1: the transaction coordinators' view of transactional ids.
// Describe asks the coordinator of each id (TRANSACTIONAL_ID_NOT_FOUND for an
// unknown one, NOT_COORDINATOR when __transaction_state does not exist); List
// asks every shard's coordinator and merges, with Kafka's unknown state
// filters and COORDINATOR_LOAD_IN_PROGRESS while a partition loads.
#include <set>

#include "protocol/messages/describe_transactions.h"
#include "protocol/messages/list_transactions.h"
#include "server/broker.h"
#include "server/handlers/handler.h"
#include "server/txn_service.h"

namespace gregor::server {
namespace {

namespace ct = coordinator::txn;

asio::awaitable<ct::TxnDescription> describe_one(Broker& broker, const std::string& id) {
  TxnCall<ct::TxnDescription> fn = [id](ct::TxnCoordinator& c) { return c.describe(id); };
  auto d = co_await broker.txns().call<ct::TxnDescription>(id, std::move(fn));
  if (d) co_return *d;
  ct::TxnDescription missing;
  missing.error = ErrorCode::kNotCoordinator;
  co_return missing;
}

}  // namespace

asio::awaitable<net::Response> handle_describe_transactions(Broker& broker, net::Request& req) {
  protocol::DescribeTransactionsRequest request;
  if (!decode_body(req, request))
    co_return close_connection(req, "malformed DescribeTransactions request");
  protocol::DescribeTransactionsResponse resp;
  for (const std::string& id : request.transactional_ids) {
    const ct::TxnDescription d = co_await describe_one(broker, id);
    auto& out = resp.transaction_states.emplace_back();
    out.error_code = to_wire(d.error);
    out.transactional_id = id;
    out.transaction_state = d.state;
    out.transaction_timeout_ms = d.timeout_ms;
    out.transaction_start_time_ms = d.start_time_ms;
    out.producer_id = d.producer_id;
    out.producer_epoch = d.producer_epoch;
    for (const auto& [topic, partitions] : d.topics) {
      auto& t = out.topics.emplace_back();
      t.topic = topic;
      t.partitions = partitions;
    }
  }
  co_return respond(resp, req);
}

asio::awaitable<net::Response> handle_list_transactions(Broker& broker, net::Request& req) {
  protocol::ListTransactionsRequest request;
  if (!decode_body(req, request))
    co_return close_connection(req, "malformed ListTransactions request");
  protocol::ListTransactionsResponse resp;
  ct::TxnListFilter filter;
  filter.states = request.state_filters;
  filter.producer_ids = request.producer_id_filters;
  filter.duration_ms = req.header.api_version >= 1 ? request.duration_filter : -1;
  TxnCall<ct::TxnListing> fn = [filter](ct::TxnCoordinator& c) { return c.list(filter); };
  const std::vector<ct::TxnListing> parts =
      co_await broker.txns().on_every_shard<ct::TxnListing>(std::move(fn));
  std::set<std::string> unknown;
  for (const ct::TxnListing& part : parts) {
    if (part.error != ErrorCode::kNone) resp.error_code = to_wire(part.error);
    unknown.insert(part.unknown_state_filters.begin(), part.unknown_state_filters.end());
    for (const ct::ListedTxn& t : part.transactions) {
      auto& out = resp.transaction_states.emplace_back();
      out.transactional_id = t.transactional_id;
      out.producer_id = t.producer_id;
      out.transaction_state = t.state;
    }
  }
  resp.unknown_state_filters.assign(unknown.begin(), unknown.end());
  co_return respond(resp, req);
}

}  // namespace gregor::server
