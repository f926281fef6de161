// EndTxn (key 26), versions 0-4: commit or abort a producer's transaction at
// its coordinator. Answered once PrepareCommit/PrepareAbort is durable in
// __transaction_state; the markers follow (server/txn_markers.h). v5 (KIP-890
// part 2) is not offered. PRODUCER_FENCED is INVALID_PRODUCER_EPOCH before v2.
#include "protocol/messages/end_txn.h"
#include "server/broker.h"
#include "server/handlers/handler.h"
#include "server/handlers/txn_errors.h"
#include "server/txn_service.h"

namespace gregor::server {

asio::awaitable<net::Response> handle_end_txn(Broker& broker, net::Request& req) {
  protocol::EndTxnRequest request;
  if (!decode_body(req, request)) co_return close_connection(req, "malformed EndTxn request");
  protocol::EndTxnResponse resp;
  const std::string id = request.transactional_id;
  const int64_t pid = request.producer_id;
  const int16_t epoch = request.producer_epoch;
  const bool commit = request.committed;
  TxnAsyncCall<ErrorCode> fn = [id, pid, epoch, commit](coordinator::txn::TxnCoordinator& c,
                                                        std::function<void(ErrorCode)> done) {
    c.end_txn(id, pid, epoch, commit, std::move(done));
  };
  auto error = co_await broker.txns().call_async<ErrorCode>(id, std::move(fn));
  resp.error_code = to_wire(
      fenced_for_version(error.value_or(ErrorCode::kNotCoordinator), req.header.api_version, 2));
  co_return respond(resp, req);
}

}  // namespace gregor::server
