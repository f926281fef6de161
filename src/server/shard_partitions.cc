#include "server/shard_partitions.h"

#include <string>

namespace gregor::server {

ShardPartitions::ShardPartitions(unsigned shard) : io_("io-" + std::to_string(shard)) {
  io_.start();
}

void ShardPartitions::close_all() {
  for (auto& [key, log] : logs_) log->close();
  logs_.clear();
  io_.stop();
}

}  // namespace gregor::server
