#include "coordinator/txn/txn_metadata.h"

#include <algorithm>
#include <array>

#include "base/assert.h"

namespace gregor::coordinator::txn {
namespace {

constexpr std::array<std::string_view, 8> kNames = {
    "Empty",          "Ongoing",       "PrepareCommit", "PrepareAbort",
    "CompleteCommit", "CompleteAbort", "Dead",          "PrepareEpochFence",
};

}  // namespace

std::string_view state_name(TxnState s) {
  return kNames[static_cast<size_t>(s)];
}

std::optional<TxnState> state_from_name(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i)
    if (kNames[i] == name) return static_cast<TxnState>(i);
  return std::nullopt;
}

std::optional<TxnState> state_from_id(int8_t id) {
  if (id < 0 || id >= static_cast<int8_t>(kNames.size())) return std::nullopt;
  return static_cast<TxnState>(id);
}

bool valid_transition(TxnState from, TxnState to) {
  using S = TxnState;
  switch (to) {
    case S::kEmpty:
    case S::kDead:
      return from == S::kEmpty || from == S::kCompleteCommit || from == S::kCompleteAbort;
    case S::kOngoing:
      return from == S::kOngoing || from == S::kEmpty || from == S::kCompleteCommit ||
             from == S::kCompleteAbort;
    case S::kPrepareCommit:
    case S::kPrepareEpochFence:
      return from == S::kOngoing;
    case S::kPrepareAbort:
      return from == S::kOngoing || from == S::kPrepareEpochFence;
    case S::kCompleteCommit:
      return from == S::kPrepareCommit;
    case S::kCompleteAbort:
      return from == S::kPrepareAbort;
  }
  return false;
}

bool expiration_allowed(TxnState s) {
  return s == TxnState::kEmpty || s == TxnState::kCompleteCommit || s == TxnState::kCompleteAbort;
}

TxnTransit TxnMetadata::prepare(TxnState next, int64_t new_producer_id, int16_t epoch,
                                int16_t last_epoch, int32_t new_timeout_ms,
                                std::set<TopicPartition> new_partitions, int64_t new_start_ms,
                                int64_t new_update_ms) {
  GREGOR_ASSERT(!pending, "a transition is already pending");
  GREGOR_ASSERT(new_producer_id >= 0, "illegal producer id");
  GREGOR_ASSERT(next == TxnState::kDead || epoch >= 0, "illegal producer epoch");
  GREGOR_ASSERT(valid_transition(state, next), "invalid transaction state transition");
  pending = next;
  TxnTransit t;
  t.producer_id = new_producer_id;
  t.last_producer_id = producer_id;
  t.producer_epoch = epoch;
  t.last_producer_epoch = last_epoch;
  t.timeout_ms = new_timeout_ms;
  t.state = next;
  t.partitions = std::move(new_partitions);
  t.start_ms = new_start_ms;
  t.update_ms = new_update_ms;
  return t;
}

TxnTransit TxnMetadata::prepare_increment_epoch_to(int16_t epoch, int16_t last_epoch,
                                                   int32_t new_timeout_ms, int64_t now_ms) {
  return prepare(TxnState::kEmpty, producer_id, epoch, last_epoch, new_timeout_ms, {}, -1, now_ms);
}

TxnTransit TxnMetadata::prepare_producer_id_rotation(int64_t new_producer_id,
                                                     int32_t new_timeout_ms, int64_t now_ms,
                                                     bool record_last_epoch) {
  GREGOR_ASSERT(state != TxnState::kOngoing && state != TxnState::kPrepareCommit &&
                    state != TxnState::kPrepareAbort,
                "producer id rotation while a transaction is open");
  return prepare(TxnState::kEmpty, new_producer_id, 0,
                 record_last_epoch ? producer_epoch : kNoProducerEpoch, new_timeout_ms, {}, -1,
                 now_ms);
}

TxnTransit TxnMetadata::prepare_add_partitions(const std::set<TopicPartition>& added,
                                               int64_t now_ms) {
  const bool starts = state == TxnState::kEmpty || state == TxnState::kCompleteCommit ||
                      state == TxnState::kCompleteAbort;
  std::set<TopicPartition> all = partitions;
  all.insert(added.begin(), added.end());
  return prepare(TxnState::kOngoing, producer_id, producer_epoch, last_producer_epoch, timeout_ms,
                 std::move(all), starts ? now_ms : start_ms, now_ms);
}

TxnTransit TxnMetadata::prepare_abort_or_commit(TxnState next, int64_t now_ms) {
  return prepare(next, producer_id, producer_epoch, last_producer_epoch, timeout_ms, partitions,
                 start_ms, now_ms);
}

TxnTransit TxnMetadata::prepare_complete(int64_t now_ms) {
  const TxnState next =
      state == TxnState::kPrepareCommit ? TxnState::kCompleteCommit : TxnState::kCompleteAbort;
  // The prepare record is durable: an earlier failed fence no longer matters.
  failed_epoch_fence = false;
  return prepare(next, producer_id, producer_epoch, last_producer_epoch, timeout_ms, {}, start_ms,
                 now_ms);
}

TxnTransit TxnMetadata::prepare_dead() {
  return prepare(TxnState::kDead, producer_id, producer_epoch, last_producer_epoch, timeout_ms, {},
                 start_ms, update_ms);
}

void TxnMetadata::complete_transition(const TxnTransit& t) {
  GREGOR_ASSERT(pending && *pending == t.state, "completing a transition that is not pending");
  switch (t.state) {
    case TxnState::kEmpty:  // InitProducerId
      GREGOR_ASSERT(t.partitions.empty() && t.start_ms == -1, "bad Empty transition");
      timeout_ms = t.timeout_ms;
      producer_epoch = t.producer_epoch;
      last_producer_epoch = t.last_producer_epoch;
      producer_id = t.producer_id;
      last_producer_id = t.last_producer_id;
      break;
    case TxnState::kOngoing:  // AddPartitions
      GREGOR_ASSERT(t.producer_id == producer_id && t.producer_epoch == producer_epoch &&
                        std::includes(t.partitions.begin(), t.partitions.end(), partitions.begin(),
                                      partitions.end()),
                    "bad Ongoing transition");
      start_ms = t.start_ms;
      partitions = t.partitions;
      break;
    case TxnState::kPrepareCommit:
    case TxnState::kPrepareAbort:  // EndTxn
      GREGOR_ASSERT(t.producer_id == producer_id && t.producer_epoch == producer_epoch &&
                        t.partitions == partitions && t.start_ms == start_ms,
                    "bad Prepare transition");
      break;
    case TxnState::kCompleteCommit:
    case TxnState::kCompleteAbort:  // markers written
      GREGOR_ASSERT(t.producer_id == producer_id && t.producer_epoch == producer_epoch,
                    "bad Complete transition");
      start_ms = t.start_ms;
      partitions.clear();
      break;
    case TxnState::kDead:
    case TxnState::kPrepareEpochFence:
      GREGOR_ASSERT(false, "Dead and PrepareEpochFence are never completed");
  }
  update_ms = t.update_ms;
  pending.reset();
  state = t.state;
}

TxnTransit TxnMetadata::current() const {
  TxnTransit t;
  t.producer_id = producer_id;
  t.last_producer_id = last_producer_id;
  t.producer_epoch = producer_epoch;
  t.last_producer_epoch = last_producer_epoch;
  t.timeout_ms = timeout_ms;
  t.state = state;
  t.partitions = partitions;
  t.start_ms = start_ms;
  t.update_ms = update_ms;
  return t;
}

}  // namespace gregor::coordinator::txn
