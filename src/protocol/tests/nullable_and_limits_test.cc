// Null markers, hostile lengths and counts, and zero-copy records.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "protocol/messages/describe_topic_partitions.h"
#include "protocol/messages/metadata.h"
#include "protocol/messages/produce.h"
#include "protocol/wire.h"

namespace gregor::protocol {
namespace {

template <typename M>
std::vector<uint8_t> encode(const M& m, int16_t v) {
  ByteWriter w;
  m.encode(w, v);
  return w.flatten();
}

template <typename M>
bool decode(const std::vector<uint8_t>& b, int16_t v, M& out) {
  ByteReader r(b);
  out.decode(r, v);
  return r.ok() && r.remaining() == 0;
}

TEST(Nullable, MetadataTopicsNullMeansAllTopics) {
  MetadataRequest m;
  m.topics.reset();
  // v1: int32 -1, then allow_auto_topic_creation absent (v4+).
  EXPECT_EQ(encode(m, 1), (std::vector<uint8_t>{0xff, 0xff, 0xff, 0xff}));
  // v9 (flexible): uvarint 0, auto-create true, two bools (v8-10), tags.
  auto b = encode(m, 9);
  EXPECT_EQ(b[0], 0);
  MetadataRequest out;
  ASSERT_TRUE(decode(b, 9, out));
  EXPECT_FALSE(out.topics.has_value());
  // v0 cannot carry null: written as an empty array, and a -1 count is rejected.
  EXPECT_EQ(encode(m, 0), (std::vector<uint8_t>{0, 0, 0, 0}));
  EXPECT_FALSE(decode(std::vector<uint8_t>{0xff, 0xff, 0xff, 0xff}, 0, out));
}

TEST(Nullable, TransactionalIdNullClassicAndCompact) {
  ProduceRequest m;
  m.acks = -1;
  auto v3 = encode(m, 3);
  EXPECT_EQ(v3[0], 0xff);
  EXPECT_EQ(v3[1], 0xff);
  auto v9 = encode(m, 9);
  EXPECT_EQ(v9[0], 0x00);
  ProduceRequest out;
  out.transactional_id = "x";
  ASSERT_TRUE(decode(v9, 9, out));
  EXPECT_FALSE(out.transactional_id.has_value());
  EXPECT_EQ(out.acks, -1);
}

TEST(Nullable, StructMarker) {
  DescribeTopicPartitionsRequest m;
  auto null_cursor = encode(m, 0);
  // topics [] (1), limit (4), cursor marker -1, tags.
  EXPECT_EQ(null_cursor, (std::vector<uint8_t>{1, 0, 0, 7, 0xd0, 0xff, 0}));
  m.cursor = DescribeTopicPartitionsRequest::Cursor{};
  m.cursor->topic_name = "t";
  m.cursor->partition_index = 2;
  auto with_cursor = encode(m, 0);
  DescribeTopicPartitionsRequest out;
  ASSERT_TRUE(decode(with_cursor, 0, out));
  ASSERT_TRUE(out.cursor.has_value());
  EXPECT_EQ(out.cursor->topic_name, "t");
  EXPECT_EQ(out.cursor->partition_index, 2);
}

TEST(Limits, HugeArrayCountFailsBeforeAllocating) {
  // Produce v3: null transactional id, acks, timeout, topic count INT32_MAX.
  std::vector<uint8_t> b = {0xff, 0xff, 0, 1, 0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff, 0, 0};
  ProduceRequest m;
  EXPECT_FALSE(decode(b, 3, m));
  EXPECT_TRUE(m.topic_data.empty());
  // Produce v9: compact count 0xfffffffe.
  std::vector<uint8_t> c = {0, 0, 1, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f, 0};
  EXPECT_FALSE(decode(c, 9, m));
  EXPECT_TRUE(m.topic_data.empty());
}

TEST(Limits, PrimitiveArrayCountBoundByElementSize) {
  // 3 int32 elements claimed, 8 bytes left: fails without resizing.
  std::vector<uint8_t> b = {0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8};
  ByteReader r(b);
  int32_t n = wire::read_array_length(r, false, false, 4);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(n, 0);
}

TEST(Limits, BadStringLengths) {
  std::string s;
  std::vector<uint8_t> too_long = {0x7f, 0xff, 'a'};
  ByteReader r1(too_long);
  wire::read_string(r1, false, s);
  EXPECT_FALSE(r1.ok());
  std::vector<uint8_t> negative = {0xff, 0xfe, 'a'};
  ByteReader r2(negative);
  std::optional<std::string> o;
  wire::read_string(r2, false, true, o);
  EXPECT_FALSE(r2.ok());
  std::vector<uint8_t> null_not_allowed = {0xff, 0xff};
  ByteReader r3(null_not_allowed);
  wire::read_string(r3, false, s);
  EXPECT_FALSE(r3.ok());
  std::vector<uint8_t> overlong_varint = {0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
  ByteReader r4(overlong_varint);
  wire::read_string(r4, true, s);
  EXPECT_FALSE(r4.ok());
}

TEST(Records, ViewedInPlaceAndChunksWrittenWithoutCopy) {
  auto payload = std::make_shared<std::vector<uint8_t>>(std::vector<uint8_t>{9, 8, 7, 6, 5});
  ProduceRequest m;
  auto& p = m.topic_data.emplace_back().partition_data.emplace_back();
  p.records.is_null = false;
  p.records.chunks.push_back({payload, payload->data(), -1, 0, 2});
  p.records.chunks.push_back({payload, payload->data() + 2, -1, 0, 3});
  ByteWriter w;
  m.encode(w, 9);
  EXPECT_EQ(w.externals().size(), 2u);

  ProduceRequest copy;
  auto& q = copy.topic_data.emplace_back().partition_data.emplace_back();
  q.records.is_null = false;
  q.records.data = std::span<const uint8_t>(*payload);
  ByteWriter w2;
  copy.encode(w2, 9);
  auto flat = w.flatten();
  EXPECT_EQ(flat, w2.flatten());

  ProduceRequest out;
  ASSERT_TRUE(decode(flat, 9, out));
  const Records& rec = out.topic_data[0].partition_data[0].records;
  EXPECT_FALSE(rec.is_null);
  ASSERT_EQ(rec.data.size(), 5u);
  EXPECT_GE(rec.data.data(), flat.data());  // a view into the input, not a copy
  EXPECT_LT(rec.data.data(), flat.data() + flat.size());
  EXPECT_EQ(rec.data[0], 9);
}

TEST(Records, NullRecords) {
  ProduceRequest m;
  m.topic_data.emplace_back().partition_data.emplace_back();
  auto b = encode(m, 3);
  ProduceRequest out;
  ASSERT_TRUE(decode(b, 3, out));
  EXPECT_TRUE(out.topic_data[0].partition_data[0].records.is_null);
}

}  // namespace
}  // namespace gregor::protocol
