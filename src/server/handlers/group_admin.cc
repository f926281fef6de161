// Group administration: DescribeGroups (key 15, v0-5), ListGroups (16, v0-5),
// DeleteGroups (42, v0-2), OffsetDelete (47, v0).
#include "protocol/messages/delete_groups.h"
#include "protocol/messages/describe_groups.h"
#include "protocol/messages/list_groups.h"
#include "protocol/messages/offset_delete.h"
#include "server/broker.h"
#include "server/group_service.h"
#include "server/handlers/handler.h"

namespace gregor::server {
namespace {

namespace cg = coordinator::group;
using protocol::DeleteGroupsRequest;
using protocol::DeleteGroupsResponse;
using protocol::DescribeGroupsRequest;
using protocol::DescribeGroupsResponse;
using protocol::ListGroupsRequest;
using protocol::ListGroupsResponse;
using protocol::OffsetDeleteRequest;
using protocol::OffsetDeleteResponse;
using Described = DescribeGroupsResponse::DescribedGroup;
using Listed = std::pair<std::vector<ListGroupsResponse::ListedGroup>, bool>;

// Kafka's value when authorized operations were not asked for.
constexpr int32_t kNoAuthorizedOperations = INT32_MIN;
// Every group operation (READ, DESCRIBE, DELETE) while there is no authorizer.
constexpr int32_t kGroupOperations = (1 << 3) | (1 << 8) | (1 << 6);

}  // namespace

asio::awaitable<net::Response> handle_describe_groups(Broker& broker, net::Request& req) {
  DescribeGroupsRequest request;
  if (!decode_body(req, request))
    co_return close_connection(req, "malformed DescribeGroups request");
  DescribeGroupsResponse resp;
  for (const auto& id : request.groups) {
    GroupCall<Described> run = [&id](cg::GroupCoordinator& c) {
      Described d;
      c.describe(id, d);
      return d;
    };
    auto d = co_await broker.groups().call<Described>(id, std::move(run));
    if (!d) {
      d.emplace();
      d->group_id = id;
      d->group_state = "Dead";
    }
    d->authorized_operations =
        request.include_authorized_operations ? kGroupOperations : kNoAuthorizedOperations;
    resp.groups.push_back(std::move(*d));
  }
  co_return respond(resp, req);
}

asio::awaitable<net::Response> handle_list_groups(Broker& broker, net::Request& req) {
  ListGroupsRequest request;
  if (!decode_body(req, request)) co_return close_connection(req, "malformed ListGroups request");
  ListGroupsResponse resp;
  if (broker.groups().topic_id()) {
    GroupCall<Listed> run = [&request](cg::GroupCoordinator& c) {
      Listed out;
      c.list(request.states_filter, request.types_filter, out.first);
      out.second = c.any_loading();
      return out;
    };
    auto parts = co_await broker.groups().on_every_shard<Listed>(std::move(run));
    for (auto& [groups, loading] : parts) {
      for (auto& g : groups) resp.groups.push_back(std::move(g));
      if (loading) resp.error_code = to_wire(ErrorCode::kCoordinatorLoadInProgress);
    }
  }
  co_return respond(resp, req);
}

asio::awaitable<net::Response> handle_delete_groups(Broker& broker, net::Request& req) {
  DeleteGroupsRequest request;
  if (!decode_body(req, request)) co_return close_connection(req, "malformed DeleteGroups request");
  DeleteGroupsResponse resp;
  for (const auto& id : request.groups_names) {
    GroupAsyncCall<ErrorCode> run = [&id](cg::GroupCoordinator& c, auto done) {
      c.delete_group(id, std::move(done));
    };
    auto e = co_await broker.groups().call_async<ErrorCode>(id, std::move(run));
    auto& out = resp.results.emplace_back();
    out.group_id = id;
    out.error_code = to_wire(e.value_or(ErrorCode::kGroupIdNotFound));
  }
  co_return respond(resp, req);
}

asio::awaitable<net::Response> handle_offset_delete(Broker& broker, net::Request& req) {
  OffsetDeleteRequest request;
  if (!decode_body(req, request)) co_return close_connection(req, "malformed OffsetDelete request");
  std::vector<cg::TopicPartition> partitions;
  for (const auto& t : request.topics)
    for (const auto& p : t.partitions) partitions.emplace_back(t.name, p.partition_index);
  GroupAsyncCall<cg::OffsetDeleteResult> run = [&request, &partitions](cg::GroupCoordinator& c,
                                                                       auto done) {
    c.delete_offsets(request.group_id, partitions, std::move(done));
  };
  auto result =
      co_await broker.groups().call_async<cg::OffsetDeleteResult>(request.group_id, std::move(run));
  if (!result) result = cg::OffsetDeleteResult{ErrorCode::kGroupIdNotFound, {}};
  OffsetDeleteResponse resp;
  resp.error_code = to_wire(result->error);
  if (result->error == ErrorCode::kNone) {
    size_t i = 0;
    auto table = broker.topics();
    for (const auto& t : request.topics) {
      auto& topic_out = resp.topics.emplace_back();
      topic_out.name = t.name;
      const TopicInfo* topic = table->find(t.name);
      for (const auto& p : t.partitions) {
        auto& out = topic_out.partitions.emplace_back();
        out.partition_index = p.partition_index;
        ErrorCode e = i < result->partitions.size() ? result->partitions[i] : ErrorCode::kNone;
        ++i;
        if (topic == nullptr || !topic->has_partition(p.partition_index))
          e = ErrorCode::kUnknownTopicOrPartition;
        out.error_code = to_wire(e);
      }
    }
  }
  co_return respond(resp, req);
}

}  // namespace gregor::server
