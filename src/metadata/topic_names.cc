#include "metadata/topic_names.h"

#include <fmt/format.h>

namespace gregor::metadata {
namespace {

bool legal_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

}  // namespace

std::optional<std::string> validate_topic_name(std::string_view name) {
  if (name.empty()) return std::string("Topic name is illegal, it can't be empty");
  if (name == "." || name == "..") return std::string("Topic name cannot be \".\" or \"..\"");
  if (name.size() > kMaxTopicNameLength)
    return fmt::format(
        "Topic name is illegal, it can't be longer than {} characters, topic name: {}",
        kMaxTopicNameLength, name);
  for (char c : name) {
    if (!legal_char(c))
      return fmt::format(
          "Topic name \"{}\" is illegal, it contains a character other than ASCII alphanumerics, "
          "'.', '_' and '-'",
          name);
  }
  return std::nullopt;
}

bool collides(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] == '.' ? '_' : a[i];
    char y = b[i] == '.' ? '_' : b[i];
    if (x != y) return false;
  }
  return true;
}

std::string collision_key(std::string_view name) {
  std::string key(name);
  for (char& c : key)
    if (c == '.') c = '_';
  return key;
}

bool is_internal_topic(std::string_view name) {
  return name == "__consumer_offsets" || name == "__transaction_state";
}

}  // namespace gregor::metadata
