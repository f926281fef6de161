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
    {8, 0, 9},   // OffsetCommit
    {9, 0, 9},   // OffsetFetch
    {10, 0, 6},  // FindCoordinator
    {11, 0, 9},  // JoinGroup
    {12, 0, 4},  // Heartbeat
    {13, 0, 5},  // LeaveGroup
    {14, 0, 5},  // SyncGroup
    {15, 0, 5},  // DescribeGroups
    {16, 0, 5},  // ListGroups
    {18, 0, 4},  // ApiVersions
    {19, 0, 7},  // CreateTopics
    {20, 0, 6},  // DeleteTopics
    {21, 0, 2},  // DeleteRecords
    {22, 0, 5},  // InitProducerId
    {24, 0, 5},  // AddPartitionsToTxn
    {25, 0, 4},  // AddOffsetsToTxn
    {26, 0, 4},  // EndTxn (v5 is KIP-890 part 2)
    {27, 0, 1},  // WriteTxnMarkers
    {28, 0, 4},  // TxnOffsetCommit
    {32, 0, 4},  // DescribeConfigs
    {33, 0, 2},  // AlterConfigs
    {35, 0, 4},  // DescribeLogDirs
    {37, 0, 3},  // CreatePartitions
    {42, 0, 2},  // DeleteGroups
    {44, 0, 1},  // IncrementalAlterConfigs
    {47, 0, 0},  // OffsetDelete
    {60, 0, 1},  // DescribeCluster
    {61, 0, 0},  // DescribeProducers
    {65, 0, 0},  // DescribeTransactions
    {66, 0, 1},  // ListTransactions
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
