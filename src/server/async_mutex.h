// A mutex for coroutines that all run on one executor (the controller). Lock
// waits without blocking the thread; unlock hands ownership to the next waiter
// in FIFO order. Not thread-safe: lock and unlock run on the owning executor.
#pragma once

#include <deque>
#include <memory>

#include "server/completion.h"

namespace gregor::server {

class AsyncMutex {
 public:
  asio::awaitable<void> lock() {
    if (!locked_) {
      locked_ = true;
      co_return;
    }
    auto executor = co_await asio::this_coro::executor;
    auto waiter = Completion<bool>::make(executor);
    waiters_.push_back(waiter);
    co_await waiter->wait();  // ownership was handed over by unlock()
  }
  void unlock() {
    if (waiters_.empty()) {
      locked_ = false;
      return;
    }
    auto next = std::move(waiters_.front());
    waiters_.pop_front();
    next->complete(true);
  }

 private:
  bool locked_ = false;
  std::deque<std::shared_ptr<Completion<bool>>> waiters_;
};

}  // namespace gregor::server
