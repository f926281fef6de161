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
  // Producer state (producer_state.h), Kafka's ProducerAppendInfo rules:
  kOutOfOrderSequence,     // a gap in the producer's sequence numbers
  kInvalidProducerEpoch,   // the producer epoch is older than the partition's
  kInvalidTxnState,        // non-transactional data while the producer's transaction is open
  kTxnVerificationNeeded,  // the batch starts a transaction here without a valid verification guard
  kCoordinatorFenced,      // a marker from an older transaction coordinator epoch
};

std::string_view error_name(StorageError e);

// Maps an errno from a failed write/sync/allocation to the error callers see.
StorageError error_from_errno(int err);

}  // namespace gregor::storage
