// Kafka's offset checkpoint files (`recovery-point-offset-checkpoint`,
// `log-start-offset-checkpoint` in each log dir; OffsetCheckpointFile.scala):
//
//     0                 <- format version
//     2                 <- number of entries
//     orders 0 1234     <- topic, partition, offset (one line each)
//     orders 1 99
//
// Topic names cannot contain spaces, so the line format is unambiguous.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace gregor::storage {

using TopicPartition = std::pair<std::string, int32_t>;
using OffsetMap = std::map<TopicPartition, int64_t>;

std::string format_offset_checkpoint(const OffsetMap& offsets);
// nullopt if the text is not a well-formed version-0 checkpoint.
std::optional<OffsetMap> parse_offset_checkpoint(std::string_view text);

}  // namespace gregor::storage
