#include "server/completion.h"

#include <gtest/gtest.h>

#include <thread>

#include "server/async_mutex.h"

namespace gregor::server {
namespace {

TEST(Completion, ValueFromAnotherThreadResumesWaiter) {
  asio::io_context io;
  auto c = Completion<int>::make(io.get_executor());
  int got = 0;
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { got = co_await c->wait(); }, asio::detached);
  std::thread other([c] { c->complete(42); });
  io.run();
  other.join();
  EXPECT_EQ(got, 42);
}

TEST(Completion, TimesOutWithoutValue) {
  asio::io_context io;
  auto c = Completion<int>::make(io.get_executor());
  bool timed_out = false;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto v = co_await c->wait(std::chrono::milliseconds(10));
        timed_out = !v.has_value();
      },
      asio::detached);
  io.run();
  EXPECT_TRUE(timed_out);
}

TEST(Completion, FirstValueWins) {
  asio::io_context io;
  auto c = Completion<int>::make(io.get_executor());
  c->complete(1);
  c->complete(2);
  int got = 0;
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { got = co_await c->wait(); }, asio::detached);
  io.run();
  EXPECT_EQ(got, 1);
}

TEST(AsyncMutex, SerializesCoroutinesInArrivalOrder) {
  asio::io_context io;
  AsyncMutex mutex;
  std::vector<int> order;
  auto worker = [&](int id) -> asio::awaitable<void> {
    co_await mutex.lock();
    order.push_back(id);
    asio::steady_timer t(io, std::chrono::milliseconds(5));
    co_await t.async_wait(asio::use_awaitable);  // hold the lock across a suspension
    order.push_back(id);
    mutex.unlock();
  };
  for (int i = 0; i < 3; ++i) asio::co_spawn(io, worker(i), asio::detached);
  io.run();
  EXPECT_EQ(order, (std::vector<int>{0, 0, 1, 1, 2, 2}));
}

}  // namespace
}  // namespace gregor::server
