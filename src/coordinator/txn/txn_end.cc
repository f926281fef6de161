// AddPartitionsToTxn, its KIP-890 verification, EndTxn, the epoch-fencing
// abort, and the completion of a transaction: markers, then the Complete*
// record (Kafka's handleAddPartitionsToTransaction, endTransaction and
// TransactionMarkerChannelManager).
#include <algorithm>
#include <cstdint>
#include <set>

#include "base/log.h"
#include "coordinator/txn/txn_coordinator.h"

namespace gregor::coordinator::txn {

void TxnCoordinator::add_partitions(const std::string& transactional_id, int64_t producer_id,
                                    int16_t epoch, const std::vector<TopicPartition>& partitions,
                                    AddPartitionsCallback done) {
  const size_t n = partitions.size();
  auto answer = [n, &done](ErrorCode e) { done(std::vector<ErrorCode>(n, e)); };
  if (transactional_id.empty()) return answer(ErrorCode::kInvalidRequest);
  ErrorCode error;
  TxnMetadata* m = lookup(transactional_id, error);
  if (error != ErrorCode::kNone) return answer(error);
  if (m == nullptr || m->producer_id != producer_id)
    return answer(ErrorCode::kInvalidProducerIdMapping);
  if (m->producer_epoch != epoch) return answer(ErrorCode::kProducerFenced);
  if (m->has_pending() || m->state == TxnState::kPrepareCommit ||
      m->state == TxnState::kPrepareAbort)
    return answer(ErrorCode::kConcurrentTransactions);
  const std::set<TopicPartition> added(partitions.begin(), partitions.end());
  if (m->state == TxnState::kOngoing &&
      std::includes(m->partitions.begin(), m->partitions.end(), added.begin(), added.end()))
    return answer(ErrorCode::kNone);  // nothing new: no write
  write_transit(*m, m->prepare_add_partitions(added, now_ms()),
                [n, done = std::move(done)](ErrorCode e) { done(std::vector<ErrorCode>(n, e)); });
}

ErrorCode TxnCoordinator::verify_partition(const std::string& transactional_id, int64_t producer_id,
                                           int16_t epoch, const TopicPartition& tp) const {
  if (transactional_id.empty()) return ErrorCode::kInvalidRequest;
  if (ErrorCode e = txn_error(transactional_id); e != ErrorCode::kNone) return e;
  const TxnMetadata* m = find(transactional_id);
  if (m == nullptr || m->producer_id != producer_id) return ErrorCode::kInvalidProducerIdMapping;
  if (m->producer_epoch != epoch) return ErrorCode::kProducerFenced;
  if (m->state == TxnState::kPrepareCommit || m->state == TxnState::kPrepareAbort)
    return ErrorCode::kConcurrentTransactions;
  // Partitions join the set when their AddPartitions record is durable and
  // leave it when the Complete* record is: the pending state does not matter.
  return m->partitions.contains(tp) ? ErrorCode::kNone : ErrorCode::kInvalidTxnState;
}

void TxnCoordinator::end_txn(const std::string& transactional_id, int64_t producer_id,
                             int16_t epoch, bool commit, EndTxnCallback done) {
  if (transactional_id.empty()) return done(ErrorCode::kInvalidRequest);
  ErrorCode error;
  TxnMetadata* m = lookup(transactional_id, error);
  if (error != ErrorCode::kNone) return done(error);
  if (m == nullptr || m->producer_id != producer_id)
    return done(ErrorCode::kInvalidProducerIdMapping);
  if (m->producer_epoch != epoch) return done(ErrorCode::kProducerFenced);
  if (m->has_pending()) return done(ErrorCode::kConcurrentTransactions);
  switch (m->state) {
    case TxnState::kOngoing:
      break;
    case TxnState::kCompleteCommit:  // a retry: same outcome fine, the other not
      return done(commit ? ErrorCode::kNone : ErrorCode::kInvalidTxnState);
    case TxnState::kCompleteAbort:
      return done(commit ? ErrorCode::kInvalidTxnState : ErrorCode::kNone);
    case TxnState::kPrepareCommit:  // still being completed
      return done(commit ? ErrorCode::kConcurrentTransactions : ErrorCode::kInvalidTxnState);
    case TxnState::kPrepareAbort:
      return done(commit ? ErrorCode::kInvalidTxnState : ErrorCode::kConcurrentTransactions);
    case TxnState::kEmpty:
      return done(ErrorCode::kInvalidTxnState);
    case TxnState::kDead:
    case TxnState::kPrepareEpochFence:
      GREGOR_ASSERT(false, "a transactional id is never at rest in Dead or PrepareEpochFence");
  }
  TxnTransit t = m->prepare_abort_or_commit(
      commit ? TxnState::kPrepareCommit : TxnState::kPrepareAbort, now_ms());
  write_prepare(*m, std::move(t), false, std::move(done));
}

void TxnCoordinator::fence_and_abort(TxnMetadata& meta, EndTxnCallback done) {
  GREGOR_ASSERT(meta.state == TxnState::kOngoing && !meta.has_pending(),
                "fencing needs an open transaction without a pending change");
  GREGOR_ASSERT(valid_transition(TxnState::kOngoing, TxnState::kPrepareEpochFence) &&
                    valid_transition(TxnState::kPrepareEpochFence, TxnState::kPrepareAbort),
                "epoch fence transitions");
  GREGOR_ASSERT(meta.producer_epoch < INT16_MAX, "epoch fence would overflow");
  // Kafka's PrepareEpochFence step: the bumped epoch is set in memory right
  // away (not again if an earlier fence's record failed: that epoch was never
  // given out) and the abort is written with it.
  if (!meta.failed_epoch_fence) meta.producer_epoch = static_cast<int16_t>(meta.producer_epoch + 1);
  meta.last_producer_epoch = kNoProducerEpoch;
  TxnTransit t = meta.prepare_abort_or_commit(TxnState::kPrepareAbort, now_ms());
  write_prepare(meta, std::move(t), true, std::move(done));
}

void TxnCoordinator::write_prepare(TxnMetadata& meta, TxnTransit t, bool fence,
                                   EndTxnCallback done) {
  const std::string id = meta.transactional_id;
  const uint64_t generation = generation_of(meta.partition);
  write_transit(meta, std::move(t),
                [this, id, generation, fence, done = std::move(done)](ErrorCode e) {
                  TxnMetadata* m = still_owned(id, generation) ? find_mut(id) : nullptr;
                  if (e != ErrorCode::kNone) {
                    if (fence && m != nullptr) m->failed_epoch_fence = true;
                    done(e);
                    return;
                  }
                  // Durable: the outcome is decided. Answer, then complete.
                  done(ErrorCode::kNone);
                  if ((m = still_owned(id, generation) ? find_mut(id) : nullptr) != nullptr &&
                      !m->has_pending())
                    begin_completion(*m);
                });
}

void TxnCoordinator::begin_completion(TxnMetadata& meta) {
  GREGOR_ASSERT(meta.state == TxnState::kPrepareCommit || meta.state == TxnState::kPrepareAbort,
                "completing a transaction that is not prepared");
  Completion c;
  c.commit = meta.state == TxnState::kPrepareCommit;
  c.target = meta.prepare_complete(now_ms());
  completing_.insert_or_assign(meta.transactional_id, std::move(c));
  send_markers(meta.transactional_id);
}

void TxnCoordinator::send_markers(const std::string& transactional_id) {
  auto c = completing_.find(transactional_id);
  const TxnMetadata* m = find(transactional_id);
  if (c == completing_.end() || m == nullptr) return;
  if (m->partitions.empty()) {
    c->second.markers_done = true;
    write_complete(transactional_id);
    return;
  }
  TxnMarkerRequest req;
  req.transactional_id = transactional_id;
  req.producer_id = m->producer_id;
  req.producer_epoch = m->producer_epoch;
  req.commit = c->second.commit;
  req.coordinator_epoch = partitions_.at(m->partition).coordinator_epoch;
  req.partitions.assign(m->partitions.begin(), m->partitions.end());
  const uint64_t generation = generation_of(m->partition);
  markers_.write_markers(req, [this, transactional_id, generation](ErrorCode e) {
    on_markers_done(transactional_id, generation, e);
  });
}

void TxnCoordinator::on_markers_done(const std::string& transactional_id, uint64_t generation,
                                     ErrorCode e) {
  if (!still_owned(transactional_id, generation)) return;
  auto c = completing_.find(transactional_id);
  if (c == completing_.end()) return;
  if (e == ErrorCode::kTransactionCoordinatorFenced) {
    // A newer coordinator owns the transaction and will complete it.
    log::warn("transactional id {}: markers fenced by a newer coordinator", transactional_id);
    completing_.erase(c);
    return;
  }
  if (e != ErrorCode::kNone) {
    log::info("transactional id {}: writing markers failed ({}), retrying", transactional_id,
              error_name(e));
    retry_later(transactional_id, generation);
    return;
  }
  c->second.markers_done = true;
  write_complete(transactional_id);
}

void TxnCoordinator::write_complete(const std::string& transactional_id) {
  auto c = completing_.find(transactional_id);
  const TxnMetadata* m = find(transactional_id);
  if (c == completing_.end() || m == nullptr) return;
  const uint64_t generation = generation_of(m->partition);
  std::vector<TxnLogRecord> records;
  records.push_back(txn_record(transactional_id, c->second.target));
  log_.write(m->partition, std::move(records), [this, transactional_id, generation](ErrorCode e) {
    on_complete_written(transactional_id, generation, e);
  });
}

void TxnCoordinator::on_complete_written(const std::string& transactional_id, uint64_t generation,
                                         ErrorCode e) {
  if (!still_owned(transactional_id, generation)) return;
  auto c = completing_.find(transactional_id);
  TxnMetadata* m = find_mut(transactional_id);
  if (c == completing_.end() || m == nullptr) return;
  if (e != ErrorCode::kNone) {
    // The markers are durable: only the record is missing. Keep the pending
    // state (the id stays busy) and write it again.
    log::info("transactional id {}: writing {} failed ({}), retrying", transactional_id,
              state_name(c->second.target.state), error_name(e));
    retry_later(transactional_id, generation);
    return;
  }
  m->complete_transition(c->second.target);
  completing_.erase(c);
}

void TxnCoordinator::retry_later(const std::string& transactional_id, uint64_t generation) {
  const int64_t at = mono_ms() + config_.marker_retry_backoff_ms;
  retries_.emplace(at, Retry{transactional_id, generation});
  if (schedule_) schedule_(at);
}

}  // namespace gregor::coordinator::txn
