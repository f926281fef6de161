#include "server/log_checkpoints.h"

#include "base/log.h"

namespace gregor::server {

LogCheckpoints::LogCheckpoints(std::vector<storage::LogDirectory*> dirs, unsigned shards)
    : dirs_(std::move(dirs)), reports_(shards) {}

std::vector<LogCheckpoints::Entry> LogCheckpoints::collect(ShardPartitions& partitions) {
  std::vector<Entry> out;
  for (const PartitionKey& key : partitions.keys()) {
    storage::PartitionLog* log = partitions.find(key.topic, key.partition);
    if (log == nullptr || log->closed()) continue;
    out.push_back(
        {log->dir(),
         {log->topic(), log->partition(), log->durable_end_offset(), log->log_start_offset()}});
  }
  return out;
}

void LogCheckpoints::report(unsigned shard, std::vector<Entry> logs) {
  std::lock_guard lock(mu_);
  reports_.at(shard) = std::move(logs);
}

std::string LogCheckpoints::log_dir_of(const std::string& partition_dir) const {
  for (const storage::LogDirectory* d : dirs_) {
    if (partition_dir.rfind(d->path() + "/", 0) == 0) return d->path();
  }
  return {};
}

bool LogCheckpoints::write(const std::set<std::string>& log_dirs) {
  std::lock_guard lock(mu_);
  bool ok = true;
  for (storage::LogDirectory* d : dirs_) {
    if (!log_dirs.empty() && log_dirs.count(d->path()) == 0) continue;
    std::vector<storage::PartitionCheckpoint> mine;
    const std::string prefix = d->path() + "/";
    for (const auto& report : reports_) {
      for (const Entry& e : report) {
        if (e.partition_dir.rfind(prefix, 0) == 0) mine.push_back(e.checkpoint);
      }
    }
    if (!d->write_checkpoints(mine).ok()) {
      log::warn("could not write the checkpoint files of {}", d->path());
      ok = false;
    }
  }
  return ok;
}

}  // namespace gregor::server
