// Periodic upkeep of the partition logs: one task per shard, on a timer on the
// shard's executor (Kafka's LogManager scheduler tasks kafka-log-retention,
// kafka-log-flusher, kafka-delete-logs and the two checkpoint tasks).
//
// Every log.retention.check.interval.ms a pass walks the shard's logs and, per
// log (maintain_log in log_maintenance.cc, the one place to add more per-log
// work such as a log cleaner):
//  - applies retention with the topic's resolved config: retention.ms and
//    retention.bytes when cleanup.policy contains delete (-1 disables either),
//    and always drops segments wholly below the log start offset;
//  - every producer.id.expiration.check.interval.ms, drops the state of
//    producers idle for producer.id.expiration.ms (no open transaction);
//  - hands the files of deleted segments whose file.delete.delay.ms has passed
//    to the I/O thread for unlinking;
//  - honours flush.ms: a log with un-synced data whose last forced sync is
//    flush.ms old gets one (PartitionLog::when_durable). Passes also run when
//    the earliest flush.ms or file-deletion deadline comes, whichever is first
//    (flush.ms checks at most every 10 ms).
// Every checkpoint interval (the smaller of log.flush.offset.checkpoint.interval.ms
// and log.flush.start.offset.checkpoint.interval.ms, 60 s by default) each shard
// reports its logs to LogCheckpoints, and shard 0 rewrites the files of every
// log dir on its I/O thread. persist() writes them on demand (DeleteRecords
// answers once the new log start offset is in the file).
//
// A pass handles `logs_per_turn` logs per loop turn and posts the rest, so a
// shard with many partitions keeps serving requests between batches.
//
// Thread contract: start() and stop() from the broker's main thread (they
// run work on every shard and wait for it); persist() on the given shard.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "config/broker_config.h"
#include "server/log_checkpoints.h"
#include "storage/log_directory.h"

namespace gregor::server {

class Broker;

struct MaintenanceSettings {
  int64_t retention_check_interval_ms = 300000;  // log.retention.check.interval.ms
  int64_t checkpoint_interval_ms = 60000;        // see above
  // producer.id.expiration.check.interval.ms / producer.id.expiration.ms
  int64_t producer_expiration_check_interval_ms = 600000;
  int64_t producer_expiration_ms = 86400000;
  size_t logs_per_turn = 64;

  static MaintenanceSettings from(const config::BrokerConfig& config);
};

class LogMaintenance {
 public:
  LogMaintenance(Broker& broker, std::vector<storage::LogDirectory*> dirs,
                 MaintenanceSettings settings);
  ~LogMaintenance();
  LogMaintenance(const LogMaintenance&) = delete;
  LogMaintenance& operator=(const LogMaintenance&) = delete;

  // Takes a first report of every shard's logs, then arms the timers.
  void start();
  // Stops every shard's task; a pass under way ends at its next batch.
  void stop();

  // On `shard`'s thread: reports the shard's logs and rewrites the checkpoint
  // files of `log_dirs` (LogDirectory paths) on the shard's I/O thread; `done`
  // runs on the shard afterwards with whether the files were written.
  void persist(unsigned shard, std::set<std::string> log_dirs, std::function<void(bool)> done);
  LogCheckpoints& checkpoints() { return checkpoints_; }

 private:
  class ShardTask;

  Broker& broker_;
  const MaintenanceSettings settings_;
  LogCheckpoints checkpoints_;
  std::vector<std::shared_ptr<ShardTask>> tasks_;
};

}  // namespace gregor::server
