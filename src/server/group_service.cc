#include "server/group_service.h"

#include "base/log.h"
#include "protocol/record/batch_builder.h"
#include "protocol/record/record.h"
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

constexpr size_t kLoadStepBytes = size_t{1} << 20;

}  // namespace

// --- GroupShard -------------------------------------------------------------------

GroupShard::GroupShard(Broker& broker, unsigned shard)
    : broker_(broker),
      shard_(shard),
      timer_(broker.shards().executor(shard)),
      coordinator_(group_config(broker.config()), SystemClock::instance(), *this,
                   [this](int64_t at) { schedule(at); }) {}

GroupShard::~GroupShard() = default;

void GroupShard::stop() {
  stopped_ = true;
  timer_.cancel();
}

void GroupShard::schedule(int64_t monotonic_ms) {
  if (stopped_ || (armed_ >= 0 && armed_ <= monotonic_ms)) return;
  armed_ = monotonic_ms;
  const int64_t wait = std::max<int64_t>(monotonic_ms - SystemClock::instance().monotonic_ms(), 0);
  timer_.expires_after(std::chrono::milliseconds(wait));
  timer_.async_wait([this](const asio::error_code& ec) {
    if (ec || stopped_) return;
    armed_ = -1;
    coordinator_.tick();
  });
}

storage::PartitionLog* GroupShard::log_of(int32_t partition) {
  const TopicInfo* t = broker_.topics()->find(kOffsetsTopic);
  return t ? broker_.partitions_of(shard_).find(t->id, partition) : nullptr;
}

void GroupShard::write(int32_t partition, std::vector<cg::CoordinatorRecord> records,
                       std::function<void(ErrorCode)> done, const cg::BatchProducer* producer) {
  auto fail_later = [this, &done](ErrorCode e) {
    broker_.shards().post(shard_, [done = std::move(done), e] { done(e); });
  };
  storage::PartitionLog* log = log_of(partition);
  if (log == nullptr) return fail_later(ErrorCode::kNotLeaderOrFollower);
  record::BatchSpec spec;
  const int64_t now = SystemClock::instance().now_ms();
  for (auto& r : records) {
    auto& out = spec.records.emplace_back();
    out.key = std::string(r.key.begin(), r.key.end());
    if (r.value) out.value = std::string(r.value->begin(), r.value->end());
    out.timestamp = now;
  }
  storage::AppendOptions options;
  if (producer != nullptr) {
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
  const std::vector<uint8_t> batch = record::build_batch(spec);
  if (batch.size() > static_cast<size_t>(broker_.config().message_max_bytes)) {
    log::warn("group coordinator: {} bytes of records for {}-{} exceed message.max.bytes",
              batch.size(), kOffsetsTopic, partition);
    return fail_later(ErrorCode::kRecordListTooLarge);
  }
  auto appended = log->append(batch, options);
  if (!appended.ok()) {
    log::warn("group coordinator: append to {}-{} failed: {}", kOffsetsTopic, partition,
              storage::error_name(appended.error()));
    return fail_later(to_error_code(appended.error()));
  }
  GREGOR_ASSERT(!appended->duplicate, "a coordinator batch taken for a retry");
  log->when_durable(appended->last_offset + 1,
                    [done = std::move(done)](std::optional<storage::StorageError> e) {
                      done(e ? to_error_code(*e) : ErrorCode::kNone);
                    });
}

// A transactional batch's offset commits stay pending for its producer until
// that producer's COMMIT or ABORT marker (a control batch whose first record
// key is int16 version, int16 type: 0 abort, 1 commit).
void GroupShard::replay_batch(int32_t partition, record::BatchRecords& batch) {
  const record::BatchHeaderView header = batch.header();
  const int64_t txn_producer = header.is_transactional() ? header.producer_id() : -1;
  record::RecordView rec;
  if (header.is_control()) {
    auto more = batch.next(rec);
    if (txn_producer < 0 || !more.ok() || !*more || !rec.key || rec.key->size() < 4) return;
    const auto type = static_cast<int16_t>(((*rec.key)[2] << 8) | (*rec.key)[3]);
    if (type == static_cast<int16_t>(record::ControlType::kCommit) ||
        type == static_cast<int16_t>(record::ControlType::kAbort))
      coordinator_.replay_marker(partition, txn_producer,
                                 type == static_cast<int16_t>(record::ControlType::kCommit));
    return;
  }
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
  if (stopped_) return;
  storage::PartitionLog* log = broker_.partitions_of(shard_).find(topic_id, partition);
  if (log == nullptr) return coordinator_.unload(partition);
  const int64_t end = log->high_watermark();
  if (offset >= end) return coordinator_.finish_loading(partition);
  auto read = log->read(offset, end, kLoadStepBytes, true);
  if (!read.ok()) {
    log::error("group coordinator: reading {}-{} at offset {} failed: {}", kOffsetsTopic, partition,
               offset, storage::error_name(read.error()));
    return coordinator_.unload(partition);
  }
  ByteWriter w;
  for (auto& chunk : read->chunks) w.external(std::move(chunk));
  const std::vector<uint8_t> bytes = w.flatten();
  std::span<const uint8_t> rest(bytes);
  int64_t next = offset;
  while (!rest.empty()) {
    auto size = record::batch_size_at(rest);
    if (!size.ok() || *size > rest.size()) break;
    auto batch = record::BatchRecords::open(rest.first(*size));
    rest = rest.subspan(*size);
    if (!batch.ok()) {
      log::error("group coordinator: undecodable batch in {}-{} near offset {}", kOffsetsTopic,
                 partition, next);
      continue;
    }
    next = batch->header().last_offset() + 1;
    replay_batch(partition, *batch);
  }
  if (next <= offset) {
    log::error("group coordinator: no progress reading {}-{} at offset {}", kOffsetsTopic,
               partition, offset);
    return coordinator_.unload(partition);
  }
  broker_.shards().post(
      shard_, [this, topic_id, partition, next] { load_step(topic_id, partition, next); });
}

// --- GroupService -----------------------------------------------------------------

GroupService::GroupService(Broker& broker) : broker_(broker) {}

GroupService::~GroupService() = default;

void GroupService::start() {
  const unsigned n = broker_.shards().size();
  shards_.resize(n);
  for (unsigned s = 0; s < n; ++s) {
    broker_.shards().run_and_wait(
        s, [this, s] { shards_[s] = std::make_unique<GroupShard>(broker_, s); });
  }
  auto table = broker_.topics();
  if (const TopicInfo* t = table->find(kOffsetsTopic)) start_loading(*t);
}

void GroupService::stop() {
  for (unsigned s = 0; s < shards_.size(); ++s) {
    if (shards_[s]) broker_.shards().run_and_wait(s, [this, s] { shards_[s]->stop(); });
  }
}

std::optional<Uuid> GroupService::topic_id() const {
  const TopicInfo* t = broker_.topics()->find(kOffsetsTopic);
  return t ? std::optional(t->id) : std::nullopt;
}

unsigned GroupService::owner_of(const Uuid& topic_id, const std::string& group) const {
  const int32_t p =
      coordinator::group::partition_for_group(group, broker_.config().offsets_topic_num_partitions);
  return broker_.owner_shard(topic_id, p);
}

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

void GroupService::unload(const TopicInfo& topic) {
  for (int32_t p = 0; p < topic.partitions; ++p) {
    const unsigned owner = broker_.owner_shard(topic.id, p);
    broker_.shards().post(owner, [this, owner, p] { shards_[owner]->coordinator().unload(p); });
  }
}

void GroupService::start_loading(const TopicInfo& topic) {
  for (int32_t p = 0; p < topic.partitions; ++p) {
    const unsigned owner = broker_.owner_shard(topic.id, p);
    broker_.shards().post(owner, [this, owner, id = topic.id, p] { shards_[owner]->load(id, p); });
  }
}

}  // namespace gregor::server
