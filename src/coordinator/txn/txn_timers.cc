// The coordinator's timers: aborting transactions that outlived their timeout
// (Kafka's abortTimedOutTransactions), removing transactional ids idle for
// transactional.id.expiration.ms (removeExpiredTransactionalIds), and marker
// retries.
#include "base/log.h"
#include "coordinator/txn/txn_coordinator.h"

namespace gregor::coordinator::txn {

void TxnCoordinator::tick() {
  const int64_t now = mono_ms();
  run_retries(now);
  if (now >= next_abort_check_) {
    next_abort_check_ = now + config_.abort_check_interval_ms;
    abort_timed_out();
  }
  if (now >= next_expiry_check_) {
    next_expiry_check_ = now + config_.id_removal_interval_ms;
    expire_ids();
  }
  reschedule();
}

void TxnCoordinator::reschedule() {
  // The owner keeps one wake-up: ask for the earliest one still pending.
  if (!schedule_) return;
  int64_t next = std::min(next_abort_check_, next_expiry_check_);
  if (!retries_.empty()) next = std::min(next, retries_.begin()->first);
  schedule_(next);
}

void TxnCoordinator::run_retries(int64_t now) {
  // Take the due retries out first: a retry that fails at once schedules a
  // new one, which must wait for the next tick.
  std::vector<Retry> due;
  while (!retries_.empty() && retries_.begin()->first <= now) {
    due.push_back(std::move(retries_.begin()->second));
    retries_.erase(retries_.begin());
  }
  for (const Retry& r : due) {
    if (!still_owned(r.transactional_id, r.generation)) continue;
    auto c = completing_.find(r.transactional_id);
    if (c == completing_.end()) continue;
    if (c->second.markers_done) {
      write_complete(r.transactional_id);
    } else {
      send_markers(r.transactional_id);
    }
  }
}

void TxnCoordinator::abort_timed_out() {
  const int64_t now = now_ms();
  std::vector<std::string> expired;
  for (const auto& [id, m] : txns_) {
    if (m.state == TxnState::kOngoing && !m.has_pending() && m.start_ms + m.timeout_ms < now)
      expired.push_back(id);
  }
  for (const auto& id : expired) {
    TxnMetadata* m = find_mut(id);
    if (m == nullptr || m->state != TxnState::kOngoing || m->has_pending()) continue;
    log::info("transactional id {}: aborting the transaction of producer {}: timed out after {} ms",
              id, m->producer_id, m->timeout_ms);
    fence_and_abort(*m, [id](ErrorCode e) {
      if (e != ErrorCode::kNone)
        log::warn("transactional id {}: aborting the timed-out transaction failed: {}", id,
                  error_name(e));
    });
  }
}

void TxnCoordinator::expire_ids() {
  const int64_t cutoff = now_ms() - config_.id_expiration_ms;
  std::map<int32_t, std::vector<std::string>> by_partition;
  for (auto& [id, m] : txns_) {
    if (!expiration_allowed(m.state) || m.has_pending() || m.update_ms > cutoff) continue;
    (void)m.prepare_dead();
    by_partition[m.partition].push_back(id);
  }
  for (auto& [partition, ids] : by_partition) {
    std::vector<TxnLogRecord> records;
    for (const auto& id : ids) records.push_back(txn_tombstone(id));
    const uint64_t generation = generation_of(partition);
    log_.write(partition, std::move(records),
               [this, ids = std::move(ids), generation](ErrorCode e) {
                 on_tombstones_written(ids, generation, e);
               });
  }
}

void TxnCoordinator::on_tombstones_written(const std::vector<std::string>& ids, uint64_t generation,
                                           ErrorCode e) {
  for (const auto& id : ids) {
    if (!still_owned(id, generation)) return;  // the whole partition is gone
    TxnMetadata* m = find_mut(id);
    if (m == nullptr || m->pending != TxnState::kDead) continue;
    if (e == ErrorCode::kNone) {
      log::info("transactional id {} expired", id);
      txns_.erase(id);
    } else {
      m->abort_transition();
    }
  }
  if (e != ErrorCode::kNone)
    log::warn("expiring {} transactional ids failed: {}", ids.size(), error_name(e));
}

}  // namespace gregor::coordinator::txn
