#include "server/shard_partitions.h"

#include <string>

namespace gregor::server {

ShardPartitions::ShardPartitions(unsigned shard) : io_("io-" + std::to_string(shard)) {
  io_.start();
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
