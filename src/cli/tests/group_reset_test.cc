#include <gtest/gtest.h>

#include "cli/command_error.h"
#include "cli/group_reset.h"

namespace gregor::cli {
namespace {

using Kind = ResetTarget::Kind;

TEST(TopicSelection, TopicAndPartitions) {
  auto all = parse_topic_selection("orders");
  EXPECT_EQ(all.topic, "orders");
  EXPECT_TRUE(all.partitions.empty());
  auto some = parse_topic_selection("orders:0,2,5");
  EXPECT_EQ(some.topic, "orders");
  EXPECT_EQ(some.partitions, (std::vector<int>{0, 2, 5}));
  for (const char* bad : {":1", "orders:", "orders:x", "orders:1,", "orders:-1"}) {
    EXPECT_THROW(parse_topic_selection(bad), CommandError) << bad;
  }
}

TEST(ResetOffset, Targets) {
  PartitionOffsets p{40, 10, 100, 55};
  EXPECT_EQ(reset_offset({Kind::kEarliest, 0}, p), 10);
  EXPECT_EQ(reset_offset({Kind::kLatest, 0}, p), 100);
  EXPECT_EQ(reset_offset({Kind::kOffset, 70}, p), 70);
  EXPECT_EQ(reset_offset({Kind::kTimestamp, 123}, p), 55);
  EXPECT_EQ(reset_offset({Kind::kShiftBy, -5}, p), 35);
  EXPECT_EQ(reset_offset({Kind::kShiftBy, 5}, p), 45);
}

TEST(ResetOffset, KeptWithinTheLog) {
  PartitionOffsets p{40, 10, 100, -1};
  EXPECT_EQ(reset_offset({Kind::kOffset, 5}, p), 10);
  EXPECT_EQ(reset_offset({Kind::kOffset, 500}, p), 100);
  EXPECT_EQ(reset_offset({Kind::kShiftBy, -100}, p), 10);
  EXPECT_EQ(reset_offset({Kind::kTimestamp, 0}, p), 100);  // nothing that recent: the end
}

TEST(ResetOffset, ShiftWithoutCommittedOffsetStartsAtTheLogStart) {
  PartitionOffsets p{-1, 10, 100, -1};
  EXPECT_EQ(reset_offset({Kind::kShiftBy, 3}, p), 13);
}

}  // namespace
}  // namespace gregor::cli
