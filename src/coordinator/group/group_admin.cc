// DescribeGroups, ListGroups, DeleteGroups.
#include <algorithm>
#include <cctype>

#include "base/log.h"
#include "coordinator/group/group_coordinator.h"
#include "coordinator/group/write_error.h"

namespace gregor::coordinator::group {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool passes(const std::vector<std::string>& filter, std::string_view value) {
  if (filter.empty()) return true;
  return std::any_of(filter.begin(), filter.end(),
                     [&](const std::string& f) { return iequals(f, value); });
}

constexpr std::string_view kClassicType = "classic";

}  // namespace

void GroupCoordinator::describe(const std::string& group_id,
                                protocol::DescribeGroupsResponse::DescribedGroup& out) {
  out.group_id = group_id;
  const ErrorCode e = group_error(group_id);
  out.error_code = to_wire(e);
  const Group* g = e == ErrorCode::kNone ? find(group_id) : nullptr;
  if (g == nullptr) {
    // Kafka describes an unknown group as Dead, without an error.
    out.group_state = state_name(GroupState::kDead);
    return;
  }
  out.group_state = state_name(g->state());
  out.protocol_type = g->protocol_type.value_or("");
  const bool stable = g->is(GroupState::kStable);
  out.protocol_data = stable ? g->protocol_name.value_or("") : "";
  for (const auto& [id, m] : g->members) {
    auto& d = out.members.emplace_back();
    d.member_id = id;
    d.group_instance_id = m.instance_id;
    d.client_id = m.client_id;
    d.client_host = m.client_host;
    if (stable && g->protocol_name) {
      if (const MemberProtocol* p = m.find_protocol(*g->protocol_name))
        d.member_metadata = p->metadata;
      d.member_assignment = m.assignment;
    }
  }
}

void GroupCoordinator::list(const std::vector<std::string>& states,
                            const std::vector<std::string>& types,
                            std::vector<protocol::ListGroupsResponse::ListedGroup>& out) const {
  if (!passes(types, kClassicType)) return;
  for (const auto& [id, g] : groups_) {
    if (g.is(GroupState::kDead) || partition_error(g.partition()) != ErrorCode::kNone) continue;
    if (!passes(states, state_name(g.state()))) continue;
    auto& l = out.emplace_back();
    l.group_id = id;
    l.protocol_type = g.protocol_type.value_or("");
    l.group_state = state_name(g.state());
    l.group_type = kClassicType;
  }
}

void GroupCoordinator::delete_group(const std::string& group_id,
                                    std::function<void(ErrorCode)> done) {
  if (group_id.empty()) return done(ErrorCode::kInvalidGroupId);
  if (ErrorCode e = group_error(group_id); e != ErrorCode::kNone) return done(e);
  Group* g = find_group(group_id);
  if (g == nullptr || g->is(GroupState::kDead)) return done(ErrorCode::kGroupIdNotFound);
  if (!g->is(GroupState::kEmpty)) return done(ErrorCode::kNonEmptyGroup);
  std::vector<CoordinatorRecord> records;
  std::set<TopicPartition> tps;
  for (const auto& [tp, c] : g->offsets) tps.insert(tp);
  // Pending transactional offsets go too (Kafka's deleteAllOffsets): their
  // tombstones stop a replay from committing them at the marker.
  for (const auto& [pid, pending] : g->pending_txn_offsets)
    for (const auto& [tp, c] : pending) tps.insert(tp);
  for (const auto& tp : tps) records.push_back(offset_tombstone(group_id, tp));
  records.push_back(group_tombstone(group_id));
  // Dead while the tombstones are written: requests for it wait for a new group.
  g->set_state(GroupState::kDead, now_ms());
  writer_.write(g->partition(), std::move(records),
                [this, group_id, done = std::move(done)](ErrorCode e) {
                  Group* cur = find_group(group_id);
                  if (e != ErrorCode::kNone) {
                    if (cur != nullptr) cur->set_state(GroupState::kEmpty, now_ms());
                    return done(client_error_of_write(e, ErrorCode::kUnknownServerError));
                  }
                  if (cur != nullptr) groups_.erase(group_id);
                  log::info("group {}: deleted", group_id);
                  done(ErrorCode::kNone);
                });
}

}  // namespace gregor::coordinator::group
