// TxnOffsetCommit and the completion of transactional offsets (Kafka's
// GroupMetadata pendingTransactionalOffsetCommits): a producer's offsets are
// written as one transactional batch and kept pending, invisible to
// OffsetFetch, until the COMMIT or ABORT marker of its transaction is durable
// in the group's partition.
#include <memory>

#include "base/log.h"
#include "coordinator/group/group_coordinator.h"
#include "coordinator/group/write_error.h"

namespace gregor::coordinator::group {
namespace {

// Kafka passes the errors a transactional append can meet (a fenced or
// bumped producer) on to the client; the rest as for any coordinator write.
ErrorCode client_error_of_txn_write(ErrorCode e) {
  switch (e) {
    case ErrorCode::kInvalidProducerEpoch:
    case ErrorCode::kProducerFenced:
    case ErrorCode::kInvalidTxnState:
      return e;
    default:
      return client_error_of_write(e, ErrorCode::kInvalidCommitOffsetSize);
  }
}

}  // namespace

// Kafka's validateOffsetCommit for a transactional commit: members are checked
// only when the request names one (v3+); a group in any live state accepts it.
ErrorCode GroupCoordinator::validate_txn_commit(Group& g, const TxnCommitRequest& req) const {
  if (g.is(GroupState::kDead)) return ErrorCode::kCoordinatorNotAvailable;
  if (req.generation < 0 && req.member_id.empty() && !req.instance_id) return ErrorCode::kNone;
  if (!g.instance_matches(req.instance_id, req.member_id)) return ErrorCode::kFencedInstanceId;
  if (!req.member_id.empty() && g.find(req.member_id) == nullptr)
    return ErrorCode::kUnknownMemberId;
  if (req.generation >= 0 && req.generation != g.generation) return ErrorCode::kIllegalGeneration;
  return ErrorCode::kNone;
}

void GroupCoordinator::txn_commit(const TxnCommitRequest& req, CommitCallback done) {
  auto all = [&](ErrorCode e) { done(std::vector<ErrorCode>(req.entries.size(), e)); };
  if (req.group_id.empty()) return all(ErrorCode::kInvalidGroupId);
  const int32_t partition = partition_for_group(req.group_id, config_.num_partitions);
  if (ErrorCode e = partition_error(partition); e != ErrorCode::kNone) return all(e);
  // Kafka creates an empty group for offsets of an unknown one.
  Group* g = find_group(req.group_id);
  if (g == nullptr) g = &create_group(req.group_id, partition);
  if (ErrorCode e = validate_txn_commit(*g, req); e != ErrorCode::kNone) {
    erase_if_unused(req.group_id);
    return all(e);
  }

  const int64_t now = now_ms();
  const int64_t order = next_record_order_++;
  std::vector<ErrorCode> errors(req.entries.size(), ErrorCode::kNone);
  std::vector<CoordinatorRecord> records;
  std::vector<TopicPartition> tps;
  PendingOffsets& pending = g->pending_txn_offsets[req.producer_id];
  for (size_t i = 0; i < req.entries.size(); ++i) {
    const CommitEntry& e = req.entries[i];
    const std::string metadata = e.metadata.value_or("");
    if (metadata.size() > static_cast<size_t>(config_.offset_metadata_max_bytes)) {
      errors[i] = ErrorCode::kOffsetMetadataTooLarge;
      continue;
    }
    CommittedOffset c;
    c.offset = e.offset;
    c.leader_epoch = e.leader_epoch;
    c.metadata = metadata;
    c.commit_timestamp = now;
    c.record_order = order;
    records.push_back(offset_commit_record(req.group_id, e.tp, c));
    tps.push_back(e.tp);
    // Pending from now on, as in Kafka: a require_stable fetch already waits for it.
    pending[e.tp] = std::move(c);
  }
  if (records.empty()) {
    if (pending.empty()) g->pending_txn_offsets.erase(req.producer_id);
    erase_if_unused(req.group_id);
    return done(std::move(errors));
  }
  txn_producer_groups_[req.producer_id].insert(req.group_id);
  const BatchProducer producer{req.producer_id, req.producer_epoch};
  writer_.write(
      partition, std::move(records),
      [this, group_id = req.group_id, producer_id = req.producer_id, tps = std::move(tps), order,
       errors = std::move(errors), done = std::move(done)](ErrorCode e) mutable {
        finish_txn_write(group_id, producer_id, tps, order, e);
        if (e != ErrorCode::kNone) {
          const ErrorCode client = client_error_of_txn_write(e);
          for (auto& x : errors)
            if (x == ErrorCode::kNone) x = client;
        }
        done(std::move(errors));
      },
      &producer);
}

// A failed write takes back the offsets it made pending (unless a later
// commit of the same producer replaced them meanwhile).
void GroupCoordinator::finish_txn_write(const std::string& group_id, int64_t producer_id,
                                        const std::vector<TopicPartition>& tps, int64_t order,
                                        ErrorCode e) {
  if (e == ErrorCode::kNone) return;
  Group* g = find_group(group_id);
  if (g == nullptr) return;
  auto it = g->pending_txn_offsets.find(producer_id);
  if (it == g->pending_txn_offsets.end()) return;
  for (const auto& tp : tps) {
    auto p = it->second.find(tp);
    if (p != it->second.end() && p->second.record_order == order) it->second.erase(p);
  }
  if (it->second.empty()) g->pending_txn_offsets.erase(it);
  erase_if_unused(group_id);
}

void GroupCoordinator::complete_txn(int32_t partition, int64_t producer_id, bool commit) {
  // The marker follows the transaction's offset commit records in the log, so
  // they are durable too, even if their own write has not reported yet. A
  // partition still replaying reads the marker itself (it replays up to the
  // high watermark, which includes it by now).
  auto it = txn_producer_groups_.find(producer_id);
  if (it == txn_producer_groups_.end()) return;
  std::vector<std::string> done_groups;
  for (const auto& group_id : it->second) {
    Group* g = find_group(group_id);
    if (g == nullptr) {
      done_groups.push_back(group_id);
      continue;
    }
    if (g->partition() != partition) continue;
    if (g->complete_txn_offsets(producer_id, commit))
      log::debug("group {}: transactional offsets of producer {} {}", group_id, producer_id,
                 commit ? "committed" : "aborted");
    done_groups.push_back(group_id);
  }
  for (const auto& group_id : done_groups) {
    it->second.erase(group_id);
    erase_if_unused(group_id);
  }
  if (it->second.empty()) txn_producer_groups_.erase(it);
}

}  // namespace gregor::coordinator::group
