// Request frames captured from real clients (tools/capture_proxy.py against
// librdkafka's mock broker; see golden/README.md): each must decode completely
// and re-encode to the identical bytes, and a few fields are checked by value.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "protocol/header.h"
#include "protocol/messages/api_versions.h"
#include "protocol/messages/fetch.h"
#include "protocol/messages/join_group.h"
#include "protocol/messages/metadata.h"
#include "protocol/messages/produce.h"
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

const MessageCase* request_case(int16_t key) {
  static const std::vector<MessageCase> all = all_cases();
  for (const MessageCase& c : all) {
    if (c.api_key == key && c.name.ends_with("Request")) return &c;
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

TEST(Golden, EveryCapturedFrameRoundTrips) {
  size_t files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(GREGOR_PROTOCOL_GOLDEN_DIR)) {
    if (entry.path().extension() != ".hex") continue;
    ++files;
    std::string name = fs::relative(entry.path(), GREGOR_PROTOCOL_GOLDEN_DIR).string();
    std::vector<uint8_t> frame = read_hex(entry.path());
    RequestHeader h;
    std::span<const uint8_t> body = body_of(frame, h);
    const MessageCase* c = request_case(h.api_key);
    ASSERT_NE(c, nullptr) << name;
    std::vector<uint8_t> again;
    EXPECT_TRUE(c->decode(body, h.api_version, &again)) << name;
    EXPECT_EQ(again, std::vector<uint8_t>(body.begin(), body.end())) << name;
  }
  EXPECT_GE(files, 40u);
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
    RequestHeader h;
    auto m = decode_golden<ProduceRequest>(rel, h);
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

}  // namespace
}  // namespace gregor::protocol::testing
