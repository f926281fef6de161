// Partition lifecycle, the write of a state change, DescribeTransactions and
// ListTransactions. InitProducerId is in txn_init.cc, AddPartitionsToTxn,
// EndTxn and the markers in txn_end.cc, the timers in txn_timers.cc.
#include "coordinator/txn/txn_coordinator.h"

#include <algorithm>
#include <set>

#include "base/log.h"
#include "coordinator/partition_hash.h"

namespace gregor::coordinator::txn {
namespace {

// Kafka's mapping of a failed __transaction_state write to the client's error.
ErrorCode client_error_of_write(ErrorCode e) {
  switch (e) {
    case ErrorCode::kNone:
      return e;
    case ErrorCode::kNotLeaderOrFollower:
    case ErrorCode::kKafkaStorageError:
      return ErrorCode::kNotCoordinator;
    case ErrorCode::kMessageTooLarge:
    case ErrorCode::kRecordListTooLarge:
      return ErrorCode::kUnknownServerError;
    default:
      return ErrorCode::kCoordinatorNotAvailable;
  }
}

}  // namespace

TxnCoordinator::TxnCoordinator(TxnConfig config, const Clock& clock, TxnLogWriter& log,
                               MarkerWriter& markers, ProducerIdSource& producer_ids,
                               Schedule schedule)
    : config_(config),
      clock_(clock),
      log_(log),
      markers_(markers),
      producer_ids_(producer_ids),
      schedule_(std::move(schedule)) {
  next_abort_check_ = mono_ms() + config_.abort_check_interval_ms;
  next_expiry_check_ = mono_ms() + config_.id_removal_interval_ms;
  reschedule();
}

TxnCoordinator::~TxnCoordinator() = default;

int32_t TxnCoordinator::partition_for(const std::string& transactional_id) const {
  return partition_for_key(transactional_id, config_.num_partitions);
}

// --- partitions ---------------------------------------------------------------

void TxnCoordinator::begin_loading(int32_t partition, int32_t coordinator_epoch) {
  drop_partition(partition);
  partitions_[partition] = {false, coordinator_epoch, next_generation_++};
  loading_[partition].clear();
}

Result<Ok, std::string> TxnCoordinator::replay(int32_t partition, std::span<const uint8_t> key,
                                               std::optional<std::span<const uint8_t>> value) {
  auto l = loading_.find(partition);
  if (l == loading_.end()) return Err(fmt::format("partition {} is not loading", partition));
  auto id = decode_txn_key(key);
  if (!id) return Err(id.error());
  if (!id->has_value()) return Ok{};  // not a transaction record
  const std::string& txn_id = **id;
  if (!value) {
    l->second.erase(txn_id);
    return Ok{};
  }
  auto v = decode_txn_value(*value);
  if (!v) return Err(v.error());
  if (v->state == TxnState::kDead) {
    l->second.erase(txn_id);
    return Ok{};
  }
  if (v->state == TxnState::kPrepareEpochFence)
    return Err(
        fmt::format("transactional id {}: state PrepareEpochFence is never written", txn_id));
  TxnMetadata m;
  m.transactional_id = txn_id;
  m.partition = partition;
  m.producer_id = v->producer_id;
  m.last_producer_id = v->previous_producer_id;
  m.producer_epoch = v->producer_epoch;
  m.last_producer_epoch = kNoProducerEpoch;  // not in the record (Kafka does the same)
  m.timeout_ms = v->timeout_ms;
  m.state = v->state;
  m.partitions = std::move(v->partitions);
  m.start_ms = v->start_ms;
  m.update_ms = v->update_ms;
  l->second.insert_or_assign(txn_id, std::move(m));
  return Ok{};
}

void TxnCoordinator::finish_loading(int32_t partition) {
  auto l = loading_.find(partition);
  if (l == loading_.end()) return;
  TxnMap loaded = std::move(l->second);
  loading_.erase(l);
  partitions_[partition].loaded = true;
  std::vector<std::string> unfinished;
  for (auto& [id, m] : loaded) {
    if (m.state == TxnState::kPrepareCommit || m.state == TxnState::kPrepareAbort)
      unfinished.push_back(id);
    txns_.insert_or_assign(id, std::move(m));
  }
  if (!loaded.empty())
    log::info("transaction coordinator: loaded {} transactional ids of partition {}", loaded.size(),
              partition);
  // Kafka completes transactions whose prepare record was written: their
  // markers may be missing from some partitions.
  for (const auto& id : unfinished) {
    if (TxnMetadata* m = find_mut(id); m != nullptr && !m->has_pending()) begin_completion(*m);
  }
}

void TxnCoordinator::unload(int32_t partition) {
  drop_partition(partition);
  partitions_.erase(partition);
  loading_.erase(partition);
}

void TxnCoordinator::drop_partition(int32_t partition) {
  for (auto it = txns_.begin(); it != txns_.end();) {
    if (it->second.partition != partition) {
      ++it;
      continue;
    }
    completing_.erase(it->first);
    it = txns_.erase(it);
  }
}

ErrorCode TxnCoordinator::partition_error(int32_t partition) const {
  auto it = partitions_.find(partition);
  if (it == partitions_.end()) return ErrorCode::kNotCoordinator;
  return it->second.loaded ? ErrorCode::kNone : ErrorCode::kCoordinatorLoadInProgress;
}

ErrorCode TxnCoordinator::txn_error(const std::string& transactional_id) const {
  return partition_error(partition_for(transactional_id));
}

uint64_t TxnCoordinator::generation_of(int32_t partition) const {
  auto it = partitions_.find(partition);
  return it == partitions_.end() ? 0 : it->second.generation;
}

bool TxnCoordinator::still_owned(const std::string& transactional_id, uint64_t generation) const {
  auto it = partitions_.find(partition_for(transactional_id));
  return it != partitions_.end() && it->second.loaded && it->second.generation == generation;
}

const TxnMetadata* TxnCoordinator::find(const std::string& transactional_id) const {
  auto it = txns_.find(transactional_id);
  return it == txns_.end() ? nullptr : &it->second;
}

TxnMetadata* TxnCoordinator::find_mut(const std::string& transactional_id) {
  auto it = txns_.find(transactional_id);
  return it == txns_.end() ? nullptr : &it->second;
}

TxnMetadata* TxnCoordinator::lookup(const std::string& transactional_id, ErrorCode& error) {
  error = txn_error(transactional_id);
  return error == ErrorCode::kNone ? find_mut(transactional_id) : nullptr;
}

// --- writes -------------------------------------------------------------------

void TxnCoordinator::write_transit(TxnMetadata& meta, TxnTransit t,
                                   std::function<void(ErrorCode)> done) {
  const std::string id = meta.transactional_id;
  const uint64_t generation = generation_of(meta.partition);
  std::vector<TxnLogRecord> records;
  records.push_back(txn_record(id, t));
  log_.write(meta.partition, std::move(records),
             [this, id, generation, t = std::move(t), done = std::move(done)](ErrorCode e) {
               TxnMetadata* m = still_owned(id, generation) ? find_mut(id) : nullptr;
               if (m == nullptr || m->pending != t.state) {
                 // The partition was unloaded (or reloaded) meanwhile.
                 done(ErrorCode::kNotCoordinator);
                 return;
               }
               if (e != ErrorCode::kNone) {
                 log::info("transactional id {}: writing state {} failed: {}", id,
                           state_name(t.state), error_name(e));
                 m->abort_transition();
                 done(client_error_of_write(e));
                 return;
               }
               m->complete_transition(t);
               done(ErrorCode::kNone);
             });
}

// --- DescribeTransactions, ListTransactions ---------------------------------------

TxnDescription TxnCoordinator::describe(const std::string& transactional_id) const {
  TxnDescription out;
  if (transactional_id.empty()) {
    out.error = ErrorCode::kInvalidRequest;
    return out;
  }
  out.error = txn_error(transactional_id);
  if (out.error != ErrorCode::kNone) return out;
  const TxnMetadata* m = find(transactional_id);
  if (m == nullptr || m->state == TxnState::kDead) {
    out.error = ErrorCode::kTransactionalIdNotFound;
    return out;
  }
  out.state = std::string(state_name(m->state));
  out.timeout_ms = m->timeout_ms;
  out.start_time_ms = m->start_ms;
  out.producer_id = m->producer_id;
  out.producer_epoch = m->producer_epoch;
  for (const auto& [topic, partition] : m->partitions) {
    if (out.topics.empty() || out.topics.back().first != topic) out.topics.push_back({topic, {}});
    out.topics.back().second.push_back(partition);
  }
  return out;
}

TxnListing TxnCoordinator::list(const TxnListFilter& filter) const {
  TxnListing out;
  if (!loading_.empty()) {
    out.error = ErrorCode::kCoordinatorLoadInProgress;
    return out;
  }
  std::set<TxnState> states;
  for (const auto& name : filter.states) {
    if (auto s = state_from_name(name)) {
      states.insert(*s);
    } else {
      out.unknown_state_filters.push_back(name);
    }
  }
  const std::set<int64_t> pids(filter.producer_ids.begin(), filter.producer_ids.end());
  const int64_t now = now_ms();
  for (const auto& [id, m] : txns_) {
    if (m.state == TxnState::kDead) continue;
    if (!pids.empty() && !pids.contains(m.producer_id)) continue;
    if (!filter.states.empty() && !states.contains(m.state)) continue;
    // KIP-994: only transactions that have been running longer than this.
    if (filter.duration_ms >= 0 && now - m.start_ms <= filter.duration_ms) continue;
    out.transactions.push_back({id, m.producer_id, std::string(state_name(m.state))});
  }
  return out;
}

}  // namespace gregor::coordinator::txn
