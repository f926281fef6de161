// Test support for the group coordinator: a RecordWriter whose writes complete
// when the test says so, and shorthands for the requests.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "coordinator/group/group_coordinator.h"

namespace gregor::coordinator::group::testing {

class FakeWriter final : public RecordWriter {
 public:
  struct Write {
    int32_t partition;
    std::vector<CoordinatorRecord> records;
    std::function<void(ErrorCode)> done;
    std::optional<BatchProducer> producer;  // set for a transactional batch
  };
  void write(int32_t partition, std::vector<CoordinatorRecord> records,
             std::function<void(ErrorCode)> done, const BatchProducer* producer) override {
    pending.push_back({partition, std::move(records), std::move(done),
                       producer ? std::optional(*producer) : std::nullopt});
  }
  // A batch of the partition's log: records (transactional with `producer`),
  // or a transaction marker.
  struct Batch {
    std::vector<CoordinatorRecord> records;
    std::optional<BatchProducer> producer;
    std::optional<std::pair<int64_t, bool>> marker;  // producer id, commit
  };
  // Completes every pending write with `e` (successful ones are kept in `log`).
  void flush(ErrorCode e = ErrorCode::kNone) {
    while (!pending.empty()) {
      Write w = std::move(pending.front());
      pending.pop_front();
      if (e == ErrorCode::kNone) {
        for (auto& r : w.records) log.push_back(r);
        batches.push_back({w.records, w.producer, std::nullopt});
      }
      w.done(e);
    }
  }
  // Records a durable COMMIT/ABORT marker of `producer_id` after the batches so far.
  void append_marker(int64_t producer_id, bool commit) {
    batches.push_back({{}, std::nullopt, std::pair(producer_id, commit)});
  }
  // Replays `batches` into partition 0 of `c`, as the broker replays the log.
  void replay_into(GroupCoordinator& c) const {
    c.begin_loading(0);
    for (const Batch& b : batches) {
      if (b.marker) {
        c.replay_marker(0, b.marker->first, b.marker->second);
        continue;
      }
      for (const auto& r : b.records) {
        std::optional<std::span<const uint8_t>> value;
        if (r.value) value = std::span<const uint8_t>(*r.value);
        auto ok = c.replay(0, r.key, value, b.producer ? b.producer->id : -1);
        GREGOR_ASSERT(ok.ok(), "replay of a record the coordinator wrote");
      }
    }
    c.finish_loading(0);
  }
  std::deque<Write> pending;
  std::vector<CoordinatorRecord> log;  // every durable record, in order
  std::vector<Batch> batches;          // every durable batch and marker, in order
};

struct JoinArgs {
  std::string member_id;
  std::optional<std::string> instance_id;
  std::vector<std::pair<std::string, std::string>> protocols = {{"range", "sub"}};
  int32_t session_ms = 10000;
  int32_t rebalance_ms = 20000;
  int16_t version = 5;
  std::string protocol_type = "consumer";
  std::string client_id = "client";
};

struct Fixture {
  explicit Fixture(GroupConfig cfg = config()) : coordinator(cfg, clock, writer, nullptr) {
    coordinator.begin_loading(0);
    coordinator.finish_loading(0);
  }
  static GroupConfig config() {
    GroupConfig c;
    c.num_partitions = 1;
    c.initial_rebalance_delay_ms = 3000;
    return c;
  }
  void advance(int64_t ms) {
    clock.advance(ms);
    coordinator.tick();
  }

  using JoinSlot = std::shared_ptr<std::optional<protocol::JoinGroupResponse>>;
  using SyncSlot = std::shared_ptr<std::optional<protocol::SyncGroupResponse>>;

  using JoinArgs = testing::JoinArgs;
  JoinSlot join(const std::string& group, const JoinArgs& a) {
    protocol::JoinGroupRequest req;
    req.group_id = group;
    req.member_id = a.member_id;
    req.group_instance_id = a.instance_id;
    req.session_timeout_ms = a.session_ms;
    req.rebalance_timeout_ms = a.rebalance_ms;
    req.protocol_type = a.protocol_type;
    for (const auto& [name, meta] : a.protocols) {
      auto& p = req.protocols.emplace_back();
      p.name = name;
      p.metadata.assign(meta.begin(), meta.end());
    }
    auto slot = std::make_shared<std::optional<protocol::JoinGroupResponse>>();
    coordinator.join(req, {a.version, a.client_id, "/127.0.0.1"},
                     [slot](protocol::JoinGroupResponse r) { *slot = std::move(r); });
    return slot;
  }
  // A dynamic member's full KIP-394 join: returns its member id.
  JoinSlot join_new(const std::string& group, JoinArgs a = {}) {
    auto first = join(group, a);
    if (!first->has_value() || (*first)->error_code != to_wire(ErrorCode::kMemberIdRequired))
      return first;
    a.member_id = (*first)->member_id;
    return join(group, a);
  }
  SyncSlot sync(const std::string& group, const std::string& member, int32_t generation,
                std::vector<std::pair<std::string, std::string>> assignments = {},
                std::optional<std::string> instance_id = std::nullopt) {
    protocol::SyncGroupRequest req;
    req.group_id = group;
    req.member_id = member;
    req.generation_id = generation;
    req.group_instance_id = instance_id;
    for (const auto& [m, a] : assignments) {
      auto& x = req.assignments.emplace_back();
      x.member_id = m;
      x.assignment.assign(a.begin(), a.end());
    }
    auto slot = std::make_shared<std::optional<protocol::SyncGroupResponse>>();
    coordinator.sync(req, 3, [slot](protocol::SyncGroupResponse r) { *slot = std::move(r); });
    return slot;
  }
  ErrorCode heartbeat(const std::string& group, const std::string& member, int32_t generation,
                      std::optional<std::string> instance_id = std::nullopt) {
    protocol::HeartbeatRequest req;
    req.group_id = group;
    req.member_id = member;
    req.generation_id = generation;
    req.group_instance_id = instance_id;
    return static_cast<ErrorCode>(coordinator.heartbeat(req));
  }
  std::shared_ptr<std::optional<std::vector<ErrorCode>>> commit(const std::string& group,
                                                                int32_t generation,
                                                                const std::string& member,
                                                                std::vector<CommitEntry> entries) {
    CommitRequest req;
    req.group_id = group;
    req.generation = generation;
    req.member_id = member;
    req.version = 8;
    req.entries = std::move(entries);
    auto slot = std::make_shared<std::optional<std::vector<ErrorCode>>>();
    coordinator.commit(req, [slot](std::vector<ErrorCode> e) { *slot = std::move(e); });
    return slot;
  }
  GroupState state(const std::string& group) const {
    const Group* g = coordinator.find(group);
    return g ? g->state() : GroupState::kDead;
  }

  ManualClock clock;
  FakeWriter writer;
  GroupCoordinator coordinator;
};

inline ErrorCode err(int16_t wire) {
  return static_cast<ErrorCode>(wire);
}

}  // namespace gregor::coordinator::group::testing
