// Kafka's per-log-dir checkpoint files (recovery-point-offset-checkpoint and
// log-start-offset-checkpoint, storage/log_directory.h) kept current while the
// broker runs, not only at clean shutdown.
//
// Every shard reports the state of the logs it owns (report()); a write merges
// the latest report of every shard and rewrites the files of the chosen log
// dirs. Reports only move forward (a log's start offset never goes back), and
// a write always uses the latest reports, so a later write never undoes an
// earlier one. A deleted partition leaves the files with its shard's next
// report.
//
// Thread contract: report() and write() may be called from any thread; write()
// blocks on the disk (temporary file, fsync, rename, directory fsync): call it
// from an I/O thread, never on a shard loop.
#pragma once

#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "server/shard_partitions.h"
#include "storage/log_directory.h"

namespace gregor::server {

class LogCheckpoints {
 public:
  struct Entry {
    std::string partition_dir;  // PartitionLog::dir()
    storage::PartitionCheckpoint checkpoint;
  };

  LogCheckpoints(std::vector<storage::LogDirectory*> dirs, unsigned shards);

  // The state of every log of a shard, read on that shard's thread.
  static std::vector<Entry> collect(ShardPartitions& partitions);
  // Replaces what `shard` reported before.
  void report(unsigned shard, std::vector<Entry> logs);
  // The log dir (LogDirectory::path()) holding a partition directory; empty if none.
  std::string log_dir_of(const std::string& partition_dir) const;
  // Rewrites the files of the given log dirs (every log dir when empty) from
  // the latest reports. False if any write failed.
  bool write(const std::set<std::string>& log_dirs = {});

 private:
  const std::vector<storage::LogDirectory*> dirs_;
  std::mutex mu_;  // guards reports_ and orders the writes
  std::vector<std::vector<Entry>> reports_;
};

}  // namespace gregor::server
