// What a client sees when a coordinator write to __consumer_offsets fails
// (Kafka's mapping): the partition moved → NOT_COORDINATOR; records too large
// → `too_large` (INVALID_COMMIT_OFFSET_SIZE for commits, UNKNOWN_SERVER_ERROR
// for group metadata); anything else → COORDINATOR_NOT_AVAILABLE (retriable).
#pragma once

#include "base/error_code.h"

namespace gregor::coordinator::group {

inline ErrorCode client_error_of_write(ErrorCode e, ErrorCode too_large) {
  switch (e) {
    case ErrorCode::kNone:
      return e;
    case ErrorCode::kNotLeaderOrFollower:
      return ErrorCode::kNotCoordinator;
    case ErrorCode::kMessageTooLarge:
    case ErrorCode::kRecordListTooLarge:
      return too_large;
    default:
      return ErrorCode::kCoordinatorNotAvailable;
  }
}

}  // namespace gregor::coordinator::group
