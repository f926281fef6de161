// Batches produced by real Kafka clients, captured off the wire by
// tests/data/capture_produce.py: librdkafka 2.0.2 (kcat -z none|gzip|snappy|
// lz4|zstd; its snappy is a raw block) and kafka-python 2.0.2 (none, gzip and
// xerial-framed snappy; python-snappy is not packaged here, so kafka-python's
// framing code ran over libsnappy through a small ctypes stand-in). Each holds
// 250 records "key-i" / "value-i ..." with headers trace=abc and empty="".
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "protocol/record/batch_validator.h"
#include "protocol/record/compression.h"
#include "protocol/record/crc32c.h"
#include "protocol/record/record.h"
#include "protocol/record/tests/test_util.h"

namespace gregor::record {
namespace {

using testing::str;

struct Vector {
  const char* file;
  Codec codec;
};

constexpr Vector kVectors[] = {
    {"librdkafka-2.0.2-none.bin", Codec::kNone},
    {"librdkafka-2.0.2-gzip.bin", Codec::kGzip},
    {"librdkafka-2.0.2-snappy.bin", Codec::kSnappy},
    {"librdkafka-2.0.2-lz4.bin", Codec::kLz4},
    {"librdkafka-2.0.2-zstd.bin", Codec::kZstd},
    {"kafka-python-2.0.2-none.bin", Codec::kNone},
    {"kafka-python-2.0.2-gzip.bin", Codec::kGzip},
    {"kafka-python-2.0.2-snappy-xerial.bin", Codec::kSnappy},
};

std::vector<uint8_t> load(const char* name) {
  std::ifstream in(std::string(GREGOR_RECORD_TESTDATA) + "/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string expected_value(int i) {
  std::string v = "value-" + std::to_string(i) + " ";
  for (int k = 0; k < 14; ++k) v += "the quick brown fox " + std::to_string(i % 7) + " ";
  return v;
}

class ClientVector : public ::testing::TestWithParam<Vector> {};

TEST_P(ClientVector, ValidatesAndReadsBack) {
  auto batch = load(GetParam().file);
  ASSERT_GT(batch.size(), kHeaderSize);
  BatchHeaderView h(batch.data());
  EXPECT_EQ(h.compression(), static_cast<int>(GetParam().codec));
  EXPECT_EQ(crc32c(batch.data() + kAttributesPos, batch.size() - kAttributesPos), h.crc());

  ValidationOptions o;
  o.now_ms = h.max_timestamp();
  o.max_timestamp_diff_ms = 60'000;
  auto original = batch;
  auto info = validate_produce_batch(batch, o);
  ASSERT_TRUE(info.ok()) << error_name(info.error());
  EXPECT_EQ(info->records_count, 250);
  EXPECT_EQ(batch, original) << "a correct client batch must not be rewritten";

  set_offsets(batch, 1000, 3);
  auto br = BatchRecords::open(batch, {.verify_crc = true});
  ASSERT_TRUE(br.ok()) << error_name(br.error());
  RecordView r;
  for (int i = 0; i < 250; ++i) {
    auto more = br->next(r);
    ASSERT_TRUE(more.ok() && *more) << i;
    EXPECT_EQ(r.offset, 1000 + i);
    EXPECT_GE(r.timestamp, h.base_timestamp());
    EXPECT_LE(r.timestamp, h.max_timestamp());
    ASSERT_TRUE(r.key && r.value);
    ASSERT_EQ(str(*r.key), "key-" + std::to_string(i));
    ASSERT_EQ(str(*r.value), expected_value(i));
    ASSERT_EQ(r.headers.size(), 2u);
    EXPECT_EQ(str(r.headers[0].key), "trace");
    EXPECT_EQ(str(*r.headers[0].value), "abc");
    EXPECT_EQ(str(r.headers[1].key), "empty");
    ASSERT_TRUE(r.headers[1].value.has_value());
    EXPECT_TRUE(r.headers[1].value->empty());
  }
  auto end = br->next(r);
  ASSERT_TRUE(end.ok());
  EXPECT_FALSE(*end);
}

TEST(ClientVectors, OurCodecsRoundTripTheClientPayloads) {
  // Decompress each client's payload, recompress it with our encoder and make
  // sure both decode to the same record bytes.
  for (const Vector& v : kVectors) {
    if (v.codec == Codec::kNone) continue;
    auto batch = load(v.file);
    std::span<const uint8_t> payload(batch.data() + kHeaderSize, batch.size() - kHeaderSize);
    auto plain = decompress(v.codec, payload, 1 << 20);
    ASSERT_TRUE(plain.ok()) << v.file << ": " << codec_error_name(plain.error());
    auto again = compress(v.codec, *plain);
    ASSERT_TRUE(again.ok()) << v.file;
    auto back = decompress(v.codec, *again, 1 << 20);
    ASSERT_TRUE(back.ok()) << v.file;
    EXPECT_EQ(*back, *plain) << v.file;
  }
}

INSTANTIATE_TEST_SUITE_P(Clients, ClientVector, ::testing::ValuesIn(kVectors),
                         [](const auto& info) {
                           std::string n = info.param.file;
                           n = n.substr(0, n.size() - 4);
                           for (char& c : n)
                             if (c == '-' || c == '.') c = '_';
                           return n;
                         });

TEST(ClientVectors, KafkaPythonSnappyUsesXerialFraming) {
  auto batch = load("kafka-python-2.0.2-snappy-xerial.bin");
  ASSERT_GT(batch.size(), kHeaderSize + 16);
  EXPECT_EQ(batch[kHeaderSize], 0x82);
  EXPECT_EQ(std::string(batch.begin() + kHeaderSize + 1, batch.begin() + kHeaderSize + 7),
            "SNAPPY");
  // librdkafka sends a raw block instead.
  auto raw = load("librdkafka-2.0.2-snappy.bin");
  EXPECT_NE(raw[kHeaderSize], 0x82);
}

}  // namespace
}  // namespace gregor::record
