// A one-shot event that a coroutine on one shard awaits and that any thread may
// complete. Used to turn storage callbacks (delivered on a partition's owner
// shard) into a resumption of the request coroutine on the connection's shard.
//
// The completing side posts to the waiter's executor, so the waiter's state is
// only ever touched on the waiter's thread. Hold it by shared_ptr: the
// completer may run after the waiter gave up (e.g. on a timeout).
#pragma once

#include <asio.hpp>
#include <chrono>
#include <memory>
#include <optional>

namespace gregor::server {

template <typename T>
class Completion : public std::enable_shared_from_this<Completion<T>> {
 public:
  explicit Completion(asio::any_io_executor ex) : executor_(ex), timer_(ex) {
    timer_.expires_at(asio::steady_timer::time_point::max());
  }
  static std::shared_ptr<Completion> make(asio::any_io_executor ex) {
    return std::make_shared<Completion>(ex);
  }

  // Thread-safe: delivers `value` to the waiter's thread.
  void complete(T value) {
    asio::post(executor_, [self = this->shared_from_this(), v = std::move(value)]() mutable {
      if (self->value_) return;
      self->value_ = std::move(v);
      self->timer_.cancel();
    });
  }

  // Waits for the value; nullopt if `timeout` passed first.
  asio::awaitable<std::optional<T>> wait(std::chrono::milliseconds timeout) {
    if (!value_) {
      if (timeout.count() >= 0) timer_.expires_after(timeout);
      asio::error_code ec;
      co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    co_return value_;
  }
  asio::awaitable<T> wait() {
    auto v = co_await wait(std::chrono::milliseconds(-1));
    co_return std::move(*v);
  }

 private:
  asio::any_io_executor executor_;
  asio::steady_timer timer_;
  std::optional<T> value_;
};

}  // namespace gregor::server
