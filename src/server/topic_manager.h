// Topic lifecycle: create, delete, add partitions, auto-create. Every change
// runs on the broker's controller executor under one lock, so changes are
// applied one at a time: the metadata store records the change durably first,
// then the partition logs are opened (or closed and removed) on their owner
// shards, then a new TopicTable snapshot is published to all shards.
#pragma once

#include <asio.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "base/error_code.h"
#include "base/result.h"
#include "config/config_alter.h"
#include "server/async_mutex.h"
#include "server/topic_table.h"

namespace gregor::server {

class Broker;

struct CreateTopicArgs {
  std::string name;
  int32_t partitions = -1;          // -1: num.partitions
  int16_t replication_factor = -1;  // -1: default.replication.factor
  std::map<std::string, std::string> configs;
  bool validate_only = false;
};

struct TopicResult {
  ErrorCode error = ErrorCode::kNone;
  std::string message;                     // for error_message fields; empty when ok
  std::shared_ptr<const TopicInfo> topic;  // the created (or would-be) topic when ok
};

// Computes a topic's new overrides from its current ones (AlterConfigs replaces
// them, IncrementalAlterConfigs edits them); runs on the controller under the lock.
using ConfigChange =
    std::function<Result<config::Overrides, config::AlterFailure>(const config::Overrides&)>;

// Computes a broker resource's new dynamic configs from its current ones and the
// effective broker configuration (config_alter.h: IncrementalAlterConfigs edits them).
using BrokerConfigChange = std::function<Result<config::Overrides, config::AlterFailure>(
    const config::Overrides&, const config::BrokerConfig&)>;

// The error code of a refused config change: INVALID_REQUEST or INVALID_CONFIG.
ErrorCode alter_error_code(config::AlterFailure::Kind kind);

class TopicManager {
 public:
  explicit TopicManager(Broker& broker) : broker_(broker) {}

  // Callable from any shard's coroutine; the work hops to the controller.
  asio::awaitable<TopicResult> create_topic(CreateTopicArgs args);
  asio::awaitable<TopicResult> delete_topic(Uuid id);
  asio::awaitable<TopicResult> create_partitions(std::string name, int32_t count,
                                                 bool validate_only);
  // Changes the config overrides of topic `name` (topic_manager_configs.cc): the new
  // set is validated, recorded durably, handed to the open partition logs and then
  // published in a new TopicTable, so produce requests use it from then on.
  asio::awaitable<TopicResult> alter_configs(std::string name, ConfigChange change,
                                             bool validate_only);
  // Changes the dynamic configs of broker resource `resource` ("" = cluster-wide
  // default, else this node's id) (topic_manager_broker_configs.cc): validated,
  // recorded durably, installed as the broker's effective configuration, then
  // every topic's config is re-resolved (topics without their own override follow
  // the new defaults), handed to the open logs and published.
  asio::awaitable<TopicResult> alter_broker_configs(std::string resource, BrokerConfigChange change,
                                                    bool validate_only);
  // Creates `name` with the broker defaults if auto.create.topics.enable allows it;
  // returns the topic (existing or new), or nullptr.
  asio::awaitable<std::shared_ptr<const TopicInfo>> auto_create(std::string name);

  // Opens the logs of partitions [from, to) of `topic` on their owner shards.
  asio::awaitable<bool> open_logs(const TopicInfo& topic, int32_t from, int32_t to);
  // Directory of a partition's log.
  std::string partition_dir(const std::string& topic, int32_t partition) const;

 private:
  asio::awaitable<TopicResult> do_create(CreateTopicArgs args);
  asio::awaitable<TopicResult> do_delete(Uuid id);
  asio::awaitable<TopicResult> do_create_partitions(std::string name, int32_t count,
                                                    bool validate_only);
  asio::awaitable<TopicResult> do_alter_configs(std::string name, ConfigChange change,
                                                bool validate_only);
  TopicResult next_configs(const std::string& name, const ConfigChange& change) const;
  asio::awaitable<TopicResult> do_alter_broker_configs(std::string resource,
                                                       BrokerConfigChange change,
                                                       bool validate_only);
  asio::awaitable<void> reresolve_topic_configs();
  asio::awaitable<void> update_log_configs(const TopicInfo& topic);
  TopicResult validate_create(CreateTopicArgs& args) const;
  asio::awaitable<void> close_logs(const TopicInfo& topic);

  Broker& broker_;
  AsyncMutex mutex_;  // controller executor only
};

}  // namespace gregor::server
