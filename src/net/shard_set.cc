#include "net/shard_set.h"

#include <pthread.h>

#include <algorithm>
#include <future>
#include <string>

#include "base/log.h"

namespace gregor::net {

namespace {
thread_local int tl_shard_index = -1;
}  // namespace

ShardSet::ShardSet(unsigned count) {
  if (count == 0) count = std::max(1u, std::thread::hardware_concurrency());
  shards_.reserve(count);
  for (unsigned i = 0; i < count; ++i) shards_.push_back(std::make_unique<Shard>());
}

ShardSet::~ShardSet() {
  if (!started_) return;
  stop();
  // Whatever has not drained by now is abandoned: the owner is going away.
  for (auto& s : shards_) s->ctx.stop();
  join();
}

void ShardSet::start() {
  GREGOR_ASSERT(!started_, "ShardSet started twice");
  started_ = true;
  live_loops_.store(shards_.size());
  for (unsigned i = 0; i < shards_.size(); ++i) {
    Shard& s = *shards_[i];
    s.guard.emplace(s.ctx.get_executor());
    s.thread = std::thread([this, i] { run_shard(i); });
  }
}

void ShardSet::run_shard(unsigned index) {
  tl_shard_index = static_cast<int>(index);
  std::string name = "shard-" + std::to_string(index);
  pthread_setname_np(pthread_self(), name.c_str());
  Shard& s = *shards_[index];
  for (;;) {
    try {
      s.ctx.run();
      break;
    } catch (const std::exception& e) {
      // A handler let an exception escape to the loop: that is a bug in the
      // handler, but one bad callback must not silently kill the shard.
      log::error("shard {}: uncaught exception in event loop: {}", index, e.what());
    }
  }
  tl_shard_index = -1;
  live_loops_.fetch_sub(1);
}

void ShardSet::stop() {
  for (auto& s : shards_) {
    // The guard is touched only by the controlling thread; releasing it lets
    // run() return once the loop has no more work.
    s->guard.reset();
  }
}

void ShardSet::stop_within(std::chrono::milliseconds grace) {
  stop();
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (live_loops_.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (size_t busy = live_loops_.load(); busy > 0) {
    log::warn("{} shard loop(s) still had work {} ms after shutdown; stopping them", busy,
              grace.count());
    for (auto& s : shards_) s->ctx.stop();
  }
  join();
}

void ShardSet::join() {
  for (auto& s : shards_) {
    if (s->thread.joinable()) s->thread.join();
  }
}

int ShardSet::current() {
  return tl_shard_index;
}

bool ShardSet::on_shard(unsigned shard_index) const {
  GREGOR_ASSERT(shard_index < shards_.size(), "shard index out of range");
  return shards_[shard_index]->ctx.get_executor().running_in_this_thread();
}

asio::io_context& ShardSet::context(unsigned shard_index) {
  return shard(shard_index).ctx;
}

asio::any_io_executor ShardSet::executor(unsigned shard_index) {
  return shard(shard_index).ctx.get_executor();
}

void ShardSet::post(unsigned shard_index, std::function<void()> fn) {
  asio::post(shard(shard_index).ctx, std::move(fn));
}

void ShardSet::run_and_wait(unsigned shard_index, std::function<void()> fn) {
  auto promise = std::make_shared<std::promise<void>>();
  auto done = promise->get_future();
  post(shard_index, [fn = std::move(fn), promise] {
    fn();
    promise->set_value();
  });
  done.get();
}

}  // namespace gregor::net
