// The records of __transaction_state in Kafka's format, so that Apache Kafka
// and Gregor can read each other's transaction log:
//   key   = int16 key version 0 + TransactionLogKey v0 (string transactional id)
//   value = int16 value version + TransactionLogValue: producer id (int64),
//           producer epoch (int16), timeout (int32), state id (int8),
//           partitions (nullable array of {topic string, [int32]}; null for
//           Empty), last update and start timestamps (int64).
//           Version 0 is written; version 1 (flexible, tagged previous/next
//           producer id and client transaction version) is read too.
//   null value = tombstone: the transactional id expired.
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "coordinator/txn/txn_metadata.h"

namespace gregor::coordinator::txn {

struct TxnLogRecord {
  std::vector<uint8_t> key;
  std::optional<std::vector<uint8_t>> value;  // nullopt: tombstone
};

// The value of a record; the previous and next producer ids and the client
// transaction version exist only in version 1 (-1, -1 and 0 otherwise).
struct TxnLogValue {
  int64_t producer_id = kNoProducerId;
  int64_t previous_producer_id = kNoProducerId;
  int64_t next_producer_id = kNoProducerId;
  int16_t producer_epoch = kNoProducerEpoch;
  int32_t timeout_ms = 0;
  TxnState state = TxnState::kEmpty;
  std::set<TopicPartition> partitions;  // empty for Empty
  int64_t update_ms = -1;
  int64_t start_ms = -1;
  int16_t client_transaction_version = 0;
};

constexpr int16_t kTxnKeyVersion = 0;
constexpr int16_t kTxnValueVersion = 0;

std::vector<uint8_t> encode_txn_key(const std::string& transactional_id);
std::vector<uint8_t> encode_txn_value(const TxnLogValue& value, int16_t version = kTxnValueVersion);

// The record for a state change of `transactional_id` (value version 0).
TxnLogRecord txn_record(const std::string& transactional_id, const TxnTransit& t);
TxnLogRecord txn_tombstone(const std::string& transactional_id);

// The transactional id of a key; nullopt for a key version this log does not
// hold transactions under (skipped on replay, as Kafka does). Errors describe
// an undecodable key.
Result<std::optional<std::string>, std::string> decode_txn_key(std::span<const uint8_t> key);
Result<TxnLogValue, std::string> decode_txn_value(std::span<const uint8_t> value);

}  // namespace gregor::coordinator::txn
