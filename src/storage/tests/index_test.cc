#include <gtest/gtest.h>

#include "storage/offset_checkpoint.h"
#include "storage/offset_index.h"
#include "storage/time_index.h"

namespace gregor::storage {
namespace {

TEST(OffsetIndexTest, LookupFindsLargestEntryAtOrBelow) {
  OffsetIndex index(100, 16);
  EXPECT_EQ(index.lookup(150).offset, 100);  // empty: the segment start
  EXPECT_EQ(index.lookup(150).position, 0);
  index.append(109, 4200);
  index.append(119, 8400);
  index.append(129, 12600);
  EXPECT_EQ(index.lookup(105).position, 0);
  EXPECT_EQ(index.lookup(109).position, 4200);
  EXPECT_EQ(index.lookup(118).position, 4200);
  EXPECT_EQ(index.lookup(119).position, 8400);
  EXPECT_EQ(index.lookup(1000).position, 12600);
  EXPECT_EQ(index.last()->offset, 129);
}

TEST(OffsetIndexTest, SerializeRoundTripsInKafkaLayout) {
  OffsetIndex index(1000, 16);
  index.append(1005, 4097);
  index.append(1010, 9000);
  auto bytes = index.serialize();
  ASSERT_EQ(bytes.size(), 16u);
  // relative offset 5, position 4097, big-endian int32s.
  EXPECT_EQ(bytes[3], 5);
  EXPECT_EQ(bytes[6], 0x10);
  EXPECT_EQ(bytes[7], 0x01);
  auto parsed = OffsetIndex::parse(bytes, 1000, 16, 10000);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->size(), 2u);
  EXPECT_EQ(parsed->lookup(1012).position, 9000);
}

TEST(OffsetIndexTest, ParseRejectsDamagedFiles) {
  OffsetIndex index(0, 16);
  index.append(5, 100);
  index.append(9, 200);
  auto bytes = index.serialize();
  EXPECT_FALSE(OffsetIndex::parse(std::span(bytes).first(7), 0, 16, 1000));  // torn entry
  EXPECT_FALSE(OffsetIndex::parse(bytes, 0, 16, 150));                       // points past the data
  std::swap_ranges(bytes.begin(), bytes.begin() + 8, bytes.begin() + 8);     // out of order
  EXPECT_FALSE(OffsetIndex::parse(bytes, 0, 16, 1000));
}

TEST(OffsetIndexTest, FullAtCapacity) {
  OffsetIndex index(0, 2);
  index.append(1, 10);
  EXPECT_FALSE(index.full());
  index.append(2, 20);
  EXPECT_TRUE(index.full());
}

TEST(TimeIndexTest, AppendsOnlyGrowingTimestamps) {
  TimeIndex index(50, 16);
  EXPECT_FALSE(index.lookup(10).has_value());
  index.maybe_append(1000, 55);
  index.maybe_append(1000, 60);  // not larger: ignored
  index.maybe_append(900, 61);   // smaller: ignored
  index.maybe_append(2000, 70);
  EXPECT_EQ(index.size(), 2u);
  EXPECT_FALSE(index.lookup(999).has_value());
  EXPECT_EQ(index.lookup(1000)->offset, 55);
  EXPECT_EQ(index.lookup(1999)->offset, 55);
  EXPECT_EQ(index.lookup(5000)->offset, 70);
  auto parsed = TimeIndex::parse(index.serialize(), 50, 16);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->last()->timestamp, 2000);
  EXPECT_EQ(parsed->last()->offset, 70);
  auto bytes = index.serialize();
  EXPECT_FALSE(TimeIndex::parse(std::span(bytes).first(13), 50, 16));
}

TEST(OffsetCheckpointTest, KafkaTextFormatRoundTrip) {
  OffsetMap offsets{{{"orders", 0}, 1234}, {{"orders", 1}, 99}, {{"__consumer_offsets", 7}, 0}};
  std::string text = format_offset_checkpoint(offsets);
  EXPECT_EQ(text, "0\n3\n__consumer_offsets 7 0\norders 0 1234\norders 1 99\n");
  auto parsed = parse_offset_checkpoint(text);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(*parsed, offsets);
}

TEST(OffsetCheckpointTest, RejectsMalformedText) {
  EXPECT_FALSE(parse_offset_checkpoint(""));
  EXPECT_FALSE(parse_offset_checkpoint("1\n0\n"));               // unknown version
  EXPECT_FALSE(parse_offset_checkpoint("0\n2\nt 0 5\n"));        // count mismatch
  EXPECT_FALSE(parse_offset_checkpoint("0\n1\nt x 5\n"));        // bad partition
  EXPECT_FALSE(parse_offset_checkpoint("0\n1\nt 0 5 extra\n"));  // extra field
  EXPECT_TRUE(parse_offset_checkpoint("0\n0\n").has_value());
}

}  // namespace
}  // namespace gregor::storage
