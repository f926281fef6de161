// The transaction coordinator inside the broker: one TxnCoordinator per shard,
// serving the __transaction_state partitions that shard owns. Its records are
// appended to those partitions' logs and replayed from them at start-up; its
// markers are written in-process to the partitions of each transaction
// (txn_markers.h); its producer ids come from durable blocks
// (producer_id_blocks.h), which idempotent producers use too.
//
// Threads: TxnShard lives on its shard and is touched only there. Handlers on
// any shard reach a transactional id's coordinator with call() / call_async(),
// which hop to the owner shard of the id's partition.
#pragma once

#include <asio.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "coordinator/txn/txn_coordinator.h"
#include "server/completion.h"
#include "server/coordinator_service.h"
#include "server/coordinator_timer.h"
#include "server/producer_id_blocks.h"
#include "server/topic_table.h"

namespace gregor::server {

class Broker;

inline constexpr const char* kTransactionStateTopic = "__transaction_state";

template <typename T>
using TxnCall = std::function<T(coordinator::txn::TxnCoordinator&)>;
template <typename T>
using TxnAsyncCall = std::function<void(coordinator::txn::TxnCoordinator&, std::function<void(T)>)>;

// The coordinator of one shard with its record writer, marker writer,
// producer id source and timer.
class TxnShard final : public coordinator::txn::TxnLogWriter,
                       public coordinator::txn::MarkerWriter,
                       public coordinator::txn::ProducerIdSource {
 public:
  TxnShard(Broker& broker, unsigned shard);
  ~TxnShard() override;

  coordinator::txn::TxnCoordinator& coordinator() { return coordinator_; }
  void write(int32_t partition, std::vector<coordinator::txn::TxnLogRecord> records,
             std::function<void(ErrorCode)> done) override;
  void write_markers(const coordinator::txn::TxnMarkerRequest& request,
                     std::function<void(ErrorCode)> done) override;
  void next(std::function<void(Result<int64_t, ErrorCode>)> done) override;
  // Replays partition `partition` of __transaction_state in steps; its ids
  // answer COORDINATOR_LOAD_IN_PROGRESS until the end.
  void load(const Uuid& topic_id, int32_t partition);
  void stop();

 private:
  void load_step(Uuid topic_id, int32_t partition, int64_t offset);

  Broker& broker_;
  unsigned shard_;
  CoordinatorTimer timer_;
  coordinator::txn::TxnCoordinator coordinator_;
};

// The transaction coordinators of every shard over __transaction_state
// (coordinator_service.h: call(), call_async(), on_every_shard(), start/stop,
// unload when the topic is deleted) and the producer id blocks.
class TxnService : public CoordinatorService<TxnShard> {
 public:
  explicit TxnService(Broker& broker);

  // Whether __transaction_state exists, creating it on first use
  // (transaction.state.log.num.partitions, compacted); false if it cannot be made.
  asio::awaitable<bool> ensure_topic();

  ProducerIdBlocks& producer_ids() { return producer_ids_; }
  // A new producer id (InitProducerId without a transactional id).
  asio::awaitable<Result<int64_t, ErrorCode>> allocate_producer_id();

  // KIP-890 part 1: is (topic, partition) part of the ongoing transaction of
  // this producer? NONE, or the coordinator's error.
  asio::awaitable<ErrorCode> verify_partition(const std::string& transactional_id,
                                              int64_t producer_id, int16_t producer_epoch,
                                              const std::string& topic, int32_t partition);

 private:
  ProducerIdBlocks producer_ids_;
};

}  // namespace gregor::server
