#include "cli/group_reset.h"

#include <algorithm>
#include <charconv>

#include "cli/command_error.h"

namespace gregor::cli {
namespace {

int parse_partition(const std::string& text, const std::string& whole) {
  int value = -1;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 0) {
    usage_error("--topic: expected TOPIC or TOPIC:P1,P2,..., got '" + whole + "'");
  }
  return value;
}

}  // namespace

TopicSelection parse_topic_selection(const std::string& text) {
  auto colon = text.find(':');
  TopicSelection out{text.substr(0, colon), {}};
  if (out.topic.empty()) usage_error("--topic: empty topic name in '" + text + "'");
  if (colon == std::string::npos) return out;
  std::string rest = text.substr(colon + 1);
  size_t start = 0;
  for (;;) {
    size_t comma = rest.find(',', start);
    out.partitions.push_back(parse_partition(rest.substr(start, comma - start), text));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

int64_t reset_offset(const ResetTarget& target, const PartitionOffsets& p) {
  int64_t wanted = 0;
  switch (target.kind) {
    case ResetTarget::Kind::kEarliest:
      wanted = p.low;
      break;
    case ResetTarget::Kind::kLatest:
      wanted = p.high;
      break;
    case ResetTarget::Kind::kOffset:
      wanted = target.value;
      break;
    case ResetTarget::Kind::kTimestamp:
      wanted = p.at_time < 0 ? p.high : p.at_time;
      break;
    case ResetTarget::Kind::kShiftBy:
      wanted = (p.committed < 0 ? p.low : p.committed) + target.value;
      break;
  }
  return std::clamp(wanted, p.low, std::max(p.low, p.high));
}

}  // namespace gregor::cli
