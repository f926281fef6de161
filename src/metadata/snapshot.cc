#include "metadata/snapshot.h"

#include <fmt/format.h>

namespace gregor::metadata {

std::vector<uint8_t> encode_snapshot(const MetadataState& state, int64_t timestamp_ms) {
  MetadataRecord header;
  header.type = RecordType::kSnapshotHeader;
  header.sequence = state.last_sequence;
  header.timestamp_ms = timestamp_ms;
  header.cluster_id = state.cluster_id;
  header.topic_count = static_cast<uint32_t>(state.topics.size());
  std::vector<uint8_t> out = encode_frame(header);
  for (const TopicRecord& t : state.sorted_topics()) {
    MetadataRecord rec;
    rec.type = RecordType::kCreateTopic;
    rec.sequence = state.last_sequence;
    rec.timestamp_ms = timestamp_ms;
    rec.topic = t;
    auto frame = encode_frame(rec);
    out.insert(out.end(), frame.begin(), frame.end());
  }
  // Dynamic broker configs follow the topics (snapshots written before they existed end here).
  for (const auto& [resource, configs] : state.broker_configs) {
    MetadataRecord rec;
    rec.type = RecordType::kSetBrokerConfigs;
    rec.sequence = state.last_sequence;
    rec.timestamp_ms = timestamp_ms;
    rec.resource = resource;
    rec.topic.configs = configs;
    auto frame = encode_frame(rec);
    out.insert(out.end(), frame.begin(), frame.end());
  }
  if (state.next_producer_id > 0) {
    MetadataRecord rec;
    rec.type = RecordType::kAllocateProducerIds;
    rec.sequence = state.last_sequence;
    rec.timestamp_ms = timestamp_ms;
    rec.next_producer_id = state.next_producer_id;
    auto frame = encode_frame(rec);
    out.insert(out.end(), frame.begin(), frame.end());
  }
  return out;
}

Result<MetadataState, std::string> decode_snapshot(std::span<const uint8_t> bytes) {
  FrameRead first = read_frame(bytes);
  if (first.status != FrameRead::Status::kOk || first.record.type != RecordType::kSnapshotHeader)
    return Err(std::string("missing or damaged snapshot header"));
  MetadataState state;
  state.cluster_id = first.record.cluster_id;
  if (state.cluster_id.empty()) return Err(std::string("snapshot without a cluster id"));
  size_t pos = first.size;
  for (uint32_t i = 0; i < first.record.topic_count; ++i) {
    FrameRead f = read_frame(bytes.subspan(pos));
    if (f.status != FrameRead::Status::kOk || f.record.type != RecordType::kCreateTopic)
      return Err(fmt::format("offset {}: missing or damaged topic record {} of {}", pos, i + 1,
                             first.record.topic_count));
    if (auto bad = check(state, f.record)) return Err(fmt::format("offset {}: {}", pos, *bad));
    apply(state, f.record);
    pos += f.size;
  }
  while (pos < bytes.size()) {
    FrameRead f = read_frame(bytes.subspan(pos));
    bool trailer = f.record.type == RecordType::kSetBrokerConfigs ||
                   f.record.type == RecordType::kAllocateProducerIds;
    if (f.status != FrameRead::Status::kOk || !trailer)
      return Err(fmt::format("offset {}: unexpected bytes after the last topic", pos));
    if (auto bad = check(state, f.record)) return Err(fmt::format("offset {}: {}", pos, *bad));
    apply(state, f.record);
    pos += f.size;
  }
  state.last_sequence = first.record.sequence;
  return state;
}

}  // namespace gregor::metadata
