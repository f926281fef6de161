// The storage engine's own error enum. Translation to Kafka error codes happens
// at the protocol boundary (server/handlers/storage_errors.h).
#pragma once

#include <string_view>

namespace gregor::storage {

enum class StorageError {
  kIo,                // a read, write or sync failed: the log is unusable until reopened
  kNoSpace,           // ENOSPC: the disk is full
  kOffsetOutOfRange,  // the requested offset is outside [log start, log end]
  kCorrupt,           // the bytes are not a well-formed v2 batch
  kClosed,            // the log was closed
  kTooLarge,          // the batch cannot fit a segment
};

std::string_view error_name(StorageError e);

// Maps an errno from a failed write/sync/allocation to the error callers see.
StorageError error_from_errno(int err);

}  // namespace gregor::storage
