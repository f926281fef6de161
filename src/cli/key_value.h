// key=value arguments (-X, topic create -c, alter-config --set, produce -H).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace gregor::cli {

using Properties = std::vector<std::pair<std::string, std::string>>;

// Splits "key=value" at the first '=' (the value may contain '=' and be
// empty); throws a usage error when there is no '=' or the key is empty.
std::pair<std::string, std::string> split_key_value(const std::string& text);
Properties split_key_values(const std::vector<std::string>& texts);

}  // namespace gregor::cli
