// OffsetFetch (key 9), versions 0-9: one group (v0-7) or several (v8+), some
// partitions or (v2+, topics null) every committed offset. A partition with no
// committed offset answers offset -1. With require_stable (v7+), a partition
// with transactional offsets not yet committed or aborted answers
// UNSTABLE_OFFSET_COMMIT (the client retries), as Kafka does.
#include <map>

#include "protocol/messages/offset_fetch.h"
#include "server/broker.h"
#include "server/group_service.h"
#include "server/handlers/handler.h"

namespace gregor::server {
namespace {

namespace cg = coordinator::group;
using protocol::OffsetFetchRequest;
using protocol::OffsetFetchResponse;
using Partitions = std::optional<std::vector<cg::TopicPartition>>;

template <typename Topic>
Partitions wanted(const std::optional<std::vector<Topic>>& topics) {
  if (!topics) return std::nullopt;
  std::vector<cg::TopicPartition> out;
  for (const auto& t : *topics)
    for (int32_t p : t.partition_indexes) out.emplace_back(t.name, p);
  return out;
}

asio::awaitable<cg::FetchedOffsets> fetch(Broker& broker, const std::string& group,
                                          const Partitions& partitions, bool require_stable) {
  GroupCall<cg::FetchedOffsets> run = [&group, &partitions,
                                       require_stable](cg::GroupCoordinator& c) {
    return c.fetch_offsets(group, partitions, require_stable);
  };
  auto got = co_await broker.groups().call<cg::FetchedOffsets>(group, std::move(run));
  if (!got) {
    // No __consumer_offsets yet: nothing was ever committed.
    got.emplace();
    if (partitions)
      for (const auto& tp : *partitions) got->offsets.emplace_back(tp, cg::CommittedOffset{});
  }
  co_return std::move(*got);
}

// Fills a topics array (v0-7 or v8+ element types) from fetched offsets.
template <typename TopicOut>
void fill(std::vector<TopicOut>& topics, const cg::FetchedOffsets& got, bool error_per_partition) {
  std::map<std::string, size_t> index;
  for (const auto& [tp, c] : got.offsets) {
    auto [it, fresh] = index.try_emplace(tp.first, topics.size());
    if (fresh) topics.emplace_back().name = tp.first;
    auto& p = topics[it->second].partitions.emplace_back();
    p.partition_index = tp.second;
    p.committed_offset = c.offset;
    p.committed_leader_epoch = c.leader_epoch;
    p.metadata = c.metadata;
    if (error_per_partition) {
      p.error_code = to_wire(got.error);
    } else if (got.unstable.count(tp) > 0) {
      p.error_code = to_wire(ErrorCode::kUnstableOffsetCommit);
    }
  }
}

}  // namespace

asio::awaitable<net::Response> handle_offset_fetch(Broker& broker, net::Request& req) {
  OffsetFetchRequest request;
  if (!decode_body(req, request)) co_return close_connection(req, "malformed OffsetFetch request");
  const int16_t version = req.header.api_version;
  OffsetFetchResponse resp;
  if (version < 8) {
    const Partitions partitions = wanted(request.topics);
    cg::FetchedOffsets got =
        co_await fetch(broker, request.group_id, partitions, request.require_stable);
    if (got.error != ErrorCode::kNone && partitions) {
      // Report the group's error on every requested partition too (v0-1 have
      // no top-level error).
      got.offsets.clear();
      for (const auto& tp : *partitions) got.offsets.emplace_back(tp, cg::CommittedOffset{});
    }
    fill(resp.topics, got, got.error != ErrorCode::kNone);
    resp.error_code = to_wire(got.error);
    co_return respond(resp, req);
  }
  for (const auto& g : request.groups) {
    const Partitions partitions = wanted(g.topics);
    cg::FetchedOffsets got = co_await fetch(broker, g.group_id, partitions, request.require_stable);
    auto& out = resp.groups.emplace_back();
    out.group_id = g.group_id;
    out.error_code = to_wire(got.error);
    if (got.error == ErrorCode::kNone) fill(out.topics, got, false);
  }
  co_return respond(resp, req);
}

}  // namespace gregor::server
