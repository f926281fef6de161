#include "coordinator/group/group_records.h"

#include <fmt/format.h>

#include "base/byte_reader.h"
#include "base/byte_writer.h"
#include "protocol/messages/group_metadata_key.h"
#include "protocol/messages/group_metadata_value.h"
#include "protocol/messages/offset_commit_key.h"
#include "protocol/messages/offset_commit_value.h"

namespace gregor::coordinator::group {
namespace {

constexpr int16_t kOffsetKeyVersion = 1;
constexpr int16_t kGroupKeyVersion = 2;
constexpr int16_t kOffsetValueVersion = 3;        // with leader epoch
constexpr int16_t kOffsetValueVersionExpiry = 1;  // with an explicit expiry
constexpr int16_t kGroupValueVersion = 3;         // with static member ids

template <typename Msg>
std::vector<uint8_t> encode_versioned(const Msg& msg, int16_t version) {
  ByteWriter w;
  w.i16(version);
  msg.encode(w, version);
  return std::move(w.buf());
}

std::vector<uint8_t> offset_key(const std::string& group, const TopicPartition& tp) {
  protocol::OffsetCommitKey key;
  key.group = group;
  key.topic = tp.first;
  key.partition = tp.second;
  return encode_versioned(key, kOffsetKeyVersion);
}

std::vector<uint8_t> group_key(const std::string& group) {
  protocol::GroupMetadataKey key;
  key.group = group;
  return encode_versioned(key, kGroupKeyVersion);
}

Group& group_of(GroupMap& groups, const std::string& id, int32_t partition, int64_t now_ms) {
  auto it = groups.find(id);
  if (it == groups.end()) it = groups.try_emplace(id, id, partition, now_ms).first;
  return it->second;
}

// A group that exists only because of offsets, and has none left.
bool unused(const Group& g) {
  return !g.has_offsets() && g.is(GroupState::kEmpty) && g.generation == 0 && !g.protocol_type;
}

void replay_offset_tombstone(const std::string& group, const TopicPartition& tp,
                             const ReplayContext& ctx, GroupMap& groups) {
  auto it = groups.find(group);
  if (it == groups.end()) return;
  Group& g = it->second;
  if (ctx.txn_producer_id >= 0) {
    auto pending = g.pending_txn_offsets.find(ctx.txn_producer_id);
    if (pending != g.pending_txn_offsets.end()) {
      pending->second.erase(tp);
      if (pending->second.empty()) g.pending_txn_offsets.erase(pending);
    }
  } else {
    // As the live coordinator (OffsetDelete, DeleteGroups), a plain tombstone
    // also forgets the partition's pending transactional offsets.
    g.offsets.erase(tp);
    for (auto& [pid, pending] : g.pending_txn_offsets) pending.erase(tp);
    std::erase_if(g.pending_txn_offsets, [](const auto& kv) { return kv.second.empty(); });
  }
  if (unused(g)) groups.erase(it);
}

Result<Ok, std::string> replay_offset(ByteReader& key_reader,
                                      std::optional<std::span<const uint8_t>> value,
                                      int32_t partition, int64_t now_ms, const ReplayContext& ctx,
                                      GroupMap& groups) {
  protocol::OffsetCommitKey key;
  key.decode(key_reader, 1);
  if (!key_reader.ok()) return Err(std::string("undecodable offset commit key"));
  TopicPartition tp{key.topic, key.partition};
  if (!value) {
    replay_offset_tombstone(key.group, tp, ctx, groups);
    return Ok{};
  }
  ByteReader r(*value);
  const int16_t version = r.i16();
  if (!r.ok() || version < 0 || version > 4)
    return Err(fmt::format("offset commit value version {} unknown", version));
  protocol::OffsetCommitValue v;
  v.decode(r, version);
  if (!r.ok()) return Err(std::string("undecodable offset commit value"));
  Group& g = group_of(groups, key.group, partition, now_ms);
  // A later record always replaces an earlier one of the same kind; only a
  // transaction's completion weighs record order (Group::put_offset_if_newer).
  CommittedOffset& out =
      ctx.txn_producer_id >= 0 ? g.pending_txn_offsets[ctx.txn_producer_id][tp] : g.offsets[tp];
  out.offset = v.offset;
  out.leader_epoch = v.leader_epoch;
  out.metadata = v.metadata;
  out.commit_timestamp = v.commit_timestamp;
  out.expire_timestamp = v.expire_timestamp;
  out.record_order = ctx.record_order;
  return Ok{};
}

Result<Ok, std::string> replay_group(ByteReader& key_reader,
                                     std::optional<std::span<const uint8_t>> value,
                                     int32_t partition, int64_t now_ms, GroupMap& groups) {
  protocol::GroupMetadataKey key;
  key.decode(key_reader, 2);
  if (!key_reader.ok()) return Err(std::string("undecodable group metadata key"));
  if (!value) {
    auto it = groups.find(key.group);
    if (it == groups.end()) return Ok{};
    if (!it->second.has_offsets()) {
      groups.erase(it);
    } else {
      // Offsets outlived their group record: keep them in an empty group.
      Group fresh(key.group, partition, now_ms);
      fresh.offsets = std::move(it->second.offsets);
      fresh.pending_txn_offsets = std::move(it->second.pending_txn_offsets);
      it->second = std::move(fresh);
    }
    return Ok{};
  }
  ByteReader r(*value);
  const int16_t version = r.i16();
  if (!r.ok() || version < 0 || version > 4)
    return Err(fmt::format("group metadata value version {} unknown", version));
  protocol::GroupMetadataValue v;
  v.decode(r, version);
  if (!r.ok()) return Err(std::string("undecodable group metadata value"));

  Group& g = group_of(groups, key.group, partition, now_ms);
  g.members.clear();
  g.static_members.clear();
  g.pending_members.clear();
  g.generation = v.generation;
  g.protocol_type = v.protocol_type.empty() ? std::nullopt : std::optional(v.protocol_type);
  g.protocol_name = v.protocol && !v.protocol->empty() ? v.protocol : std::nullopt;
  g.leader = v.leader && !v.leader->empty() ? v.leader : std::nullopt;
  for (auto& mv : v.members) {
    Member m;
    m.member_id = mv.member_id;
    m.instance_id = mv.group_instance_id;
    m.client_id = std::move(mv.client_id);
    m.client_host = std::move(mv.client_host);
    m.rebalance_timeout_ms = mv.rebalance_timeout >= 0 ? mv.rebalance_timeout : mv.session_timeout;
    m.session_timeout_ms = mv.session_timeout;
    m.protocol_type = g.protocol_type.value_or("");
    m.protocols.push_back({g.protocol_name.value_or(""), std::move(mv.subscription)});
    m.assignment = std::move(mv.assignment);
    m.synced = true;
    if (m.instance_id) g.static_members[*m.instance_id] = m.member_id;
    g.members.emplace(mv.member_id, std::move(m));
  }
  const int64_t since = v.current_state_timestamp >= 0 ? v.current_state_timestamp : now_ms;
  g.set_state(g.members.empty() ? GroupState::kEmpty : GroupState::kStable, since);
  return Ok{};
}

}  // namespace

CoordinatorRecord offset_commit_record(const std::string& group, const TopicPartition& tp,
                                       const CommittedOffset& offset) {
  protocol::OffsetCommitValue v;
  v.offset = offset.offset;
  v.leader_epoch = offset.leader_epoch;
  v.metadata = offset.metadata;
  v.commit_timestamp = offset.commit_timestamp;
  v.expire_timestamp = offset.expire_timestamp;
  const int16_t version =
      offset.expire_timestamp >= 0 ? kOffsetValueVersionExpiry : kOffsetValueVersion;
  return {offset_key(group, tp), encode_versioned(v, version)};
}

CoordinatorRecord offset_tombstone(const std::string& group, const TopicPartition& tp) {
  return {offset_key(group, tp), std::nullopt};
}

CoordinatorRecord group_metadata_record(const Group& group) {
  protocol::GroupMetadataValue v;
  v.protocol_type = group.protocol_type.value_or("");
  v.generation = group.generation;
  v.protocol = group.protocol_name;
  v.leader = group.leader;
  v.current_state_timestamp = group.state_timestamp();
  for (const auto& [id, m] : group.members) {
    auto& mv = v.members.emplace_back();
    mv.member_id = id;
    mv.group_instance_id = m.instance_id;
    mv.client_id = m.client_id;
    mv.client_host = m.client_host;
    mv.rebalance_timeout = m.rebalance_timeout_ms;
    mv.session_timeout = m.session_timeout_ms;
    if (group.protocol_name) {
      if (const MemberProtocol* p = m.find_protocol(*group.protocol_name))
        mv.subscription = p->metadata;
    }
    mv.assignment = m.assignment;
  }
  return {group_key(group.id()), encode_versioned(v, kGroupValueVersion)};
}

CoordinatorRecord group_tombstone(const std::string& group) {
  return {group_key(group), std::nullopt};
}

Result<Ok, std::string> replay_record(std::span<const uint8_t> key,
                                      std::optional<std::span<const uint8_t>> value,
                                      int32_t partition, int64_t now_ms, const ReplayContext& ctx,
                                      GroupMap& groups) {
  ByteReader r(key);
  const int16_t version = r.i16();
  if (!r.ok()) return Err(std::string("record key shorter than its version"));
  if (version == 0 || version == 1) return replay_offset(r, value, partition, now_ms, ctx, groups);
  if (version == 2) return replay_group(r, value, partition, now_ms, groups);
  if (version < 0) return Err(fmt::format("record key version {} unknown", version));
  return Ok{};  // KIP-848 / share group records: not kept by the classic coordinator
}

void replay_txn_marker(int64_t producer_id, bool commit, GroupMap& groups) {
  for (auto it = groups.begin(); it != groups.end();) {
    if (it->second.complete_txn_offsets(producer_id, commit) && unused(it->second)) {
      it = groups.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace gregor::coordinator::group
