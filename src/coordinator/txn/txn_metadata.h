// The state of one transactional id, as Kafka's TransactionMetadata: the
// producer id and epoch handed to its producer, the transaction's state and
// partitions, and the state a write in flight will move it to.
//
// Threads: plain data, touched only on the owning coordinator's thread.
//
// Invariants: a state change is first prepared as a TxnTransit (checked
// against the table of valid transitions, recorded in `pending`), written to
// __transaction_state, and applied with complete_transition() only once the
// write is durable. While `pending` is set no other change may start.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

namespace gregor::coordinator::txn {

using TopicPartition = std::pair<std::string, int32_t>;

// Kafka's TransactionState, with its ids (TransactionLogValue.TransactionStatus)
// and names (DescribeTransactions / ListTransactions).
enum class TxnState : int8_t {
  kEmpty = 0,
  kOngoing = 1,
  kPrepareCommit = 2,
  kPrepareAbort = 3,
  kCompleteCommit = 4,
  kCompleteAbort = 5,
  kDead = 6,
  kPrepareEpochFence = 7,
};

std::string_view state_name(TxnState s);
// nullopt for a name or id Kafka does not define. Names are case-sensitive,
// as in Kafka's TransactionState.fromName.
std::optional<TxnState> state_from_name(std::string_view name);
std::optional<TxnState> state_from_id(int8_t id);
// Kafka's validPreviousStates: may a transactional id in `from` move to `to`?
bool valid_transition(TxnState from, TxnState to);
// Empty, CompleteCommit and CompleteAbort: no transaction is open, and an id
// idle in them for transactional.id.expiration.ms is removed.
bool expiration_allowed(TxnState s);

constexpr int64_t kNoProducerId = -1;
constexpr int16_t kNoProducerEpoch = -1;
// An epoch this high leaves no room to fence the producer again: the next
// InitProducerId gives the transactional id a new producer id (Kafka's
// isEpochExhausted, Short.MaxValue - 1).
constexpr int16_t kMaxProducerEpoch = 32766;
inline bool epoch_exhausted(int16_t epoch) {
  return epoch >= kMaxProducerEpoch;
}

// The target of a state change; what the record written for it says.
struct TxnTransit {
  int64_t producer_id = kNoProducerId;
  int64_t last_producer_id = kNoProducerId;
  int16_t producer_epoch = kNoProducerEpoch;
  int16_t last_producer_epoch = kNoProducerEpoch;
  int32_t timeout_ms = 0;
  TxnState state = TxnState::kEmpty;
  std::set<TopicPartition> partitions;
  int64_t start_ms = -1;  // wall time the transaction started; -1 if none
  int64_t update_ms = -1;
};

struct TxnMetadata {
  std::string transactional_id;
  int32_t partition = 0;  // of __transaction_state
  int64_t producer_id = kNoProducerId;
  // The producer id before the last rotation (KIP-360: a retried
  // InitProducerId after an epoch exhaustion is recognised by it).
  int64_t last_producer_id = kNoProducerId;
  int16_t producer_epoch = kNoProducerEpoch;
  // The epoch before the last bump requested with an expected epoch (KIP-360
  // retries get the current epoch back); -1 after a fencing bump.
  int16_t last_producer_epoch = kNoProducerEpoch;
  int32_t timeout_ms = 0;
  TxnState state = TxnState::kEmpty;
  std::set<TopicPartition> partitions;
  int64_t start_ms = -1;
  int64_t update_ms = -1;
  // The state a write in flight moves this id to.
  std::optional<TxnState> pending;
  // An epoch-fencing abort whose record could not be written: the epoch was
  // raised in memory but never given out, so the next fence does not raise it
  // again.
  bool failed_epoch_fence = false;

  bool has_pending() const { return pending.has_value(); }

  // Kafka's prepare* helpers: each checks the transition, sets `pending` and
  // returns the target. The caller writes it and then completes or aborts.
  TxnTransit prepare_increment_epoch_to(int16_t epoch, int16_t last_epoch, int32_t timeout_ms,
                                        int64_t now_ms);
  TxnTransit prepare_producer_id_rotation(int64_t new_producer_id, int32_t timeout_ms,
                                          int64_t now_ms, bool record_last_epoch);
  TxnTransit prepare_add_partitions(const std::set<TopicPartition>& added, int64_t now_ms);
  TxnTransit prepare_abort_or_commit(TxnState next, int64_t now_ms);
  TxnTransit prepare_complete(int64_t now_ms);
  TxnTransit prepare_dead();
  // Applies a durable transit (asserts that it matches `pending`).
  void complete_transition(const TxnTransit& t);
  // A write failed: nothing changes but `pending`.
  void abort_transition() { pending.reset(); }

  // The current state as a transit (for records written at replay's end).
  TxnTransit current() const;

 private:
  TxnTransit prepare(TxnState next, int64_t producer_id, int16_t epoch, int16_t last_epoch,
                     int32_t timeout_ms, std::set<TopicPartition> partitions, int64_t start_ms,
                     int64_t update_ms);
};

}  // namespace gregor::coordinator::txn
