#include "cli/metadata.h"

#include <algorithm>

namespace gregor::cli {
namespace {

struct MetadataDeleter {
  void operator()(const rd_kafka_metadata_t* md) const { rd_kafka_metadata_destroy(md); }
};

PartitionMetadata convert(const rd_kafka_metadata_partition_t& p) {
  PartitionMetadata out;
  out.id = p.id;
  out.leader = p.leader;
  out.replicas.assign(p.replicas, p.replicas + p.replica_cnt);
  out.isr.assign(p.isrs, p.isrs + p.isr_cnt);
  out.error = p.err;
  return out;
}

TopicMetadata convert(const rd_kafka_metadata_topic_t& t) {
  TopicMetadata out;
  out.name = t.topic;
  out.error = t.err;
  for (int i = 0; i < t.partition_cnt; ++i) out.partitions.push_back(convert(t.partitions[i]));
  std::sort(out.partitions.begin(), out.partitions.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });
  return out;
}

}  // namespace

const TopicMetadata* ClusterMetadata::find_topic(const std::string& name) const {
  for (const auto& t : topics) {
    if (t.name == name && t.error != RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) return &t;
  }
  return nullptr;
}

const TopicMetadata& ClusterMetadata::topic(const std::string& name) const {
  const TopicMetadata* t = find_topic(name);
  if (t == nullptr) fail("unknown topic " + name);
  return *t;
}

ClusterMetadata fetch_metadata(Client& client) {
  const rd_kafka_metadata_t* raw = nullptr;
  const int timeout_ms = client.options().timeout_ms();
  client.check(rd_kafka_metadata(client.get(), 1, nullptr, &raw, timeout_ms), "metadata");
  std::unique_ptr<const rd_kafka_metadata_t, MetadataDeleter> md(raw);
  ClusterMetadata out;
  for (int i = 0; i < md->broker_cnt; ++i) {
    out.brokers.push_back({md->brokers[i].id, md->brokers[i].host, md->brokers[i].port});
  }
  std::sort(out.brokers.begin(), out.brokers.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });
  for (int i = 0; i < md->topic_cnt; ++i) out.topics.push_back(convert(md->topics[i]));
  std::sort(out.topics.begin(), out.topics.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  out.controller_id = rd_kafka_controllerid(client.get(), timeout_ms);
  if (char* id = rd_kafka_clusterid(client.get(), timeout_ms)) {
    out.cluster_id = id;
    rd_kafka_mem_free(client.get(), id);
  }
  return out;
}

Watermarks query_watermarks(Client& client, const std::string& topic, int partition) {
  Watermarks w;
  client.check(rd_kafka_query_watermark_offsets(client.get(), topic.c_str(), partition, &w.low,
                                                &w.high, client.options().timeout_ms()),
               "offsets of " + topic + "/" + std::to_string(partition));
  return w;
}

}  // namespace gregor::cli
