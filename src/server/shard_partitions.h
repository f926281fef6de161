// The partition logs owned by one shard, and that shard's I/O worker. Touched
// only on the owning shard's thread.
#pragma once

#include <memory>
#include <unordered_map>
#include <vector>

#include "base/types.h"
#include "storage/log_directory.h"
#include "storage/partition_log.h"

namespace gregor::server {

struct PartitionKey {
  Uuid topic;
  int32_t partition = 0;
  bool operator==(const PartitionKey&) const = default;
};

struct PartitionKeyHash {
  size_t operator()(const PartitionKey& k) const noexcept {
    return std::hash<Uuid>{}(k.topic) * 31 + static_cast<size_t>(k.partition);
  }
};

class ShardPartitions {
 public:
  // `io` is the file layer of the shard's I/O worker (a failing one in tests).
  explicit ShardPartitions(unsigned shard, storage::FileIo& io = storage::posix_file_io());
  ShardPartitions(const ShardPartitions&) = delete;
  ShardPartitions& operator=(const ShardPartitions&) = delete;

  storage::PartitionLog* find(const Uuid& topic, int32_t partition) {
    return find(PartitionKey{topic, partition});
  }
  storage::PartitionLog* find(const PartitionKey& key) {
    auto it = logs_.find(key);
    return it == logs_.end() ? nullptr : it->second.get();
  }
  void add(const Uuid& topic, int32_t partition, std::unique_ptr<storage::PartitionLog> log) {
    logs_[{topic, partition}] = std::move(log);
  }
  std::unique_ptr<storage::PartitionLog> remove(const Uuid& topic, int32_t partition) {
    auto it = logs_.find({topic, partition});
    if (it == logs_.end()) return nullptr;
    auto log = std::move(it->second);
    logs_.erase(it);
    return log;
  }
  // Puts `next` in place of the log of `key` and returns the log it replaces
  // (null if there was none); the caller closes it.
  std::unique_ptr<storage::PartitionLog> replace(const PartitionKey& key,
                                                 std::unique_ptr<storage::PartitionLog> next);
  // The logs stopped by a storage failure (PartitionLog::failure()).
  std::vector<PartitionKey> stopped() const;
  // The partitions of this shard (a copy: logs may come and go while it is used).
  std::vector<PartitionKey> keys() const {
    std::vector<PartitionKey> out;
    out.reserve(logs_.size());
    for (const auto& [key, log] : logs_) out.push_back(key);
    return out;
  }
  // Wakes the long polls waiting on any of the logs (shutdown).
  void wake_hw_listeners() {
    for (auto& [key, log] : logs_) log->wake_hw_listeners();
  }
  // Closes every log (clean shutdown) and returns what the checkpoint files need.
  std::vector<storage::PartitionCheckpoint> close_all();
  storage::IoWorker& io() { return io_; }
  size_t size() const { return logs_.size(); }

 private:
  storage::IoWorker io_;
  std::unordered_map<PartitionKey, std::unique_ptr<storage::PartitionLog>, PartitionKeyHash> logs_;
};

}  // namespace gregor::server
