// Produce (key 0). v3+ carries exactly one v2 record batch per partition; it is
// validated on the connection's shard (CRC-32C, structure, size, timestamps,
// keys on compacted topics — protocol/record/batch_validator.h), then appended
// on the partition's owner shard as received with the offsets patched in —
// or, when the topic's compression.type names another codec, recompressed first
// (Kafka's LogValidator; the records are decompressed a second time for it).
//
// Acknowledgement: acks=0 gets no answer; acks=1 is answered once the batch is
// written to the file (it survives a process crash); acks=all once it is
// fdatasync'ed when the topic's flush.messages is 1 (Gregor's durable default),
// else once written, as Kafka does. v0-2 (message formats 0/1) are refused with
// UNSUPPORTED_FOR_MESSAGE_FORMAT; they stay advertised for librdkafka's feature
// checks (server/api_support.cc).
//
// Idempotence and transactions: the owner's PartitionLog checks each batch
// against the producer's state (epoch, sequence; a retried batch is answered
// with its original offsets and stored once). Transactional batches need the
// request's transactional_id (else TRANSACTIONAL_ID_AUTHORIZATION_FAILED, as
// Kafka); the first one of a transaction on a partition is verified with the
// transaction coordinator first (KIP-890 part 1,
// transaction.partition.verification.enable).
#include <chrono>

#include "base/clock.h"
#include "protocol/messages/produce.h"
#include "protocol/record/batch_header.h"
#include "protocol/record/batch_recompress.h"
#include "protocol/record/batch_validator.h"
#include "server/broker.h"
#include "server/completion.h"
#include "server/handlers/handler.h"
#include "server/handlers/storage_errors.h"
#include "server/topic_manager.h"
#include "server/txn_service.h"

namespace gregor::server {
namespace {

using protocol::ProduceRequest;
using protocol::ProduceResponse;
using PartitionResponse = ProduceResponse::PartitionProduceResponse;
using Ack = Completion<std::optional<storage::StorageError>>;

struct Pending {
  PartitionResponse* response;
  std::shared_ptr<Ack> ack;  // null: nothing to wait for
};

ErrorCode check_partition(const net::Request& req, const ProduceRequest& request,
                          const TopicInfo* topic, const ProduceRequest::PartitionProduceData& pd) {
  if (request.acks != 0 && request.acks != 1 && request.acks != -1)
    return ErrorCode::kInvalidRequiredAcks;
  if (topic == nullptr || !topic->has_partition(pd.index)) {
    return ErrorCode::kUnknownTopicOrPartition;
  }
  // Only the coordinators write internal topics (Kafka: "Cannot append to internal topic").
  if (topic->internal) return ErrorCode::kInvalidTopicException;
  if (req.header.api_version < 3) return ErrorCode::kUnsupportedForMessageFormat;
  if (pd.records.is_null || pd.records.data.empty()) return ErrorCode::kInvalidRecord;
  return ErrorCode::kNone;
}

record::ValidationOptions validation_options(const TopicInfo& topic, int16_t version) {
  record::ValidationOptions o;
  o.zstd_allowed = version >= 7;  // Kafka: zstd needs Produce v7+
  o.max_batch_bytes = topic.config.max_message_bytes;
  o.log_append_time = topic.config.log_append_time;
  o.now_ms = SystemClock::instance().now_ms();
  o.max_timestamp_diff_ms = topic.config.message_timestamp_difference_max_ms;
  o.max_timestamp_before_ms = topic.config.message_timestamp_before_max_ms;
  o.max_timestamp_after_ms = topic.config.message_timestamp_after_max_ms;
  // Kafka: "Compacted topic cannot accept message without key" (INVALID_RECORD).
  o.require_keys = topic.config.cleanup_compact;
  return o;
}

// The batch as the log stores it: as sent, or recompressed to the topic's
// compression.type (Kafka's LogValidator). `storage` holds a rewritten copy.
Result<std::span<uint8_t>, ErrorCode> stored_form(std::span<uint8_t> batch,
                                                  const config::TopicConfig& c,
                                                  std::vector<uint8_t>& storage) {
  if (c.stored_codec < 0 || record::BatchHeaderView(batch.data()).compression() == c.stored_codec)
    return batch;
  auto rewritten =
      record::recompress_batch(batch, static_cast<record::Codec>(c.stored_codec),
                               c.stored_codec_level, record::kDefaultMaxDecompressedBytes);
  if (!rewritten.ok()) return Err{rewritten.error()};
  storage = std::move(rewritten).value();
  return std::span<uint8_t>(storage);
}

// A failed KIP-890 verification as Produce answers it (Kafka's
// AddPartitionsToTxnManager): PRODUCER_FENCED is not a Produce error, clients
// know INVALID_PRODUCER_EPOCH; a coordinator that is busy, loading or elsewhere
// becomes NOT_ENOUGH_REPLICAS, which producers retry.
ErrorCode verification_error(ErrorCode e) {
  switch (e) {
    case ErrorCode::kProducerFenced:
      return ErrorCode::kInvalidProducerEpoch;
    case ErrorCode::kNotCoordinator:
    case ErrorCode::kCoordinatorNotAvailable:
    case ErrorCode::kCoordinatorLoadInProgress:
    case ErrorCode::kConcurrentTransactions:
      return ErrorCode::kNotEnoughReplicas;
    default:
      return e;
  }
}

// What one attempt on the owner shard produced.
struct OwnerAppend {
  storage::AppendResult appended{};
  int64_t log_start_offset = -1;
  std::optional<storage::StorageError> error;
  uint64_t guard = 0;  // kTxnVerificationNeeded: the guard to append with once verified
};

// Appends on the owner shard (runs there) and registers the acknowledgement.
void append_on_owner(storage::PartitionLog& log, std::span<uint8_t> batch, uint64_t guard,
                     bool verify, bool durable, const std::shared_ptr<Ack>& ack, OwnerAppend& out) {
  record::set_offsets(batch, log.log_end_offset(), 0);
  const int64_t producer_id = record::BatchHeaderView(batch.data()).producer_id();
  auto appended = log.append(batch, storage::AppendOptions{guard});
  if (!appended.ok() && appended.error() == storage::StorageError::kTxnVerificationNeeded &&
      !verify && guard == 0) {
    // transaction.partition.verification.enable=false: trust the client, as Kafka does.
    appended = log.append(batch, storage::AppendOptions{log.begin_txn_verification(producer_id)});
  }
  if (!appended.ok()) {
    out.error = appended.error();
    if (out.error == storage::StorageError::kTxnVerificationNeeded)
      out.guard = log.begin_txn_verification(producer_id);
    return;
  }
  out.appended = *appended;
  out.log_start_offset = log.log_start_offset();
  if (!ack) return;
  auto done = [ack](std::optional<storage::StorageError> e) { ack->complete(e); };
  if (durable) {
    log.when_durable(appended->last_offset + 1, done);
  } else {
    log.when_written(appended->last_offset + 1, done);
  }
}

// One hop to the owner shard: append (with `guard` once verified).
asio::awaitable<OwnerAppend> append_once(Broker& broker, const TopicInfo& topic, int32_t partition,
                                         std::span<uint8_t> batch, uint64_t guard, bool durable,
                                         std::shared_ptr<Ack> ack) {
  OwnerAppend out;
  const bool verify = broker.config().transaction_partition_verification_enable;
  const unsigned owner = broker.owner_shard(topic.id, partition);
  co_await broker.shards().invoke_on(owner, [&, owner] {
    storage::PartitionLog* log = broker.partitions_of(owner).find(topic.id, partition);
    if (log == nullptr) {
      out.error = storage::StorageError::kClosed;
    } else {
      append_on_owner(*log, batch, guard, verify, durable, ack, out);
    }
    return true;
  });
  co_return out;
}

// Validates and appends one partition's batch; fills `out` and returns what to wait for.
// A transactional batch that starts a transaction on the partition is first
// verified with the transaction coordinator (KIP-890 part 1): the partition
// must be in the producer's ongoing transaction, and no marker may have been
// written for the producer since the check began.
asio::awaitable<std::shared_ptr<Ack>> append_partition(
    Broker& broker, const ProduceRequest& request, int16_t version, const TopicInfo& topic,
    const ProduceRequest::PartitionProduceData& pd, PartitionResponse& out) {
  auto& data = pd.records.data;
  std::span<uint8_t> batch(const_cast<uint8_t*>(data.data()), data.size());  // we own the frame
  auto options = validation_options(topic, version);
  auto valid = record::validate_produce_batch(batch, options);
  if (valid.ok() && record::BatchHeaderView(batch.data()).is_transactional() &&
      !request.transactional_id.has_value()) {
    valid = Err{ErrorCode::kTransactionalIdAuthorizationFailed};
  }
  std::vector<uint8_t> recompressed;
  auto stored = valid.ok() ? stored_form(batch, topic.config, recompressed)
                           : Result<std::span<uint8_t>, ErrorCode>(Err{valid.error()});
  if (!stored.ok()) {
    out.error_code = to_wire(stored.error());
    co_return nullptr;
  }
  batch = *stored;
  const bool durable = request.acks == -1 && topic.config.flush_messages <= 1;
  // (GCC 12 miscompiles co_await inside a conditional expression: keep it a statement.)
  auto executor = co_await asio::this_coro::executor;
  std::shared_ptr<Ack> ack;
  if (request.acks != 0) ack = Ack::make(executor);
  OwnerAppend result = co_await append_once(broker, topic, pd.index, batch, 0, durable, ack);
  if (result.error == storage::StorageError::kTxnVerificationNeeded) {
    const record::BatchHeaderView h(batch.data());
    const ErrorCode verified = co_await broker.txns().verify_partition(
        *request.transactional_id, h.producer_id(), h.producer_epoch(), topic.name, pd.index);
    if (verified != ErrorCode::kNone) {
      out.error_code = to_wire(verification_error(verified));
      co_return nullptr;
    }
    result = co_await append_once(broker, topic, pd.index, batch, result.guard, durable, ack);
  }
  if (result.error) {
    out.error_code =
        to_wire(*result.error == storage::StorageError::kClosed ? ErrorCode::kNotLeaderOrFollower
                                                                : to_error_code(*result.error));
    co_return nullptr;
  }
  out.base_offset = result.appended.base_offset;
  out.log_start_offset = result.log_start_offset;
  if (topic.config.log_append_time)
    out.log_append_time_ms =
        result.appended.duplicate ? result.appended.log_append_time_ms : options.now_ms;
  co_return ack;
}

}  // namespace

asio::awaitable<net::Response> handle_produce(Broker& broker, net::Request& req) {
  ProduceRequest request;
  if (!decode_body(req, request)) co_return close_connection(req, "malformed Produce request");
  ProduceResponse resp;
  std::vector<Pending> pending;
  resp.responses.reserve(request.topic_data.size());
  auto table = broker.topics();  // keeps every TopicInfo below alive for the request
  for (const auto& td : request.topic_data) {
    auto& topic_out = resp.responses.emplace_back();
    topic_out.name = td.name;
    const TopicInfo* topic = table->find(td.name);
    std::shared_ptr<const TopicInfo> created;
    if (topic == nullptr) {
      created = co_await broker.topic_manager().auto_create(td.name);
      topic = created.get();
    }
    topic_out.partition_responses.reserve(td.partition_data.size());
    for (const auto& pd : td.partition_data) {
      auto& out = topic_out.partition_responses.emplace_back();
      out.index = pd.index;
      out.base_offset = -1;
      ErrorCode err = check_partition(req, request, topic, pd);
      if (err != ErrorCode::kNone) {
        out.error_code = to_wire(err);
        continue;
      }
      auto ack =
          co_await append_partition(broker, request, req.header.api_version, *topic, pd, out);
      if (ack) pending.push_back({&out, std::move(ack)});
    }
  }
  const auto timeout = std::chrono::milliseconds(std::max(request.timeout_ms, 0));
  for (Pending& p : pending) {
    auto outcome = co_await p.ack->wait(timeout);
    if (!outcome.has_value()) {
      p.response->error_code = to_wire(ErrorCode::kRequestTimedOut);
    } else if (outcome->has_value()) {
      p.response->error_code = to_wire(to_error_code(**outcome));
    }
  }
  bool any_error = false;
  for (auto& t : resp.responses) {
    for (auto& p : t.partition_responses) {
      if (p.error_code != 0) {
        any_error = true;
        p.error_message = std::string(error_name(static_cast<ErrorCode>(p.error_code)));
      }
    }
  }
  if (request.acks == 0) {
    // No answer for acks=0; on an error Kafka closes the connection so the producer notices.
    if (any_error) co_return close_connection(req, "acks=0 produce failed");
    net::Response none;
    none.send = false;
    co_return none;
  }
  co_return respond(resp, req);
}

}  // namespace gregor::server
