// Writing a command's report to stdout: text as is, JSON indented (one
// document per command, so scripts can parse the whole output).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace gregor::cli {

void print_text(const std::string& text);
void print_json(const nlohmann::json& document);

}  // namespace gregor::cli
