#include "base/error_code.h"

namespace gregor {

std::string_view error_name(ErrorCode code) {
  switch (code) {
#define GREGOR_ERR(name, text) \
  case ErrorCode::name:        \
    return text;
    GREGOR_ERR(kUnknownServerError, "UNKNOWN_SERVER_ERROR")
    GREGOR_ERR(kNone, "NONE")
    GREGOR_ERR(kOffsetOutOfRange, "OFFSET_OUT_OF_RANGE")
    GREGOR_ERR(kCorruptMessage, "CORRUPT_MESSAGE")
    GREGOR_ERR(kUnknownTopicOrPartition, "UNKNOWN_TOPIC_OR_PARTITION")
    GREGOR_ERR(kInvalidFetchSize, "INVALID_FETCH_SIZE")
    GREGOR_ERR(kLeaderNotAvailable, "LEADER_NOT_AVAILABLE")
    GREGOR_ERR(kNotLeaderOrFollower, "NOT_LEADER_OR_FOLLOWER")
    GREGOR_ERR(kRequestTimedOut, "REQUEST_TIMED_OUT")
    GREGOR_ERR(kMessageTooLarge, "MESSAGE_TOO_LARGE")
    GREGOR_ERR(kInvalidTopicException, "INVALID_TOPIC_EXCEPTION")
    GREGOR_ERR(kRecordListTooLarge, "RECORD_LIST_TOO_LARGE")
    GREGOR_ERR(kInvalidRequiredAcks, "INVALID_REQUIRED_ACKS")
    GREGOR_ERR(kInvalidTimestamp, "INVALID_TIMESTAMP")
    GREGOR_ERR(kUnsupportedVersion, "UNSUPPORTED_VERSION")
    GREGOR_ERR(kTopicAlreadyExists, "TOPIC_ALREADY_EXISTS")
    GREGOR_ERR(kInvalidPartitions, "INVALID_PARTITIONS")
    GREGOR_ERR(kInvalidReplicationFactor, "INVALID_REPLICATION_FACTOR")
    GREGOR_ERR(kInvalidConfig, "INVALID_CONFIG")
    GREGOR_ERR(kInvalidRequest, "INVALID_REQUEST")
    GREGOR_ERR(kKafkaStorageError, "KAFKA_STORAGE_ERROR")
    GREGOR_ERR(kUnsupportedCompressionType, "UNSUPPORTED_COMPRESSION_TYPE")
    GREGOR_ERR(kInvalidRecord, "INVALID_RECORD")
    GREGOR_ERR(kUnknownTopicId, "UNKNOWN_TOPIC_ID")
    GREGOR_ERR(kCoordinatorLoadInProgress, "COORDINATOR_LOAD_IN_PROGRESS")
    GREGOR_ERR(kCoordinatorNotAvailable, "COORDINATOR_NOT_AVAILABLE")
    GREGOR_ERR(kNotCoordinator, "NOT_COORDINATOR")
    GREGOR_ERR(kIllegalGeneration, "ILLEGAL_GENERATION")
    GREGOR_ERR(kUnknownMemberId, "UNKNOWN_MEMBER_ID")
    GREGOR_ERR(kRebalanceInProgress, "REBALANCE_IN_PROGRESS")
    GREGOR_ERR(kFencedInstanceId, "FENCED_INSTANCE_ID")
    GREGOR_ERR(kTransactionalIdNotFound, "TRANSACTIONAL_ID_NOT_FOUND")
#undef GREGOR_ERR
    default:
      return "ERROR";
  }
}

}  // namespace gregor
