// Template members of GroupService (included by group_service.h).
#pragma once

#include "server/broker.h"

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
  auto done = Completion<T>::make(co_await asio::this_coro::executor);
  auto run = [this, owner, done, fn = std::move(fn)] {
    fn(shards_[owner]->coordinator(), [done](T value) { done->complete(std::move(value)); });
  };
  broker_.shards().post(owner, std::move(run));
  T result = co_await done->wait();
  co_return result;
}

template <typename T>
asio::awaitable<std::vector<T>> GroupService::on_every_shard(GroupCall<T> fn) {
  std::vector<T> out;
  for (unsigned s = 0; s < shards_.size(); ++s) {
    auto run = [this, s, &fn] { return fn(shards_[s]->coordinator()); };
    T part = co_await broker_.shards().invoke_on(s, std::move(run));
    out.push_back(std::move(part));
  }
  co_return out;
}

}  // namespace gregor::server
