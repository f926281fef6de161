// AddPartitionsToTxn (key 24), versions 0-5, and AddOffsetsToTxn (key 25),
// versions 0-4: partitions join a producer's transaction at its coordinator.
// v0-3 carry one transaction; v4+ a batch of them, each optionally verify_only
// (KIP-890: only check that the partitions are in the transaction). Unknown
// partitions get UNKNOWN_TOPIC_OR_PARTITION and the others of that
// transaction OPERATION_NOT_ATTEMPTED, without asking the coordinator, as
// Kafka. AddOffsetsToTxn adds the group's __consumer_offsets partition.
// PRODUCER_FENCED is INVALID_PRODUCER_EPOCH before v2 (KIP-588).
#include "protocol/messages/add_partitions_to_txn.h"
#include "coordinator/group/group_coordinator.h"
#include "protocol/messages/add_offsets_to_txn.h"
#include "server/broker.h"
#include "server/group_service.h"
#include "server/handlers/handler.h"
#include "server/handlers/txn_errors.h"
#include "server/txn_service.h"

namespace gregor::server {
namespace {

namespace ct = coordinator::txn;
using protocol::AddPartitionsToTxnRequest;
using protocol::AddPartitionsToTxnResponse;
using Topics = std::vector<AddPartitionsToTxnRequest::AddPartitionsToTxnTopic>;
using TopicResults = std::vector<AddPartitionsToTxnResponse::AddPartitionsToTxnTopicResult>;

struct TxnAdd {
  std::string transactional_id;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  bool verify_only = false;
};

std::vector<ct::TopicPartition> flatten(const Topics& topics) {
  std::vector<ct::TopicPartition> out;
  for (const auto& t : topics) {
    for (int32_t p : t.partitions) out.emplace_back(t.name, p);
  }
  return out;
}

// Adds (or verifies) on the coordinator: one error per partition.
asio::awaitable<std::vector<ErrorCode>> add_on_coordinator(
    Broker& broker, const TxnAdd& add, const std::vector<ct::TopicPartition>& partitions) {
  if (add.verify_only) {
    TxnCall<std::vector<ErrorCode>> fn = [&](ct::TxnCoordinator& c) {
      std::vector<ErrorCode> out;
      for (const auto& tp : partitions)
        out.push_back(
            c.verify_partition(add.transactional_id, add.producer_id, add.producer_epoch, tp));
      return out;
    };
    auto r = co_await broker.txns().call<std::vector<ErrorCode>>(add.transactional_id, fn);
    co_return r.value_or(std::vector<ErrorCode>(partitions.size(), ErrorCode::kNotCoordinator));
  }
  TxnAsyncCall<std::vector<ErrorCode>> fn = [&](ct::TxnCoordinator& c,
                                                std::function<void(std::vector<ErrorCode>)> done) {
    c.add_partitions(add.transactional_id, add.producer_id, add.producer_epoch, partitions,
                     std::move(done));
  };
  auto r = co_await broker.txns().call_async<std::vector<ErrorCode>>(add.transactional_id, fn);
  co_return r.value_or(std::vector<ErrorCode>(partitions.size(), ErrorCode::kNotCoordinator));
}

// One transaction's partitions: checked locally, then sent to the coordinator.
asio::awaitable<TopicResults> add_partitions(Broker& broker, const TxnAdd& add,
                                             const Topics& topics, int16_t version) {
  const std::vector<ct::TopicPartition> partitions = flatten(topics);
  std::vector<ErrorCode> errors(partitions.size(), ErrorCode::kNone);
  auto table = broker.topics();
  bool unknown = false;
  for (size_t i = 0; i < partitions.size(); ++i) {
    const TopicInfo* t = table->find(partitions[i].first);
    if (t == nullptr || !t->has_partition(partitions[i].second)) {
      errors[i] = ErrorCode::kUnknownTopicOrPartition;
      unknown = true;
    }
  }
  if (unknown) {
    for (ErrorCode& e : errors) {
      if (e == ErrorCode::kNone) e = ErrorCode::kOperationNotAttempted;
    }
  } else {
    errors = co_await add_on_coordinator(broker, add, partitions);
  }
  TopicResults out;
  size_t i = 0;
  for (const auto& t : topics) {
    auto& topic_out = out.emplace_back();
    topic_out.name = t.name;
    for (int32_t p : t.partitions) {
      auto& part = topic_out.results_by_partition.emplace_back();
      part.partition_index = p;
      part.partition_error_code = to_wire(fenced_for_version(errors[i++], version, 2));
    }
  }
  co_return out;
}

}  // namespace

asio::awaitable<net::Response> handle_add_partitions_to_txn(Broker& broker, net::Request& req) {
  AddPartitionsToTxnRequest request;
  if (!decode_body(req, request))
    co_return close_connection(req, "malformed AddPartitionsToTxn request");
  const int16_t version = req.header.api_version;
  AddPartitionsToTxnResponse resp;
  if (version < 4) {
    TxnAdd add{request.v3_and_below_transactional_id, request.v3_and_below_producer_id,
               request.v3_and_below_producer_epoch, false};
    resp.results_by_topic_v3_and_below =
        co_await add_partitions(broker, add, request.v3_and_below_topics, version);
    co_return respond(resp, req);
  }
  for (const auto& txn : request.transactions) {
    TxnAdd add{txn.transactional_id, txn.producer_id, txn.producer_epoch, txn.verify_only};
    auto& out = resp.results_by_transaction.emplace_back();
    out.transactional_id = txn.transactional_id;
    out.topic_results = co_await add_partitions(broker, add, txn.topics, version);
  }
  co_return respond(resp, req);
}

asio::awaitable<net::Response> handle_add_offsets_to_txn(Broker& broker, net::Request& req) {
  protocol::AddOffsetsToTxnRequest request;
  if (!decode_body(req, request))
    co_return close_connection(req, "malformed AddOffsetsToTxn request");
  protocol::AddOffsetsToTxnResponse resp;
  const bool offsets_topic = co_await broker.groups().ensure_topic();
  if (!offsets_topic) {
    resp.error_code = to_wire(ErrorCode::kCoordinatorNotAvailable);
    co_return respond(resp, req);
  }
  const int32_t partition = coordinator::group::partition_for_group(
      request.group_id, broker.config().offsets_topic_num_partitions);
  TxnAdd add{request.transactional_id, request.producer_id, request.producer_epoch, false};
  const std::vector<ct::TopicPartition> partitions{{kOffsetsTopic, partition}};
  const std::vector<ErrorCode> errors = co_await add_on_coordinator(broker, add, partitions);
  resp.error_code = to_wire(fenced_for_version(errors.at(0), req.header.api_version, 2));
  co_return respond(resp, req);
}

}  // namespace gregor::server
