// Recompression to the topic's compression.type.
#include <gtest/gtest.h>

#include "protocol/record/batch_builder.h"
#include "protocol/record/batch_recompress.h"
#include "protocol/record/batch_validator.h"
#include "protocol/record/crc32c.h"
#include "protocol/record/record.h"
#include "protocol/record/tests/test_util.h"

namespace gregor::record {
namespace {

using testing::simple_spec;
using testing::str;

constexpr int64_t kNow = 1'700'000'000'000;
constexpr Codec kAll[] = {Codec::kNone, Codec::kGzip, Codec::kSnappy, Codec::kLz4, Codec::kZstd};

std::vector<std::pair<std::string, std::string>> records_of(std::span<const uint8_t> batch) {
  auto opened = BatchRecords::open(batch, ReadOptions{.verify_crc = true});
  EXPECT_TRUE(opened.ok());
  std::vector<std::pair<std::string, std::string>> out;
  if (!opened.ok()) return out;
  auto all = opened->read_all();
  EXPECT_TRUE(all.ok());
  if (!all.ok()) return out;
  for (const auto& r : *all) out.emplace_back(str(*r.key), str(*r.value));
  return out;
}

TEST(Recompress, EveryCodecToEveryCodecKeepsRecordsAndHeaderFields) {
  for (Codec from : kAll) {
    auto spec = simple_spec(40, kNow, from);
    spec.producer_id = 7;
    spec.producer_epoch = 2;
    spec.base_sequence = 11;
    const auto original = build_batch(spec);
    const auto expected = records_of(original);
    for (Codec to : kAll) {
      auto out = recompress_batch(original, to, -1, kDefaultMaxDecompressedBytes);
      ASSERT_TRUE(out.ok()) << codec_name(from) << " -> " << codec_name(to);
      BatchHeaderView h(out->data());
      EXPECT_EQ(h.compression(), static_cast<int>(to));
      EXPECT_EQ(static_cast<size_t>(h.total_size()), out->size());
      EXPECT_EQ(h.records_count(), 40);
      EXPECT_EQ(h.producer_id(), 7);
      EXPECT_EQ(h.producer_epoch(), 2);
      EXPECT_EQ(h.base_sequence(), 11);
      EXPECT_EQ(h.max_timestamp(), BatchHeaderView(original.data()).max_timestamp());
      EXPECT_EQ(records_of(*out), expected);
      // The result passes the produce-path validation as a client batch would.
      auto copy = *out;
      ValidationOptions o;
      o.now_ms = kNow;
      EXPECT_TRUE(validate_produce_batch(copy, o).ok());
    }
  }
}

TEST(Recompress, LevelIsApplied) {
  auto spec = simple_spec(200, kNow);
  const auto original = build_batch(spec);
  auto fast = recompress_batch(original, Codec::kZstd, 1, kDefaultMaxDecompressedBytes);
  auto best = recompress_batch(original, Codec::kZstd, 19, kDefaultMaxDecompressedBytes);
  ASSERT_TRUE(fast.ok() && best.ok());
  EXPECT_LE(best->size(), fast->size());
  EXPECT_EQ(records_of(*best), records_of(original));
}

TEST(Recompress, DecompressionBombIsRefused) {
  auto spec = simple_spec(200, kNow, Codec::kGzip);
  const auto original = build_batch(spec);
  auto out = recompress_batch(original, Codec::kNone, -1, 64);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error(), ErrorCode::kMessageTooLarge);
}

}  // namespace
}  // namespace gregor::record
