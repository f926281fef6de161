#include "coordinator/group/group.h"

#include <algorithm>

namespace gregor::coordinator::group {

std::string_view state_name(GroupState s) {
  switch (s) {
    case GroupState::kEmpty:
      return "Empty";
    case GroupState::kPreparingRebalance:
      return "PreparingRebalance";
    case GroupState::kCompletingRebalance:
      return "CompletingRebalance";
    case GroupState::kStable:
      return "Stable";
    case GroupState::kDead:
      return "Dead";
  }
  return "Unknown";
}

Member* Group::find(const std::string& member_id) {
  auto it = members.find(member_id);
  return it == members.end() ? nullptr : &it->second;
}

bool Group::has_static(const std::optional<std::string>& instance_id) const {
  return instance_id && static_members.count(*instance_id) > 0;
}

bool Group::instance_matches(const std::optional<std::string>& instance_id,
                             const std::string& member_id) const {
  if (!instance_id) return true;
  auto it = static_members.find(*instance_id);
  return it == static_members.end() || it->second == member_id;
}

bool Group::all_joined() const {
  return pending_members.empty() && awaiting_join_count() == static_cast<int>(members.size());
}

int Group::awaiting_join_count() const {
  int n = 0;
  for (const auto& [id, m] : members) n += m.awaiting_join ? 1 : 0;
  return n;
}

int32_t Group::max_rebalance_timeout_ms() const {
  int32_t t = 0;
  for (const auto& [id, m] : members) t = std::max(t, m.rebalance_timeout_ms);
  return t;
}

bool Group::supports_protocols(const std::string& type,
                               const std::vector<MemberProtocol>& protocols,
                               const std::string& except) const {
  if (type.empty() || protocols.empty()) return false;
  size_t others = 0;
  for (const auto& [id, m] : members) others += id == except ? 0 : 1;
  if (others == 0) return true;
  if (!protocol_type || *protocol_type != type) return false;
  for (const auto& p : protocols) {
    size_t supported = 0;
    for (const auto& [id, m] : members)
      if (id != except && m.find_protocol(p.name)) ++supported;
    if (supported == others) return true;
  }
  return false;
}

std::string Group::select_protocol() const {
  // Candidates: the protocols every member supports, in the first member's order.
  std::vector<std::string> candidates;
  if (members.empty()) return {};
  for (const auto& p : members.begin()->second.protocols) {
    bool everyone = std::all_of(members.begin(), members.end(),
                                [&](const auto& kv) { return kv.second.find_protocol(p.name); });
    if (everyone) candidates.push_back(p.name);
  }
  if (candidates.empty()) return {};
  std::map<std::string, int> votes;
  for (const auto& [id, m] : members) {
    for (const auto& p : m.protocols) {
      if (std::find(candidates.begin(), candidates.end(), p.name) != candidates.end()) {
        ++votes[p.name];
        break;
      }
    }
  }
  std::string best = candidates.front();
  for (const auto& c : candidates)
    if (votes[c] > votes[best]) best = c;
  return best;
}

bool Group::protocols_equal(const Member& m, const std::vector<MemberProtocol>& protocols) const {
  if (m.protocols.size() != protocols.size()) return false;
  for (size_t i = 0; i < protocols.size(); ++i) {
    if (m.protocols[i].name != protocols[i].name ||
        m.protocols[i].metadata != protocols[i].metadata)
      return false;
  }
  return true;
}

void Group::put_offset_if_newer(const TopicPartition& tp, CommittedOffset c) {
  auto it = offsets.find(tp);
  if (it == offsets.end()) {
    offsets.emplace(tp, std::move(c));
  } else if (it->second.record_order < c.record_order) {
    it->second = std::move(c);
  }
}

bool Group::complete_txn_offsets(int64_t producer_id, bool commit) {
  auto it = pending_txn_offsets.find(producer_id);
  if (it == pending_txn_offsets.end()) return false;
  PendingOffsets pending = std::move(it->second);
  pending_txn_offsets.erase(it);
  if (commit)
    for (auto& [tp, c] : pending) put_offset_if_newer(tp, std::move(c));
  return true;
}

bool Group::has_pending_txn_offset(const TopicPartition& tp) const {
  for (const auto& [pid, pending] : pending_txn_offsets)
    if (pending.count(tp) > 0) return true;
  return false;
}

void Group::remove_member(const std::string& member_id) {
  auto it = members.find(member_id);
  if (it == members.end()) return;
  if (it->second.instance_id) {
    auto s = static_members.find(*it->second.instance_id);
    if (s != static_members.end() && s->second == member_id) static_members.erase(s);
  }
  members.erase(it);
  if (is_leader(member_id)) {
    leader.reset();
    // Prefer a member that is already rejoining, as Kafka does.
    for (const auto& [id, m] : members) {
      if (m.awaiting_join) {
        leader = id;
        break;
      }
    }
    if (!leader && !members.empty()) leader = members.begin()->first;
  }
}

int64_t Group::next_deadline() const {
  int64_t best = -1;
  auto consider = [&](int64_t t) {
    if (t >= 0 && (best < 0 || t < best)) best = t;
  };
  consider(join_deadline);
  consider(sync_deadline);
  for (const auto& [id, t] : pending_members) consider(t);
  for (const auto& [id, m] : members) consider(m.heartbeat_deadline);
  return best;
}

}  // namespace gregor::coordinator::group
