#include "cli/key_value.h"

#include "cli/command_error.h"

namespace gregor::cli {

std::pair<std::string, std::string> split_key_value(const std::string& text) {
  auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) usage_error("expected key=value, got '" + text + "'");
  return {text.substr(0, eq), text.substr(eq + 1)};
}

Properties split_key_values(const std::vector<std::string>& texts) {
  Properties out;
  out.reserve(texts.size());
  for (const auto& text : texts) out.push_back(split_key_value(text));
  return out;
}

}  // namespace gregor::cli
