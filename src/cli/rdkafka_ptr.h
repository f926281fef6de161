// unique_ptr owners for librdkafka's C objects, so that every early return or
// CommandError releases them.
#pragma once

#include <librdkafka/rdkafka.h>

#include <memory>

namespace gregor::cli {

template <typename T, void (*Destroy)(T*)>
struct RdDeleter {
  void operator()(T* p) const {
    if (p != nullptr) Destroy(p);
  }
};

using EventPtr =
    std::unique_ptr<rd_kafka_event_t, RdDeleter<rd_kafka_event_t, rd_kafka_event_destroy>>;
using QueuePtr =
    std::unique_ptr<rd_kafka_queue_t, RdDeleter<rd_kafka_queue_t, rd_kafka_queue_destroy>>;
using AdminOptionsPtr =
    std::unique_ptr<rd_kafka_AdminOptions_t,
                    RdDeleter<rd_kafka_AdminOptions_t, rd_kafka_AdminOptions_destroy>>;
using PartitionListPtr = std::unique_ptr<
    rd_kafka_topic_partition_list_t,
    RdDeleter<rd_kafka_topic_partition_list_t, rd_kafka_topic_partition_list_destroy>>;
using ErrorPtr =
    std::unique_ptr<rd_kafka_error_t, RdDeleter<rd_kafka_error_t, rd_kafka_error_destroy>>;
using HeadersPtr =
    std::unique_ptr<rd_kafka_headers_t, RdDeleter<rd_kafka_headers_t, rd_kafka_headers_destroy>>;
using MessagePtr =
    std::unique_ptr<rd_kafka_message_t, RdDeleter<rd_kafka_message_t, rd_kafka_message_destroy>>;

using NewTopicPtr =
    std::unique_ptr<rd_kafka_NewTopic_t, RdDeleter<rd_kafka_NewTopic_t, rd_kafka_NewTopic_destroy>>;

inline PartitionListPtr new_partition_list(int size) {
  return PartitionListPtr(rd_kafka_topic_partition_list_new(size));
}

}  // namespace gregor::cli
