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
    default:
      return ErrorCode::kKafkaStorageError;
  }
}

}  // namespace gregor::server
