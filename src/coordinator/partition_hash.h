// Kafka's placement of a coordinator key (group id, transactional id) on a
// partition of its internal topic: abs(Java String.hashCode(key)) mod n, with
// the hash taken over the UTF-16 code units of the UTF-8 key, so that keys land
// where Apache Kafka would put them.
//
// Pure function; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

namespace gregor::coordinator {

int32_t partition_for_key(std::string_view key, int32_t num_partitions);

}  // namespace gregor::coordinator
