// Loads a partition directory into a PartitionLog at open (Kafka's LogLoader).
//
//  1. Lists the directory: `<base>.log` files are segments; leftovers of
//     interrupted operations (`*.tmp`, `*.deleted`, index files without a
//     .log) are removed.
//  2. A segment whose .index and .timeindex load and look sane is sealed
//     (segment.h) and trusted without reading its data. Any other segment is
//     recovered: scanned batch by batch (segment_recovery.h), its file
//     truncated after the last intact batch, its indexes rebuilt; an inactive
//     one is sealed right away. After a corrupt batch in a middle segment the
//     later segments are deleted, as Kafka does: a log has no holes.
//  3. The active (last) segment is prepared for appends: its end offset is
//     found from the last index entry, the partial last page is loaded into
//     the tail cache, and if it was recovered its data is fdatasync'ed, so that
//     everything the log holds after open is durable.
//  4. Producer state (log_loader_producers.cc): snapshots beyond the log end
//     are deleted, the newest one that decodes is loaded, the aborted
//     transactions below it come from the .txnindex files, and the batch
//     headers from it to the log end are replayed (no snapshot: from the
//     first segment). Recovered inactive segments are sealed only then, as
//     their .txnindex needs the replay.
//
// Thread contract: runs inside PartitionLog::open, before the log is shared.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "base/result.h"
#include "storage/partition_log.h"

namespace gregor::storage {

class LogLoader {
 public:
  LogLoader(PartitionLog& log, FileIo& io, const OpenOptions& options);
  Result<Ok, StorageError> load();

 private:
  Result<std::vector<int64_t>, StorageError> list_segments();
  // Loads one segment; *dropped is set when recovery discarded data.
  Result<std::unique_ptr<Segment>, StorageError> load_segment(int64_t base, bool is_last,
                                                              bool* dropped);
  bool load_indexes(Segment& segment, int64_t file_size);
  Result<Ok, StorageError> recover(Segment& segment, int64_t file_size, bool* dropped);
  Result<Ok, StorageError> seal_recovered(Segment& segment);
  Result<Ok, StorageError> truncate_file(const SegmentFile& file, int64_t size);
  void delete_segment_files(int64_t base);
  Result<Ok, StorageError> find_active_end(Segment& active);
  Result<Ok, StorageError> prepare_active();
  // Producer state (log_loader_producers.cc).
  Result<Ok, StorageError> load_producers();
  std::optional<int64_t> load_newest_snapshot(int64_t end);
  void load_txn_indexes(int64_t below);
  Result<Ok, StorageError> replay_producers(int64_t from);
  Result<Ok, StorageError> replay_segment(Segment& segment, int64_t from, int64_t end);
  Result<Ok, StorageError> write_recovered_txn_indexes();
  // Base offsets of the inactive segments recovered and sealed while loading.
  std::vector<int64_t> resealed_;

  PartitionLog& log_;
  FileIo& io_;
  const OpenOptions& options_;
  int64_t now_ms_;
};

}  // namespace gregor::storage
