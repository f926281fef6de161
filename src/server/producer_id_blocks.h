// Producer ids for idempotent and transactional producers, handed out from
// blocks that the metadata store allocates durably (Kafka's ProducerIdManager
// over ProducerIdsRecord): an id is never given out twice, across restarts and
// kill -9, because a block is recorded before any of its ids is used.
//
// Thread-safety: next() may be called from any shard; the store is only
// touched on the controller executor.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>

#include "base/error_code.h"
#include "base/result.h"

namespace gregor::server {

class Broker;

class ProducerIdBlocks {
 public:
  using Callback = std::function<void(Result<int64_t, ErrorCode>)>;
  static constexpr int32_t kBlockSize = 1000;  // Kafka's block size

  explicit ProducerIdBlocks(Broker& broker) : broker_(broker) {}

  // Calls `done` on shard `reply_shard` with the next id, or
  // COORDINATOR_NOT_AVAILABLE if the store could not allocate a block.
  void next(unsigned reply_shard, Callback done);

 private:
  struct Waiter {
    unsigned shard;
    Callback done;
  };
  void refill();  // on the controller executor

  Broker& broker_;
  std::mutex mu_;
  int64_t next_ = 0;  // next id of the current block
  int64_t end_ = 0;   // one past the block's last id
  bool refilling_ = false;
  std::deque<Waiter> waiters_;
};

}  // namespace gregor::server
