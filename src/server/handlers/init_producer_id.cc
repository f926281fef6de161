// InitProducerId (key 22), versions 0-5. Without a transactional id: a fresh
// producer id with epoch 0 from the durable id blocks (idempotent producers;
// Kafka does the same whatever producer id/epoch a v3+ request carries).
// With one: the transaction coordinator of that id (creating
// __transaction_state on first use) fences older producers of the id and
// bumps the epoch (KIP-360 for v3+ expected ids). PRODUCER_FENCED is
// INVALID_PRODUCER_EPOCH before v4 (KIP-588).
#include "protocol/messages/init_producer_id.h"
#include "server/broker.h"
#include "server/handlers/handler.h"
#include "server/handlers/txn_errors.h"
#include "server/txn_service.h"

namespace gregor::server {
namespace {

namespace ct = coordinator::txn;
using protocol::InitProducerIdRequest;
using protocol::InitProducerIdResponse;

asio::awaitable<ct::InitPidResult> init_transactional(Broker& broker,
                                                      const InitProducerIdRequest& request) {
  ct::InitPidResult result;
  const bool exists = co_await broker.txns().ensure_topic();
  if (!exists) {
    result.error = ErrorCode::kCoordinatorNotAvailable;
    co_return result;
  }
  std::optional<ct::ProducerIdAndEpoch> expected;
  if (request.producer_id >= 0 || request.producer_epoch >= 0)
    expected = ct::ProducerIdAndEpoch{request.producer_id, request.producer_epoch};
  const std::string id = *request.transactional_id;
  const int32_t timeout = request.transaction_timeout_ms;
  TxnAsyncCall<ct::InitPidResult> fn =
      [id, timeout, expected](ct::TxnCoordinator& c, std::function<void(ct::InitPidResult)> done) {
        c.init_producer_id(id, timeout, expected, std::move(done));
      };
  auto answer = co_await broker.txns().call_async<ct::InitPidResult>(id, std::move(fn));
  if (!answer) {
    result.error = ErrorCode::kCoordinatorNotAvailable;
    co_return result;
  }
  co_return *answer;
}

}  // namespace

asio::awaitable<net::Response> handle_init_producer_id(Broker& broker, net::Request& req) {
  InitProducerIdRequest request;
  if (!decode_body(req, request))
    co_return close_connection(req, "malformed InitProducerId request");
  InitProducerIdResponse resp;
  resp.producer_id = -1;
  resp.producer_epoch = -1;
  if (!request.transactional_id.has_value()) {
    auto id = co_await broker.txns().allocate_producer_id();
    if (id.ok()) {
      resp.producer_id = *id;
      resp.producer_epoch = 0;
    } else {
      resp.error_code = to_wire(id.error());
    }
    co_return respond(resp, req);
  }
  ct::InitPidResult r = co_await init_transactional(broker, request);
  resp.error_code = to_wire(fenced_for_version(r.error, req.header.api_version, 4));
  if (r.error == ErrorCode::kNone) {
    resp.producer_id = r.producer_id;
    resp.producer_epoch = r.producer_epoch;
  }
  co_return respond(resp, req);
}

}  // namespace gregor::server
