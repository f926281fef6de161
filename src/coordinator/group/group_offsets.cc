// OffsetCommit, OffsetFetch, OffsetDelete and offset expiry.
#include <memory>

#include "base/log.h"
#include "coordinator/group/consumer_protocol.h"
#include "coordinator/group/group_coordinator.h"
#include "coordinator/group/write_error.h"

namespace gregor::coordinator::group {

void GroupCoordinator::commit(const CommitRequest& req, CommitCallback done) {
  auto all = [&](ErrorCode e) { done(std::vector<ErrorCode>(req.entries.size(), e)); };
  if (req.group_id.empty()) return all(ErrorCode::kInvalidGroupId);
  const int32_t partition = partition_for_group(req.group_id, config_.num_partitions);
  if (ErrorCode e = partition_error(partition); e != ErrorCode::kNone) return all(e);
  const bool simple = req.generation < 0 && req.member_id.empty() && !req.instance_id;
  Group* g = find_group(req.group_id);
  if (g == nullptr) {
    // Offsets of a consumer that does not use group management.
    if (!simple) return all(ErrorCode::kIllegalGeneration);
    g = &create_group(req.group_id, partition);
  }
  if (g->is(GroupState::kDead)) return all(ErrorCode::kCoordinatorNotAvailable);
  if (simple) {
    if (!g->is(GroupState::kEmpty)) return all(ErrorCode::kUnknownMemberId);
  } else {
    if (!g->instance_matches(req.instance_id, req.member_id))
      return all(ErrorCode::kFencedInstanceId);
    Member* m = g->find(req.member_id);
    if (m == nullptr) return all(ErrorCode::kUnknownMemberId);
    if (req.generation != g->generation) return all(ErrorCode::kIllegalGeneration);
    if (g->is(GroupState::kCompletingRebalance)) return all(ErrorCode::kRebalanceInProgress);
    m->heartbeat_deadline = mono_ms() + m->session_timeout_ms;
    reschedule(*g);
  }

  const int64_t now = now_ms();
  const int64_t order = next_record_order_++;
  auto errors = std::make_shared<std::vector<ErrorCode>>(req.entries.size(), ErrorCode::kNone);
  std::vector<std::pair<size_t, CommittedOffset>> accepted;
  std::vector<CoordinatorRecord> records;
  for (size_t i = 0; i < req.entries.size(); ++i) {
    const CommitEntry& e = req.entries[i];
    const std::string metadata = e.metadata.value_or("");
    if (metadata.size() > static_cast<size_t>(config_.offset_metadata_max_bytes)) {
      (*errors)[i] = ErrorCode::kOffsetMetadataTooLarge;
      continue;
    }
    CommittedOffset c;
    c.offset = e.offset;
    c.leader_epoch = e.leader_epoch;
    c.metadata = metadata;
    c.commit_timestamp = req.version == 1 && e.commit_timestamp >= 0 ? e.commit_timestamp : now;
    if (req.retention_ms >= 0) {
      c.expire_timestamp = c.commit_timestamp + req.retention_ms;
    } else if (req.version == 1 && e.commit_timestamp >= 0) {
      c.expire_timestamp = c.commit_timestamp + config_.offsets_retention_ms;
    }
    c.record_order = order;
    records.push_back(offset_commit_record(req.group_id, e.tp, c));
    accepted.emplace_back(i, std::move(c));
  }
  if (records.empty()) return done(std::move(*errors));
  std::vector<TopicPartition> tps;
  for (const auto& [i, c] : accepted) tps.push_back(req.entries[i].tp);
  writer_.write(partition, std::move(records),
                [this, group_id = req.group_id, partition, errors, accepted = std::move(accepted),
                 tps = std::move(tps), done = std::move(done)](ErrorCode e) mutable {
                  if (e == ErrorCode::kNone) {
                    Group* g = find_group(group_id);
                    if (g == nullptr) g = &create_group(group_id, partition);
                    // A transaction that committed meanwhile with a record
                    // written after this one keeps its offset (Kafka's rule).
                    for (size_t k = 0; k < accepted.size(); ++k)
                      g->put_offset_if_newer(tps[k], std::move(accepted[k].second));
                  } else {
                    for (const auto& a : accepted)
                      (*errors)[a.first] =
                          client_error_of_write(e, ErrorCode::kInvalidCommitOffsetSize);
                  }
                  done(std::move(*errors));
                });
}

FetchedOffsets GroupCoordinator::fetch_offsets(
    const std::string& group_id, const std::optional<std::vector<TopicPartition>>& partitions,
    bool require_stable) {
  FetchedOffsets out;
  out.error = group_error(group_id);
  if (out.error != ErrorCode::kNone) return out;
  const Group* g = find(group_id);
  // Kafka answers UNSTABLE_OFFSET_COMMIT (offset -1) for a partition whose
  // offset an open transaction may still change.
  auto add = [&](const TopicPartition& tp, const CommittedOffset& c) {
    if (require_stable && g != nullptr && g->has_pending_txn_offset(tp)) {
      out.unstable.insert(tp);
      out.offsets.emplace_back(tp, CommittedOffset{});
    } else {
      out.offsets.emplace_back(tp, c);
    }
  };
  if (!partitions) {
    if (g != nullptr)
      for (const auto& [tp, c] : g->offsets) add(tp, c);
    return out;
  }
  for (const auto& tp : *partitions) {
    CommittedOffset c;  // offset -1: nothing committed
    if (g != nullptr) {
      auto it = g->offsets.find(tp);
      if (it != g->offsets.end()) c = it->second;
    }
    add(tp, c);
  }
  return out;
}

void GroupCoordinator::delete_offsets(const std::string& group_id,
                                      const std::vector<TopicPartition>& partitions,
                                      std::function<void(OffsetDeleteResult)> done) {
  OffsetDeleteResult result;
  result.error = group_error(group_id);
  Group* g = result.error == ErrorCode::kNone ? find_group(group_id) : nullptr;
  if (result.error == ErrorCode::kNone && (g == nullptr || g->is(GroupState::kDead)))
    result.error = ErrorCode::kGroupIdNotFound;
  if (result.error != ErrorCode::kNone) return done(std::move(result));
  std::optional<std::set<std::string>> subscribed;
  if (!g->is(GroupState::kEmpty)) {
    subscribed = group_subscribed_topics(*g);
    if (!subscribed) {
      result.error = ErrorCode::kNonEmptyGroup;
      return done(std::move(result));
    }
  }
  result.partitions.assign(partitions.size(), ErrorCode::kNone);
  std::vector<CoordinatorRecord> records;
  for (size_t i = 0; i < partitions.size(); ++i) {
    if (subscribed && subscribed->count(partitions[i].first) > 0) {
      result.partitions[i] = ErrorCode::kGroupSubscribedToTopic;
      continue;
    }
    if (g->offsets.erase(partitions[i]) == 0) continue;
    // The tombstone also forgets the partition's pending transactional
    // offsets, here as in a replay (Kafka's coordinator replays it so).
    for (auto& [pid, pending] : g->pending_txn_offsets) pending.erase(partitions[i]);
    std::erase_if(g->pending_txn_offsets, [](const auto& kv) { return kv.second.empty(); });
    records.push_back(offset_tombstone(group_id, partitions[i]));
  }
  if (records.empty()) return done(std::move(result));
  writer_.write(g->partition(), std::move(records),
                [result = std::move(result), done = std::move(done)](ErrorCode e) mutable {
                  if (e != ErrorCode::kNone)
                    result.error = client_error_of_write(e, ErrorCode::kUnknownServerError);
                  done(std::move(result));
                });
}

void GroupCoordinator::expire_offsets() {
  const int64_t now = now_ms();
  const int64_t retention = config_.offsets_retention_ms;
  std::map<int32_t, std::vector<CoordinatorRecord>> by_partition;
  std::vector<std::string> dead;
  for (auto& [id, g] : groups_) {
    if (partition_error(g.partition()) != ErrorCode::kNone) continue;
    // Kafka's rules (KIP-211): an empty group's offsets expire together,
    // `retention` after it became empty; a group that never used group
    // management expires each offset `retention` after its commit; a stable
    // consumer group expires offsets of topics it no longer subscribes to.
    std::optional<std::set<std::string>> subscribed;
    if (g.is(GroupState::kStable)) subscribed = group_subscribed_topics(g);
    const bool empty_expired =
        g.is(GroupState::kEmpty) && g.protocol_type && now - g.state_timestamp() >= retention;
    for (auto it = g.offsets.begin(); it != g.offsets.end();) {
      const CommittedOffset& c = it->second;
      bool expired = c.expire_timestamp >= 0 && now >= c.expire_timestamp;
      if (c.expire_timestamp < 0) {
        if (g.is(GroupState::kEmpty)) {
          expired = g.protocol_type ? empty_expired : now - c.commit_timestamp >= retention;
        } else if (subscribed && subscribed->count(it->first.first) == 0) {
          expired = now - c.commit_timestamp >= retention;
        }
      }
      if (!expired) {
        ++it;
        continue;
      }
      by_partition[g.partition()].push_back(offset_tombstone(id, it->first));
      it = g.offsets.erase(it);
    }
    if (g.is(GroupState::kEmpty) && !g.has_offsets() && g.members.empty() &&
        g.pending_members.empty()) {
      by_partition[g.partition()].push_back(group_tombstone(id));
      dead.push_back(id);
    }
  }
  for (const auto& id : dead) {
    log::info("group {}: removed (empty, no committed offsets left)", id);
    groups_.erase(id);
  }
  for (auto& [partition, records] : by_partition) {
    const size_t n = records.size();
    writer_.write(partition, std::move(records), [partition, n](ErrorCode e) {
      if (e != ErrorCode::kNone)
        log::warn("group coordinator: writing {} expiry records to partition {} failed: {}", n,
                  partition, error_name(e));
    });
  }
}

}  // namespace gregor::coordinator::group
