// One log directory (an entry of `log.dirs`) and its per-directory files:
//
//   .lock                              flock()ed while a broker uses the directory,
//                                      so two brokers can never share it
//   recovery-point-offset-checkpoint   Kafka's format (offset_checkpoint.h): per
//                                      partition, the offset below which data
//                                      was fdatasync'ed
//   log-start-offset-checkpoint        per partition, the log start offset (it
//                                      can be above the first segment's base)
//
// Clean shutdown is recorded per partition rather than per directory: close()
// seals the active segment (segment.h), and a sealed segment is never
// rescanned. That also covers a broker that stops with some logs closed and
// others not, and logs opened one by one without this class. The recovery
// point here serves to detect lost durable data after recovery, and the
// checkpoints keep the files Kafka operators know.
//
// Thread contract: open() and the checkpoint writes do blocking I/O; call
// them from startup, shutdown or a background thread, not a shard loop.
// write_checkpoints() is serialized by a mutex; the other accessors are
// read-only after open().
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/result.h"
#include "storage/file_io.h"
#include "storage/offset_checkpoint.h"
#include "storage/partition_log.h"
#include "storage/storage_error.h"

namespace gregor::storage {

inline constexpr char kRecoveryPointCheckpoint[] = "recovery-point-offset-checkpoint";
inline constexpr char kLogStartOffsetCheckpoint[] = "log-start-offset-checkpoint";
inline constexpr char kLockFile[] = ".lock";

struct PartitionCheckpoint {
  std::string topic;
  int32_t partition = 0;
  int64_t recovery_point = 0;  // PartitionLog::durable_end_offset()
  int64_t log_start_offset = 0;
};

class LogDirectory {
 public:
  // Creates the directory if missing, takes its lock (kIo if another process
  // holds it), reads the checkpoints and removes leftovers of interrupted
  // partition deletions.
  static Result<std::unique_ptr<LogDirectory>, StorageError> open(std::string path,
                                                                  FileIo& io = posix_file_io());
  ~LogDirectory();  // releases the lock
  LogDirectory(const LogDirectory&) = delete;
  LogDirectory& operator=(const LogDirectory&) = delete;

  const std::string& path() const { return path_; }
  std::string partition_dir(const std::string& topic, int32_t partition) const;
  // What the checkpoints read at open() say about one partition.
  OpenOptions open_options(const std::string& topic, int32_t partition) const;
  // Rewrites both checkpoint files atomically (temporary file, fsync, rename).
  Result<Ok, StorageError> write_checkpoints(const std::vector<PartitionCheckpoint>& partitions);

 private:
  LogDirectory(std::string path, FileIo& io, int lock_fd);
  void read_checkpoints();
  void purge_deleted_dirs();

  const std::string path_;
  FileIo& io_;
  int lock_fd_;
  OffsetMap recovery_points_;
  OffsetMap log_start_offsets_;
  std::mutex write_mu_;
};

}  // namespace gregor::storage
