#include "storage/offset_checkpoint.h"

#include <charconv>
#include <vector>

namespace gregor::storage {
namespace {

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(sep, start);
    if (end == std::string_view::npos) end = s.size();
    out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

template <typename T>
bool parse_int(std::string_view s, T& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

}  // namespace

std::string format_offset_checkpoint(const OffsetMap& offsets) {
  std::string out = "0\n" + std::to_string(offsets.size()) + "\n";
  for (const auto& [tp, offset] : offsets) {
    out += tp.first + " " + std::to_string(tp.second) + " " + std::to_string(offset) + "\n";
  }
  return out;
}

std::optional<OffsetMap> parse_offset_checkpoint(std::string_view text) {
  auto lines = split(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  size_t count = 0;
  if (lines.size() < 2 || lines[0] != "0" || !parse_int(lines[1], count) ||
      lines.size() != count + 2) {
    return std::nullopt;
  }
  OffsetMap out;
  for (size_t i = 2; i < lines.size(); ++i) {
    auto fields = split(lines[i], ' ');
    int32_t partition = 0;
    int64_t offset = 0;
    if (fields.size() != 3 || fields[0].empty() || !parse_int(fields[1], partition) ||
        !parse_int(fields[2], offset)) {
      return std::nullopt;
    }
    out[{std::string(fields[0]), partition}] = offset;
  }
  return out;
}

}  // namespace gregor::storage
