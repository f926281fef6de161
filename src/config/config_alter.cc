#include "config/config_alter.h"

#include <algorithm>
#include <set>
#include <string_view>
#include <vector>

#include "config/topic_config_keys.h"

namespace gregor::config {
namespace {

AlterFailure invalid_request(std::string message) {
  return {AlterFailure::Kind::kInvalidRequest, std::move(message)};
}
AlterFailure invalid_config(std::string message) {
  return {AlterFailure::Kind::kInvalidConfig, std::move(message)};
}

std::optional<AlterFailure> check_duplicates(std::span<const AlterEntry> entries) {
  std::set<std::string_view> names;
  for (const auto& e : entries)
    if (!names.insert(e.name).second) return invalid_request("Error due to duplicate config keys");
  return std::nullopt;
}

std::string_view op_name(AlterOp op) {
  switch (op) {
    case AlterOp::kSet:
      return "SET";
    case AlterOp::kDelete:
      return "DELETE";
    case AlterOp::kAppend:
      return "APPEND";
    case AlterOp::kSubtract:
      return "SUBTRACT";
  }
  return "UNKNOWN";
}

// Java's String.split(","): empty elements are kept except at the end.
std::vector<std::string> split_java(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t comma = s.find(',', start);
    out.push_back(s.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  while (!out.empty() && out.back().empty()) out.pop_back();
  return out;
}

// Kafka's getParts(): the current value's non-empty elements, from the override
// or, without one, the key's default.
std::vector<std::string> current_parts(const Overrides& current, const TopicKeyDef& def) {
  auto it = current.find(std::string(def.key.name));
  std::optional<std::string> value;
  if (it != current.end()) {
    value = it->second;
  } else if (def.key.default_value) {
    value = std::string(*def.key.default_value);
  }
  std::vector<std::string> parts;
  if (!value) return parts;
  for (auto& part : split_java(*value))
    if (!part.empty()) parts.push_back(std::move(part));
  return parts;
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ",") + p;
  return out;
}

std::optional<AlterFailure> apply_one(Overrides& current, const AlterEntry& e) {
  auto op = static_cast<AlterOp>(e.op);
  if (e.op < 0 || e.op > 3)
    return invalid_request("Unknown operation type " + std::to_string(e.op));
  if (op != AlterOp::kDelete && !e.value)
    return invalid_request("Null value not supported for : " + e.name);
  const TopicKeyDef* def = find_topic_key(e.name);
  if (def == nullptr) return invalid_config("Unknown topic config name: " + e.name);
  if (op == AlterOp::kSet) {
    current[e.name] = *e.value;
  } else if (op == AlterOp::kDelete) {
    current.erase(e.name);
  } else {
    if (def->key.type != ConfigType::kList)
      return invalid_config("Can't " + std::string(op_name(op)) + " to key " + e.name +
                            " because its type is not LIST.");
    auto parts = current_parts(current, *def);
    for (const auto& v : split_java(*e.value)) {
      auto found = std::find(parts.begin(), parts.end(), v);
      if (op == AlterOp::kAppend && found == parts.end()) parts.push_back(v);
      if (op == AlterOp::kSubtract && found != parts.end()) parts.erase(found);
    }
    current[e.name] = join(parts);
  }
  return std::nullopt;
}

}  // namespace

Result<Overrides, AlterFailure> replace_topic_overrides(std::span<const AlterEntry> entries) {
  std::string nulls;
  Overrides out;
  for (const auto& e : entries) {
    if (!e.value) {
      nulls += (nulls.empty() ? "" : ",") + e.name;
      continue;
    }
    out[e.name] = *e.value;
  }
  if (!nulls.empty())
    return Err(invalid_config("Null value not supported for topic configs: " + nulls));
  return out;
}

Result<Overrides, AlterFailure> apply_incremental_topic(Overrides current,
                                                        std::span<const AlterEntry> entries) {
  if (auto dup = check_duplicates(entries)) return Err(*dup);
  for (const auto& e : entries)
    if (auto failed = apply_one(current, e)) return Err(*failed);
  return current;
}

std::optional<std::string> refuse_broker_change(std::span<const std::string> names) {
  if (names.empty()) return std::nullopt;
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  return "Cannot update these configs dynamically: Set(" + list + ")";
}

}  // namespace gregor::config
