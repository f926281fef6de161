#include "cli/api_versions.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <set>

namespace gregor::cli {
namespace {

// Kafka's ApiKeys, by key (Kafka 3.9).
constexpr std::array<const char*, 75> kApiNames = {"Produce",
                                                   "Fetch",
                                                   "ListOffsets",
                                                   "Metadata",
                                                   "LeaderAndIsr",
                                                   "StopReplica",
                                                   "UpdateMetadata",
                                                   "ControlledShutdown",
                                                   "OffsetCommit",
                                                   "OffsetFetch",
                                                   "FindCoordinator",
                                                   "JoinGroup",
                                                   "Heartbeat",
                                                   "LeaveGroup",
                                                   "SyncGroup",
                                                   "DescribeGroups",
                                                   "ListGroups",
                                                   "SaslHandshake",
                                                   "ApiVersions",
                                                   "CreateTopics",
                                                   "DeleteTopics",
                                                   "DeleteRecords",
                                                   "InitProducerId",
                                                   "OffsetForLeaderEpoch",
                                                   "AddPartitionsToTxn",
                                                   "AddOffsetsToTxn",
                                                   "EndTxn",
                                                   "WriteTxnMarkers",
                                                   "TxnOffsetCommit",
                                                   "DescribeAcls",
                                                   "CreateAcls",
                                                   "DeleteAcls",
                                                   "DescribeConfigs",
                                                   "AlterConfigs",
                                                   "AlterReplicaLogDirs",
                                                   "DescribeLogDirs",
                                                   "SaslAuthenticate",
                                                   "CreatePartitions",
                                                   "CreateDelegationToken",
                                                   "RenewDelegationToken",
                                                   "ExpireDelegationToken",
                                                   "DescribeDelegationToken",
                                                   "DeleteGroups",
                                                   "ElectLeaders",
                                                   "IncrementalAlterConfigs",
                                                   "AlterPartitionReassignments",
                                                   "ListPartitionReassignments",
                                                   "OffsetDelete",
                                                   "DescribeClientQuotas",
                                                   "AlterClientQuotas",
                                                   "DescribeUserScramCredentials",
                                                   "AlterUserScramCredentials",
                                                   "Vote",
                                                   "BeginQuorumEpoch",
                                                   "EndQuorumEpoch",
                                                   "DescribeQuorum",
                                                   "AlterPartition",
                                                   "UpdateFeatures",
                                                   "Envelope",
                                                   "FetchSnapshot",
                                                   "DescribeCluster",
                                                   "DescribeProducers",
                                                   "BrokerRegistration",
                                                   "BrokerHeartbeat",
                                                   "UnregisterBroker",
                                                   "DescribeTransactions",
                                                   "ListTransactions",
                                                   "AllocateProducerIds",
                                                   "ConsumerGroupHeartbeat",
                                                   "ConsumerGroupDescribe",
                                                   "ControllerRegistration",
                                                   "GetTelemetrySubscriptions",
                                                   "PushTelemetry",
                                                   "AssignReplicasToDirs",
                                                   "ListClientMetricsResources"};

}  // namespace

std::string kafka_api_name(int key) {
  if (key < 0 || key >= static_cast<int>(kApiNames.size())) return "";
  return kApiNames[static_cast<size_t>(key)];
}

std::vector<ApiVersionRange> parse_api_version_lines(const std::vector<std::string>& lines) {
  std::vector<ApiVersionRange> out;
  std::set<int> seen;
  std::string broker;
  bool first = true;
  for (const auto& line : lines) {
    auto at = line.find("ApiKey ");
    if (at == std::string::npos) continue;
    std::string prefix;
    auto slash = line.find('/');
    if (slash < at) prefix = line.substr(0, line.find(':', slash));
    if (first) broker = prefix;
    first = false;
    if (prefix != broker) continue;
    char name[128] = {};
    ApiVersionRange range;
    if (std::sscanf(line.c_str() + at, "ApiKey %127s (%d) Versions %d..%d", name, &range.key,
                    &range.min_version, &range.max_version) != 4) {
      continue;
    }
    if (!seen.insert(range.key).second) continue;
    std::string known = kafka_api_name(range.key);
    range.name = known.empty() ? name : known;
    out.push_back(range);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
  return out;
}

}  // namespace gregor::cli
