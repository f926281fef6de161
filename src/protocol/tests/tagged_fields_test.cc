// Tagged-field sections (KIP-482): written only when non-default and in tag
// order; read in any order; unknown tags skipped; malformed sections rejected.
#include <gtest/gtest.h>

#include <vector>

#include "protocol/messages/api_versions.h"
#include "protocol/messages/fetch.h"

namespace gregor::protocol {
namespace {

std::vector<uint8_t> encode(const ApiVersionsResponse& m, int16_t v) {
  ByteWriter w;
  m.encode(w, v);
  return w.flatten();
}

// ApiVersions v3 response: error 0, one api entry, throttle 0, then `tags`.
std::vector<uint8_t> v3_body_with(std::vector<uint8_t> tags) {
  std::vector<uint8_t> b = {0, 0, 2, 0, 18, 0, 0, 0, 4, 0, 0, 0, 0, 0};
  b.insert(b.end(), tags.begin(), tags.end());
  return b;
}

TEST(TaggedFields, DefaultsAreNotWritten) {
  ApiVersionsResponse m;
  m.api_keys.push_back({18, 0, 4});
  EXPECT_EQ(encode(m, 3), v3_body_with({0}));
  m.finalized_features_epoch = -1;  // the default: still not written
  EXPECT_EQ(encode(m, 3), v3_body_with({0}));
}

TEST(TaggedFields, WrittenInTagOrder) {
  ApiVersionsResponse m;
  m.api_keys.push_back({18, 0, 4});
  m.zk_migration_ready = true;     // tag 3
  m.finalized_features_epoch = 7;  // tag 1
  EXPECT_EQ(encode(m, 3), v3_body_with({2, 1, 8, 0, 0, 0, 0, 0, 0, 0, 7, 3, 1, 1}));
  // Classic versions have no tag section at all.
  EXPECT_EQ(encode(m, 2).size(), 16u);  // int32 count, no entry tags
}

TEST(TaggedFields, ReadInAnyOrderAndUnknownSkipped) {
  auto b = v3_body_with({3, 3, 1, 1,                       // tag 3: true
                         9, 3, 0xde, 0xad, 0xbf,           // tag 9: unknown, skipped
                         1, 8, 0, 0, 0, 0, 0, 0, 0, 42});  // tag 1: 42
  ByteReader r(b);
  ApiVersionsResponse m;
  m.decode(r, 3);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.remaining(), 0u);
  EXPECT_TRUE(m.zk_migration_ready);
  EXPECT_EQ(m.finalized_features_epoch, 42);
  ASSERT_EQ(m.api_keys.size(), 1u);
  EXPECT_EQ(m.api_keys[0].max_version, 4);
}

TEST(TaggedFields, StructArrayTag) {
  ApiVersionsResponse m;
  m.supported_features.push_back({"metadata.version", 1, 20});
  auto b = encode(m, 3);
  ByteReader r(b);
  ApiVersionsResponse out;
  out.decode(r, 3);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(out.supported_features.size(), 1u);
  EXPECT_EQ(out.supported_features[0].name, "metadata.version");
  EXPECT_EQ(out.supported_features[0].max_version, 20);
}

TEST(TaggedFields, SizeBeyondInputFails) {
  auto b = v3_body_with({1, 9, 5, 1});
  ByteReader r(b);
  ApiVersionsResponse m;
  m.decode(r, 3);
  EXPECT_FALSE(r.ok());
}

TEST(TaggedFields, PayloadShorterThanFieldFails) {
  auto b = v3_body_with({1, 1, 4, 0, 0, 0, 0});  // int64 tag with a 4-byte payload
  ByteReader r(b);
  ApiVersionsResponse m;
  m.decode(r, 3);
  EXPECT_FALSE(r.ok());
}

TEST(TaggedFields, NestedStructTagInFetchPartition) {
  FetchResponse m;
  auto& t = m.responses.emplace_back();
  t.topic_id.bytes[0] = 1;
  auto& p = t.partitions.emplace_back();
  p.partition_index = 3;
  p.current_leader.leader_id = 2;  // tag 1 of PartitionData, non-default
  p.current_leader.leader_epoch = 9;
  ByteWriter w;
  m.encode(w, 16);
  auto b = w.flatten();
  ByteReader r(b);
  FetchResponse out;
  out.decode(r, 16);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(out.responses.size(), 1u);
  ASSERT_EQ(out.responses[0].partitions.size(), 1u);
  EXPECT_EQ(out.responses[0].partitions[0].current_leader.leader_id, 2);
  EXPECT_EQ(out.responses[0].partitions[0].current_leader.leader_epoch, 9);
  EXPECT_EQ(out.responses[0].partitions[0].diverging_epoch.epoch, -1);  // absent: default
}

}  // namespace
}  // namespace gregor::protocol
