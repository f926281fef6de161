// Storage errors as Kafka error codes, at the protocol boundary.
#pragma once

#include "base/error_code.h"
#include "storage/partition_log.h"

namespace gregor::server {

inline ErrorCode to_error_code(storage::StorageError e) {
  switch (e) {
    case storage::StorageError::kOffsetOutOfRange:
      return ErrorCode::kOffsetOutOfRange;
    case storage::StorageError::kTooLarge:
      return ErrorCode::kMessageTooLarge;
    case storage::StorageError::kCorrupt:
      return ErrorCode::kCorruptMessage;
    case storage::StorageError::kClosed:
      return ErrorCode::kNotLeaderOrFollower;
    case storage::StorageError::kOutOfOrderSequence:
      return ErrorCode::kOutOfOrderSequenceNumber;
    case storage::StorageError::kInvalidProducerEpoch:
      return ErrorCode::kInvalidProducerEpoch;
    case storage::StorageError::kInvalidTxnState:
      return ErrorCode::kInvalidTxnState;
    case storage::StorageError::kCoordinatorFenced:
      return ErrorCode::kTransactionCoordinatorFenced;
    case storage::StorageError::kTxnVerificationNeeded:
      // The produce path verifies with the coordinator and retries before
      // this is reached; a batch that still fails it is not part of a
      // transaction the coordinator knows about (Kafka's answer).
      return ErrorCode::kInvalidTxnState;
    default:
      return ErrorCode::kKafkaStorageError;
  }
}

}  // namespace gregor::server
