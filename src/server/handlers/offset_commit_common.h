// What OffsetCommit and TxnOffsetCommit share: the response mirrors the
// request's topics and partitions; unknown topics or partitions are refused
// with UNKNOWN_TOPIC_OR_PARTITION; the rest go to the group's coordinator in
// one call (`submit`: GroupCoordinator::commit or txn_commit) and each gets
// the coordinator's error.
#pragma once

#include <asio.hpp>
#include <vector>

#include "server/broker.h"
#include "server/group_service.h"

namespace gregor::server {

// `Commit` is CommitRequest or TxnCommitRequest (its group_id and entries are used).
template <typename Request, typename Response, typename Commit>
asio::awaitable<void> commit_offsets(Broker& broker, const Request& request, Commit& commit,
                                     Response& resp,
                                     void (coordinator::group::GroupCoordinator::*submit)(
                                         const Commit&, coordinator::group::CommitCallback)) {
  using Errors = std::vector<ErrorCode>;
  auto table = broker.topics();
  for (const auto& t : request.topics) {
    auto& topic_out = resp.topics.emplace_back();
    topic_out.name = t.name;
    const TopicInfo* topic = table->find(t.name);
    for (const auto& p : t.partitions) {
      auto& out = topic_out.partitions.emplace_back();
      out.partition_index = p.partition_index;
      if (topic == nullptr || !topic->has_partition(p.partition_index)) {
        out.error_code = to_wire(ErrorCode::kUnknownTopicOrPartition);
        continue;
      }
      int64_t commit_timestamp = -1;  // OffsetCommit v1 only
      if constexpr (requires { p.commit_timestamp; }) commit_timestamp = p.commit_timestamp;
      commit.entries.push_back({{t.name, p.partition_index},
                                p.committed_offset,
                                p.committed_leader_epoch,
                                p.committed_metadata,
                                commit_timestamp});
    }
  }
  if (commit.entries.empty()) co_return;
  // Pointers into resp are taken once it no longer grows.
  std::vector<int16_t*> slots;  // response error of each entry sent to the coordinator
  for (auto& t : resp.topics)
    for (auto& p : t.partitions)
      if (p.error_code == 0) slots.push_back(&p.error_code);
  GroupAsyncCall<Errors> run = [&commit, submit](coordinator::group::GroupCoordinator& c,
                                                 std::function<void(Errors)> done) {
    (c.*submit)(commit, std::move(done));
  };
  auto errors = co_await broker.groups().call_async<Errors>(commit.group_id, std::move(run));
  if (!errors) errors = Errors(slots.size(), ErrorCode::kCoordinatorNotAvailable);
  for (size_t i = 0; i < slots.size() && i < errors->size(); ++i) *slots[i] = to_wire((*errors)[i]);
}

}  // namespace gregor::server
