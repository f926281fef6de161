// TopicManager: run-time changes of the dynamic broker configs (AlterConfigs,
// IncrementalAlterConfigs on a BROKER resource). Same order as every change:
// durable in the metadata store first, then the broker's effective
// configuration, then every topic re-resolved against it (logs first, then the
// published TopicTable).
//
// GCC 12 at -O2 reports a false -Wmismatched-new-delete on the asio coroutine
// frames of this file (the frame is allocated and freed by asio's own
// allocator; the diagnostic does not follow it).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include "base/log.h"
#include "config/topic_config.h"
#include "server/broker.h"
#include "server/topic_manager.h"

namespace gregor::server {
asio::awaitable<TopicResult> TopicManager::alter_broker_configs(std::string resource,
                                                                BrokerConfigChange change,
                                                                bool validate_only) {
  auto op = do_alter_broker_configs(std::move(resource), std::move(change), validate_only);
  co_return co_await asio::co_spawn(broker_.controller_executor(), std::move(op),
                                    asio::use_awaitable);
}

asio::awaitable<TopicResult> TopicManager::do_alter_broker_configs(std::string resource,
                                                                   BrokerConfigChange change,
                                                                   bool validate_only) {
  co_await mutex_.lock();
  auto all = broker_.store().broker_configs();
  const std::string node = std::to_string(broker_.node_id());
  TopicResult result;
  auto next = change(all[resource], broker_.config());
  if (!next.ok()) {
    result = {alter_error_code(next.error().kind), next.error().message, nullptr};
  } else {
    all[resource] = *next;
    auto candidate = config::with_dynamic_configs(broker_.static_config(), all[""], all[node]);
    if (!candidate.ok()) result = {ErrorCode::kInvalidConfig, candidate.error(), nullptr};
  }
  if (result.error == ErrorCode::kNone && !validate_only) {
    auto stored = broker_.store().set_broker_configs(resource, *next);
    if (!stored.ok()) {
      log::error("could not record the dynamic configs of broker resource '{}': {}", resource,
                 stored.error());
      result = {ErrorCode::kKafkaStorageError, stored.error(), nullptr};
    } else {
      const bool applied = broker_.apply_dynamic_configs(all[""], all[node]);
      if (applied) co_await reresolve_topic_configs();
      log::info("changed the dynamic configs of broker resource '{}'",
                resource.empty() ? "<default>" : resource);
    }
  }
  mutex_.unlock();
  co_return result;
}

// Every topic's effective config follows the broker defaults it does not override.
asio::awaitable<void> TopicManager::reresolve_topic_configs() {
  auto table = broker_.topics();
  std::shared_ptr<const TopicTable> next = table;
  for (const TopicInfo* topic : table->sorted()) {
    TopicInfo info = *topic;
    info.config = config::resolve_topic_config(info.overrides, broker_.config());
    co_await update_log_configs(info);
    next = next->with(std::move(info));
  }
  broker_.publish(next);
}

}  // namespace gregor::server
