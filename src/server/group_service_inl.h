// Template members of GroupService (included by group_service.h).
#pragma once

#include "server/broker.h"
#include "server/coordinator_calls.h"

namespace gregor::server {

template <typename T>
asio::awaitable<std::optional<T>> GroupService::call(const std::string& group, GroupCall<T> fn) {
  const std::optional<Uuid> id = topic_id();
  if (!id) co_return std::nullopt;
  const unsigned owner = owner_of(*id, group);
  auto run = [this, owner, fn = std::move(fn)] { return fn(shards_[owner]->coordinator()); };
  T result = co_await broker_.shards().invoke_on(owner, std::move(run));
  co_return result;
}

template <typename T>
asio::awaitable<std::optional<T>> GroupService::call_async(const std::string& group,
                                                           GroupAsyncCall<T> fn) {
  const std::optional<Uuid> id = topic_id();
  if (!id) co_return std::nullopt;
  const unsigned owner = owner_of(*id, group);
  std::function<void(std::function<void(T)>)> run =
      [this, owner, fn = std::move(fn)](std::function<void(T)> reply) {
        fn(shards_[owner]->coordinator(), std::move(reply));
      };
  T result = co_await run_async_on<T>(broker_.shards(), owner, std::move(run));
  co_return result;
}

template <typename T>
asio::awaitable<std::vector<T>> GroupService::on_every_shard(GroupCall<T> fn) {
  std::function<T(unsigned)> run = [this, fn = std::move(fn)](unsigned s) {
    return fn(shards_[s]->coordinator());
  };
  auto out = co_await collect_on_shards<T>(broker_.shards(), static_cast<unsigned>(shards_.size()),
                                           std::move(run));
  co_return out;
}

}  // namespace gregor::server
