#include "storage/storage_error.h"

#include <cerrno>

namespace gregor::storage {

std::string_view error_name(StorageError e) {
  switch (e) {
    case StorageError::kIo:
      return "io error";
    case StorageError::kNoSpace:
      return "no space left on device";
    case StorageError::kOffsetOutOfRange:
      return "offset out of range";
    case StorageError::kCorrupt:
      return "corrupt batch";
    case StorageError::kClosed:
      return "log closed";
    case StorageError::kTooLarge:
      return "batch too large";
    case StorageError::kOutOfOrderSequence:
      return "out of order sequence number";
    case StorageError::kInvalidProducerEpoch:
      return "invalid producer epoch";
    case StorageError::kInvalidTxnState:
      return "invalid transaction state";
    case StorageError::kTxnVerificationNeeded:
      return "transaction verification needed";
    case StorageError::kCoordinatorFenced:
      return "transaction coordinator fenced";
  }
  return "unknown storage error";
}

StorageError error_from_errno(int err) {
  return err == ENOSPC || err == EDQUOT ? StorageError::kNoSpace : StorageError::kIo;
}

}  // namespace gregor::storage
