// Running callback-style coordinator work on another shard from a handler
// coroutine (the group and transaction services use it).
#pragma once

#include <asio.hpp>
#include <functional>
#include <vector>

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

// Runs `fn(s)` on each shard s < n in turn and collects the results.
template <typename T>
asio::awaitable<std::vector<T>> collect_on_shards(net::ShardSet& shards, unsigned n,
                                                  std::function<T(unsigned)> fn) {
  std::vector<T> out;
  out.reserve(n);
  for (unsigned s = 0; s < n; ++s) {
    auto run = [s, &fn] { return fn(s); };
    T part = co_await shards.invoke_on(s, std::move(run));
    out.push_back(std::move(part));
  }
  co_return out;
}

}  // namespace gregor::server
