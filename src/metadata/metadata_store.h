// The cluster's durable metadata: topics, their ids, partition counts and
// configuration overrides, the cluster id, dynamic broker configs and the
// producer-id high-water mark. Two implementations sit behind
// this interface: the embedded single-node store (a local checksummed log with
// snapshots, embedded_store.h) and, for clusters, an etcd-backed one.
//
// Contract for every implementation: a mutation that returns Ok is durable
// (it survives SIGTERM, kill -9 and power loss); one that returns an error has
// changed nothing. Each implementation states its threading rules.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/types.h"

namespace gregor::metadata {

class ClusterImage;

struct TopicRecord {
  std::string name;
  Uuid id;
  int32_t partitions = 0;
  std::map<std::string, std::string> configs;  // topic-level overrides only

  bool operator==(const TopicRecord&) const = default;
};

class MetadataStore {
 public:
  virtual ~MetadataStore() = default;
  // Fails if the name is invalid or taken (or collides: see topic_names.h), the id is zero
  // or taken, or partitions < 1.
  virtual Result<Ok, std::string> create_topic(const TopicRecord& topic) = 0;
  virtual Result<Ok, std::string> delete_topic(const Uuid& id) = 0;
  // Partition counts only grow (data of existing partitions is never dropped this way).
  virtual Result<Ok, std::string> set_partition_count(const Uuid& id, int32_t partitions) = 0;
  // Replaces the topic's overrides with `configs`.
  virtual Result<Ok, std::string> set_topic_configs(const Uuid& id,
                                                    std::map<std::string, std::string> configs) = 0;
  // Replaces the dynamic broker configs of `resource`: "" for the cluster-wide defaults,
  // else a node id (Kafka's BROKER config resource names). An empty map removes them.
  virtual Result<Ok, std::string> set_broker_configs(
      const std::string& resource, std::map<std::string, std::string> configs) = 0;
  // Every resource's dynamic broker configs.
  virtual std::map<std::string, std::map<std::string, std::string>> broker_configs() const = 0;
  virtual std::string cluster_id() const = 0;
  // Current state, sorted by topic name.
  virtual std::vector<TopicRecord> topics() const = 0;
  // Current state as an immutable image that can be shared across threads.
  virtual std::shared_ptr<const ClusterImage> image() const = 0;
  // Reserves the producer ids [first, first + count) and returns first (count >= 1). The block
  // is durable before this returns, so no id is handed out twice, even after kill -9 or power
  // loss (a block whose caller crashed before using it is simply skipped). Blocks are
  // allocated in increasing order starting at 0.
  virtual Result<int64_t, std::string> allocate_producer_ids(int32_t count) = 0;
};

}  // namespace gregor::metadata
