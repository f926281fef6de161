#include "server/group_service.h"

#include "base/log.h"
#include "protocol/record/batch_builder.h"
#include "protocol/record/record.h"
#include "server/coordinator_log.h"
#include "server/handlers/storage_errors.h"
#include "server/topic_manager.h"
#include "storage/partition_log.h"

namespace gregor::server {
namespace {

namespace cg = coordinator::group;

cg::GroupConfig group_config(const config::BrokerConfig& c) {
  cg::GroupConfig g;
  g.num_partitions = c.offsets_topic_num_partitions;
  g.initial_rebalance_delay_ms = c.group_initial_rebalance_delay_ms;
  g.min_session_timeout_ms = c.group_min_session_timeout_ms;
  g.max_session_timeout_ms = c.group_max_session_timeout_ms;
  g.max_size = c.group_max_size;
  g.offsets_retention_ms = c.offsets_retention_ms;
  g.retention_check_interval_ms = c.offsets_retention_check_interval_ms;
  g.offset_metadata_max_bytes = c.offset_metadata_max_bytes;
  g.max_record_bytes = c.message_max_bytes;
  return g;
}

}  // namespace

// --- GroupShard -------------------------------------------------------------------

GroupShard::GroupShard(Broker& broker, unsigned shard)
    : broker_(broker),
      shard_(shard),
      timer_(broker.shards().executor(shard), [this] { coordinator_.tick(); }),
      coordinator_(group_config(broker.config()), SystemClock::instance(), *this,
                   [this](int64_t at) { timer_.schedule(at); }) {}

GroupShard::~GroupShard() = default;

void GroupShard::stop() {
  timer_.stop();
}

storage::PartitionLog* GroupShard::log_of(int32_t partition) {
  const TopicInfo* t = broker_.topics()->find(kOffsetsTopic);
  return t ? broker_.partitions_of(shard_).find(t->id, partition) : nullptr;
}

void GroupShard::write(int32_t partition, std::vector<cg::CoordinatorRecord> records,
                       std::function<void(ErrorCode)> done, const cg::BatchProducer* producer) {
  storage::PartitionLog* log = log_of(partition);
  record::BatchSpec spec = coordinator_batch(records, SystemClock::instance().now_ms());
  storage::AppendOptions options;
  if (producer != nullptr && log != nullptr) {
    // TxnOffsetCommit: one transactional batch of the producer, written as a
    // coordinator's (no sequence: Kafka's NO_SEQUENCE and AppendOrigin
    // COORDINATOR; the producer's epoch is still checked). The transaction
    // is not verified with its coordinator here (Kafka checks only
    // authorization), so the batch carries a guard of its own.
    spec.transactional = true;
    spec.producer_id = producer->id;
    spec.producer_epoch = producer->epoch;
    spec.base_sequence = -1;
    options.origin = storage::AppendOrigin::kCoordinator;
    options.verification_guard = log->begin_txn_verification(producer->id);
  }
  auto post = [this](std::function<void()> fn) { broker_.shards().post(shard_, std::move(fn)); };
  append_coordinator_batch(log, spec, broker_.config().message_max_bytes,
                           fmt::format("group coordinator ({}-{})", kOffsetsTopic, partition), post,
                           std::move(done), options);
}

// A transactional batch's offset commits stay pending for its producer until
// that producer's COMMIT or ABORT marker.
void GroupShard::replay_batch(int32_t partition, record::BatchRecords& batch) {
  const record::BatchHeaderView header = batch.header();
  const int64_t txn_producer = header.is_transactional() ? header.producer_id() : -1;
  if (header.is_control()) {
    const auto type = marker_type(batch);
    if (txn_producer >= 0 && type)
      coordinator_.replay_marker(partition, txn_producer, *type == record::ControlType::kCommit);
    return;
  }
  record::RecordView rec;
  while (true) {
    auto more = batch.next(rec);
    if (!more.ok() || !*more) break;
    if (!rec.key) continue;
    auto replayed = coordinator_.replay(partition, *rec.key, rec.value, txn_producer);
    if (!replayed.ok())
      log::warn("group coordinator: skipping record at {}-{} offset {}: {}", kOffsetsTopic,
                partition, rec.offset, replayed.error());
  }
}

void GroupShard::load(const Uuid& topic_id, int32_t partition) {
  coordinator_.begin_loading(partition);
  storage::PartitionLog* log = broker_.partitions_of(shard_).find(topic_id, partition);
  load_step(topic_id, partition, log ? log->log_start_offset() : 0);
}

void GroupShard::load_step(Uuid topic_id, int32_t partition, int64_t offset) {
  if (timer_.stopped()) return;
  storage::PartitionLog* log = broker_.partitions_of(shard_).find(topic_id, partition);
  if (log == nullptr) return coordinator_.unload(partition);
  if (offset >= log->high_watermark()) return coordinator_.finish_loading(partition);
  auto on_batch = [this, partition](record::BatchRecords& batch) {
    replay_batch(partition, batch);
  };
  auto next = read_coordinator_batches(*log, offset, kCoordinatorLoadStepBytes, on_batch);
  if (!next.ok()) {
    log::error("group coordinator: {}-{}: {}", kOffsetsTopic, partition, next.error());
    return coordinator_.unload(partition);
  }
  broker_.shards().post(
      shard_, [this, topic_id, partition, n = *next] { load_step(topic_id, partition, n); });
}

// --- GroupService -----------------------------------------------------------------

GroupService::GroupService(Broker& broker)
    : CoordinatorService(broker, kOffsetsTopic, [](const config::BrokerConfig& c) {
        return c.offsets_topic_num_partitions;
      }) {}

asio::awaitable<bool> GroupService::ensure_topic() {
  if (topic_id()) co_return true;
  CreateTopicArgs args;
  args.name = kOffsetsTopic;
  args.partitions = broker_.config().offsets_topic_num_partitions;
  args.replication_factor = 1;
  args.configs = {{"cleanup.policy", "compact"},
                  {"compression.type", "producer"},
                  {"segment.bytes", std::to_string(broker_.config().offsets_topic_segment_bytes)}};
  TopicResult r = co_await broker_.topic_manager().create_topic(std::move(args));
  if (r.error == ErrorCode::kNone) {
    log::info("created {} with {} partitions", kOffsetsTopic, r.topic->partitions);
    start_loading(*r.topic);
    co_return true;
  }
  // Another request created it first, or creation failed.
  co_return topic_id().has_value();
}

}  // namespace gregor::server
