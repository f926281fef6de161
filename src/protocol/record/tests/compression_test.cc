#include "protocol/record/compression.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace gregor::record {
namespace {

constexpr Codec kCodecs[] = {Codec::kGzip, Codec::kSnappy, Codec::kLz4, Codec::kZstd};

std::vector<uint8_t> sample(size_t n, uint32_t seed) {
  // Compressible but not trivial: words drawn from a small vocabulary.
  static const char* words[] = {"kafka ", "broker ", "record ", "batch ", "offset ", "42 "};
  std::mt19937 rng(seed);
  std::vector<uint8_t> v;
  while (v.size() < n) {
    const char* w = words[rng() % 6];
    v.insert(v.end(), w, w + std::char_traits<char>::length(w));
  }
  v.resize(n);
  return v;
}

class CodecTest : public ::testing::TestWithParam<Codec> {};

TEST_P(CodecTest, RoundTripsManySizes) {
  for (size_t n : {0u, 1u, 100u, 4096u, 32767u, 32768u, 32769u, 65536u, 200000u, 1u << 20}) {
    auto in = sample(n, static_cast<uint32_t>(n));
    auto c = compress(GetParam(), in);
    ASSERT_TRUE(c.ok()) << n;
    if (n >= 4096) {
      EXPECT_LT(c->size(), in.size()) << "did not compress " << n;
    }
    auto d = decompress(GetParam(), *c, in.size());
    ASSERT_TRUE(d.ok()) << codec_name(GetParam()) << " " << n << ": "
                        << codec_error_name(d.error());
    EXPECT_EQ(*d, in) << n;
  }
}

TEST_P(CodecTest, RandomDataRoundTrips) {
  std::mt19937 rng(9);
  std::vector<uint8_t> in(100000);
  for (auto& b : in) b = static_cast<uint8_t>(rng());
  auto c = compress(GetParam(), in);
  ASSERT_TRUE(c.ok());
  auto d = decompress(GetParam(), *c, in.size());
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, in);
}

TEST_P(CodecTest, OutputLimitIsEnforcedExactly) {
  auto in = sample(100000, 1);
  auto c = compress(GetParam(), in);
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(decompress(GetParam(), *c, in.size()).ok());
  auto d = decompress(GetParam(), *c, in.size() - 1);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error(), CodecError::kOutputTooLarge);
}

TEST_P(CodecTest, DecompressionBombIsRefused) {
  // 64 MiB of zeros compresses to a few MiB at most (snappy) and far less for
  // the others; the guard must stop long before the whole thing is inflated.
  std::vector<uint8_t> zeros(size_t{64} << 20, 0);
  auto c = compress(GetParam(), zeros);
  ASSERT_TRUE(c.ok());
  zeros = {};
  EXPECT_LT(c->size(), size_t{16} << 20);
  auto d = decompress(GetParam(), *c, size_t{1} << 20);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error(), CodecError::kOutputTooLarge);
}

TEST_P(CodecTest, TruncatedInputIsCorrupt) {
  auto in = sample(50000, 2);
  auto c = compress(GetParam(), in);
  ASSERT_TRUE(c.ok());
  for (size_t cut = 0; cut < c->size(); cut += 1 + cut / 7) {
    std::vector<uint8_t> part(c->begin(), c->begin() + cut);
    auto d = decompress(GetParam(), part, in.size());
    // A prefix must never decode to the full data; it may only fail.
    ASSERT_FALSE(d.ok() && *d == in) << "cut " << cut;
    if (!d.ok()) {
      EXPECT_EQ(d.error(), CodecError::kCorruptInput) << "cut " << cut;
    }
  }
}

TEST_P(CodecTest, GarbageDoesNotCrash) {
  std::mt19937 rng(3);
  auto in = sample(20000, 3);
  auto c = compress(GetParam(), in);
  ASSERT_TRUE(c.ok());
  for (int i = 0; i < 300; ++i) {
    auto bad = *c;
    for (int k = 0; k < 4; ++k) bad[rng() % bad.size()] ^= static_cast<uint8_t>(1 + rng() % 255);
    auto d = decompress(GetParam(), bad, 1 << 20);
    if (d.ok()) {
      EXPECT_LE(d->size(), size_t{1} << 20);
    }
  }
}

TEST_P(CodecTest, DecompressIntoReusesBuffer) {
  std::vector<uint8_t> out(123, 0xee);
  for (size_t n : {1000u, 50u, 70000u, 0u}) {
    auto in = sample(n, 5);
    auto c = compress(GetParam(), in);
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(decompress_into(GetParam(), *c, 1 << 20, out).ok());
    EXPECT_EQ(out, in);
  }
}

INSTANTIATE_TEST_SUITE_P(AllCodecs, CodecTest, ::testing::ValuesIn(kCodecs),
                         [](const auto& info) { return std::string(codec_name(info.param)); });

TEST(Compression, NoneCopiesWithinLimit) {
  std::vector<uint8_t> in{1, 2, 3};
  auto d = decompress(Codec::kNone, in, 3);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, in);
  EXPECT_FALSE(decompress(Codec::kNone, in, 2).ok());
}

TEST(Compression, CodecIds) {
  Codec c;
  for (int id = 0; id <= 4; ++id) {
    ASSERT_TRUE(codec_from_id(id, c));
    EXPECT_EQ(static_cast<int>(c), id);
  }
  for (int id : {5, 6, 7, -1}) EXPECT_FALSE(codec_from_id(id, c));
}

TEST(Compression, SnappyWritesXerialFraming) {
  auto in = sample(70000, 6);
  auto c = compress(Codec::kSnappy, in);
  ASSERT_TRUE(c.ok());
  const uint8_t header[16] = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0, 0, 0, 0, 1, 0, 0, 0, 1};
  ASSERT_GE(c->size(), 16u);
  EXPECT_TRUE(std::equal(header, header + 16, c->begin()));
}

TEST(Compression, SnappyAcceptsRawBlockAsLibrdkafkaSends) {
  // "hello hello hello!" as a raw snappy block (varint length 18, a literal
  // "hello ", a copy of 11 bytes at distance 6, a literal "!").
  const std::vector<uint8_t> raw = {0x12, 0x14, 'h',  'e',  'l',  'l',
                                    'o',  ' ',  0x1d, 0x06, 0x00, '!'};
  auto d = decompress(Codec::kSnappy, raw, 100);
  ASSERT_TRUE(d.ok()) << codec_error_name(d.error());
  EXPECT_EQ(std::string(d->begin(), d->end()), "hello hello hello!");
}

TEST(Compression, SnappyXerialWithBadBlockLengthIsCorrupt) {
  auto c = compress(Codec::kSnappy, sample(1000, 7));
  ASSERT_TRUE(c.ok());
  (*c)[16] = 0x7f;  // block length now far past the end
  auto d = decompress(Codec::kSnappy, *c, 1 << 20);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error(), CodecError::kCorruptInput);
}

TEST(Compression, GzipAcceptsConcatenatedMembers) {
  auto a = sample(1000, 8), b = sample(2000, 9);
  auto ca = compress(Codec::kGzip, a), cb = compress(Codec::kGzip, b);
  ASSERT_TRUE(ca.ok() && cb.ok());
  std::vector<uint8_t> both = *ca;
  both.insert(both.end(), cb->begin(), cb->end());
  auto d = decompress(Codec::kGzip, both, 1 << 20);
  ASSERT_TRUE(d.ok());
  std::vector<uint8_t> expect = a;
  expect.insert(expect.end(), b.begin(), b.end());
  EXPECT_EQ(*d, expect);
}

TEST(Compression, EmptyInputIsCorruptForRealCodecs) {
  for (Codec c : kCodecs) {
    auto d = decompress(c, {}, 100);
    ASSERT_FALSE(d.ok()) << codec_name(c);
    EXPECT_EQ(d.error(), CodecError::kCorruptInput);
  }
}

}  // namespace
}  // namespace gregor::record
