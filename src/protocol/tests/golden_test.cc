// Frames captured from real clients (tools/capture_proxy.py; see
// golden/README.md): each request must decode completely and re-encode to the
// identical bytes, and a few fields are checked by value. Responses
// (<stem>.response.hex next to the request <stem>.hex) come from Gregor's own
// encoder, so they are only checked to decode cleanly with the expected values.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "protocol/header.h"
#include "protocol/messages/api_versions.h"
#include "protocol/messages/create_partitions.h"
#include "protocol/messages/create_topics.h"
#include "protocol/messages/delete_topics.h"
#include "protocol/messages/fetch.h"
#include "protocol/messages/join_group.h"
#include "protocol/messages/list_offsets.h"
#include "protocol/messages/metadata.h"
#include "protocol/messages/produce.h"
#include "protocol/messages/response_header.h"
#include "protocol/tests/message_case.h"

namespace gregor::protocol::testing {
namespace {

namespace fs = std::filesystem;

std::vector<uint8_t> read_hex(const fs::path& p) {
  std::ifstream in(p);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<uint8_t> out;
  int hi = -1;
  for (char ch : text) {
    int v;
    if (ch >= '0' && ch <= '9') {
      v = ch - '0';
    } else if (ch >= 'a' && ch <= 'f') {
      v = ch - 'a' + 10;
    } else {
      continue;
    }
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<uint8_t>(hi << 4 | v));
      hi = -1;
    }
  }
  return out;
}

std::vector<uint8_t> golden(const std::string& rel) {
  auto bytes = read_hex(fs::path(GREGOR_PROTOCOL_GOLDEN_DIR) / rel);
  EXPECT_FALSE(bytes.empty()) << rel;
  return bytes;
}

constexpr std::string_view kResponseSuffix = ".response.hex";

bool is_response_file(const fs::path& p) {
  return p.filename().string().ends_with(kResponseSuffix);
}

// `kind` is "Request" or "Response".
const MessageCase* message_case(int16_t key, std::string_view kind) {
  static const std::vector<MessageCase> all = all_cases();
  for (const MessageCase& c : all) {
    if (c.api_key == key && c.name.ends_with(kind)) return &c;
  }
  return nullptr;
}

// Splits a frame into header and body, checking the header re-encodes exactly.
std::span<const uint8_t> body_of(const std::vector<uint8_t>& frame, RequestHeader& h) {
  ByteReader r(frame);
  EXPECT_TRUE(decode_request_header(r, h));
  size_t header_size = frame.size() - r.remaining();
  ByteWriter w;
  encode_request_header(w, h);
  EXPECT_EQ(w.flatten(), std::vector<uint8_t>(frame.begin(), frame.begin() + header_size));
  return {r.cursor(), r.remaining()};
}

// Skips the response header of `frame` (answering the request `h`), checking
// the correlation id and that the header re-encodes exactly.
std::span<const uint8_t> response_body_of(const std::vector<uint8_t>& frame,
                                          const RequestHeader& h) {
  ByteReader r(frame);
  ResponseHeaderData rh;
  int16_t version = response_header_version(h.api_key, h.api_version);
  rh.decode(r, version);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(rh.correlation_id, h.correlation_id);
  ByteWriter w;
  rh.encode(w, version);
  EXPECT_EQ(w.flatten(), std::vector<uint8_t>(frame.begin(), frame.end() - r.remaining()));
  return {r.cursor(), r.remaining()};
}

TEST(Golden, EveryCapturedFrameRoundTrips) {
  size_t files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(GREGOR_PROTOCOL_GOLDEN_DIR)) {
    if (entry.path().extension() != ".hex" || is_response_file(entry.path())) continue;
    ++files;
    std::string name = fs::relative(entry.path(), GREGOR_PROTOCOL_GOLDEN_DIR).string();
    std::vector<uint8_t> frame = read_hex(entry.path());
    RequestHeader h;
    std::span<const uint8_t> body = body_of(frame, h);
    const MessageCase* c = message_case(h.api_key, "Request");
    ASSERT_NE(c, nullptr) << name;
    std::vector<uint8_t> again;
    EXPECT_TRUE(c->decode(body, h.api_version, &again)) << name;
    EXPECT_EQ(again, std::vector<uint8_t>(body.begin(), body.end())) << name;
  }
  EXPECT_GE(files, 82u);
}

TEST(Golden, EveryCapturedResponseRoundTrips) {
  size_t files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(GREGOR_PROTOCOL_GOLDEN_DIR)) {
    if (!is_response_file(entry.path())) continue;
    ++files;
    std::string name = fs::relative(entry.path(), GREGOR_PROTOCOL_GOLDEN_DIR).string();
    std::string request = entry.path().string();
    request.replace(request.size() - kResponseSuffix.size(), kResponseSuffix.size(), ".hex");
    std::vector<uint8_t> request_frame = read_hex(request);
    ASSERT_FALSE(request_frame.empty()) << name << ": no request next to it";
    RequestHeader h;
    body_of(request_frame, h);
    std::vector<uint8_t> frame = read_hex(entry.path());
    std::span<const uint8_t> body = response_body_of(frame, h);
    const MessageCase* c = message_case(h.api_key, "Response");
    ASSERT_NE(c, nullptr) << name;
    std::vector<uint8_t> again;
    EXPECT_TRUE(c->decode(body, h.api_version, &again)) << name;
    EXPECT_EQ(again, std::vector<uint8_t>(body.begin(), body.end())) << name;
  }
  EXPECT_GE(files, 29u);
}

template <typename M>
M decode_golden(const std::string& rel, RequestHeader& h) {
  std::vector<uint8_t> frame = golden(rel);
  std::span<const uint8_t> body = body_of(frame, h);
  ByteReader r(body);
  M m;
  m.decode(r, h.api_version);
  EXPECT_TRUE(r.ok()) << rel;
  return m;
}

// Decodes <stem>.hex into `h` and returns its body; for the admin cases below.
template <typename M>
M decode_request(const std::string& stem, RequestHeader& h) {
  return decode_golden<M>(stem + ".hex", h);
}

// Decodes the response <stem>.response.hex to the request `h`.
template <typename M>
M decode_response(const std::string& stem, const RequestHeader& h) {
  std::vector<uint8_t> frame = golden(stem + std::string(kResponseSuffix));
  ByteReader r(response_body_of(frame, h));
  M m;
  m.decode(r, h.api_version);
  EXPECT_TRUE(r.ok() && r.remaining() == 0) << stem;
  return m;
}

TEST(Golden, LibrdkafkaApiVersionsV3) {
  RequestHeader h;
  auto m = decode_golden<ApiVersionsRequest>("kcat/api_versions_v3.hex", h);
  EXPECT_EQ(h.api_key, 18);
  EXPECT_EQ(h.client_id, std::optional<std::string>("rdkafka"));
  EXPECT_EQ(m.client_software_name, "librdkafka");
  EXPECT_EQ(m.client_software_version, "2.0.2");
  auto c = decode_golden<ApiVersionsRequest>("confluent-kafka-python/api_versions_v3.hex", h);
  EXPECT_EQ(c.client_software_name, "confluent-kafka-python");
}

TEST(Golden, KafkaPythonMetadataV0AndV1) {
  RequestHeader h;
  auto m0 = decode_golden<MetadataRequest>("kafka-python/metadata_v0.hex", h);
  EXPECT_EQ(h.api_version, 0);
  ASSERT_TRUE(m0.topics.has_value());
  auto m1 = decode_golden<MetadataRequest>("kafka-python/metadata_v1.hex", h);
  EXPECT_EQ(h.api_version, 1);
  EXPECT_TRUE(h.client_id.has_value());
}

TEST(Golden, ProduceV7CarriesRecordBatchV2) {
  for (const char* rel : {"kcat/produce_v7.hex", "kafka-python/produce_v7.hex",
                          "confluent-kafka-python/produce_v7.hex"}) {
    // Records views the frame, so the frame must outlive the message here.
    std::vector<uint8_t> frame = golden(rel);
    RequestHeader h;
    ByteReader r(body_of(frame, h));
    ProduceRequest m;
    m.decode(r, h.api_version);
    ASSERT_TRUE(r.ok()) << rel;
    ASSERT_FALSE(m.topic_data.empty()) << rel;
    ASSERT_FALSE(m.topic_data[0].partition_data.empty()) << rel;
    const Records& rec = m.topic_data[0].partition_data[0].records;
    ASSERT_FALSE(rec.is_null) << rel;
    ASSERT_GT(rec.data.size(), 61u) << rel;
    EXPECT_EQ(rec.data[16], 2) << rel;  // magic byte of a v2 batch
  }
}

TEST(Golden, FetchV11) {
  RequestHeader h;
  auto m = decode_golden<FetchRequest>("kcat/fetch_v11.hex", h);
  EXPECT_EQ(m.replica_id, -1);
  ASSERT_FALSE(m.topics.empty());
  EXPECT_EQ(m.topics[0].topic, "cap1");
}

TEST(Golden, JoinGroupV5) {
  RequestHeader h;
  auto m = decode_golden<JoinGroupRequest>("kcat/join_group_v5.hex", h);
  EXPECT_EQ(m.group_id, "capgrp");
  EXPECT_EQ(m.protocol_type, "consumer");
  EXPECT_FALSE(m.protocols.empty());
}

// Admin requests captured against Gregor: each client created a topic (first
// with validate_only), grew it, and deleted it.
struct CreateTopicsCapture {
  const char* stem;
  const char* topic;
  int32_t partitions;
  const char* retention_ms;
  bool validate_only;
};

constexpr CreateTopicsCapture kCreateTopics[] = {
    {"confluent-kafka-python/create_topics_v4_validate_only", "gold-ck", 3, "3600000", true},
    {"confluent-kafka-python/create_topics_v4", "gold-ck", 3, "3600000", false},
    {"kafka-python/create_topics_v3_validate_only", "gold-kp", 2, "7200000", true},
    {"kafka-python/create_topics_v3", "gold-kp", 2, "7200000", false},
    {"kafkajs/create_topics_v3_validate_only", "gold-kj", 3, "3600000", true},
    {"kafkajs/create_topics_v3", "gold-kj", 3, "3600000", false},
};

TEST(Golden, AdminCreateTopics) {
  using Configs = std::map<std::string, std::optional<std::string>>;
  for (const CreateTopicsCapture& c : kCreateTopics) {
    SCOPED_TRACE(c.stem);
    RequestHeader h;
    auto m = decode_request<CreateTopicsRequest>(c.stem, h);
    EXPECT_EQ(h.api_key, 19);
    ASSERT_EQ(m.topics.size(), 1u);
    const auto& t = m.topics[0];
    EXPECT_EQ(t.name, c.topic);
    EXPECT_EQ(t.num_partitions, c.partitions);
    EXPECT_EQ(t.replication_factor, 1);
    EXPECT_TRUE(t.assignments.empty());
    Configs configs;
    for (const auto& e : t.configs) configs[e.name] = e.value;
    EXPECT_EQ(configs, (Configs{{"cleanup.policy", "delete"}, {"retention.ms", c.retention_ms}}));
    EXPECT_EQ(m.validate_only, c.validate_only);
    EXPECT_GT(m.timeout_ms, 0);
    auto r = decode_response<CreateTopicsResponse>(c.stem, h);
    ASSERT_EQ(r.topics.size(), 1u);
    EXPECT_EQ(r.topics[0].name, c.topic);
    EXPECT_EQ(r.topics[0].error_code, 0);
  }
}

struct TopicCapture {
  const char* stem;
  const char* topic;
  int32_t count;  // CreatePartitions: the new total
};

TEST(Golden, AdminCreatePartitions) {
  for (const TopicCapture& c :
       {TopicCapture{"confluent-kafka-python/create_partitions_v0", "gold-ck", 5},
        TopicCapture{"kafka-python/create_partitions_v1", "gold-kp", 4},
        TopicCapture{"kafkajs/create_partitions_v1", "gold-kj", 5}}) {
    SCOPED_TRACE(c.stem);
    RequestHeader h;
    auto m = decode_request<CreatePartitionsRequest>(c.stem, h);
    ASSERT_EQ(m.topics.size(), 1u);
    EXPECT_EQ(m.topics[0].name, c.topic);
    EXPECT_EQ(m.topics[0].count, c.count);
    EXPECT_FALSE(m.topics[0].assignments.has_value());
    EXPECT_FALSE(m.validate_only);
    auto r = decode_response<CreatePartitionsResponse>(c.stem, h);
    ASSERT_EQ(r.results.size(), 1u);
    EXPECT_EQ(r.results[0].name, c.topic);
    EXPECT_EQ(r.results[0].error_code, 0);
  }
}

TEST(Golden, AdminDeleteTopics) {
  for (const TopicCapture& c :
       {TopicCapture{"confluent-kafka-python/delete_topics_v1", "gold-ck", 0},
        TopicCapture{"kafka-python/delete_topics_v3", "gold-kp", 0},
        TopicCapture{"kafkajs/delete_topics_v1", "gold-kj", 0}}) {
    SCOPED_TRACE(c.stem);
    RequestHeader h;
    auto m = decode_request<DeleteTopicsRequest>(c.stem, h);
    EXPECT_EQ(m.topic_names, std::vector<std::string>{c.topic});
    EXPECT_GT(m.timeout_ms, 0);
    auto r = decode_response<DeleteTopicsResponse>(c.stem, h);
    ASSERT_EQ(r.responses.size(), 1u);
    EXPECT_EQ(r.responses[0].name, std::optional<std::string>(c.topic));
    EXPECT_EQ(r.responses[0].error_code, 0);
  }
}

// One record was produced to partition 0 before these, so latest is offset 1;
// the timestamp queries asked for a minute before it and found offset 0.
struct ListOffsetsCapture {
  const char* stem;
  const char* topic;
  int64_t timestamp;  // -1 latest, -2 earliest, 0: a wall-clock time (checked as recent)
  int64_t offset;
};

constexpr ListOffsetsCapture kListOffsets[] = {
    {"confluent-kafka-python/list_offsets_v2_latest", "gold-ck", -1, 1},
    {"confluent-kafka-python/list_offsets_v2_timestamp", "gold-ck", 0, 0},
    {"kafka-python/list_offsets_v1_latest", "gold-kp", -1, 1},
    {"kafka-python/list_offsets_v1_earliest", "gold-kp", -2, 0},
    {"kafka-python/list_offsets_v1_timestamp", "gold-kp", 0, 0},
    {"kafkajs/list_offsets_v3_latest", "gold-kj", -1, 1},
    {"kafkajs/list_offsets_v3_earliest", "gold-kj", -2, 0},
    {"kafkajs/list_offsets_v3_timestamp", "gold-kj", 0, 0},
};

TEST(Golden, ListOffsetsAtEachClientsVersion) {
  for (const ListOffsetsCapture& c : kListOffsets) {
    SCOPED_TRACE(c.stem);
    RequestHeader h;
    auto m = decode_request<ListOffsetsRequest>(c.stem, h);
    EXPECT_EQ(m.replica_id, -1);
    if (h.api_version >= 2) {
      EXPECT_EQ(m.isolation_level, 1);  // both clients read committed
    }
    ASSERT_EQ(m.topics.size(), 1u);
    EXPECT_EQ(m.topics[0].name, c.topic);
    ASSERT_FALSE(m.topics[0].partitions.empty());
    const auto& p = m.topics[0].partitions[0];
    EXPECT_EQ(p.partition_index, 0);
    if (c.timestamp < 0) {
      EXPECT_EQ(p.timestamp, c.timestamp);
    } else {
      EXPECT_GT(p.timestamp, 1'600'000'000'000);
    }
    auto r = decode_response<ListOffsetsResponse>(c.stem, h);
    ASSERT_EQ(r.topics.size(), 1u);
    EXPECT_EQ(r.topics[0].name, c.topic);
    ASSERT_EQ(r.topics[0].partitions.size(), m.topics[0].partitions.size());
    EXPECT_EQ(r.topics[0].partitions[0].partition_index, 0);
    EXPECT_EQ(r.topics[0].partitions[0].error_code, 0);
    EXPECT_EQ(r.topics[0].partitions[0].offset, c.offset);
  }
}

// Fetches at the end of partition 0 (offset 1) with fetch.max.wait 400 ms:
// the broker held each one and answered with no records.
TEST(Golden, FetchLongPoll) {
  for (const TopicCapture& c :
       {TopicCapture{"confluent-kafka-python/fetch_v11_long_poll", "gold-ck", 0},
        TopicCapture{"kafka-python/fetch_v4_long_poll", "gold-kp", 0},
        TopicCapture{"kafkajs/fetch_v11_long_poll", "gold-kj", 0}}) {
    SCOPED_TRACE(c.stem);
    RequestHeader h;
    auto m = decode_request<FetchRequest>(c.stem, h);
    EXPECT_EQ(m.max_wait_ms, 400);
    EXPECT_EQ(m.min_bytes, 1);
    ASSERT_EQ(m.topics.size(), 1u);
    EXPECT_EQ(m.topics[0].topic, c.topic);
    ASSERT_EQ(m.topics[0].partitions.size(), 1u);
    EXPECT_EQ(m.topics[0].partitions[0].fetch_offset, 1);
    auto r = decode_response<FetchResponse>(c.stem, h);
    EXPECT_EQ(r.error_code, 0);
    ASSERT_EQ(r.responses.size(), 1u);
    EXPECT_EQ(r.responses[0].topic, c.topic);
    ASSERT_EQ(r.responses[0].partitions.size(), 1u);
    const auto& p = r.responses[0].partitions[0];
    EXPECT_EQ(p.error_code, 0);
    EXPECT_EQ(p.high_watermark, 1);
    EXPECT_TRUE(p.records.is_null || p.records.data.empty());
  }
}

TEST(Golden, MetadataWithExplicitTopics) {
  for (const TopicCapture& c :
       {TopicCapture{"kafka-python/metadata_v0_topics", "gold-kp0", 0},
        TopicCapture{"kafka-python/metadata_v1_topics", "gold-kp", 0},
        TopicCapture{"confluent-kafka-python/metadata_v4_topics", "gold-ck", 0},
        TopicCapture{"kafkajs/metadata_v6_topics", "gold-kj", 0}}) {
    SCOPED_TRACE(c.stem);
    RequestHeader h;
    auto m = decode_request<MetadataRequest>(c.stem, h);
    ASSERT_TRUE(m.topics.has_value());
    ASSERT_EQ(m.topics->size(), 1u);
    EXPECT_EQ((*m.topics)[0].name, std::optional<std::string>(c.topic));
    auto r = decode_response<MetadataResponse>(c.stem, h);
    ASSERT_EQ(r.brokers.size(), 1u);
    EXPECT_EQ(r.brokers[0].host, "127.0.0.1");
    ASSERT_EQ(r.topics.size(), 1u);
    EXPECT_EQ(r.topics[0].name, std::optional<std::string>(c.topic));
    EXPECT_EQ(r.topics[0].error_code, 0);
    EXPECT_FALSE(r.topics[0].partitions.empty());
  }
  // All topics: null in v1+ (kafka-python's admin client, kafkajs's describeCluster).
  for (const char* stem : {"kafka-python/metadata_v5", "kafkajs/metadata_v6"}) {
    RequestHeader h;
    EXPECT_FALSE(decode_request<MetadataRequest>(stem, h).topics.has_value()) << stem;
    EXPECT_EQ(decode_response<MetadataResponse>(stem, h).brokers.size(), 1u) << stem;
  }
}

}  // namespace
}  // namespace gregor::protocol::testing
