#include "metadata/metadata_state.h"

#include <algorithm>

#include <fmt/format.h>

#include "base/assert.h"
#include "metadata/topic_names.h"

namespace gregor::metadata {
namespace {

std::optional<std::string> check_create(const MetadataState& state, const TopicRecord& t) {
  if (auto bad = validate_topic_name(t.name)) return bad;
  if (t.id.is_zero()) return fmt::format("topic '{}' has no id", t.name);
  if (t.partitions < 1)
    return fmt::format("topic '{}': partition count {} is below 1", t.name, t.partitions);
  if (state.topics.count(t.id))
    return fmt::format("topic id {} is already in use", t.id.to_base64());
  auto it = state.by_collision_key.find(collision_key(t.name));
  if (it != state.by_collision_key.end()) {
    const std::string& existing = state.topics.at(it->second).name;
    if (existing == t.name) return fmt::format("Topic '{}' already exists.", t.name);
    return fmt::format("Topic '{}' collides with existing topic: {}", t.name, existing);
  }
  return std::nullopt;
}

const TopicRecord* find(const MetadataState& state, const Uuid& id) {
  auto it = state.topics.find(id);
  return it == state.topics.end() ? nullptr : &it->second;
}

}  // namespace

std::vector<TopicRecord> MetadataState::sorted_topics() const {
  std::vector<TopicRecord> out;
  out.reserve(topics.size());
  for (const auto& [id, t] : topics) out.push_back(t);
  std::sort(out.begin(), out.end(),
            [](const TopicRecord& a, const TopicRecord& b) { return a.name < b.name; });
  return out;
}

std::optional<std::string> check(const MetadataState& state, const MetadataRecord& record) {
  const TopicRecord* existing = nullptr;
  if (record.type != RecordType::kInit && record.type != RecordType::kCreateTopic &&
      record.type != RecordType::kSnapshotHeader && record.type != RecordType::kSetBrokerConfigs &&
      record.type != RecordType::kAllocateProducerIds) {
    existing = find(state, record.topic.id);
    if (!existing) return fmt::format("no topic with id {}", record.topic.id.to_base64());
  }
  switch (record.type) {
    case RecordType::kInit:
      if (!state.cluster_id.empty()) return std::string("the cluster id is already set");
      if (record.cluster_id.empty()) return std::string("empty cluster id");
      return std::nullopt;
    case RecordType::kCreateTopic:
      return check_create(state, record.topic);
    case RecordType::kDeleteTopic:
      return std::nullopt;
    case RecordType::kSetPartitions:
      if (record.topic.partitions <= existing->partitions)
        return fmt::format(
            "Topic '{}' already has {} partitions; the count can only grow (asked for {}).",
            existing->name, existing->partitions, record.topic.partitions);
      return std::nullopt;
    case RecordType::kSetTopicConfigs:
      return std::nullopt;
    case RecordType::kSetBrokerConfigs:
      if (!record.resource.empty() &&
          record.resource.find_first_not_of("0123456789") != std::string::npos)
        return fmt::format("broker config resource '{}' is not a node id", record.resource);
      return std::nullopt;
    case RecordType::kAllocateProducerIds:
      if (record.next_producer_id <= state.next_producer_id)
        return fmt::format("producer id mark {} does not advance past {}", record.next_producer_id,
                           state.next_producer_id);
      return std::nullopt;
    case RecordType::kSnapshotHeader:
      return std::string("a snapshot header inside the metadata log");
  }
  return std::string("unknown record type");
}

void apply(MetadataState& state, const MetadataRecord& record) {
  switch (record.type) {
    case RecordType::kInit:
      state.cluster_id = record.cluster_id;
      break;
    case RecordType::kCreateTopic:
      state.topics.emplace(record.topic.id, record.topic);
      state.by_collision_key.emplace(collision_key(record.topic.name), record.topic.id);
      break;
    case RecordType::kDeleteTopic: {
      auto it = state.topics.find(record.topic.id);
      GREGOR_ASSERT(it != state.topics.end(), "delete of an unknown topic passed check()");
      state.by_collision_key.erase(collision_key(it->second.name));
      state.topics.erase(it);
      break;
    }
    case RecordType::kSetPartitions:
      state.topics.at(record.topic.id).partitions = record.topic.partitions;
      break;
    case RecordType::kSetTopicConfigs:
      state.topics.at(record.topic.id).configs = record.topic.configs;
      break;
    case RecordType::kSetBrokerConfigs:
      if (record.topic.configs.empty()) {
        state.broker_configs.erase(record.resource);
      } else {
        state.broker_configs[record.resource] = record.topic.configs;
      }
      break;
    case RecordType::kAllocateProducerIds:
      state.next_producer_id = record.next_producer_id;
      break;
    case RecordType::kSnapshotHeader:
      GREGOR_ASSERT(false, "snapshot header applied as a log record");
  }
  state.last_sequence = std::max(state.last_sequence, record.sequence);
}

}  // namespace gregor::metadata
