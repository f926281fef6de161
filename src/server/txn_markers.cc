#include "server/txn_markers.h"

#include <memory>

#include "base/clock.h"
#include "base/log.h"
#include "server/broker.h"
#include "server/group_service.h"
#include "server/handlers/storage_errors.h"
#include "storage/partition_log.h"

namespace gregor::server {
namespace {

// Collects the per-target results; the last one to arrive answers.
struct MarkerRound {
  std::vector<ErrorCode> results;
  size_t remaining = 0;
  std::mutex mu;
  std::function<void(std::vector<ErrorCode>)> done;
  unsigned reply_shard = 0;
};

void finish_target(Broker& broker, const std::shared_ptr<MarkerRound>& round, size_t i,
                   ErrorCode e) {
  bool last = false;
  {
    std::lock_guard lock(round->mu);
    round->results[i] = e;
    last = --round->remaining == 0;
  }
  if (!last) return;
  broker.shards().post(round->reply_shard, [round] { round->done(std::move(round->results)); });
}

// On the owner shard: appends the marker and reports once it is durable.
void append_marker_here(Broker& broker, unsigned shard, const MarkerSpec& spec,
                        const MarkerTarget& target, const Uuid& topic_id,
                        std::function<void(ErrorCode)> report) {
  storage::PartitionLog* log = broker.partitions_of(shard).find(topic_id, target.partition);
  if (log == nullptr) return report(ErrorCode::kNotLeaderOrFollower);
  auto appended = log->append_marker(spec.producer_id, spec.producer_epoch, spec.commit,
                                     spec.coordinator_epoch, SystemClock::instance().now_ms());
  if (!appended.ok()) {
    log::warn("transaction marker for producer {} in {}-{} failed: {}", spec.producer_id,
              target.topic, target.partition, storage::error_name(appended.error()));
    return report(to_error_code(appended.error()));
  }
  const bool offsets = target.topic == kOffsetsTopic;
  log->when_durable(appended->last_offset + 1,
                    [&broker, shard, spec, target, offsets,
                     report = std::move(report)](std::optional<storage::StorageError> e) {
                      if (e) return report(to_error_code(*e));
                      if (offsets) {
                        broker.groups().shard(shard).coordinator().complete_txn(
                            target.partition, spec.producer_id, spec.commit);
                      }
                      report(ErrorCode::kNone);
                    });
}

}  // namespace

void write_markers(Broker& broker, const MarkerSpec& spec, std::vector<MarkerTarget> targets,
                   unsigned reply_shard, std::function<void(std::vector<ErrorCode>)> done) {
  auto round = std::make_shared<MarkerRound>();
  round->results.assign(targets.size(), ErrorCode::kNone);
  round->remaining = targets.size();
  round->done = std::move(done);
  round->reply_shard = reply_shard;
  if (targets.empty()) {
    broker.shards().post(reply_shard, [round] { round->done({}); });
    return;
  }
  auto table = broker.topics();
  for (size_t i = 0; i < targets.size(); ++i) {
    const TopicInfo* topic = table->find(targets[i].topic);
    if (topic == nullptr || !topic->has_partition(targets[i].partition)) {
      finish_target(broker, round, i, ErrorCode::kUnknownTopicOrPartition);
      continue;
    }
    const unsigned owner = broker.owner_shard(topic->id, targets[i].partition);
    broker.shards().post(
        owner, [&broker, owner, spec, target = targets[i], id = topic->id, round, i] {
          append_marker_here(broker, owner, spec, target, id, [&broker, round, i](ErrorCode e) {
            finish_target(broker, round, i, e);
          });
        });
  }
}

}  // namespace gregor::server
