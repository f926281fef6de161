// A snapshot of the cluster as Metadata reports it (brokers, controller,
// cluster id, topics, partitions, leaders, replicas, ISR), and partition
// watermarks. Metadata is always requested for all topics, so that describing
// a topic can never auto-create it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cli/client.h"

namespace gregor::cli {

struct BrokerMetadata {
  int id = -1;
  std::string host;
  int port = 0;
};

struct PartitionMetadata {
  int id = -1;
  int leader = -1;
  std::vector<int> replicas;
  std::vector<int> isr;
  rd_kafka_resp_err_t error = RD_KAFKA_RESP_ERR_NO_ERROR;
};

struct TopicMetadata {
  std::string name;
  rd_kafka_resp_err_t error = RD_KAFKA_RESP_ERR_NO_ERROR;
  std::vector<PartitionMetadata> partitions;  // sorted by id
};

struct ClusterMetadata {
  std::vector<BrokerMetadata> brokers;  // sorted by id
  std::vector<TopicMetadata> topics;    // sorted by name
  int controller_id = -1;
  std::string cluster_id;

  const TopicMetadata* find_topic(const std::string& name) const;
  // The topic, or a CommandError "unknown topic NAME" (exit code 1).
  const TopicMetadata& topic(const std::string& name) const;
};

ClusterMetadata fetch_metadata(Client& client);

struct Watermarks {
  int64_t low = -1;   // log start offset
  int64_t high = -1;  // high watermark (next offset to be written)
};

Watermarks query_watermarks(Client& client, const std::string& topic, int partition);

}  // namespace gregor::cli
