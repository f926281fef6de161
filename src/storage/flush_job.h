// One unit of disk work for a partition log, built on the owner shard and run
// on the shard's I/O thread: write the new bytes of one or more segments,
// then optionally fdatasync, seal segments that were rolled (or closed), and
// prepare new segment files (create, preallocate).
//
// Ordering within a job, for each segment in log order:
//   1. take the write descriptor from the I/O worker's cache, opening it if it
//      was never opened or was evicted (creating the file, O_DIRECT with
//      fallback), fsync the directory if the file is new;
//   2. if the segment was sealed and gets new data: delete its index files
//      (it is no longer trusted without a scan);
//   3. preallocate (fallocate) beyond the end of the write when the write
//      passes the allocated end: by the segment's size so far, at least
//      64 KiB, at most preallocate_step_bytes;
//   4. write [page start, logical end) from the tail-cache chunks, the last
//      partial page from a zero-padded copy;
//   5. to seal: fsync (data and the size change), trim the file to its
//      logical size, then write .txnindex (if the segment has aborted
//      transactions), .index and .timeindex atomically, in that order: the
//      last two mark the segment sealed.
// After every write succeeded the `on_written` callback runs (the data would
// survive a process crash); then, if asked, the active segment is
// fdatasync'ed (the data survives power loss).
//
// Thread contract: a job is owned by exactly one thread at a time; it holds
// shared_ptrs to the files and chunks it writes from.
#pragma once

#include <sys/uio.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "storage/file_io.h"
#include "storage/segment_file.h"
#include "storage/storage_error.h"

namespace gregor::storage {

struct SegmentFlush {
  std::shared_ptr<SegmentFile> file;
  std::shared_ptr<OpenFd> fd;  // the write descriptor, pinned while the job runs
  int64_t write_from = 0;      // page-aligned file position of the first byte in `iov`
  int64_t logical_end = 0;     // the segment's data size once this job is done
  std::vector<iovec> iov;      // page-aligned pieces, whole pages only
  std::vector<std::shared_ptr<const void>> keep_alive;  // what `iov` points into
  bool unseal = false;
  bool seal = false;
  bool sync = false;                  // fdatasync once every write of the job is done
  std::vector<uint8_t> offset_index;  // when sealing
  std::vector<uint8_t> time_index;
  std::vector<uint8_t> txn_index;  // when sealing; empty: no aborted transactions
};

struct FlushJob {
  std::vector<SegmentFlush> segments;
  int64_t end_offset = 0;  // every offset below it is covered once the job is done
  bool sync = false;       // make end_offset durable (fdatasync)
  bool try_direct = true;
  bool preallocate = false;
  int64_t preallocate_step_bytes = 0;
  int64_t segment_bytes = 0;  // preallocation never goes beyond it (unless a batch does)
};

struct FlushResult {
  std::optional<StorageError> error;
  bool written = false;  // every write completed
  bool synced = false;   // and the requested fdatasync too
};

// Runs the job with `io`. `on_written` (may be empty) is called once all
// writes and seals completed, before the fdatasync.
FlushResult run_flush_job(FileIo& io, FlushJob& job, const std::function<void()>& on_written);

}  // namespace gregor::storage
