#include "server/topic_manager.h"

#include <filesystem>

#include "base/clock.h"
#include "base/log.h"
#include "config/topic_config.h"
#include "metadata/topic_names.h"
#include "server/broker.h"
#include "server/group_service.h"
#include "server/log_config.h"
#include "server/txn_service.h"

namespace gregor::server {
namespace {

// Upper bound on partitions per topic request: a typo must not create millions of logs.
constexpr int32_t kMaxPartitions = 100000;

TopicResult fail(ErrorCode code, std::string message) {
  return {code, std::move(message), nullptr};
}

// Runs `op` on the controller executor under the manager's lock.
template <typename Op>
asio::awaitable<TopicResult> on_controller(Broker& broker, Op op) {
  co_return co_await asio::co_spawn(broker.controller_executor(), std::move(op),
                                    asio::use_awaitable);
}

}  // namespace

asio::awaitable<TopicResult> TopicManager::create_topic(CreateTopicArgs args) {
  return on_controller(broker_, do_create(std::move(args)));
}
asio::awaitable<TopicResult> TopicManager::delete_topic(Uuid id) {
  return on_controller(broker_, do_delete(id));
}
asio::awaitable<TopicResult> TopicManager::create_partitions(std::string name, int32_t count,
                                                             bool validate_only) {
  return on_controller(broker_, do_create_partitions(std::move(name), count, validate_only));
}

asio::awaitable<std::shared_ptr<const TopicInfo>> TopicManager::auto_create(std::string name) {
  if (!broker_.config().auto_create_topics_enable) co_return nullptr;
  if (metadata::validate_topic_name(name)) co_return nullptr;
  CreateTopicArgs args;
  args.name = name;
  TopicResult r = co_await create_topic(std::move(args));
  if (r.error == ErrorCode::kNone) {
    log::info("auto-created topic '{}' with {} partition(s)", name, r.topic->partitions);
    co_return r.topic;
  }
  // Lost a race with another creator: use theirs.
  const TopicInfo* existing = broker_.topics()->find(name);
  if (existing == nullptr) co_return nullptr;
  co_return std::make_shared<const TopicInfo>(*existing);
}

TopicResult TopicManager::validate_create(CreateTopicArgs& args) const {
  const auto& cfg = broker_.config();
  if (auto err = metadata::validate_topic_name(args.name)) {
    return fail(ErrorCode::kInvalidTopicException, *err);
  }
  auto table = broker_.topics();
  if (table->find(args.name) != nullptr) {
    return fail(ErrorCode::kTopicAlreadyExists, "Topic '" + args.name + "' already exists.");
  }
  for (const TopicInfo* t : table->sorted()) {
    if (metadata::collides(t->name, args.name)) {
      return fail(ErrorCode::kInvalidTopicException,
                  "Topic '" + args.name + "' collides with existing topic: " + t->name);
    }
  }
  if (args.partitions == -1) args.partitions = cfg.num_partitions;
  if (args.partitions <= 0) {
    return fail(ErrorCode::kInvalidPartitions,
                "Number of partitions was set to an invalid non-positive value.");
  }
  if (args.partitions > kMaxPartitions) {
    return fail(ErrorCode::kInvalidPartitions,
                "Number of partitions " + std::to_string(args.partitions) +
                    " exceeds the limit of " + std::to_string(kMaxPartitions) + ".");
  }
  if (args.replication_factor == -1) args.replication_factor = cfg.default_replication_factor;
  if (args.replication_factor <= 0) {
    return fail(ErrorCode::kInvalidReplicationFactor,
                "Replication factor must be larger than 0, or -1 to use the default value.");
  }
  if (args.replication_factor > 1) {
    auto rf = std::to_string(args.replication_factor);
    return fail(ErrorCode::kInvalidReplicationFactor,
                "Unable to replicate the partition " + rf +
                    " time(s): The target replication factor of " + rf +
                    " cannot be reached because only 1 broker(s) are registered.");
  }
  if (auto err = config::validate_topic_configs(args.configs, cfg)) {
    return fail(ErrorCode::kInvalidConfig, *err);
  }
  return {};
}

asio::awaitable<TopicResult> TopicManager::do_create(CreateTopicArgs args) {
  co_await mutex_.lock();
  TopicResult result = validate_create(args);
  if (result.error == ErrorCode::kNone) {
    TopicInfo info;
    info.name = args.name;
    info.id = Uuid::random();
    info.partitions = args.partitions;
    info.overrides = args.configs;
    info.config = config::resolve_topic_config(info.overrides, broker_.config());
    info.internal = metadata::is_internal_topic(info.name);
    result.topic = std::make_shared<const TopicInfo>(info);
    if (!args.validate_only) {
      auto stored =
          broker_.store().create_topic({info.name, info.id, info.partitions, info.overrides});
      if (!stored.ok()) {
        log::error("could not record topic '{}': {}", info.name, stored.error());
        result = fail(ErrorCode::kKafkaStorageError, stored.error());
      } else {
        bool opened = co_await open_logs(info, 0, info.partitions);
        if (!opened) {
          result = fail(ErrorCode::kKafkaStorageError, "Could not create the partition logs.");
          co_await close_logs(info);
          (void)broker_.store().delete_topic(info.id);
        } else {
          broker_.publish(broker_.topics()->with(info));
          log::info("created topic '{}' ({} partition(s), id {})", info.name, info.partitions,
                    info.id.to_base64());
        }
      }
    }
  }
  mutex_.unlock();
  co_return result;
}

asio::awaitable<TopicResult> TopicManager::do_delete(Uuid id) {
  co_await mutex_.lock();
  TopicResult result;
  const TopicInfo* found = broker_.topics()->find(id);
  if (found == nullptr) {
    result = fail(ErrorCode::kUnknownTopicId, "This server does not host this topic ID.");
  } else {
    TopicInfo info = *found;
    auto stored = broker_.store().delete_topic(id);
    if (!stored.ok()) {
      result = fail(ErrorCode::kKafkaStorageError, stored.error());
    } else {
      broker_.publish(broker_.topics()->without(id));
      co_await close_logs(info);
      // Kafka lets users delete __consumer_offsets; its groups go with it.
      if (info.name == kOffsetsTopic) broker_.groups().unload(info);
      if (info.name == kTransactionStateTopic) broker_.txns().unload(info);
      result.topic = std::make_shared<const TopicInfo>(info);
      log::info("deleted topic '{}'", info.name);
    }
  }
  mutex_.unlock();
  co_return result;
}

asio::awaitable<TopicResult> TopicManager::do_create_partitions(std::string name, int32_t count,
                                                                bool validate_only) {
  co_await mutex_.lock();
  TopicResult result;
  const TopicInfo* found = broker_.topics()->find(name);
  if (found == nullptr) {
    result = fail(ErrorCode::kUnknownTopicOrPartition, "The topic '" + name + "' does not exist.");
  } else if (count < found->partitions) {
    result =
        fail(ErrorCode::kInvalidPartitions,
             "Topic currently has " + std::to_string(found->partitions) +
                 " partitions, which is higher than the requested " + std::to_string(count) + ".");
  } else if (count == found->partitions) {
    result = fail(ErrorCode::kInvalidPartitions,
                  "Topic already has " + std::to_string(count) + " partitions.");
  } else if (count > kMaxPartitions) {
    result = fail(ErrorCode::kInvalidPartitions, "Number of partitions exceeds the limit.");
  } else {
    TopicInfo info = *found;
    int32_t old_count = info.partitions;
    info.partitions = count;
    result.topic = std::make_shared<const TopicInfo>(info);
    if (!validate_only) {
      auto stored = broker_.store().set_partition_count(info.id, count);
      if (!stored.ok()) {
        result = fail(ErrorCode::kKafkaStorageError, stored.error());
      } else {
        bool opened = co_await open_logs(info, old_count, count);
        if (!opened) {
          result = fail(ErrorCode::kKafkaStorageError, "Could not create the partition logs.");
        } else {
          broker_.publish(broker_.topics()->with(info));
        }
      }
    }
  }
  mutex_.unlock();
  co_return result;
}

std::string TopicManager::partition_dir(const std::string& topic, int32_t partition) const {
  const auto& dirs = broker_.config().log_dirs;
  std::string leaf = topic + "-" + std::to_string(partition);
  for (const auto& dir : dirs) {
    std::error_code ec;
    if (std::filesystem::exists(std::filesystem::path(dir) / leaf, ec)) return dir + "/" + leaf;
  }
  size_t pick = (std::hash<std::string>{}(topic) + static_cast<size_t>(partition)) % dirs.size();
  return dirs[pick] + "/" + leaf;
}

asio::awaitable<bool> TopicManager::open_logs(const TopicInfo& topic, int32_t from, int32_t to) {
  auto& shards = broker_.shards();
  bool ok = true;
  for (int32_t p = from; p < to; ++p) {
    unsigned owner = broker_.owner_shard(topic.id, p);
    std::string dir = partition_dir(topic.name, p);
    bool opened = co_await shards.invoke_on(owner, [&, owner, p] {
      auto& local = broker_.partitions_of(owner);
      if (local.find(topic.id, p) != nullptr) return true;
      auto log = storage::PartitionLog::open(
          dir, topic.name, p, to_log_config(topic.config), local.io(),
          [&shards, owner](std::function<void()> fn) { shards.post(owner, std::move(fn)); },
          SystemClock::instance());
      if (!log.ok()) {
        log::error("could not open log {}: storage error {}", dir, static_cast<int>(log.error()));
        return false;
      }
      local.add(topic.id, p, std::move(log).value());
      return true;
    });
    ok = ok && opened;
  }
  co_return ok;
}

asio::awaitable<void> TopicManager::close_logs(const TopicInfo& topic) {
  auto& shards = broker_.shards();
  for (int32_t p = 0; p < topic.partitions; ++p) {
    unsigned owner = broker_.owner_shard(topic.id, p);
    std::string dir = partition_dir(topic.name, p);
    co_await shards.invoke_on(owner, [&, owner, p] {
      if (auto log = broker_.partitions_of(owner).remove(topic.id, p)) log->close();
      return true;
    });
    // Back on the controller thread: removing files may block, shards must not.
    auto removed = storage::PartitionLog::remove_dir(dir);
    if (!removed.ok()) log::warn("could not remove {}", dir);
  }
}

}  // namespace gregor::server
