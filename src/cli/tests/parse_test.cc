#include <gtest/gtest.h>

#include "cli/command_error.h"
#include "cli/key_value.h"
#include "cli/offset_spec.h"
#include "cli/units.h"

namespace gregor::cli {
namespace {

using Kind = OffsetSpec::Kind;

TEST(KeyValue, SplitsAtTheFirstEquals) {
  EXPECT_EQ(split_key_value("a=b=c"), std::make_pair(std::string("a"), std::string("b=c")));
  EXPECT_EQ(split_key_value("a="), std::make_pair(std::string("a"), std::string()));
  EXPECT_THROW(split_key_value("novalue"), CommandError);
  EXPECT_THROW(split_key_value("=x"), CommandError);
}

TEST(KeyValue, BadInputIsAUsageError) {
  try {
    split_key_value("x");
    FAIL();
  } catch (const CommandError& e) {
    EXPECT_EQ(e.code(), ExitCode::kUsage);
  }
}

TEST(OffsetSpec, NamedPositions) {
  EXPECT_EQ(parse_offset_spec("start", 0).kind, Kind::kStart);
  EXPECT_EQ(parse_offset_spec("oldest", 0).kind, Kind::kStart);
  EXPECT_EQ(parse_offset_spec("end", 0).kind, Kind::kEnd);
  EXPECT_EQ(parse_offset_spec("newest", 0).kind, Kind::kEnd);
}

TEST(OffsetSpec, NumbersAndRelativeOffsets) {
  auto exact = parse_offset_spec("47", 0);
  EXPECT_EQ(exact.kind, Kind::kExact);
  EXPECT_EQ(exact.value, 47);
  auto after = parse_offset_spec("+2", 0);
  EXPECT_EQ(after.kind, Kind::kAfterStart);
  EXPECT_EQ(after.value, 2);
  auto before = parse_offset_spec("-3", 0);
  EXPECT_EQ(before.kind, Kind::kBeforeEnd);
  EXPECT_EQ(before.value, 3);
}

TEST(OffsetSpec, Timestamps) {
  auto absolute = parse_offset_spec("@1700000000000", 0);
  EXPECT_EQ(absolute.kind, Kind::kTimestamp);
  EXPECT_EQ(absolute.value, 1700000000000);
  auto relative = parse_offset_spec("@-1h", 10'000'000);
  EXPECT_EQ(relative.kind, Kind::kTimestamp);
  EXPECT_EQ(relative.value, 10'000'000 - 3'600'000);
}

TEST(OffsetSpec, RejectsGarbage) {
  for (const char* bad : {"", "x", "+", "-", "@", "12x", "+-1", "@abc"}) {
    EXPECT_THROW(parse_offset_spec(bad, 0), CommandError) << bad;
  }
}

TEST(Units, Durations) {
  EXPECT_EQ(parse_duration_ms("10", "-d"), 10'000);
  EXPECT_EQ(parse_duration_ms("10s", "-d"), 10'000);
  EXPECT_EQ(parse_duration_ms("250ms", "-d"), 250);
  EXPECT_EQ(parse_duration_ms("1.5m", "-d"), 90'000);
  EXPECT_EQ(parse_duration_ms("2h", "-d"), 7'200'000);
  EXPECT_THROW(parse_duration_ms("5 parsecs", "-d"), CommandError);
  EXPECT_THROW(parse_duration_ms("-1s", "-d"), CommandError);
}

TEST(Units, Sizes) {
  EXPECT_EQ(parse_size_bytes("100", "-s"), 100);
  EXPECT_EQ(parse_size_bytes("1KiB", "-s"), 1024);
  EXPECT_EQ(parse_size_bytes("1k", "-s"), 1024);
  EXPECT_EQ(parse_size_bytes("2MiB", "-s"), 2 * 1024 * 1024);
  EXPECT_THROW(parse_size_bytes("1GiB", "-s"), CommandError);
}

TEST(Units, FormattedSizes) {
  EXPECT_EQ(format_bytes(0), "0 B");
  EXPECT_EQ(format_bytes(1023), "1023 B");
  EXPECT_EQ(format_bytes(1024), "1.0 KiB");
  EXPECT_EQ(format_bytes(1536), "1.5 KiB");
  EXPECT_EQ(format_bytes(12LL * 1024 * 1024 + 1), "12.0 MiB");
  EXPECT_EQ(format_bytes(3LL << 40), "3.0 TiB");
  EXPECT_EQ(format_bytes(5000LL << 40), "5000.0 TiB");
}

}  // namespace
}  // namespace gregor::cli
