// JoinGroup: new, known, pending (KIP-394) and static (KIP-345) members.
#include <fmt/format.h>

#include "base/assert.h"
#include "base/log.h"
#include "base/types.h"
#include "coordinator/group/group_coordinator.h"

namespace gregor::coordinator::group {
namespace {

// "<prefix>-<random UUID in its usual text form>", as Kafka names members.
std::string new_member_id(const std::string& prefix) {
  const Uuid u = Uuid::random();
  std::string hex;
  for (size_t i = 0; i < u.bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) hex += '-';
    hex += fmt::format("{:02x}", u.bytes[i]);
  }
  return prefix + "-" + hex;
}

protocol::JoinGroupResponse join_error(ErrorCode e, const std::string& member_id = {}) {
  protocol::JoinGroupResponse r;
  r.error_code = to_wire(e);
  r.generation_id = -1;
  r.protocol_name = std::nullopt;
  r.member_id = member_id;
  return r;
}

std::vector<MemberProtocol> protocols_of(const protocol::JoinGroupRequest& req) {
  std::vector<MemberProtocol> out;
  out.reserve(req.protocols.size());
  for (const auto& p : req.protocols) out.push_back({p.name, p.metadata});
  return out;
}

int32_t rebalance_timeout_of(const protocol::JoinGroupRequest& req, int16_t version) {
  // JoinGroup v0 has no rebalance timeout: the session timeout serves.
  return version == 0 || req.rebalance_timeout_ms < 0 ? req.session_timeout_ms
                                                      : req.rebalance_timeout_ms;
}

void fill_member(Member& m, const protocol::JoinGroupRequest& req, const JoinContext& ctx) {
  m.instance_id = req.group_instance_id;
  m.client_id = ctx.client_id;
  m.client_host = ctx.client_host;
  m.rebalance_timeout_ms = rebalance_timeout_of(req, ctx.version);
  m.session_timeout_ms = req.session_timeout_ms;
  m.protocol_type = req.protocol_type;
  m.protocols = protocols_of(req);
}

}  // namespace

void GroupCoordinator::join(const protocol::JoinGroupRequest& req, const JoinContext& ctx,
                            JoinCallback done) {
  if (req.group_id.empty()) return done(join_error(ErrorCode::kInvalidGroupId, req.member_id));
  const int32_t partition = partition_for_group(req.group_id, config_.num_partitions);
  if (ErrorCode e = partition_error(partition); e != ErrorCode::kNone)
    return done(join_error(e, req.member_id));
  size_t metadata_bytes = 0;
  for (const auto& p : req.protocols) metadata_bytes += p.name.size() + p.metadata.size();
  if (metadata_bytes > static_cast<size_t>(config_.max_record_bytes)) {
    log::warn("group {}: refusing a JoinGroup with {} bytes of protocol metadata (limit {})",
              req.group_id, metadata_bytes, config_.max_record_bytes);
    return done(join_error(ErrorCode::kInvalidRequest, req.member_id));
  }
  if (req.session_timeout_ms < config_.min_session_timeout_ms ||
      req.session_timeout_ms > config_.max_session_timeout_ms)
    return done(join_error(ErrorCode::kInvalidSessionTimeout, req.member_id));
  Group* g = find_group(req.group_id);
  if (g == nullptr) {
    if (!req.member_id.empty()) return done(join_error(ErrorCode::kUnknownMemberId, req.member_id));
    g = &create_group(req.group_id, partition);
  }
  if (g->is(GroupState::kDead))
    return done(join_error(ErrorCode::kCoordinatorNotAvailable, req.member_id));
  const std::string id = g->id();
  if (req.member_id.empty()) {
    join_new_member(*g, req, ctx, done);
  } else {
    join_known_member(*g, req, ctx, done);
  }
  GREGOR_ASSERT(!done, "every join path answers or parks the request");
  erase_if_unused(id);
  if (Group* cur = find_group(id)) reschedule(*cur);
}

// Each path either answers through `done` (and leaves it empty) or parks it in
// the member (moved out).
void GroupCoordinator::join_new_member(Group& g, const protocol::JoinGroupRequest& req,
                                       const JoinContext& ctx, JoinCallback& done) {
  auto answer = [&](protocol::JoinGroupResponse r) { std::exchange(done, nullptr)(std::move(r)); };
  if (!g.supports_protocols(req.protocol_type, protocols_of(req)))
    return answer(join_error(ErrorCode::kInconsistentGroupProtocol));
  if (g.has_static(req.group_instance_id)) return replace_static_member(g, req, ctx, done);
  if (g.members.size() + g.pending_members.size() >= static_cast<size_t>(config_.max_size))
    return answer(join_error(ErrorCode::kGroupMaxSizeReached));
  if (req.group_instance_id) {
    return add_member_and_rebalance(g, new_member_id(*req.group_instance_id), req, ctx, done);
  }
  const std::string member_id = new_member_id(ctx.client_id);
  if (ctx.version >= 4) {
    // KIP-394: hand out the id and wait for the member to come back with it.
    g.pending_members[member_id] = mono_ms() + req.session_timeout_ms;
    return answer(join_error(ErrorCode::kMemberIdRequired, member_id));
  }
  add_member_and_rebalance(g, member_id, req, ctx, done);
}

void GroupCoordinator::join_known_member(Group& g, const protocol::JoinGroupRequest& req,
                                         const JoinContext& ctx, JoinCallback& done) {
  auto answer = [&](protocol::JoinGroupResponse r) { std::exchange(done, nullptr)(std::move(r)); };
  const std::string& member_id = req.member_id;
  if (g.pending_members.count(member_id) > 0) {
    if (!g.supports_protocols(req.protocol_type, protocols_of(req)))
      return answer(join_error(ErrorCode::kInconsistentGroupProtocol, member_id));
    g.pending_members.erase(member_id);
    return add_member_and_rebalance(g, member_id, req, ctx, done);
  }
  if (!g.instance_matches(req.group_instance_id, member_id))
    return answer(join_error(ErrorCode::kFencedInstanceId, member_id));
  Member* m = g.find(member_id);
  if (m == nullptr) return answer(join_error(ErrorCode::kUnknownMemberId, member_id));
  if (!g.supports_protocols(req.protocol_type, protocols_of(req), member_id))
    return answer(join_error(ErrorCode::kInconsistentGroupProtocol, member_id));
  switch (g.state()) {
    case GroupState::kPreparingRebalance:
      return update_member_and_rebalance(g, *m, req, ctx, done);
    case GroupState::kCompletingRebalance:
      if (g.protocols_equal(*m, protocols_of(req))) {
        // A retried join (lost response): answer with the current generation.
        return answer(current_generation_response(g, *m, ctx.version, false));
      }
      return update_member_and_rebalance(g, *m, req, ctx, done);
    case GroupState::kStable:
      if (g.is_leader(member_id) || !g.protocols_equal(*m, protocols_of(req)))
        return update_member_and_rebalance(g, *m, req, ctx, done);
      m->heartbeat_deadline = mono_ms() + m->session_timeout_ms;
      return answer(current_generation_response(g, *m, ctx.version, false));
    case GroupState::kEmpty:
      return answer(join_error(ErrorCode::kUnknownMemberId, member_id));
    case GroupState::kDead:
      return answer(join_error(ErrorCode::kCoordinatorNotAvailable, member_id));
  }
}

void GroupCoordinator::replace_static_member(Group& g, const protocol::JoinGroupRequest& req,
                                             const JoinContext& ctx, JoinCallback& done) {
  const std::string& instance = *req.group_instance_id;
  const std::string old_id = g.static_members[instance];
  const std::string new_id = new_member_id(instance);
  Member m = std::move(g.members.at(old_id));
  g.members.erase(old_id);
  // The old incarnation is fenced: a parked request of it is answered so.
  if (auto cb = std::exchange(m.awaiting_join, nullptr))
    cb(join_error(ErrorCode::kFencedInstanceId, old_id));
  if (auto cb = std::exchange(m.awaiting_sync, nullptr)) {
    protocol::SyncGroupResponse r;
    r.error_code = to_wire(ErrorCode::kFencedInstanceId);
    cb(std::move(r));
  }
  const bool was_leader = g.is_leader(old_id);
  const bool same_protocols = g.protocols_equal(m, protocols_of(req));
  m.member_id = new_id;
  fill_member(m, req, ctx);
  m.heartbeat_deadline = mono_ms() + m.session_timeout_ms;
  g.static_members[instance] = new_id;
  if (was_leader) g.leader = new_id;
  Member& placed = g.members.emplace(new_id, std::move(m)).first->second;
  log::info("group {}: static member {} rejoined as {} (was {})", g.id(), instance, new_id, old_id);

  if (g.is(GroupState::kStable) && same_protocols) {
    // KIP-345: no rebalance; the current assignment stands. Persist the new id.
    placed.synced = true;
    JoinCallback answer = std::exchange(done, nullptr);
    const int32_t generation = g.generation;
    protocol::JoinGroupResponse r =
        current_generation_response(g, placed, ctx.version, ctx.version >= 9 && was_leader);
    writer_.write(g.partition(), {group_metadata_record(g)},
                  [answer = std::move(answer), r = std::move(r), generation](ErrorCode e) mutable {
                    if (e != ErrorCode::kNone) {
                      r = join_error(ErrorCode::kCoordinatorNotAvailable, r.member_id);
                      r.generation_id = generation;
                    }
                    answer(std::move(r));
                  });
    return;
  }
  if (g.is(GroupState::kPreparingRebalance)) {
    placed.awaiting_join = std::exchange(done, nullptr);
    placed.join_version = ctx.version;
    return maybe_complete_join(g);
  }
  placed.awaiting_join = std::exchange(done, nullptr);
  placed.join_version = ctx.version;
  prepare_rebalance(g, "a static member rejoined with new metadata");
  // Kafka's DelayedJoin tries to complete at once: a group whose members have
  // all rejoined (e.g. this one alone) must not wait for the rebalance timeout.
  maybe_complete_join(g);
}

void GroupCoordinator::add_member_and_rebalance(Group& g, const std::string& member_id,
                                                const protocol::JoinGroupRequest& req,
                                                const JoinContext& ctx, JoinCallback& done) {
  Member m;
  m.member_id = member_id;
  fill_member(m, req, ctx);
  m.awaiting_join = std::exchange(done, nullptr);
  m.join_version = ctx.version;
  m.heartbeat_deadline = mono_ms() + m.session_timeout_ms;
  if (m.instance_id) g.static_members[*m.instance_id] = member_id;
  if (!g.leader) g.leader = member_id;
  if (g.members.empty()) g.protocol_type = req.protocol_type;
  g.members.emplace(member_id, std::move(m));
  if (g.is(GroupState::kPreparingRebalance) && g.initial_delay) g.new_member_added = true;
  if (!g.is(GroupState::kPreparingRebalance)) prepare_rebalance(g, "a new member joined");
  maybe_complete_join(g);
}

void GroupCoordinator::update_member_and_rebalance(Group& g, Member& m,
                                                   const protocol::JoinGroupRequest& req,
                                                   const JoinContext& ctx, JoinCallback& done) {
  if (auto old = std::exchange(m.awaiting_join, nullptr))
    old(join_error(ErrorCode::kRebalanceInProgress, m.member_id));
  fill_member(m, req, ctx);
  m.awaiting_join = std::exchange(done, nullptr);
  m.join_version = ctx.version;
  if (!g.is(GroupState::kPreparingRebalance)) prepare_rebalance(g, "a member rejoined");
  maybe_complete_join(g);
}

protocol::JoinGroupResponse GroupCoordinator::current_generation_response(const Group& g,
                                                                          const Member& m,
                                                                          int16_t version,
                                                                          bool skip) const {
  protocol::JoinGroupResponse r;
  r.generation_id = g.generation;
  r.protocol_type = g.protocol_type;
  r.protocol_name = g.protocol_name;
  r.leader = g.leader.value_or("");
  r.member_id = m.member_id;
  r.skip_assignment = skip && version >= 9;
  if (g.is_leader(m.member_id)) {
    for (const auto& [id, other] : g.members) {
      auto& out = r.members.emplace_back();
      out.member_id = id;
      out.group_instance_id = other.instance_id;
      if (g.protocol_name) {
        if (const MemberProtocol* p = other.find_protocol(*g.protocol_name))
          out.metadata = p->metadata;
      }
    }
  }
  return r;
}

}  // namespace gregor::coordinator::group
