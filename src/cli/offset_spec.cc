#include "cli/offset_spec.h"

#include <charconv>

#include "cli/command_error.h"
#include "cli/units.h"

namespace gregor::cli {
namespace {

int64_t parse_count(const std::string& digits, const std::string& text) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || value < 0) {
    usage_error("-o: expected start, end, N, +N, -N or @TIMESTAMP, got '" + text + "'");
  }
  return value;
}

}  // namespace

OffsetSpec parse_offset_spec(const std::string& text, int64_t now_ms) {
  using Kind = OffsetSpec::Kind;
  if (text == "start" || text == "oldest" || text == "beginning") return {Kind::kStart, 0};
  if (text == "end" || text == "newest") return {Kind::kEnd, 0};
  if (text.empty()) usage_error("-o: empty offset");
  switch (text[0]) {
    case '+':
      return {Kind::kAfterStart, parse_count(text.substr(1), text)};
    case '-':
      return {Kind::kBeforeEnd, parse_count(text.substr(1), text)};
    case '@':
      if (text.size() > 1 && text[1] == '-') {
        return {Kind::kTimestamp, now_ms - parse_duration_ms(text.substr(2), "-o")};
      }
      return {Kind::kTimestamp, parse_count(text.substr(1), text)};
    default:
      return {Kind::kExact, parse_count(text, text)};
  }
}

}  // namespace gregor::cli
