#include "server/txn_service.h"

#include "base/log.h"
#include "coordinator/partition_hash.h"
#include "server/coordinator_log.h"
#include "server/topic_manager.h"
#include "server/txn_markers.h"
#include "storage/partition_log.h"

namespace gregor::server {
namespace {

namespace ct = coordinator::txn;

ct::TxnConfig txn_config(const config::BrokerConfig& c) {
  ct::TxnConfig t;
  t.num_partitions = c.transaction_state_log_num_partitions;
  t.max_timeout_ms = c.transaction_max_timeout_ms;
  t.id_expiration_ms = c.transactional_id_expiration_ms;
  t.abort_check_interval_ms = c.transaction_abort_timed_out_interval_ms;
  t.id_removal_interval_ms = c.transaction_remove_expired_interval_ms;
  return t;
}

}  // namespace

// --- TxnShard ---------------------------------------------------------------------

TxnShard::TxnShard(Broker& broker, unsigned shard)
    : broker_(broker),
      shard_(shard),
      timer_(broker.shards().executor(shard), [this] { coordinator_.tick(); }),
      coordinator_(txn_config(broker.config()), SystemClock::instance(), *this, *this, *this,
                   [this](int64_t at) { timer_.schedule(at); }) {}

TxnShard::~TxnShard() = default;

void TxnShard::stop() {
  timer_.stop();
}

void TxnShard::write(int32_t partition, std::vector<ct::TxnLogRecord> records,
                     std::function<void(ErrorCode)> done) {
  const TopicInfo* t = broker_.topics()->find(kTransactionStateTopic);
  storage::PartitionLog* log = t ? broker_.partitions_of(shard_).find(t->id, partition) : nullptr;
  const auto spec = coordinator_batch(records, SystemClock::instance().now_ms());
  auto post = [this](std::function<void()> fn) { broker_.shards().post(shard_, std::move(fn)); };
  append_coordinator_batch(
      log, spec, broker_.config().message_max_bytes,
      fmt::format("transaction coordinator ({}-{})", kTransactionStateTopic, partition), post,
      std::move(done));
}

void TxnShard::write_markers(const ct::TxnMarkerRequest& request,
                             std::function<void(ErrorCode)> done) {
  MarkerSpec spec{request.producer_id, request.producer_epoch, request.commit,
                  request.coordinator_epoch};
  std::vector<MarkerTarget> targets;
  targets.reserve(request.partitions.size());
  for (const auto& [topic, partition] : request.partitions) targets.push_back({topic, partition});
  // Partitions that no longer exist are done, as in Kafka; any other error
  // leaves the transaction to be retried.
  auto reply = [done = std::move(done)](std::vector<ErrorCode> errors) {
    ErrorCode result = ErrorCode::kNone;
    for (ErrorCode e : errors) {
      if (e != ErrorCode::kNone && e != ErrorCode::kUnknownTopicOrPartition) result = e;
    }
    done(result);
  };
  server::write_markers(broker_, spec, std::move(targets), shard_, std::move(reply));
}

void TxnShard::next(std::function<void(Result<int64_t, ErrorCode>)> done) {
  broker_.txns().producer_ids().next(shard_, std::move(done));
}

void TxnShard::load(const Uuid& topic_id, int32_t partition) {
  coordinator_.begin_loading(partition);
  storage::PartitionLog* log = broker_.partitions_of(shard_).find(topic_id, partition);
  load_step(topic_id, partition, log ? log->log_start_offset() : 0);
}

void TxnShard::load_step(Uuid topic_id, int32_t partition, int64_t offset) {
  if (timer_.stopped()) return;
  storage::PartitionLog* log = broker_.partitions_of(shard_).find(topic_id, partition);
  if (log == nullptr) return coordinator_.unload(partition);
  if (offset >= log->high_watermark()) return coordinator_.finish_loading(partition);
  auto on_batch = [this, partition](record::BatchRecords& batch) {
    if (batch.header().is_control()) return;
    record::RecordView rec;
    while (true) {
      auto more = batch.next(rec);
      if (!more.ok() || !*more) break;
      if (!rec.key) continue;
      auto replayed = coordinator_.replay(partition, *rec.key, rec.value);
      if (!replayed.ok())
        log::warn("transaction coordinator: skipping record at {}-{} offset {}: {}",
                  kTransactionStateTopic, partition, rec.offset, replayed.error());
    }
  };
  auto next = read_coordinator_batches(*log, offset, kCoordinatorLoadStepBytes, on_batch);
  if (!next.ok()) {
    log::error("transaction coordinator: {}-{}: {}", kTransactionStateTopic, partition,
               next.error());
    return coordinator_.unload(partition);
  }
  broker_.shards().post(
      shard_, [this, topic_id, partition, n = *next] { load_step(topic_id, partition, n); });
}

// --- TxnService -------------------------------------------------------------------

TxnService::TxnService(Broker& broker)
    : CoordinatorService(
          broker, kTransactionStateTopic,
          [](const config::BrokerConfig& c) { return c.transaction_state_log_num_partitions; }),
      producer_ids_(broker) {}

asio::awaitable<bool> TxnService::ensure_topic() {
  if (topic_id()) co_return true;
  CreateTopicArgs args;
  args.name = kTransactionStateTopic;
  args.partitions = broker_.config().transaction_state_log_num_partitions;
  args.replication_factor = 1;
  args.configs = {
      {"cleanup.policy", "compact"},
      {"compression.type", "uncompressed"},
      {"min.insync.replicas", "1"},
      {"segment.bytes", std::to_string(broker_.config().transaction_state_log_segment_bytes)}};
  TopicResult r = co_await broker_.topic_manager().create_topic(std::move(args));
  if (r.error == ErrorCode::kNone) {
    log::info("created {} with {} partitions", kTransactionStateTopic, r.topic->partitions);
    start_loading(*r.topic);
    co_return true;
  }
  co_return topic_id().has_value();
}

asio::awaitable<Result<int64_t, ErrorCode>> TxnService::allocate_producer_id() {
  const auto here = static_cast<unsigned>(net::ShardSet::current());
  std::function<void(std::function<void(Result<int64_t, ErrorCode>)>)> run =
      [this, here](std::function<void(Result<int64_t, ErrorCode>)> reply) {
        producer_ids_.next(here, std::move(reply));
      };
  auto id =
      co_await run_async_on<Result<int64_t, ErrorCode>>(broker_.shards(), here, std::move(run));
  co_return id;
}

asio::awaitable<ErrorCode> TxnService::verify_partition(const std::string& transactional_id,
                                                        int64_t producer_id, int16_t producer_epoch,
                                                        const std::string& topic,
                                                        int32_t partition) {
  TxnCall<ErrorCode> fn = [&](ct::TxnCoordinator& c) {
    return c.verify_partition(transactional_id, producer_id, producer_epoch, {topic, partition});
  };
  auto result = co_await call<ErrorCode>(transactional_id, std::move(fn));
  co_return result.value_or(ErrorCode::kInvalidTxnState);
}

}  // namespace gregor::server
