#include "coordinator/txn/txn_records.h"

#include <fmt/format.h>

#include <map>

#include "base/byte_reader.h"
#include "base/byte_writer.h"
#include "protocol/messages/transaction_log_key.h"
#include "protocol/messages/transaction_log_value.h"

namespace gregor::coordinator::txn {

std::vector<uint8_t> encode_txn_key(const std::string& transactional_id) {
  protocol::TransactionLogKey key;
  key.transactional_id = transactional_id;
  ByteWriter w;
  w.i16(kTxnKeyVersion);
  key.encode(w, kTxnKeyVersion);
  return std::move(w.buf());
}

std::vector<uint8_t> encode_txn_value(const TxnLogValue& value, int16_t version) {
  protocol::TransactionLogValue v;
  v.producer_id = value.producer_id;
  v.previous_producer_id = value.previous_producer_id;
  v.next_producer_id = value.next_producer_id;
  v.producer_epoch = value.producer_epoch;
  v.transaction_timeout_ms = value.timeout_ms;
  v.transaction_status = static_cast<int8_t>(value.state);
  if (value.state == TxnState::kEmpty) {
    v.transaction_partitions = std::nullopt;  // as Kafka writes it
  } else {
    auto& topics = v.transaction_partitions.emplace();
    for (const auto& [topic, partition] : value.partitions) {
      if (topics.empty() || topics.back().topic != topic) topics.emplace_back().topic = topic;
      topics.back().partition_ids.push_back(partition);
    }
  }
  v.transaction_last_update_timestamp_ms = value.update_ms;
  v.transaction_start_timestamp_ms = value.start_ms;
  v.client_transaction_version = value.client_transaction_version;
  ByteWriter w;
  w.i16(version);
  v.encode(w, version);
  return std::move(w.buf());
}

TxnLogRecord txn_record(const std::string& transactional_id, const TxnTransit& t) {
  TxnLogValue v;
  v.producer_id = t.producer_id;
  v.producer_epoch = t.producer_epoch;
  v.timeout_ms = t.timeout_ms;
  v.state = t.state;
  v.partitions = t.partitions;
  v.update_ms = t.update_ms;
  v.start_ms = t.start_ms;
  return {encode_txn_key(transactional_id), encode_txn_value(v)};
}

TxnLogRecord txn_tombstone(const std::string& transactional_id) {
  return {encode_txn_key(transactional_id), std::nullopt};
}

Result<std::optional<std::string>, std::string> decode_txn_key(std::span<const uint8_t> key) {
  ByteReader r(key);
  const int16_t version = r.i16();
  if (!r.ok()) return Err(std::string("transaction log key shorter than its version"));
  if (version != kTxnKeyVersion) {
    if (version < 0) return Err(fmt::format("transaction log key version {} unknown", version));
    return std::optional<std::string>();  // another record type: not a transaction
  }
  protocol::TransactionLogKey k;
  k.decode(r, version);
  if (!r.ok()) return Err(std::string("undecodable transaction log key"));
  return std::optional<std::string>(std::move(k.transactional_id));
}

Result<TxnLogValue, std::string> decode_txn_value(std::span<const uint8_t> value) {
  ByteReader r(value);
  const int16_t version = r.i16();
  if (!r.ok() || version < 0 || version > 1)
    return Err(fmt::format("transaction log value version {} unknown", version));
  protocol::TransactionLogValue v;
  v.decode(r, version);
  if (!r.ok()) return Err(std::string("undecodable transaction log value"));
  const auto state = state_from_id(v.transaction_status);
  if (!state) return Err(fmt::format("transaction state id {} unknown", v.transaction_status));
  TxnLogValue out;
  out.producer_id = v.producer_id;
  out.previous_producer_id = v.previous_producer_id;
  out.next_producer_id = v.next_producer_id;
  out.producer_epoch = v.producer_epoch;
  out.timeout_ms = v.transaction_timeout_ms;
  out.state = *state;
  out.update_ms = v.transaction_last_update_timestamp_ms;
  out.start_ms = v.transaction_start_timestamp_ms;
  out.client_transaction_version = v.client_transaction_version;
  // Kafka ignores the partitions of an Empty record.
  if (out.state != TxnState::kEmpty && v.transaction_partitions) {
    for (const auto& topic : *v.transaction_partitions)
      for (int32_t p : topic.partition_ids) out.partitions.emplace(topic.topic, p);
  }
  return out;
}

}  // namespace gregor::coordinator::txn
