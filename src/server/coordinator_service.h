// What the group and transaction services have in common: one coordinator per
// shard (`ShardT`, which owns it), serving the partitions of an internal topic
// that its shard owns; keys (group ids, transactional ids) placed on
// partitions with Kafka's hash; handlers reaching a key's coordinator from any
// shard; loading the topic's partitions at start and when the topic is
// created, and dropping them when it is deleted.
//
// ShardT: constructible from (Broker&, unsigned shard); has coordinator()
// (with unload(int32_t partition)), load(const Uuid& topic, int32_t partition)
// and stop(), all called on its shard.
//
// Threads: start()/stop() from the broker's main thread; the rest from any
// shard's coroutines.
#pragma once

#include <asio.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "coordinator/partition_hash.h"
#include "server/broker.h"
#include "server/coordinator_calls.h"
#include "server/topic_table.h"

namespace gregor::server {

template <typename ShardT>
class CoordinatorService {
 public:
  using Coordinator = std::remove_reference_t<decltype(std::declval<ShardT&>().coordinator())>;
  template <typename T>
  using Call = std::function<T(Coordinator&)>;
  template <typename T>
  using AsyncCall = std::function<void(Coordinator&, std::function<void(T)>)>;

  // `partitions` reads the topic's partition count from the broker config.
  CoordinatorService(Broker& broker, const char* topic,
                     std::function<int32_t(const config::BrokerConfig&)> partitions)
      : broker_(broker), topic_(topic), partitions_(std::move(partitions)) {}

  // Creates the per-shard coordinators (each on its own shard) and, if the
  // topic exists, starts loading it. Called once after the partition logs are open.
  void start() {
    const unsigned n = broker_.shards().size();
    shards_.resize(n);
    for (unsigned s = 0; s < n; ++s) {
      broker_.shards().run_and_wait(
          s, [this, s] { shards_[s] = std::make_unique<ShardT>(broker_, s); });
    }
    auto table = broker_.topics();
    if (const TopicInfo* t = table->find(topic_)) start_loading(*t);
  }
  void stop() {
    for (unsigned s = 0; s < shards_.size(); ++s) {
      if (shards_[s]) broker_.shards().run_and_wait(s, [this, s] { shards_[s]->stop(); });
    }
  }

  // The topic's id, if it exists.
  std::optional<Uuid> topic_id() const {
    const TopicInfo* t = broker_.topics()->find(topic_);
    return t ? std::optional(t->id) : std::nullopt;
  }
  // The topic was deleted: every coordinator drops its partitions (parked
  // requests get NOT_COORDINATOR).
  void unload(const TopicInfo& topic) {
    for (int32_t p = 0; p < topic.partitions; ++p) {
      const unsigned owner = broker_.owner_shard(topic.id, p);
      broker_.shards().post(owner, [this, owner, p] { shards_[owner]->coordinator().unload(p); });
    }
  }

  // Shutdown: every coordinator drops all its partitions, so requests parked
  // in them (a JoinGroup waiting for a rebalance) are answered now, with
  // NOT_COORDINATOR, and the clients move on to the next coordinator.
  void unload_all() {
    for (unsigned s = 0; s < shards_.size(); ++s) {
      if (shards_[s]) {
        broker_.shards().run_and_wait(s, [this, s] { shards_[s]->coordinator().unload_all(); });
      }
    }
  }

  ShardT& shard(unsigned s) { return *shards_[s]; }

  // Runs `fn` on the coordinator that serves `key` and returns its result on
  // the calling shard; nullopt if the topic does not exist.
  template <typename T>
  asio::awaitable<std::optional<T>> call(const std::string& key, Call<T> fn) {
    const std::optional<Uuid> id = topic_id();
    if (!id) co_return std::nullopt;
    const unsigned owner = owner_of(*id, key);
    auto run = [this, owner, fn = std::move(fn)] { return fn(shards_[owner]->coordinator()); };
    T result = co_await broker_.shards().invoke_on(owner, std::move(run));
    co_return result;
  }
  // Same for coordinator operations that answer through a callback.
  template <typename T>
  asio::awaitable<std::optional<T>> call_async(const std::string& key, AsyncCall<T> fn) {
    const std::optional<Uuid> id = topic_id();
    if (!id) co_return std::nullopt;
    const unsigned owner = owner_of(*id, key);
    std::function<void(std::function<void(T)>)> run =
        [this, owner, fn = std::move(fn)](std::function<void(T)> reply) {
          fn(shards_[owner]->coordinator(), std::move(reply));
        };
    T result = co_await run_async_on<T>(broker_.shards(), owner, std::move(run));
    co_return result;
  }
  // Runs `fn` on every shard's coordinator and collects the results.
  template <typename T>
  asio::awaitable<std::vector<T>> on_every_shard(Call<T> fn) {
    std::function<T(unsigned)> run = [this, fn = std::move(fn)](unsigned s) {
      return fn(shards_[s]->coordinator());
    };
    auto out = co_await collect_on_shards<T>(broker_.shards(),
                                             static_cast<unsigned>(shards_.size()), std::move(run));
    co_return out;
  }

 protected:
  // The shard whose coordinator serves `key` (the topic must exist).
  unsigned owner_of(const Uuid& topic_id, const std::string& key) const {
    const int32_t p = coordinator::partition_for_key(key, partitions_(broker_.config()));
    return broker_.owner_shard(topic_id, p);
  }
  void start_loading(const TopicInfo& topic) {
    for (int32_t p = 0; p < topic.partitions; ++p) {
      const unsigned owner = broker_.owner_shard(topic.id, p);
      broker_.shards().post(owner,
                            [this, owner, id = topic.id, p] { shards_[owner]->load(id, p); });
    }
  }

  Broker& broker_;
  const char* topic_;
  std::function<int32_t(const config::BrokerConfig&)> partitions_;
  std::vector<std::unique_ptr<ShardT>> shards_;
};

}  // namespace gregor::server
