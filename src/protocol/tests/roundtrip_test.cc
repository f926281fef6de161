// Every request, response and header type, at every version: a message with a
// non-default value in every field present in that version (and, separately,
// nulls wherever allowed) must encode, decode completely, and re-encode to the
// same bytes; every strict prefix of the encoding must fail to decode.
#include <gtest/gtest.h>

#include "protocol/messages/api_table.h"
#include "protocol/tests/message_case.h"

namespace gregor::protocol::testing {
namespace {

const std::vector<MessageCase>& cases() {
  static const std::vector<MessageCase> all = all_cases();
  return all;
}

TEST(RoundTrip, EveryApiHasRequestAndResponseCases) {
  for (const ApiInfo& api : all_apis()) {
    int found = 0;
    for (const MessageCase& c : cases()) {
      if (c.api_key != api.key) continue;
      ++found;
      EXPECT_EQ(c.min_version, api.min_version) << c.name;
      EXPECT_EQ(c.max_version, api.max_version) << c.name;
    }
    EXPECT_EQ(found, 2) << api.name;
  }
  EXPECT_GE(all_apis().size(), 60u);
}

void check_round_trip(const MessageCase& c, int16_t v, Filler::Variant variant) {
  std::vector<uint8_t> bytes = c.fill_encode(v, variant);
  std::vector<uint8_t> again;
  ASSERT_TRUE(c.decode(bytes, v, &again)) << c.name << " v" << v << " variant " << variant;
  EXPECT_EQ(bytes, again) << c.name << " v" << v << " variant " << variant;
}

TEST(RoundTrip, AllMessagesAllVersions) {
  size_t checked = 0;
  for (const MessageCase& c : cases()) {
    for (int16_t v = c.min_version; v <= c.max_version; ++v) {
      check_round_trip(c, v, Filler::kValues);
      check_round_trip(c, v, Filler::kNulls);
      ++checked;
    }
  }
  EXPECT_GT(checked, 300u);
}

TEST(RoundTrip, ValuesDifferFromDefaults) {
  // A filled message must not encode like a default one, otherwise the round
  // trip above would prove nothing for it.
  for (const MessageCase& c : cases()) {
    for (int16_t v = c.min_version; v <= c.max_version; ++v) {
      std::vector<uint8_t> filled = c.fill_encode(v, Filler::kValues);
      std::vector<uint8_t> empty;
      std::vector<uint8_t> nothing;
      (void)c.decode(nothing, v, &empty);                     // re-encodes a default message
      if (filled.size() <= 1 && empty.size() <= 1) continue;  // messages with no fields
      EXPECT_NE(filled, empty) << c.name << " v" << v;
    }
  }
}

TEST(RoundTrip, EveryTruncationFails) {
  for (const MessageCase& c : cases()) {
    for (int16_t v = c.min_version; v <= c.max_version; ++v) {
      std::vector<uint8_t> bytes = c.fill_encode(v, Filler::kValues);
      for (size_t n = 0; n < bytes.size(); ++n) {
        std::span<const uint8_t> prefix(bytes.data(), n);
        ASSERT_FALSE(c.decode(prefix, v, nullptr)) << c.name << " v" << v << " cut at " << n;
      }
    }
  }
}

TEST(RoundTrip, TrailingBytesAreNotConsumed) {
  for (const MessageCase& c : cases()) {
    std::vector<uint8_t> bytes = c.fill_encode(c.max_version, Filler::kValues);
    bytes.push_back(0);
    EXPECT_FALSE(c.decode(bytes, c.max_version, nullptr)) << c.name;
  }
}

}  // namespace
}  // namespace gregor::protocol::testing
