// Rebalance phases: PreparingRebalance (join phase), CompletingRebalance
// (waiting for the leader's assignment), Stable; and SyncGroup.
#include "base/log.h"
#include "coordinator/group/group_coordinator.h"
#include "coordinator/group/write_error.h"

namespace gregor::coordinator::group {
namespace {

protocol::SyncGroupResponse sync_answer(ErrorCode e, const Group& g,
                                        std::vector<uint8_t> assignment = {}) {
  protocol::SyncGroupResponse r;
  r.error_code = to_wire(e);
  r.protocol_type = g.protocol_type;
  r.protocol_name = g.protocol_name;
  r.assignment = std::move(assignment);
  return r;
}

}  // namespace

void GroupCoordinator::prepare_rebalance(Group& g, const char* reason) {
  if (g.is(GroupState::kCompletingRebalance))
    reset_pending_syncs(g, ErrorCode::kRebalanceInProgress);
  const int64_t now = mono_ms();
  const int64_t timeout = g.max_rebalance_timeout_ms();
  if (g.is(GroupState::kEmpty)) {
    const int64_t delay = std::min<int64_t>(config_.initial_rebalance_delay_ms, timeout);
    g.initial_delay = true;
    g.new_member_added = false;
    g.initial_delay_left = std::max<int64_t>(timeout - delay, 0);
    g.join_deadline = now + delay;
  } else {
    g.initial_delay = false;
    g.join_deadline = now + timeout;
  }
  g.sync_deadline = -1;
  log::info("group {}: preparing to rebalance (generation {}, {} members): {}", g.id(),
            g.generation, g.members.size(), reason);
  g.set_state(GroupState::kPreparingRebalance, now_ms());
  reschedule(g);
}

void GroupCoordinator::maybe_complete_join(Group& g) {
  if (g.is(GroupState::kPreparingRebalance) && !g.initial_delay && g.all_joined()) complete_join(g);
}

void GroupCoordinator::complete_join(Group& g) {
  // Dynamic members that did not rejoin are out; static ones stay (KIP-345).
  std::vector<std::string> gone;
  for (const auto& [id, m] : g.members)
    if (!m.awaiting_join && !m.instance_id) gone.push_back(id);
  for (const auto& id : gone) g.remove_member(id);
  g.join_deadline = -1;
  g.initial_delay = false;
  g.new_member_added = false;

  if (g.members.empty()) {
    ++g.generation;
    g.protocol_name.reset();
    g.leader.reset();
    g.set_state(GroupState::kEmpty, now_ms());
    log::info("group {}: generation {} is empty", g.id(), g.generation);
    persist_group(g);
    reschedule(g);
    return;
  }
  // The leader must be a member that rejoined.
  const Member* lead = g.leader ? g.find(*g.leader) : nullptr;
  if (lead == nullptr || !lead->awaiting_join) {
    g.leader.reset();
    for (const auto& [id, m] : g.members) {
      if (m.awaiting_join) {
        g.leader = id;
        break;
      }
    }
    if (!g.leader) {
      // Only static members that did not rejoin remain: wait for them again.
      prepare_rebalance(g, "no member rejoined");
      return;
    }
  }
  ++g.generation;
  g.protocol_name = g.select_protocol();
  g.protocol_type = g.members.at(*g.leader).protocol_type;
  g.set_state(GroupState::kCompletingRebalance, now_ms());
  const int64_t now = mono_ms();
  log::info("group {}: generation {} with {} members, protocol {}, leader {}", g.id(), g.generation,
            g.members.size(), *g.protocol_name, *g.leader);
  std::vector<std::pair<JoinCallback, protocol::JoinGroupResponse>> answers;
  for (auto& [id, m] : g.members) {
    m.assignment.clear();
    m.synced = !m.awaiting_join;  // members without a join answer have nothing to sync
    if (!m.awaiting_join) continue;
    m.heartbeat_deadline = now + m.session_timeout_ms;
    answers.emplace_back(std::exchange(m.awaiting_join, nullptr),
                         current_generation_response(g, m, m.join_version, false));
  }
  g.sync_deadline = now + g.max_rebalance_timeout_ms();
  reschedule(g);
  for (auto& [cb, r] : answers) cb(std::move(r));
}

void GroupCoordinator::sync(const protocol::SyncGroupRequest& req, int16_t version,
                            SyncCallback done) {
  auto fail = [&](ErrorCode e) {
    protocol::SyncGroupResponse r;
    r.error_code = to_wire(e);
    done(std::move(r));
  };
  if (ErrorCode e = group_error(req.group_id); e != ErrorCode::kNone) return fail(e);
  Group* g = find_group(req.group_id);
  if (g == nullptr) return fail(ErrorCode::kUnknownMemberId);
  if (g->is(GroupState::kDead)) return fail(ErrorCode::kCoordinatorNotAvailable);
  if (!g->instance_matches(req.group_instance_id, req.member_id))
    return fail(ErrorCode::kFencedInstanceId);
  Member* m = g->find(req.member_id);
  if (m == nullptr) return fail(ErrorCode::kUnknownMemberId);
  if (req.generation_id != g->generation) return fail(ErrorCode::kIllegalGeneration);
  if (version >= 5 && ((req.protocol_type && req.protocol_type != g->protocol_type) ||
                       (req.protocol_name && req.protocol_name != g->protocol_name)))
    return fail(ErrorCode::kInconsistentGroupProtocol);
  switch (g->state()) {
    case GroupState::kEmpty:
      return fail(ErrorCode::kUnknownMemberId);
    case GroupState::kPreparingRebalance:
      return fail(ErrorCode::kRebalanceInProgress);
    case GroupState::kDead:
      return fail(ErrorCode::kCoordinatorNotAvailable);
    case GroupState::kStable:
      m->synced = true;
      m->heartbeat_deadline = mono_ms() + m->session_timeout_ms;
      reschedule(*g);
      return done(sync_answer(ErrorCode::kNone, *g, m->assignment));
    case GroupState::kCompletingRebalance:
      break;
  }
  m->synced = true;
  m->heartbeat_deadline = mono_ms() + m->session_timeout_ms;
  if (auto old = std::exchange(m->awaiting_sync, std::move(done)))
    old(sync_answer(ErrorCode::kRebalanceInProgress, *g));
  if (!g->is_leader(req.member_id)) return reschedule(*g);

  // The leader's assignment ends the phase once it is durable.
  for (auto& [id, member] : g->members) member.assignment.clear();
  for (const auto& a : req.assignments) {
    if (Member* target = g->find(a.member_id)) target->assignment = a.assignment;
  }
  const std::string id = g->id();
  const int32_t generation = g->generation;
  writer_.write(g->partition(), {group_metadata_record(*g)},
                [this, id, generation](ErrorCode e) { finish_sync(id, generation, e); });
  reschedule(*g);
}

void GroupCoordinator::finish_sync(const std::string& group_id, int32_t generation,
                                   ErrorCode error) {
  Group* g = find_group(group_id);
  if (g == nullptr || g->generation != generation || !g->is(GroupState::kCompletingRebalance))
    return;  // the group moved on while the write was in flight
  if (error != ErrorCode::kNone) {
    log::warn("group {}: storing generation {} failed: {}", group_id, generation,
              error_name(error));
    reset_pending_syncs(*g, client_error_of_write(error, ErrorCode::kUnknownServerError));
    prepare_rebalance(*g, "storing the assignment failed");
    return;
  }
  g->set_state(GroupState::kStable, now_ms());
  std::vector<std::pair<SyncCallback, protocol::SyncGroupResponse>> answers;
  for (auto& [id, m] : g->members) {
    if (auto cb = std::exchange(m.awaiting_sync, nullptr))
      answers.emplace_back(std::move(cb), sync_answer(ErrorCode::kNone, *g, m.assignment));
  }
  reschedule(*g);
  for (auto& [cb, r] : answers) cb(std::move(r));
}

void GroupCoordinator::reset_pending_syncs(Group& g, ErrorCode error) {
  std::vector<SyncCallback> waiting;
  for (auto& [id, m] : g.members) {
    m.assignment.clear();
    if (auto cb = std::exchange(m.awaiting_sync, nullptr)) waiting.push_back(std::move(cb));
  }
  for (auto& cb : waiting) cb(sync_answer(error, g));
}

void GroupCoordinator::remove_member_and_rebalance(Group& g, const std::string& member_id,
                                                   const char* reason) {
  g.remove_member(member_id);
  switch (g.state()) {
    case GroupState::kStable:
    case GroupState::kCompletingRebalance:
      prepare_rebalance(g, reason);
      break;
    case GroupState::kPreparingRebalance:
      maybe_complete_join(g);
      break;
    default:
      break;
  }
}

void GroupCoordinator::persist_group(Group& g) {
  const std::string id = g.id();
  writer_.write(g.partition(), {group_metadata_record(g)}, [id](ErrorCode e) {
    if (e != ErrorCode::kNone)
      log::warn("group {}: storing its metadata failed: {}", id, error_name(e));
  });
}

}  // namespace gregor::coordinator::group
