// InitProducerId with a transactional id (Kafka's handleInitProducerId and
// prepareInitProducerIdTransit).
#include "base/log.h"
#include "coordinator/txn/txn_coordinator.h"

namespace gregor::coordinator::txn {
namespace {

// KIP-360: may a producer that says it had `expected` initialise again? Yes
// if the id was just created, if it still holds the current producer id (its
// epoch is checked below), or if it holds the id before a rotation that its
// exhausted epoch caused (a retry whose answer was lost).
bool expected_matches(const TxnMetadata& m, const ProducerIdAndEpoch& expected) {
  return m.producer_epoch == kNoProducerEpoch || expected.producer_id == m.producer_id ||
         (expected.producer_id == m.last_producer_id && epoch_exhausted(expected.epoch));
}

}  // namespace

void TxnCoordinator::init_producer_id(const std::string& transactional_id, int32_t timeout_ms,
                                      std::optional<ProducerIdAndEpoch> expected,
                                      InitPidCallback done) {
  if (transactional_id.empty()) {
    done({ErrorCode::kInvalidRequest});
    return;
  }
  if (timeout_ms <= 0 || timeout_ms > config_.max_timeout_ms) {
    done({ErrorCode::kInvalidTransactionTimeout});
    return;
  }
  init_with(transactional_id, timeout_ms, expected, kNoProducerId, std::move(done));
}

void TxnCoordinator::fetch_pid_and_retry(const std::string& transactional_id, int32_t timeout_ms,
                                         std::optional<ProducerIdAndEpoch> expected,
                                         InitPidCallback done) {
  producer_ids_.next([this, transactional_id, timeout_ms, expected,
                      done = std::move(done)](Result<int64_t, ErrorCode> pid) mutable {
    if (!pid.ok()) {
      done({pid.error()});
      return;
    }
    // The state may have changed while the id was fetched: decide again. An
    // id that ends up unused is simply skipped.
    init_with(transactional_id, timeout_ms, expected, pid.value(), std::move(done));
  });
}

void TxnCoordinator::init_with(const std::string& transactional_id, int32_t timeout_ms,
                               std::optional<ProducerIdAndEpoch> expected, int64_t fresh_pid,
                               InitPidCallback done) {
  ErrorCode error;
  TxnMetadata* m = lookup(transactional_id, error);
  if (error != ErrorCode::kNone) {
    done({error});
    return;
  }
  if (m == nullptr) {
    if (fresh_pid == kNoProducerId) {
      fetch_pid_and_retry(transactional_id, timeout_ms, expected, std::move(done));
      return;
    }
    // A new id starts Empty at epoch -1; the write below makes it epoch 0.
    TxnMetadata created;
    created.transactional_id = transactional_id;
    created.partition = partition_for(transactional_id);
    created.producer_id = fresh_pid;
    created.timeout_ms = timeout_ms;
    created.update_ms = now_ms();
    fresh_pid = kNoProducerId;
    m = &txns_.emplace(transactional_id, std::move(created)).first->second;
  }
  if (m->has_pending()) {
    done({ErrorCode::kConcurrentTransactions});
    return;
  }
  if (expected && !expected_matches(*m, *expected)) {
    done({ErrorCode::kProducerFenced});
    return;
  }
  switch (m->state) {
    case TxnState::kPrepareCommit:
    case TxnState::kPrepareAbort:
      done({ErrorCode::kConcurrentTransactions});
      return;
    case TxnState::kOngoing:
      // Abort the open transaction with a bumped epoch (fencing its
      // producer). That epoch is never returned: the client retries after
      // CONCURRENT_TRANSACTIONS and gets a second bump, or a new producer id
      // if the fence exhausted the epochs.
      fence_and_abort(*m, [done = std::move(done)](ErrorCode e) {
        done({e == ErrorCode::kNone ? ErrorCode::kConcurrentTransactions : e});
      });
      return;
    case TxnState::kEmpty:
    case TxnState::kCompleteCommit:
    case TxnState::kCompleteAbort:
      break;
    case TxnState::kDead:
    case TxnState::kPrepareEpochFence:
      GREGOR_ASSERT(false, "a transactional id is never at rest in Dead or PrepareEpochFence");
  }

  TxnTransit t;
  const int16_t epoch = m->producer_epoch;
  if (epoch_exhausted(epoch)) {
    if (expected && expected->epoch != epoch) {
      // Kafka would fail an assertion here; the producer is not the current one.
      done({ErrorCode::kProducerFenced});
      return;
    }
    if (fresh_pid == kNoProducerId) {
      fetch_pid_and_retry(transactional_id, timeout_ms, expected, std::move(done));
      return;
    }
    t = m->prepare_producer_id_rotation(fresh_pid, timeout_ms, now_ms(), expected.has_value());
  } else if (!expected) {
    // A new producer session: fence every older one.
    t = m->prepare_increment_epoch_to(static_cast<int16_t>(epoch + 1), kNoProducerEpoch, timeout_ms,
                                      now_ms());
  } else if (epoch == kNoProducerEpoch || expected->epoch == epoch) {
    // The producer recovers from an error (KIP-360): bump, remembering the
    // epoch it had so that a retry of this call is recognised.
    t = m->prepare_increment_epoch_to(static_cast<int16_t>(epoch + 1), epoch, timeout_ms, now_ms());
  } else if (expected->epoch == m->last_producer_epoch) {
    // A retry of a bump that succeeded: the same answer again.
    t = m->prepare_increment_epoch_to(epoch, m->last_producer_epoch, timeout_ms, now_ms());
  } else {
    done({ErrorCode::kProducerFenced});
    return;
  }
  const int64_t pid = t.producer_id;
  const int16_t new_epoch = t.producer_epoch;
  write_transit(*m, std::move(t),
                [transactional_id, pid, new_epoch, done = std::move(done)](ErrorCode e) {
                  if (e != ErrorCode::kNone) {
                    done({e});
                    return;
                  }
                  log::debug("transactional id {}: producer id {} epoch {}", transactional_id, pid,
                             new_epoch);
                  done({ErrorCode::kNone, pid, new_epoch});
                });
}

}  // namespace gregor::coordinator::txn
