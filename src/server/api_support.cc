#include "server/api_support.h"

#include "protocol/messages/api_table.h"

namespace gregor::server {
namespace {

// Produce v0-2 stay advertised although their message formats (magic 0/1) are
// refused: librdkafka only compresses with gzip/snappy/lz4 when Produce v0 is in
// the advertised range (Kafka 4.0 does the same). Fetch starts at v4: v0-3
// would need down-conversion to magic 0/1, which Gregor does not store.
constexpr ApiSupport kSupported[] = {
    {0, 0, 11},  // Produce
    {1, 4, 17},  // Fetch
    {2, 0, 10},  // ListOffsets
    {3, 0, 12},  // Metadata
    {10, 0, 6},  // FindCoordinator (no coordinator yet: see handlers/find_coordinator.cc)
    {18, 0, 4},  // ApiVersions
    {19, 0, 7},  // CreateTopics
    {20, 0, 6},  // DeleteTopics
    {37, 0, 3},  // CreatePartitions
    {60, 0, 1},  // DescribeCluster
};

}  // namespace

std::span<const ApiSupport> supported_apis() {
  return kSupported;
}

const ApiSupport* find_supported(int16_t key) {
  for (const auto& s : kSupported) {
    if (s.key == key) return &s;
  }
  return nullptr;
}

}  // namespace gregor::server
