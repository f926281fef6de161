// The log cleaner of the broker (Kafka's LogCleaner + LogCleanerManager):
// log.cleaner.threads threads, each running its own event loop, that compact
// the partitions of topics with cleanup.policy=compact (or compact,delete).
//
// One pass of a cleaner thread:
//  1. asks every shard, through ShardSet::invoke_on, for the cleanable state of
//     its compacted logs (PartitionLog::cleanable_state: dirty ratio and
//     max.compaction.lag.ms; cheap, in memory except for a few header reads);
//  2. picks the dirtiest log whose ratio exceeds min.cleanable.dirty.ratio,
//     or that max.compaction.lag.ms forces, and that no other cleaner thread
//     is cleaning;
//  3. takes a snapshot of its segments on the owner shard (clean_task);
//  4. cleans on the cleaner thread (storage::LogCleaner: reading segments,
//     the key map, writing the `.cleaned` segments), throttled by
//     log.cleaner.io.max.bytes.per.second (shared by all threads), with a key
//     map of log.cleaner.dedupe.buffer.size / threads bytes;
//  5. swaps the result in on the owner shard (apply_clean), then writes the
//     partition's cleaner checkpoint on the cleaner thread.
// After a pass that cleaned something the thread looks again at once;
// otherwise it sleeps log.cleaner.backoff.ms. Not started when
// log.cleaner.enable is false or log.cleaner.threads is 0. The settings are
// read at start.
//
// Thread contract: start() and stop() from the broker's controlling thread;
// stop() must run while the shards still run (the cleaner threads may be
// waiting on a shard), i.e. before the logs are closed. Each cleaner
// thread's state is its own; the set of logs being cleaned is shared under
// a mutex.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <set>
#include <utility>
#include <vector>

#include "base/types.h"
#include "storage/io_throttler.h"

namespace gregor::server {

class Broker;

class LogCleanerService {
 public:
  explicit LogCleanerService(Broker& broker);
  ~LogCleanerService();
  LogCleanerService(const LogCleanerService&) = delete;
  LogCleanerService& operator=(const LogCleanerService&) = delete;

  void start();
  // Interrupts a pass in progress (its `.cleaned` files are removed) and joins.
  void stop();

  // Passes that swapped cleaned segments in, over all threads (tests, logs).
  uint64_t passes_done() const { return passes_.load(); }

 private:
  struct Worker;
  friend struct Worker;

  bool try_claim(const Uuid& topic, int32_t partition);
  void release(const Uuid& topic, int32_t partition);

  Broker& broker_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> passes_{0};
  storage::IoThrottler throttler_;
  std::mutex mu_;
  std::set<std::pair<Uuid, int32_t>> in_progress_;
  std::vector<std::unique_ptr<Worker>> workers_;
};

}  // namespace gregor::server
