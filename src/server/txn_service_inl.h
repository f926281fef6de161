// Template members of TxnService (included by txn_service.h).
#pragma once

#include "server/broker.h"
#include "server/coordinator_calls.h"

namespace gregor::server {

template <typename T>
asio::awaitable<std::optional<T>> TxnService::call(const std::string& transactional_id,
                                                   TxnCall<T> fn) {
  const std::optional<Uuid> id = topic_id();
  if (!id) co_return std::nullopt;
  const unsigned owner = owner_of(*id, transactional_id);
  auto run = [this, owner, fn = std::move(fn)] { return fn(shards_[owner]->coordinator()); };
  T result = co_await broker_.shards().invoke_on(owner, std::move(run));
  co_return result;
}

template <typename T>
asio::awaitable<std::optional<T>> TxnService::call_async(const std::string& transactional_id,
                                                         TxnAsyncCall<T> fn) {
  const std::optional<Uuid> id = topic_id();
  if (!id) co_return std::nullopt;
  const unsigned owner = owner_of(*id, transactional_id);
  std::function<void(std::function<void(T)>)> run =
      [this, owner, fn = std::move(fn)](std::function<void(T)> reply) {
        fn(shards_[owner]->coordinator(), std::move(reply));
      };
  T result = co_await run_async_on<T>(broker_.shards(), owner, std::move(run));
  co_return result;
}

template <typename T>
asio::awaitable<std::vector<T>> TxnService::on_every_shard(TxnCall<T> fn) {
  std::function<T(unsigned)> run = [this, fn = std::move(fn)](unsigned s) {
    return fn(shards_[s]->coordinator());
  };
  auto out = co_await collect_on_shards<T>(broker_.shards(), static_cast<unsigned>(shards_.size()),
                                           std::move(run));
  co_return out;
}

}  // namespace gregor::server
