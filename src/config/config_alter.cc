#include "config/config_alter.h"

#include <algorithm>
#include <functional>
#include <set>
#include <string_view>
#include <vector>

#include "config/broker_config_keys.h"
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

// A key of the resource being changed, and the value APPEND / SUBTRACT start
// from when the resource does not set it.
struct KeyInfo {
  const ConfigKeyDef* def;
  std::optional<std::string> base;
};
using KeyLookup = std::function<Result<KeyInfo, AlterFailure>(const std::string& name)>;

// Kafka's getParts(): the current value's non-empty elements, from the resource's
// own setting or, without one, the base value.
std::vector<std::string> current_parts(const Overrides& current, const KeyInfo& key) {
  auto it = current.find(std::string(key.def->name));
  std::optional<std::string> value = it != current.end() ? it->second : key.base;
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

std::optional<AlterFailure> apply_one(Overrides& current, const AlterEntry& e,
                                      const KeyLookup& lookup) {
  auto op = static_cast<AlterOp>(e.op);
  if (e.op < 0 || e.op > 3)
    return invalid_request("Unknown operation type " + std::to_string(e.op));
  if (op != AlterOp::kDelete && !e.value)
    return invalid_request("Null value not supported for : " + e.name);
  auto key = lookup(e.name);
  if (!key.ok()) return key.error();
  if (op == AlterOp::kSet) {
    current[e.name] = *e.value;
  } else if (op == AlterOp::kDelete) {
    current.erase(e.name);
  } else {
    if (key->def->type != ConfigType::kList)
      return invalid_config("Can't " + std::string(op_name(op)) + " to key " + e.name +
                            " because its type is not LIST.");
    auto parts = current_parts(current, *key);
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
  KeyLookup lookup = [](const std::string& name) -> Result<KeyInfo, AlterFailure> {
    const TopicKeyDef* def = find_topic_key(name);
    if (def == nullptr) return Err(invalid_config("Unknown topic config name: " + name));
    std::optional<std::string> base;
    if (def->key.default_value) base = std::string(*def->key.default_value);
    return KeyInfo{&def->key, base};
  };
  for (const auto& e : entries)
    if (auto failed = apply_one(current, e, lookup)) return Err(*failed);
  return current;
}

std::optional<std::string> refuse_broker_change(std::span<const std::string> names) {
  if (names.empty()) return std::nullopt;
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  return "Cannot update these configs dynamically: Set(" + list + ")";
}

bool is_dynamic_broker_key(std::string_view name) {
  for (const auto& def : topic_config_keys())
    for (std::string_view syn : def.synonyms)
      if (!syn.empty() && syn == name) return find_broker_key(name) != nullptr;
  return false;
}

namespace {

// Kafka refuses every key that cannot change at run time in one message, before
// looking at values; then each value must be valid for its key.
std::optional<AlterFailure> check_broker_entries(std::span<const AlterEntry> entries) {
  std::vector<std::string> fixed;
  for (const auto& e : entries)
    if (!is_dynamic_broker_key(e.name)) fixed.push_back(e.name);
  if (auto refused = refuse_broker_change(fixed)) return invalid_request(*refused);
  for (const auto& e : entries) {
    if (!e.value || e.op == static_cast<int8_t>(AlterOp::kDelete)) continue;
    if (auto bad = validate_value(*find_broker_key(e.name), *e.value)) return invalid_config(*bad);
  }
  return std::nullopt;
}

}  // namespace

Result<Overrides, AlterFailure> replace_broker_overrides(std::span<const AlterEntry> entries) {
  if (auto failed = check_broker_entries(entries)) return Err(*failed);
  Overrides out;
  for (const auto& e : entries)
    if (e.value) out[e.name] = *e.value;  // a null value leaves the key unset
  return out;
}

Result<Overrides, AlterFailure> apply_incremental_broker(Overrides current,
                                                         std::span<const AlterEntry> entries,
                                                         const BrokerConfig& broker) {
  if (auto dup = check_duplicates(entries)) return Err(*dup);
  if (auto failed = check_broker_entries(entries)) return Err(*failed);
  KeyLookup lookup = [&broker](const std::string& name) -> Result<KeyInfo, AlterFailure> {
    std::optional<std::string> base;
    if (auto it = broker.values.find(name); it != broker.values.end()) base = it->second;
    return KeyInfo{find_broker_key(name), base};
  };
  for (const auto& e : entries)
    if (auto failed = apply_one(current, e, lookup)) return Err(*failed);
  // An APPEND / SUBTRACT result is a new value: it must be valid too.
  for (const auto& [name, value] : current)
    if (auto bad = validate_value(*find_broker_key(name), value)) return Err(invalid_config(*bad));
  return current;
}

}  // namespace gregor::config
