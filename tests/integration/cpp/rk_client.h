// Thin helpers over librdkafka's C++ API (and its C admin API) for the
// real-client integration program. Every call is synchronous and bounded by a
// timeout; every handle is created and destroyed inside the call, so nothing here
// is shared between threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gregor::it {

struct Header {
  std::string name;
  std::string value;
  bool operator==(const Header&) const = default;
};

// A record as produced. Compared field by field with what the broker returns.
struct TestRecord {
  std::string key;
  std::string value;
  std::vector<Header> headers;
  int64_t timestamp_ms = 0;
};

enum class TsType { kNotAvailable, kCreate, kLogAppend };

struct Consumed {
  int64_t offset = -1;
  std::string key;
  std::string value;
  std::vector<Header> headers;
  TsType ts_type = TsType::kNotAvailable;
  int64_t timestamp_ms = -1;
};

struct Delivery {
  std::string error;  // empty on success
  int64_t offset = -1;
  TsType ts_type = TsType::kNotAvailable;
  int64_t timestamp_ms = -1;
};

int64_t NowMs();
std::string UniqueTopic(const std::string& prefix);

// n keyed records with headers (one name repeated, one empty value) and
// CreateTime timestamps base_ts_ms + 10 * i.
std::vector<TestRecord> MakeRecords(int n, const std::string& tag, int64_t base_ts_ms,
                                    size_t value_size = 64);

// Produces recs in order to one partition and flushes. Returns one Delivery per
// record in produce order, or sets *error when the producer itself failed.
std::vector<Delivery> Produce(const std::string& bootstrap, const std::string& topic,
                              int32_t partition, const std::vector<TestRecord>& recs,
                              const std::string& codec, const std::string& acks,
                              std::string* error);

// Reads exactly `count` records from `start_offset` (or a librdkafka logical
// offset) with the simple consumer (no group). Sets *error on failure/timeout.
std::vector<Consumed> Consume(const std::string& bootstrap, const std::string& topic,
                              int32_t partition, int64_t start_offset, size_t count, int timeout_ms,
                              std::string* error);

// Admin operations through librdkafka's C admin API. Each returns the topic-level
// error name ("" on success, e.g. "Broker: Topic already exists" as code name
// "TOPIC_ALREADY_EXISTS").
std::string CreateTopic(const std::string& bootstrap, const std::string& name, int partitions,
                        int replication,
                        const std::vector<std::pair<std::string, std::string>>& configs,
                        bool validate_only);
std::string DeleteTopic(const std::string& bootstrap, const std::string& name);
std::string CreatePartitions(const std::string& bootstrap, const std::string& name, int new_total,
                             bool validate_only);

// Partition count from a full Metadata request (never auto-creates); nullopt if absent.
std::optional<int> PartitionCount(const std::string& bootstrap, const std::string& topic);

// (low, high) watermarks, or nullopt with *error set.
std::optional<std::pair<int64_t, int64_t>> Watermarks(const std::string& bootstrap,
                                                      const std::string& topic, int32_t partition,
                                                      std::string* error);

// ListOffsets by timestamp; returns the offset (-1 when no record is that late).
std::optional<int64_t> OffsetForTime(const std::string& bootstrap, const std::string& topic,
                                     int32_t partition, int64_t timestamp_ms, std::string* error);

}  // namespace gregor::it
