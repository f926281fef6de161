// Sending records through a librdkafka producer, shared by `produce` and
// `bench`: enqueue with back-pressure, and the producer defaults both use.
#pragma once

#include <string>
#include <string_view>

#include "cli/client.h"
#include "cli/rdkafka_ptr.h"

namespace gregor::cli {

// A topic handle, so that sending does not look the topic up by name for
// every record.
using TopicPtr =
    std::unique_ptr<rd_kafka_topic_t, RdDeleter<rd_kafka_topic_t, rd_kafka_topic_destroy>>;
TopicPtr topic_handle(Client& producer, const std::string& name);

struct OutgoingRecord {
  rd_kafka_topic_t* topic = nullptr;
  int partition = RD_KAFKA_PARTITION_UA;
  const void* key = nullptr;  // nullptr: no key
  size_t key_size = 0;
  const void* value = nullptr;  // nullptr: null value
  size_t value_size = 0;
  rd_kafka_headers_t* headers = nullptr;  // ownership passes to librdkafka on success
  void* opaque = nullptr;                 // the delivery report's _private
};

// Enqueues one record (copying key and value). When librdkafka's queue is
// full it serves delivery reports until there is room. Throws on other errors.
void send_record(Client& producer, const OutgoingRecord& record);

// Waits until every enqueued record is delivered or failed; throws if the
// timeout passes first.
void flush_producer(Client& producer, int timeout_ms);

// Kafka's Java partitioner for keyed records, so that a key lands on the
// partition Java clients would choose; acks and compression from flags.
Properties producer_defaults(const std::string& acks, const std::string& compression,
                             bool idempotent);

}  // namespace gregor::cli
