// One member of a classic group, as the coordinator keeps it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "protocol/messages/join_group.h"
#include "protocol/messages/sync_group.h"

namespace gregor::coordinator::group {

struct MemberProtocol {
  std::string name;
  std::vector<uint8_t> metadata;
};

// Answers to parked requests. They run on the coordinator's thread, once.
using JoinCallback = std::function<void(protocol::JoinGroupResponse)>;
using SyncCallback = std::function<void(protocol::SyncGroupResponse)>;

struct Member {
  std::string member_id;
  std::optional<std::string> instance_id;  // group.instance.id: a static member
  std::string client_id;
  std::string client_host;
  int32_t rebalance_timeout_ms = 0;
  int32_t session_timeout_ms = 0;
  std::string protocol_type;
  std::vector<MemberProtocol> protocols;  // in the member's order of preference
  std::vector<uint8_t> assignment;

  JoinCallback awaiting_join;      // set while its JoinGroup waits for the join phase
  int16_t join_version = 0;        // version of that JoinGroup
  SyncCallback awaiting_sync;      // set while its SyncGroup waits for the leader
  bool synced = false;             // sent SyncGroup in the current generation
  int64_t heartbeat_deadline = 0;  // monotonic ms

  const MemberProtocol* find_protocol(const std::string& name) const {
    for (const auto& p : protocols)
      if (p.name == name) return &p;
    return nullptr;
  }
};

}  // namespace gregor::coordinator::group
