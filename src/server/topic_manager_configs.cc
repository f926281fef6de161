// TopicManager: run-time changes of a topic's configuration (AlterConfigs,
// IncrementalAlterConfigs). Same order as every topic change: durable in the
// metadata store first, then the partition logs, then the published TopicTable.
#include "base/log.h"
#include "config/topic_config.h"
#include "server/broker.h"
#include "server/log_config.h"
#include "server/topic_manager.h"

namespace gregor::server {
ErrorCode alter_error_code(config::AlterFailure::Kind kind) {
  return kind == config::AlterFailure::Kind::kInvalidRequest ? ErrorCode::kInvalidRequest
                                                             : ErrorCode::kInvalidConfig;
}

asio::awaitable<TopicResult> TopicManager::alter_configs(std::string name, ConfigChange change,
                                                         bool validate_only) {
  auto op = do_alter_configs(std::move(name), std::move(change), validate_only);
  co_return co_await asio::co_spawn(broker_.controller_executor(), std::move(op),
                                    asio::use_awaitable);
}

// The topic with its new overrides and resolved config, or why it cannot have them.
TopicResult TopicManager::next_configs(const std::string& name, const ConfigChange& change) const {
  const TopicInfo* found = broker_.topics()->find(name);
  if (found == nullptr)
    return {ErrorCode::kUnknownTopicOrPartition, "The topic '" + name + "' does not exist.",
            nullptr};
  auto next = change(found->overrides);
  if (!next.ok()) return {alter_error_code(next.error().kind), next.error().message, nullptr};
  if (auto bad = config::validate_topic_configs(*next, broker_.config()))
    return {ErrorCode::kInvalidConfig, *bad, nullptr};
  TopicInfo info = *found;
  info.overrides = std::move(next).value();
  info.config = config::resolve_topic_config(info.overrides, broker_.config());
  return {ErrorCode::kNone, "", std::make_shared<const TopicInfo>(std::move(info))};
}

asio::awaitable<TopicResult> TopicManager::do_alter_configs(std::string name, ConfigChange change,
                                                            bool validate_only) {
  co_await mutex_.lock();
  TopicResult result = next_configs(name, change);
  if (result.error == ErrorCode::kNone && !validate_only) {
    const TopicInfo& info = *result.topic;
    auto stored = broker_.store().set_topic_configs(info.id, info.overrides);
    if (!stored.ok()) {
      log::error("could not record the configs of topic '{}': {}", name, stored.error());
      result = {ErrorCode::kKafkaStorageError, stored.error(), nullptr};
    } else {
      co_await update_log_configs(info);
      broker_.publish(broker_.topics()->with(info));
      log::info("changed the configs of topic '{}'", name);
    }
  }
  mutex_.unlock();
  co_return result;
}

// Hands the storage settings to each open partition log on its owner shard.
asio::awaitable<void> TopicManager::update_log_configs(const TopicInfo& topic) {
  auto& shards = broker_.shards();
  const storage::LogConfig log_config = to_log_config(topic.config);
  for (int32_t p = 0; p < topic.partitions; ++p) {
    const unsigned owner = broker_.owner_shard(topic.id, p);
    auto update = [this, &topic, &log_config, owner, p] {
      if (auto* log = broker_.partitions_of(owner).find(topic.id, p))
        log->update_config(log_config);
      return true;
    };
    co_await shards.invoke_on(owner, std::move(update));
  }
}

}  // namespace gregor::server
