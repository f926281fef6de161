// Wakeup: a one-waiter signal for coroutines that share one executor (one
// shard thread). The waiter checks its condition, then waits; the notifier
// changes the state, then notifies. Because both run on the same thread, no
// notification can fall between the check and the wait, so none is lost.
// notify() with no waiter is a no-op.
//
// Not thread-safe: use it only from the executor it was created with.
#pragma once

#include <asio.hpp>

namespace gregor::net {

class Wakeup {
 public:
  explicit Wakeup(const asio::any_io_executor& ex)
      : timer_(ex, asio::steady_timer::time_point::max()) {}

  // Returns when notified, when the wait is cancelled, or when the owner
  // shuts the timer down; the caller re-checks its condition either way.
  asio::awaitable<void> wait() {
    timer_.expires_at(asio::steady_timer::time_point::max());
    std::error_code ec;
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }

  void notify() { timer_.cancel(); }

 private:
  asio::steady_timer timer_;
};

}  // namespace gregor::net
