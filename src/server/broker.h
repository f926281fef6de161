// The broker: wires configuration, the metadata store, the partition logs of
// every shard and the network server together, and gives request handlers what
// they need.
//
// Threads: one loop per shard (net::ShardSet). A partition is owned by one shard
// (owner_shard()); its PartitionLog is touched only there. Topic changes run on
// the controller executor, one at a time, and publish a new TopicTable snapshot
// that any shard may read (topics()).
#pragma once

#include <asio.hpp>
#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "config/broker_config.h"
#include "metadata/metadata_store.h"
#include "net/request_handler.h"
#include "net/shard_set.h"
#include "server/shard_partitions.h"
#include "server/topic_table.h"

namespace gregor::net {
class NetServer;
}

namespace gregor::server {

class TopicManager;
class FetchSessionCache;
class GroupService;
class TxnService;
class LogCleanerService;
class LogMaintenance;
class LogRecovery;

class Broker {
 public:
  Broker(config::BrokerConfig config, net::ShardSet& shards);
  ~Broker();
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  // Opens the metadata store and every partition log (recovering them), then
  // starts listening. Called once, from the main thread, after shards started.
  Result<Ok, std::string> start();
  // Stops accepting, answers parked requests (long-poll fetches, group
  // joins), drains in-flight requests, closes every log cleanly.
  void stop();
  // True once stop() is answering parked requests: a long poll that starts
  // waiting after that must not wait (any shard).
  bool stopping() const { return stopping_.load(); }

  // The effective configuration: the static one (file and overrides) with the
  // dynamic broker configs layered over it. The reference stays valid for the
  // broker's life: every version is kept (changes are rare and small).
  const config::BrokerConfig& config() const { return *effective_.load(std::memory_order_acquire); }
  const config::BrokerConfig& static_config() const { return config_; }
  // Installs the next effective configuration built from the static one and the
  // dynamic configs (controller executor, or start()); false with the reason logged
  // if they do not make a valid configuration.
  bool apply_dynamic_configs(const std::map<std::string, std::string>& cluster_default,
                             const std::map<std::string, std::string>& this_broker);
  net::ShardSet& shards() { return shards_; }
  std::shared_ptr<const TopicTable> topics() const { return std::atomic_load(&topics_); }
  void publish(std::shared_ptr<const TopicTable> next) {
    std::atomic_store(&topics_, std::move(next));
  }
  const std::string& cluster_id() const { return cluster_id_; }
  int32_t node_id() const { return config_.node_id; }
  metadata::MetadataStore& store() { return *store_; }
  TopicManager& topic_manager() { return *topic_manager_; }
  GroupService& groups() { return *groups_; }
  TxnService& txns() { return *txns_; }
  // Retention, flush.ms and the checkpoint files (log_maintenance.h).
  LogMaintenance& maintenance() { return *maintenance_; }
  asio::any_io_executor controller_executor() { return controller_.get_executor(); }

  unsigned owner_shard(const Uuid& topic, int32_t partition) const;
  // The partitions of the calling shard.
  ShardPartitions& local_partitions();
  ShardPartitions& partitions_of(unsigned shard) { return *partitions_[shard]; }
  // Fetch sessions of the calling shard (KIP-227 sessions are kept per shard).
  FetchSessionCache& local_fetch_sessions();

  // The endpoint advertised for the listener a connection arrived on.
  config::Endpoint advertised_endpoint(const std::string& listener_name) const;

  // Kafka's checkpoint hints for a partition about to be opened.
  storage::OpenOptions open_options(const std::string& partition_dir, const std::string& topic,
                                    int32_t partition) const;

 private:
  // Sets stopping(), then answers the requests parked in long waits (no more
  // are read by now): fetches get what they have, group requests
  // NOT_COORDINATOR.
  void wake_parked_requests();
  Result<Ok, std::string> open_log_directories();
  Result<Ok, std::string> open_partitions();
  void write_checkpoints(const std::vector<storage::PartitionCheckpoint>& all);
  void remove_orphan_dirs();

  config::BrokerConfig config_;  // static: as loaded at start
  std::vector<std::unique_ptr<const config::BrokerConfig>> config_versions_;
  std::atomic<const config::BrokerConfig*> effective_;
  std::atomic<bool> stopping_{false};
  net::ShardSet& shards_;
  asio::thread_pool controller_{1};
  std::vector<std::unique_ptr<storage::LogDirectory>> log_directories_;  // hold the dir locks
  std::unique_ptr<metadata::MetadataStore> store_;
  std::shared_ptr<const TopicTable> topics_;
  std::string cluster_id_;
  std::vector<std::unique_ptr<ShardPartitions>> partitions_;
  std::vector<std::unique_ptr<FetchSessionCache>> fetch_sessions_;
  std::unique_ptr<TopicManager> topic_manager_;
  std::unique_ptr<GroupService> groups_;
  std::unique_ptr<TxnService> txns_;
  std::unique_ptr<LogMaintenance> maintenance_;
  std::unique_ptr<LogCleanerService> cleaner_;            // compaction (log_cleaner_service.h)
  std::vector<std::unique_ptr<LogRecovery>> recoveries_;  // one per shard: reopens stopped logs
  std::unique_ptr<net::RequestHandler> dispatcher_;
  std::unique_ptr<net::NetServer> net_;
};

}  // namespace gregor::server
