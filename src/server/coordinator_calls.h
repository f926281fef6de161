// Running callback-style coordinator work on another shard from a handler
// coroutine (the group and transaction services use it).
#pragma once

#include <asio.hpp>
#include <functional>

#include "net/shard_set.h"
#include "server/completion.h"

namespace gregor::server {

// Posts `fn` to `shard`; `fn` answers through the callback it is given (on
// any thread, at any later time); the result is returned on the caller's shard.
template <typename T>
asio::awaitable<T> run_async_on(net::ShardSet& shards, unsigned shard,
                                std::function<void(std::function<void(T)>)> fn) {
  auto done = Completion<T>::make(co_await asio::this_coro::executor);
  shards.post(shard, [done, fn = std::move(fn)] {
    fn([done](T value) { done->complete(std::move(value)); });
  });
  T result = co_await done->wait();
  co_return result;
}

}  // namespace gregor::server
