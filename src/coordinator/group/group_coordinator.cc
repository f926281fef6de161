// Partition lifecycle, Heartbeat, LeaveGroup and the timers. Joins are in
// group_join.cc, rebalance phases and SyncGroup in group_rebalance.cc, offsets
// in group_offsets.cc, administration in group_admin.cc.
#include "coordinator/group/group_coordinator.h"

#include "base/log.h"
#include "coordinator/partition_hash.h"

namespace gregor::coordinator::group {

int32_t partition_for_group(std::string_view group_id, int32_t num_partitions) {
  return partition_for_key(group_id, num_partitions);
}

GroupCoordinator::GroupCoordinator(GroupConfig config, const Clock& clock, RecordWriter& writer,
                                   Schedule schedule)
    : config_(config), clock_(clock), writer_(writer), schedule_(std::move(schedule)) {
  next_retention_check_ = mono_ms() + config_.retention_check_interval_ms;
  if (schedule_) schedule_(next_retention_check_);
}

GroupCoordinator::~GroupCoordinator() = default;

// --- partitions ---------------------------------------------------------------

void GroupCoordinator::begin_loading(int32_t partition) {
  partitions_[partition] = PartitionState::kLoading;
  loading_[partition].clear();
}

Result<Ok, std::string> GroupCoordinator::replay(int32_t partition, std::span<const uint8_t> key,
                                                 std::optional<std::span<const uint8_t>> value,
                                                 int64_t txn_producer_id) {
  const ReplayContext ctx{next_record_order_++, txn_producer_id};
  return replay_record(key, value, partition, now_ms(), ctx, loading_[partition]);
}

void GroupCoordinator::replay_marker(int32_t partition, int64_t producer_id, bool commit) {
  replay_txn_marker(producer_id, commit, loading_[partition]);
}

void GroupCoordinator::finish_loading(int32_t partition) {
  GroupMap loaded = std::move(loading_[partition]);
  loading_.erase(partition);
  const int64_t now = mono_ms();
  size_t count = 0;
  for (auto& [id, g] : loaded) {
    for (auto& [mid, m] : g.members) m.heartbeat_deadline = now + m.session_timeout_ms;
    // Transactions without a marker yet: their coordinator will send it.
    for (const auto& [pid, pending] : g.pending_txn_offsets) txn_producer_groups_[pid].insert(id);
    auto [it, inserted] = groups_.insert_or_assign(id, std::move(g));
    reschedule(it->second);
    ++count;
  }
  partitions_[partition] = PartitionState::kLoaded;
  if (count > 0) log::info("group coordinator: loaded {} groups of partition {}", count, partition);
}

void GroupCoordinator::unload(int32_t partition) {
  partitions_.erase(partition);
  loading_.erase(partition);
  for (auto it = groups_.begin(); it != groups_.end();) {
    if (it->second.partition() != partition) {
      ++it;
      continue;
    }
    for (auto& [id, m] : it->second.members) {
      if (auto cb = std::exchange(m.awaiting_join, nullptr)) {
        protocol::JoinGroupResponse r;
        r.error_code = to_wire(ErrorCode::kNotCoordinator);
        r.member_id = id;
        cb(std::move(r));
      }
      if (auto cb = std::exchange(m.awaiting_sync, nullptr)) {
        protocol::SyncGroupResponse r;
        r.error_code = to_wire(ErrorCode::kNotCoordinator);
        cb(std::move(r));
      }
    }
    it = groups_.erase(it);
  }
}

void GroupCoordinator::unload_all() {
  std::set<int32_t> all;
  for (const auto& [p, state] : partitions_) all.insert(p);
  for (const auto& [p, groups] : loading_) all.insert(p);
  for (int32_t p : all) unload(p);
}

ErrorCode GroupCoordinator::partition_error(int32_t partition) const {
  auto it = partitions_.find(partition);
  if (it == partitions_.end()) return ErrorCode::kNotCoordinator;
  return it->second == PartitionState::kLoaded ? ErrorCode::kNone
                                               : ErrorCode::kCoordinatorLoadInProgress;
}

ErrorCode GroupCoordinator::group_error(const std::string& group_id) const {
  return partition_error(partition_for_group(group_id, config_.num_partitions));
}

const Group* GroupCoordinator::find(const std::string& group_id) const {
  auto it = groups_.find(group_id);
  return it == groups_.end() ? nullptr : &it->second;
}

Group* GroupCoordinator::find_group(const std::string& group_id) {
  auto it = groups_.find(group_id);
  return it == groups_.end() ? nullptr : &it->second;
}

Group& GroupCoordinator::create_group(const std::string& group_id, int32_t partition) {
  return groups_.try_emplace(group_id, group_id, partition, now_ms()).first->second;
}

void GroupCoordinator::erase_if_unused(const std::string& group_id) {
  auto it = groups_.find(group_id);
  if (it == groups_.end()) return;
  const Group& g = it->second;
  if (g.is(GroupState::kEmpty) && g.members.empty() && g.pending_members.empty() &&
      !g.has_offsets() && g.generation == 0)
    groups_.erase(it);
}

// --- Heartbeat, LeaveGroup ------------------------------------------------------

ErrorCode GroupCoordinator::heartbeat(const protocol::HeartbeatRequest& req) {
  if (ErrorCode e = group_error(req.group_id); e != ErrorCode::kNone) return e;
  Group* g = find_group(req.group_id);
  if (g == nullptr) return ErrorCode::kUnknownMemberId;
  if (g->is(GroupState::kDead)) return ErrorCode::kCoordinatorNotAvailable;
  if (!g->instance_matches(req.group_instance_id, req.member_id))
    return ErrorCode::kFencedInstanceId;
  Member* m = g->find(req.member_id);
  if (m == nullptr) return ErrorCode::kUnknownMemberId;
  if (req.generation_id != g->generation) return ErrorCode::kIllegalGeneration;
  if (g->is(GroupState::kEmpty)) return ErrorCode::kUnknownMemberId;
  m->heartbeat_deadline = mono_ms() + m->session_timeout_ms;
  reschedule(*g);
  return g->is(GroupState::kPreparingRebalance) ? ErrorCode::kRebalanceInProgress
                                                : ErrorCode::kNone;
}

protocol::LeaveGroupResponse GroupCoordinator::leave(const protocol::LeaveGroupRequest& req,
                                                     int16_t version) {
  protocol::LeaveGroupResponse resp;
  std::vector<protocol::LeaveGroupRequest::MemberIdentity> who = req.members;
  if (version < 3) {
    who.clear();
    who.emplace_back().member_id = req.member_id;
  }
  ErrorCode top = group_error(req.group_id);
  Group* g = top == ErrorCode::kNone ? find_group(req.group_id) : nullptr;
  if (top == ErrorCode::kNone && g == nullptr) top = ErrorCode::kUnknownMemberId;
  if (g != nullptr && g->is(GroupState::kDead)) top = ErrorCode::kCoordinatorNotAvailable;
  if (top != ErrorCode::kNone) {
    resp.error_code = to_wire(top);
    return resp;
  }
  bool removed = false;
  for (const auto& id : who) {
    ErrorCode e = ErrorCode::kNone;
    std::string member_id = id.member_id;
    if (member_id.empty() && id.group_instance_id) {
      auto s = g->static_members.find(*id.group_instance_id);
      if (s == g->static_members.end()) {
        e = ErrorCode::kUnknownMemberId;
      } else {
        member_id = s->second;
      }
    } else if (!g->instance_matches(id.group_instance_id, member_id)) {
      e = ErrorCode::kFencedInstanceId;
    }
    if (e == ErrorCode::kNone) {
      if (g->pending_members.erase(member_id) > 0) {
        removed = true;
      } else if (g->find(member_id) == nullptr) {
        e = ErrorCode::kUnknownMemberId;
      } else {
        Member& m = *g->find(member_id);
        if (auto cb = std::exchange(m.awaiting_join, nullptr)) {
          protocol::JoinGroupResponse r;
          r.error_code = to_wire(ErrorCode::kUnknownMemberId);
          r.member_id = member_id;
          cb(std::move(r));
        }
        g->remove_member(member_id);
        removed = true;
      }
    }
    auto& out = resp.members.emplace_back();
    out.member_id = id.member_id;
    out.group_instance_id = id.group_instance_id;
    out.error_code = to_wire(e);
    if (version < 3) resp.error_code = to_wire(e);
  }
  if (removed) {
    if (g->is(GroupState::kStable) || g->is(GroupState::kCompletingRebalance)) {
      prepare_rebalance(*g, "members left the group");
    }
    maybe_complete_join(*g);
    reschedule(*g);
  }
  return resp;
}

// --- timers -----------------------------------------------------------------------

void GroupCoordinator::reschedule(Group& g) {
  const int64_t d = g.next_deadline();
  if (d == g.armed_deadline) return;
  g.armed_deadline = d;
  if (d < 0) return;
  timers_.emplace(d, g.id());
  if (schedule_) schedule_(d);
}

void GroupCoordinator::tick() {
  const int64_t now = mono_ms();
  while (!timers_.empty() && timers_.begin()->first <= now) {
    auto [deadline, id] = *timers_.begin();
    timers_.erase(timers_.begin());
    Group* g = find_group(id);
    if (g == nullptr || g->armed_deadline != deadline) continue;  // stale entry
    g->armed_deadline = -1;
    expire(*g, now);
    if ((g = find_group(id)) != nullptr) reschedule(*g);
  }
  if (now >= next_retention_check_) {
    next_retention_check_ = now + config_.retention_check_interval_ms;
    expire_offsets();
  }
  // The owner keeps one wake-up: ask for the earliest one still pending.
  if (schedule_) {
    int64_t next = next_retention_check_;
    if (!timers_.empty()) next = std::min(next, timers_.begin()->first);
    schedule_(next);
  }
}

void GroupCoordinator::expire(Group& g, int64_t now) {
  const std::string id = g.id();
  // KIP-394 members that never came back with their id.
  bool pending_gone = false;
  for (auto it = g.pending_members.begin(); it != g.pending_members.end();) {
    if (it->second <= now) {
      it = g.pending_members.erase(it);
      pending_gone = true;
    } else {
      ++it;
    }
  }
  if (pending_gone) maybe_complete_join(g);

  // Session expiry. A member waiting for a join or sync answer is alive.
  std::vector<std::string> expired;
  for (auto& [mid, m] : g.members) {
    if (m.heartbeat_deadline > now) continue;
    if (m.awaiting_join || m.awaiting_sync) {
      m.heartbeat_deadline = now + m.session_timeout_ms;
      continue;
    }
    expired.push_back(mid);
  }
  for (const auto& mid : expired) {
    Group* cur = find_group(id);
    if (cur == nullptr || cur->find(mid) == nullptr) continue;
    log::info("group {}: member {} left: session timeout expired", id, mid);
    remove_member_and_rebalance(*cur, mid, "session timeout expired");
  }

  Group* cur = find_group(id);
  if (cur == nullptr) return;
  if (cur->is(GroupState::kPreparingRebalance) && cur->join_deadline >= 0 &&
      cur->join_deadline <= now) {
    if (cur->initial_delay && cur->new_member_added && cur->initial_delay_left > 0) {
      // A member arrived during the initial delay: wait once more (Kafka's
      // InitialDelayedJoin), within what the rebalance timeout leaves.
      cur->new_member_added = false;
      const int64_t step =
          std::min<int64_t>(config_.initial_rebalance_delay_ms, cur->initial_delay_left);
      cur->initial_delay_left =
          std::max<int64_t>(cur->initial_delay_left - config_.initial_rebalance_delay_ms, 0);
      cur->join_deadline = now + step;
    } else {
      complete_join(*cur);
    }
  }
  cur = find_group(id);
  if (cur == nullptr) return;
  if (cur->sync_deadline >= 0 && cur->sync_deadline <= now) {
    cur->sync_deadline = -1;
    if (cur->is(GroupState::kCompletingRebalance) || cur->is(GroupState::kStable)) {
      std::vector<std::string> lagging;
      for (const auto& [mid, m] : cur->members)
        if (!m.synced) lagging.push_back(mid);
      if (!lagging.empty()) {
        for (const auto& mid : lagging) {
          log::info("group {}: member {} removed: no SyncGroup within the rebalance timeout", id,
                    mid);
          cur->remove_member(mid);
        }
        prepare_rebalance(*cur, "members failed to sync");
        maybe_complete_join(*cur);
      }
    }
  }
}

}  // namespace gregor::coordinator::group
