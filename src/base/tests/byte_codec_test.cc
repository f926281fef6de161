#include <gtest/gtest.h>

#include "base/byte_reader.h"
#include "base/byte_writer.h"

namespace gregor {
namespace {

TEST(ByteCodec, FixedWidthRoundTrip) {
  ByteWriter w;
  w.i8(-2);
  w.i16(-300);
  w.i32(0x12345678);
  w.i64(-5);
  w.f64(1.5);
  auto bytes = w.flatten();
  ByteReader r(bytes.data(), bytes.size());
  EXPECT_EQ(r.i8(), -2);
  EXPECT_EQ(r.i16(), -300);
  EXPECT_EQ(r.i32(), 0x12345678);
  EXPECT_EQ(r.i64(), -5);
  EXPECT_EQ(r.f64(), 1.5);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(ByteCodec, BigEndianLayout) {
  ByteWriter w;
  w.i32(0x01020304);
  auto bytes = w.flatten();
  EXPECT_EQ(bytes, (std::vector<uint8_t>{1, 2, 3, 4}));
}

TEST(ByteCodec, ZigZagVarints) {
  ByteWriter w;
  w.varint(-1);
  w.varint(0);
  w.varint(1);
  w.varlong(INT64_MIN);
  w.uvarint(300);
  auto bytes = w.flatten();
  EXPECT_EQ(bytes[0], 0x01);
  EXPECT_EQ(bytes[1], 0x00);
  EXPECT_EQ(bytes[2], 0x02);
  ByteReader r(bytes.data(), bytes.size());
  EXPECT_EQ(r.varint(), -1);
  EXPECT_EQ(r.varint(), 0);
  EXPECT_EQ(r.varint(), 1);
  EXPECT_EQ(r.varlong(), INT64_MIN);
  EXPECT_EQ(r.uvarint(), 300u);
  EXPECT_TRUE(r.ok());
}

TEST(ByteCodec, ReadPastEndIsSticky) {
  uint8_t one[1] = {7};
  ByteReader r(one, 1);
  EXPECT_EQ(r.i32(), 0);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.i8(), 0);
}

TEST(ByteCodec, OverlongVarintFails) {
  uint8_t bad[6] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
  ByteReader r(bad, 6);
  r.uvarint();
  EXPECT_FALSE(r.ok());
}

TEST(ByteCodec, ExternalChunksKeepOrder) {
  static const uint8_t payload[3] = {9, 8, 7};
  ByteWriter w;
  w.i8(1);
  w.external({nullptr, payload, -1, 0, 3});
  w.i8(2);
  EXPECT_EQ(w.size(), 5u);
  EXPECT_EQ(w.segments().size(), 3u);
  EXPECT_EQ(w.flatten(), (std::vector<uint8_t>{1, 9, 8, 7, 2}));
}

TEST(Uuid, Base64RoundTrip) {
  Uuid u = Uuid::random();
  std::string text = u.to_base64();
  EXPECT_EQ(text.size(), 22u);
  Uuid back;
  ASSERT_TRUE(Uuid::from_base64(text, back));
  EXPECT_EQ(u, back);
}

}  // namespace
}  // namespace gregor
