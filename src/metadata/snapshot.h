// The metadata snapshot file: the whole state as of one sequence number, in
// the log's frame format (metadata_record.h):
//
//   kSnapshotHeader  sequence = last sequence included, cluster_id, topic_count
//   kCreateTopic     one per topic, sorted by name, topic_count of them
//   kSetBrokerConfigs     one per resource with dynamic broker configs
//   kAllocateProducerIds  the producer-id mark, if any id was ever allocated
//
// and nothing after them (older snapshots end after the topics or the broker configs). A snapshot
// is only ever installed by an atomic rename, so any damage (bad CRC, wrong count, trailing bytes)
// is corruption and decoding fails.
//
// Pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "metadata/metadata_state.h"

namespace gregor::metadata {

std::vector<uint8_t> encode_snapshot(const MetadataState& state, int64_t timestamp_ms);

Result<MetadataState, std::string> decode_snapshot(std::span<const uint8_t> bytes);

}  // namespace gregor::metadata
