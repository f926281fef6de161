// Recovery of a segment whose data cannot be trusted (the log was not closed
// cleanly, or its index files are missing or damaged): read the `.log` from
// the start, validate every batch and rebuild the indexes from the batches
// that pass.
//
// A batch passes when its length is sane (at least the 61-byte v2 header, not
// past the end of the file), its magic is 2, its CRC-32C matches, and its
// offsets follow the previous batch's. The first batch that fails ends the
// data: everything from there on is a torn write or corruption. An all-zero
// header is the normal end of data in a preallocated or page-padded file.
//
// Thread contract: runs while the log is being opened, before it is shared.
#pragma once

#include <cstdint>
#include <string>

#include "base/result.h"
#include "storage/file_io.h"
#include "storage/segment.h"
#include "storage/storage_error.h"

namespace gregor::storage {

struct SegmentScan {
  int64_t valid_bytes = 0;    // bytes of intact batches from position 0
  int64_t scanned_bytes = 0;  // bytes read
  bool dropped_data = false;  // non-zero bytes after the intact batches (torn or corrupt)
  std::string stop_reason;    // why the scan ended, for the log
};

// Resets `segment` and replays every intact batch of its file into it (size,
// indexes, timestamps, next offset). Does not modify the file: the caller
// truncates it to valid_bytes. kIo if the file cannot be read.
Result<SegmentScan, StorageError> scan_segment(FileIo& io, Segment& segment, int64_t file_size,
                                               int64_t now_ms);

}  // namespace gregor::storage
