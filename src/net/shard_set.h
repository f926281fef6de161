// ShardSet: the broker's event loops, one asio::io_context and one thread per
// shard (thread-per-core, DESIGN.md §3). Everything that belongs to a shard
// (its connections, the partitions it owns) is touched only from that shard's
// thread; other shards reach it by message passing through post(),
// invoke_on() or run_on(), never through locks.
//
// Ordering: work sent from one thread to one target shard runs in the order it
// was sent (each io_context has a single FIFO queue and a single thread). The
// broker relies on this so that the pipelined produce requests of one
// connection append in request order. invoke_on() to the caller's own shard
// runs inline, so it can overtake work previously post()ed to that same shard.
//
// Lifecycle: construct, start(), ... stop(), join(). stop() releases the work
// guards: each loop exits once the work it still has (timers, sockets,
// coroutines) completes or is cancelled. The destructor stops the loops hard
// (io_context::stop) if they are still running, then joins.
//
// Thread-safety: post/invoke_on/run_on/executor/context/size may be called from
// any thread once constructed; start/stop/join from one controlling thread.
//
// Compiler pitfall (GCC 12): inside a coroutine, a lambda temporary written in
// the co_await expression itself, e.g. `co_await shards.invoke_on(s, [ptr] {..})`,
// has its captures destroyed twice: a captured shared_ptr, string or vector is
// freed twice. Captures by reference or of trivially destructible values are
// unaffected. Name the lambda first:
//   auto fn = [ptr] { ... };
//   co_await shards.invoke_on(s, std::move(fn));
#pragma once

#include <asio.hpp>
#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "base/assert.h"

namespace gregor::net {

class ShardSet {
 public:
  // count == 0 means one shard per hardware thread.
  explicit ShardSet(unsigned count);
  ~ShardSet();
  ShardSet(const ShardSet&) = delete;
  ShardSet& operator=(const ShardSet&) = delete;

  void start();
  void stop();
  void join();
  // stop(), then join() if the loops run out of work within `grace`; loops
  // still busy then (a coroutine waiting on a long timer) are stopped hard
  // (io_context::stop, their pending handlers dropped) with a warning.
  void stop_within(std::chrono::milliseconds grace);

  unsigned size() const { return static_cast<unsigned>(shards_.size()); }
  // True from start() until the first loop thread has exited.
  bool running() const { return started_ && live_loops_.load() == shards_.size(); }
  // This thread's shard index in whichever ShardSet runs it, -1 if none.
  static int current();
  // True when the calling thread is `shard`'s loop thread of this set.
  bool on_shard(unsigned shard) const;

  asio::io_context& context(unsigned shard);
  asio::any_io_executor executor(unsigned shard);

  // Fire and forget; FIFO per (calling thread, target shard).
  void post(unsigned shard, std::function<void()> fn);
  // Runs fn() on `shard` and blocks the calling thread until it has run. For
  // start-up and shutdown from a thread that is not a shard (a shard calling it
  // for itself would wait forever).
  void run_and_wait(unsigned shard, std::function<void()> fn);

  // Runs fn() on `shard` (inline if the caller is already there) and resumes
  // the caller on its own executor with the result. An exception thrown by fn
  // is rethrown in the caller.
  template <typename F>
  asio::awaitable<std::invoke_result_t<F>> invoke_on(unsigned shard, F fn);

  // Runs the coroutine fn() on `shard` and resumes the caller on its own
  // executor with its result (or its exception).
  template <typename T>
  asio::awaitable<T> run_on(unsigned shard, std::function<asio::awaitable<T>()> fn);

 private:
  struct Shard {
    asio::io_context ctx{1};  // concurrency hint 1: one thread runs it
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard;
    std::thread thread;
  };
  void run_shard(unsigned index);
  Shard& shard(unsigned index) {
    GREGOR_ASSERT(index < shards_.size(), "shard index out of range");
    return *shards_[index];
  }

  std::vector<std::unique_ptr<Shard>> shards_;
  bool started_ = false;
  std::atomic<size_t> live_loops_{0};
};

namespace detail {
// Invokes fn and packs its outcome for the completion handler.
template <typename R, typename F>
struct Outcome {
  std::exception_ptr error;
  std::optional<R> value;
  void run(F& fn) {
    try {
      value.emplace(fn());
    } catch (...) {  // forwarded to the awaiting caller, which rethrows it
      error = std::current_exception();
    }
  }
};
template <typename F>
struct Outcome<void, F> {
  std::exception_ptr error;
  void run(F& fn) {
    try {
      fn();
    } catch (...) {  // forwarded to the awaiting caller, which rethrows it
      error = std::current_exception();
    }
  }
};
}  // namespace detail

template <typename F>
asio::awaitable<std::invoke_result_t<F>> ShardSet::invoke_on(unsigned shard_index, F fn) {
  using R = std::invoke_result_t<F>;
  static_assert(!std::is_reference_v<R>, "invoke_on returns values, not references");
  if (on_shard(shard_index)) co_return fn();
  auto caller = co_await asio::this_coro::executor;
  auto target = executor(shard_index);
  // The value travels as an optional so that R need not be default-constructible.
  using Sig = std::conditional_t<std::is_void_v<R>, void(std::exception_ptr),
                                 void(std::exception_ptr, std::optional<R>)>;
  auto initiate = [target, caller, fn = std::move(fn)](auto handler) mutable {
    asio::post(target, [caller, fn = std::move(fn), handler = std::move(handler)]() mutable {
      detail::Outcome<R, F> out;
      out.run(fn);
      asio::post(caller, [out = std::move(out), handler = std::move(handler)]() mutable {
        if constexpr (std::is_void_v<R>) {
          std::move(handler)(out.error);
        } else {
          std::move(handler)(out.error, std::move(out.value));
        }
      });
    });
  };
  if constexpr (std::is_void_v<R>) {
    co_await asio::async_initiate<decltype(asio::use_awaitable), Sig>(std::move(initiate),
                                                                      asio::use_awaitable);
  } else {
    std::optional<R> v = co_await asio::async_initiate<decltype(asio::use_awaitable), Sig>(
        std::move(initiate), asio::use_awaitable);
    co_return std::move(*v);
  }
}

template <typename T>
asio::awaitable<T> ShardSet::run_on(unsigned shard_index, std::function<asio::awaitable<T>()> fn) {
  // fn() is called on the target shard so that its coroutine frame is created
  // and run there. co_spawn's completion resumes the caller on its own
  // executor (the use_awaitable handler's associated executor). Not a
  // coroutine itself: the awaitable co_spawn returns is all the caller needs.
  auto body = [fn = std::move(fn)]() -> asio::awaitable<T> { co_return co_await fn(); };
  return asio::co_spawn(executor(shard_index), std::move(body), asio::use_awaitable);
}

}  // namespace gregor::net
