#include "server/shard_partitions.h"

#include <string>

namespace gregor::server {

ShardPartitions::ShardPartitions(unsigned shard, storage::FileIo& io)
    : io_("io-" + std::to_string(shard), io) {
  io_.start();
}

std::unique_ptr<storage::PartitionLog> ShardPartitions::replace(
    const PartitionKey& key, std::unique_ptr<storage::PartitionLog> next) {
  auto& slot = logs_[key];
  std::swap(slot, next);
  return next;
}

std::vector<PartitionKey> ShardPartitions::stopped() const {
  std::vector<PartitionKey> out;
  for (const auto& [key, log] : logs_) {
    if (!log->closed() && log->failure().has_value()) out.push_back(key);
  }
  return out;
}

std::vector<storage::PartitionCheckpoint> ShardPartitions::close_all() {
  std::vector<storage::PartitionCheckpoint> checkpoints;
  for (auto& [key, log] : logs_) {
    log->close();
    checkpoints.push_back(
        {log->topic(), log->partition(), log->durable_end_offset(), log->log_start_offset()});
  }
  logs_.clear();
  io_.stop();
  return checkpoints;
}

}  // namespace gregor::server
