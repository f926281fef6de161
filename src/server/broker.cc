#include "server/broker.h"

#include <unistd.h>

#include <filesystem>
#include <future>
#include <set>

#include "base/clock.h"
#include "base/log.h"
#include "config/topic_config.h"
#include "metadata/embedded_store.h"
#include "metadata/topic_names.h"
#include "net/server.h"
#include "server/dispatcher.h"
#include "server/fetch_session.h"
#include "server/group_service.h"
#include "server/log_cleaner_service.h"
#include "server/log_config.h"
#include "server/log_maintenance.h"
#include "server/log_recovery.h"
#include "server/topic_manager.h"
#include "server/txn_service.h"

namespace gregor::server {
namespace {

// Kafka's max.incremental.fetch.session.cache.slots default, split over shards.
constexpr size_t kFetchSessionSlots = 1000;

std::string local_hostname() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

}  // namespace

Broker::Broker(config::BrokerConfig config, net::ShardSet& shards)
    : config_(std::move(config)),
      effective_(&config_),
      shards_(shards),
      topics_(std::make_shared<TopicTable>()) {
  const unsigned n = shards_.size();
  for (unsigned i = 0; i < n; ++i) {
    partitions_.push_back(std::make_unique<ShardPartitions>(i));
    partitions_.back()->io().set_fd_budget(storage::segment_fd_budget(config_.log_segment_fds_max) /
                                           n);
    fetch_sessions_.push_back(std::make_unique<FetchSessionCache>(
        static_cast<int32_t>(i + 1), static_cast<int32_t>(n), kFetchSessionSlots / n + 1));
  }
  topic_manager_ = std::make_unique<TopicManager>(*this);
  groups_ = std::make_unique<GroupService>(*this);
  txns_ = std::make_unique<TxnService>(*this);
  dispatcher_ = std::make_unique<Dispatcher>(*this);
}

Broker::~Broker() = default;

unsigned Broker::owner_shard(const Uuid& topic, int32_t partition) const {
  return static_cast<unsigned>((std::hash<Uuid>{}(topic) + static_cast<size_t>(partition)) %
                               shards_.size());
}

ShardPartitions& Broker::local_partitions() {
  int shard = net::ShardSet::current();
  GREGOR_ASSERT(shard >= 0, "local_partitions() called off a shard thread");
  return *partitions_[static_cast<size_t>(shard)];
}

FetchSessionCache& Broker::local_fetch_sessions() {
  int shard = net::ShardSet::current();
  GREGOR_ASSERT(shard >= 0, "local_fetch_sessions() called off a shard thread");
  return *fetch_sessions_[static_cast<size_t>(shard)];
}

config::Endpoint Broker::advertised_endpoint(const std::string& listener_name) const {
  config::Endpoint ep;
  for (const auto& candidate : config_.advertised_listeners) {
    if (candidate.listener_name == listener_name) ep = candidate;
  }
  if (ep.listener_name.empty() && !config_.advertised_listeners.empty())
    ep = config_.advertised_listeners[0];
  if (ep.host.empty() || ep.host == "0.0.0.0" || ep.host == "::") ep.host = local_hostname();
  if (ep.port == 0 && net_) ep.port = net_->bound_port(ep.listener_name);
  return ep;
}

bool Broker::apply_dynamic_configs(const std::map<std::string, std::string>& cluster_default,
                                   const std::map<std::string, std::string>& this_broker) {
  auto next = config::with_dynamic_configs(config_, cluster_default, this_broker);
  if (!next.ok()) {
    log::error("the dynamic broker configs are not valid, keeping the current ones: {}",
               next.error());
    return false;
  }
  config_versions_.push_back(std::make_unique<const config::BrokerConfig>(std::move(next).value()));
  effective_.store(config_versions_.back().get(), std::memory_order_release);
  return true;
}

Result<Ok, std::string> Broker::start() {
  if (auto dirs = open_log_directories(); !dirs.ok()) return dirs;
  metadata::EmbeddedStoreOptions store_options;
  store_options.node_id = config_.node_id;
  auto store = metadata::EmbeddedMetadataStore::open(config_.log_dirs[0], SystemClock::instance(),
                                                     store_options);
  if (!store.ok()) return Err("cannot open the metadata store: " + store.error());
  store_ = std::move(store).value();
  cluster_id_ = store_->cluster_id();
  auto dynamic = store_->broker_configs();
  apply_dynamic_configs(dynamic[""], dynamic[std::to_string(config_.node_id)]);

  auto table = std::make_shared<TopicTable>();
  std::shared_ptr<const TopicTable> current = table;
  for (const auto& rec : store_->topics()) {
    TopicInfo info;
    info.name = rec.name;
    info.id = rec.id;
    info.partitions = rec.partitions;
    info.overrides = rec.configs;
    info.config = config::resolve_topic_config(info.overrides, config());
    info.internal = metadata::is_internal_topic(info.name);
    current = current->with(std::move(info));
  }
  publish(current);
  remove_orphan_dirs();
  if (auto opened = open_partitions(); !opened.ok()) return opened;
  groups_->start();
  txns_->start();
  std::vector<storage::LogDirectory*> dirs;
  for (const auto& d : log_directories_) dirs.push_back(d.get());
  maintenance_ =
      std::make_unique<LogMaintenance>(*this, std::move(dirs), MaintenanceSettings::from(config_));
  maintenance_->start();
  cleaner_ = std::make_unique<LogCleanerService>(*this);
  cleaner_->start();
  for (unsigned s = 0; s < shards_.size(); ++s) {
    recoveries_.push_back(make_log_recovery(*this, s));
    shards_.post(s, [r = recoveries_.back().get()] { r->start(); });
  }

  net_ = std::make_unique<net::NetServer>(shards_, *dispatcher_, config_);
  if (auto listening = net_->start(); !listening.ok()) return Err(listening.error());
  for (const auto& l : config_.listeners) {
    log::info("listening on {}://{}:{} (cluster id {}, node {})", l.listener_name, l.host,
              net_->bound_port(l.listener_name), cluster_id_, config_.node_id);
  }
  return Ok{};
}

// Creates and locks every log directory, so two brokers can never share one.
Result<Ok, std::string> Broker::open_log_directories() {
  for (const auto& dir : config_.log_dirs) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return Err("cannot create log directory " + dir + ": " + ec.message());
    auto opened = storage::LogDirectory::open(dir);
    if (!opened.ok()) {
      return Err("cannot use log directory " + dir + " (is another broker using it?): " +
                 std::string(storage::error_name(opened.error())));
    }
    log_directories_.push_back(std::move(opened).value());
  }
  return Ok{};
}

storage::OpenOptions Broker::open_options(const std::string& partition_dir,
                                          const std::string& topic, int32_t partition) const {
  for (const auto& d : log_directories_) {
    if (partition_dir.rfind(d->path() + "/", 0) == 0) return d->open_options(topic, partition);
  }
  return {};
}

void Broker::write_checkpoints(const std::vector<storage::PartitionCheckpoint>& all) {
  for (const auto& d : log_directories_) {
    std::vector<storage::PartitionCheckpoint> mine;
    for (const auto& c : all) {
      std::string dir = topic_manager_->partition_dir(c.topic, c.partition);
      if (dir.rfind(d->path() + "/", 0) == 0) mine.push_back(c);
    }
    if (!d->write_checkpoints(mine).ok())
      log::warn("could not write the checkpoints of {}", d->path());
  }
}

// Opens every partition log on its owner shard, all shards in parallel.
Result<Ok, std::string> Broker::open_partitions() {
  auto table = topics();
  std::vector<std::vector<std::pair<const TopicInfo*, int32_t>>> work(shards_.size());
  for (const TopicInfo* t : table->sorted()) {
    for (int32_t p = 0; p < t->partitions; ++p) work[owner_shard(t->id, p)].push_back({t, p});
  }
  std::vector<std::future<std::string>> results;
  for (unsigned s = 0; s < shards_.size(); ++s) {
    auto promise = std::make_shared<std::promise<std::string>>();
    results.push_back(promise->get_future());
    shards_.post(s, [this, s, promise, items = std::move(work[s])] {
      for (auto [topic, p] : items) {
        std::string dir = topic_manager_->partition_dir(topic->name, p);
        auto log = storage::PartitionLog::open(
            dir, topic->name, p, to_log_config(topic->config), partitions_[s]->io(),
            [this, s](std::function<void()> fn) { shards_.post(s, std::move(fn)); },
            SystemClock::instance(), open_options(dir, topic->name, p));
        if (!log.ok()) {
          promise->set_value("cannot open log " + dir);
          return;
        }
        partitions_[s]->add(topic->id, p, std::move(log).value());
      }
      promise->set_value("");
    });
  }
  for (auto& f : results) {
    if (std::string err = f.get(); !err.empty()) return Err(err);
  }
  return Ok{};
}

// Removes partition directories of topics the metadata store no longer knows
// (a deletion interrupted by a crash after it was recorded).
void Broker::remove_orphan_dirs() {
  auto table = topics();
  for (const auto& dir : config_.log_dirs) {
    for (const auto& [topic, partition] : storage::list_partition_dirs(dir)) {
      const TopicInfo* t = table->find(topic);
      if (t != nullptr && partition < t->partitions) continue;
      std::string path = dir + "/" + topic + "-" + std::to_string(partition);
      log::warn("removing {}: its topic or partition no longer exists", path);
      (void)storage::PartitionLog::remove_dir(path);
    }
  }
}

void Broker::wake_parked_requests() {
  stopping_.store(true);
  groups_->unload_all();
  for (unsigned s = 0; s < shards_.size(); ++s)
    shards_.run_and_wait(s, [this, s] { partitions_[s]->wake_hw_listeners(); });
}

void Broker::stop() {
  if (net_) net_->shutdown(std::chrono::seconds(10), [this] { wake_parked_requests(); });
  txns_->stop();
  groups_->stop();
  if (maintenance_) maintenance_->stop();
  if (cleaner_) cleaner_->stop();  // before the logs close: it may wait on a shard
  using Checkpoints = std::vector<storage::PartitionCheckpoint>;
  std::vector<std::future<Checkpoints>> done;
  for (unsigned s = 0; s < shards_.size(); ++s) {
    auto promise = std::make_shared<std::promise<Checkpoints>>();
    done.push_back(promise->get_future());
    shards_.post(s, [this, s, promise] {
      if (s < recoveries_.size()) recoveries_[s]->stop();
      promise->set_value(partitions_[s]->close_all());
    });
  }
  Checkpoints all;
  for (auto& f : done) {
    auto part = f.get();
    all.insert(all.end(), part.begin(), part.end());
  }
  write_checkpoints(all);
  controller_.join();
  log::info("broker stopped cleanly");
}

}  // namespace gregor::server
