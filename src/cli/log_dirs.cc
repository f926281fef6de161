#include "cli/log_dirs.h"

#include <set>
#include <vector>

#include "cli/command_error.h"
#include "cli/wire_client.h"
#include "cli/wire_cluster.h"
#include "protocol/messages/describe_log_dirs.h"

namespace gregor::cli {

std::optional<int64_t> ReplicaSizes::of(int broker, int partition) const {
  auto it = bytes_.find({broker, partition});
  if (it == bytes_.end()) return std::nullopt;
  return it->second;
}

namespace {

using protocol::DescribeLogDirsApi;

void add_answer(const protocol::DescribeLogDirsResponse& response, int broker,
                const std::string& topic, ReplicaSizes& sizes) {
  if (response.error_code != 0)
    fail("describe log dirs at broker " + std::to_string(broker) + ": " +
         error_code_name(response.error_code));
  for (const auto& dir : response.results) {
    // A log dir that is offline reports its error and no partitions.
    if (dir.error_code != 0) continue;
    for (const auto& t : dir.topics) {
      if (t.name != topic) continue;
      for (const auto& p : t.partitions) {
        if (!p.is_future_key) sizes.set(broker, p.partition_index, p.partition_size);
      }
    }
  }
}

}  // namespace

ReplicaSizes describe_replica_sizes(const ClusterMetadata& md, const TopicMetadata& topic,
                                    int timeout_ms) {
  std::map<int, std::vector<int32_t>> by_broker;
  for (const auto& p : topic.partitions) {
    for (int replica : p.replicas) by_broker[replica].push_back(p.id);
  }
  ReplicaSizes sizes;
  for (const auto& [broker_id, partitions] : by_broker) {
    const BrokerMetadata& b = find_broker(md, broker_id);
    WireClient wire(b.host, b.port, timeout_ms);
    int16_t version = highest_supported(wire, DescribeLogDirsApi::key, 0, 4);
    if (version < 0) {
      throw CommandError(ExitCode::kUnsupported, "broker " + std::to_string(broker_id) +
                                                     " does not support DescribeLogDirs");
    }
    protocol::DescribeLogDirsRequest request;
    request.topics.emplace();
    request.topics->push_back({topic.name, partitions});
    add_answer(wire.call<DescribeLogDirsApi>(request, version), broker_id, topic.name, sizes);
  }
  return sizes;
}

}  // namespace gregor::cli
