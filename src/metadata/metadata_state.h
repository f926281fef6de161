// The state the metadata log describes, and the rules for changing it. The
// same check/apply pair serves live mutations (checked before they are
// written) and replay (which re-checks, so a log that breaks the rules is
// reported rather than silently applied).
//
// Not thread-safe: the owner (EmbeddedMetadataStore) serialises access.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "metadata/metadata_record.h"

namespace gregor::metadata {

struct MetadataState {
  std::string cluster_id;  // empty until the kInit record (or a snapshot) sets it
  uint64_t last_sequence = 0;
  std::map<Uuid, TopicRecord> topics;
  std::map<std::string, Uuid> by_collision_key;  // collision_key(name) -> id
  // Dynamic broker configs by resource ("" = cluster default, else node id); never empty maps.
  std::map<std::string, std::map<std::string, std::string>> broker_configs;
  // Producer ids below this were handed out (kAllocateProducerIds); never decreases.
  int64_t next_producer_id = 0;

  std::vector<TopicRecord> sorted_topics() const;
};

// nullopt if `record` may be applied to `state`, else why not. Sequence numbers are not
// checked here (the caller assigns or verifies them).
std::optional<std::string> check(const MetadataState& state, const MetadataRecord& record);

// Applies a record that passed check(); also advances last_sequence.
void apply(MetadataState& state, const MetadataRecord& record);

}  // namespace gregor::metadata
