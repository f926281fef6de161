#include "server/log_maintenance.h"

#include <algorithm>
#include <asio.hpp>
#include <optional>
#include <unordered_map>

#include "base/clock.h"
#include "base/log.h"
#include "server/broker.h"

namespace gregor::server {
namespace {

// Passes for flush.ms run at most this often (a tiny flush.ms must not spin the shard).
constexpr int64_t kMinFlushCheckMs = 10;

storage::RetentionPolicy retention_policy(const config::TopicConfig& c) {
  storage::RetentionPolicy p;
  p.file_delete_delay_ms = c.file_delete_delay_ms;
  if (c.cleanup_delete) {
    p.retention_ms = c.retention_ms;
    p.retention_bytes = c.retention_bytes;
  }
  return p;
}

int64_t now_ms() {
  return SystemClock::instance().monotonic_ms();
}

void earliest(std::optional<int64_t>& at, std::optional<int64_t> candidate) {
  if (candidate && (!at || *candidate < *at)) at = candidate;
}

}  // namespace

MaintenanceSettings MaintenanceSettings::from(const config::BrokerConfig& config) {
  MaintenanceSettings s;
  s.retention_check_interval_ms = std::max<int64_t>(config.log_retention_check_interval_ms, 1);
  // Both checkpoint files are rewritten together, at the shorter interval.
  s.checkpoint_interval_ms =
      std::max<int64_t>(1, std::min(config.log_flush_offset_checkpoint_interval_ms,
                                    config.log_flush_start_offset_checkpoint_interval_ms));
  s.producer_expiration_check_interval_ms =
      std::max<int64_t>(config.producer_id_expiration_check_interval_ms, 1);
  s.producer_expiration_ms = config.producer_id_expiration_ms;
  return s;
}

// One shard's periodic task. Lives in a shared_ptr: the timer and the posted
// continuations hold weak references, so none runs after destruction.
class LogMaintenance::ShardTask : public std::enable_shared_from_this<ShardTask> {
 public:
  ShardTask(LogMaintenance& owner, unsigned shard)
      : owner_(owner),
        shard_(shard),
        timer_(owner.broker_.shards().executor(shard)),
        next_retention_(now_ms() + owner.settings_.retention_check_interval_ms),
        next_checkpoint_(now_ms() + owner.settings_.checkpoint_interval_ms),
        next_producer_expiry_(now_ms() + owner.settings_.producer_expiration_check_interval_ms) {}

  void start() { arm(next_due()); }

  int64_t next_due() const {
    return std::min({next_retention_, next_checkpoint_, next_producer_expiry_});
  }

  void stop() {
    stopped_ = true;
    timer_.cancel();
  }

 private:
  // What one pass over the shard's logs does, and what it learns.
  struct Pass {
    int64_t now = 0;
    bool retention = false;
    bool checkpoint = false;
    bool producer_expiry = false;
    std::vector<PartitionKey> keys;
    size_t next = 0;
    std::optional<int64_t> wake;  // earliest flush.ms or file-deletion deadline
    std::unordered_map<PartitionKey, int64_t, PartitionKeyHash> last_flush;
  };

  void arm(int64_t at) {
    if (stopped_) return;
    timer_.expires_after(std::chrono::milliseconds(std::max<int64_t>(at - now_ms(), 1)));
    timer_.async_wait([weak = weak_from_this()](const asio::error_code& ec) {
      if (ec) return;
      if (auto self = weak.lock()) self->begin_pass();
    });
  }

  void begin_pass() {
    if (stopped_) return;
    auto pass = std::make_shared<Pass>();
    pass->now = now_ms();
    pass->retention = pass->now >= next_retention_;
    pass->checkpoint = pass->now >= next_checkpoint_;
    pass->producer_expiry = pass->now >= next_producer_expiry_;
    pass->keys = owner_.broker_.partitions_of(shard_).keys();
    if (pass->retention) next_retention_ = pass->now + owner_.settings_.retention_check_interval_ms;
    if (pass->checkpoint) next_checkpoint_ = pass->now + owner_.settings_.checkpoint_interval_ms;
    if (pass->producer_expiry)
      next_producer_expiry_ = pass->now + owner_.settings_.producer_expiration_check_interval_ms;
    run_batch(pass);
  }

  void run_batch(const std::shared_ptr<Pass>& pass) {
    if (stopped_) return;
    ShardPartitions& partitions = owner_.broker_.partitions_of(shard_);
    auto table = owner_.broker_.topics();
    const size_t end = std::min(pass->keys.size(), pass->next + owner_.settings_.logs_per_turn);
    for (; pass->next < end; ++pass->next) {
      const PartitionKey& key = pass->keys[pass->next];
      storage::PartitionLog* log = partitions.find(key.topic, key.partition);
      const TopicInfo* topic = table->find(key.topic);
      if (log == nullptr || log->closed() || topic == nullptr) continue;
      maintain_log(key, *log, topic->config, *pass);
    }
    if (pass->next < pass->keys.size()) {
      // Let the shard serve requests before the next batch.
      asio::post(timer_.get_executor(), [weak = weak_from_this(), pass] {
        if (auto self = weak.lock()) self->run_batch(pass);
      });
      return;
    }
    finish(*pass);
  }

  // Everything done to one log in a pass. Further per-log upkeep (a log
  // cleaner for compacted topics) belongs here.
  void maintain_log(const PartitionKey& key, storage::PartitionLog& log,
                    const config::TopicConfig& config, Pass& pass) {
    if (pass.retention) log.apply_retention(retention_policy(config));
    if (pass.producer_expiry)
      log.expire_producers(SystemClock::instance().now_ms(),
                           owner_.settings_.producer_expiration_ms);
    flush_if_due(key, log, config, pass);
    log.purge_deleted_segments();
    earliest(pass.wake, log.next_purge_ms());
  }

  // flush.ms: at least one fdatasync every flush.ms while there is un-synced data.
  void flush_if_due(const PartitionKey& key, storage::PartitionLog& log,
                    const config::TopicConfig& config, Pass& pass) {
    if (config.flush_ms < 0 || config.flush_ms == config::kLongMax) return;
    auto it = last_flush_.find(key);
    int64_t last = it == last_flush_.end() ? pass.now : it->second;
    const bool unsynced = log.durable_end_offset() < log.log_end_offset();
    if (!unsynced) {
      last = pass.now;  // nothing to sync: the clock starts with the next data
    } else if (pass.now - last >= config.flush_ms) {
      log.when_durable(log.log_end_offset(), [](std::optional<storage::StorageError>) {});
      last = pass.now;
    }
    pass.last_flush[key] = last;
    earliest(pass.wake, last + std::max(config.flush_ms, kMinFlushCheckMs));
  }

  void finish(Pass& pass) {
    last_flush_ = std::move(pass.last_flush);  // forgets logs that are gone
    if (pass.checkpoint) {
      owner_.checkpoints_.report(shard_,
                                 LogCheckpoints::collect(owner_.broker_.partitions_of(shard_)));
      if (shard_ == 0) write_all();
    }
    std::optional<int64_t> wake = next_due();
    earliest(wake, pass.wake);
    arm(*wake);
  }

  void write_all() {
    storage::IoWorker& io = owner_.broker_.partitions_of(shard_).io();
    LogCheckpoints* checkpoints = &owner_.checkpoints_;
    io.submit([checkpoints] { checkpoints->write(); });
  }

  LogMaintenance& owner_;
  const unsigned shard_;
  asio::steady_timer timer_;
  int64_t next_retention_;
  int64_t next_checkpoint_;
  int64_t next_producer_expiry_;
  bool stopped_ = false;
  std::unordered_map<PartitionKey, int64_t, PartitionKeyHash> last_flush_;
};

LogMaintenance::LogMaintenance(Broker& broker, std::vector<storage::LogDirectory*> dirs,
                               MaintenanceSettings settings)
    : broker_(broker), settings_(settings), checkpoints_(std::move(dirs), broker.shards().size()) {}

LogMaintenance::~LogMaintenance() = default;

void LogMaintenance::start() {
  const unsigned n = broker_.shards().size();
  tasks_.resize(n);
  for (unsigned s = 0; s < n; ++s) {
    broker_.shards().run_and_wait(s, [this, s] {
      checkpoints_.report(s, LogCheckpoints::collect(broker_.partitions_of(s)));
      tasks_[s] = std::make_shared<ShardTask>(*this, s);
      tasks_[s]->start();
    });
  }
  log::info("log maintenance: retention checked every {} ms, checkpoints every {} ms",
            settings_.retention_check_interval_ms, settings_.checkpoint_interval_ms);
}

void LogMaintenance::stop() {
  for (unsigned s = 0; s < tasks_.size(); ++s) {
    if (tasks_[s]) broker_.shards().run_and_wait(s, [this, s] { tasks_[s]->stop(); });
  }
}

void LogMaintenance::persist(unsigned shard, std::set<std::string> log_dirs,
                             std::function<void(bool)> done) {
  checkpoints_.report(shard, LogCheckpoints::collect(broker_.partitions_of(shard)));
  storage::IoWorker& io = broker_.partitions_of(shard).io();
  net::ShardSet* shards = &broker_.shards();
  LogCheckpoints* checkpoints = &checkpoints_;
  auto write = [checkpoints, shards, shard, dirs = std::move(log_dirs), done]() {
    const bool ok = checkpoints->write(dirs);
    shards->post(shard, [done, ok] { done(ok); });
  };
  if (!io.submit(std::move(write))) shards->post(shard, [done] { done(false); });
}

}  // namespace gregor::server
