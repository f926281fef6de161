#include "server/producer_id_blocks.h"

#include "base/log.h"
#include "server/broker.h"

namespace gregor::server {

void ProducerIdBlocks::next(unsigned reply_shard, Callback done) {
  std::lock_guard lock(mu_);
  if (next_ < end_) {
    const int64_t id = next_++;
    broker_.shards().post(reply_shard, [done = std::move(done), id] { done(id); });
    return;
  }
  waiters_.push_back({reply_shard, std::move(done)});
  if (refilling_) return;
  refilling_ = true;
  asio::post(broker_.controller_executor(), [this] { refill(); });
}

void ProducerIdBlocks::refill() {
  auto block = broker_.store().allocate_producer_ids(kBlockSize);
  if (!block.ok()) log::error("allocating producer ids failed: {}", block.error());
  std::lock_guard lock(mu_);
  refilling_ = false;
  if (block.ok()) {
    next_ = *block;
    end_ = *block + kBlockSize;
  }
  while (!waiters_.empty()) {
    if (block.ok() && next_ >= end_) {  // more waiters than ids: another block
      refilling_ = true;
      asio::post(broker_.controller_executor(), [this] { refill(); });
      return;
    }
    Waiter w = std::move(waiters_.front());
    waiters_.pop_front();
    Result<int64_t, ErrorCode> id = Err{ErrorCode::kCoordinatorNotAvailable};
    if (next_ < end_) id = next_++;
    broker_.shards().post(w.shard, [done = std::move(w.done), id] { done(id); });
  }
}

}  // namespace gregor::server
