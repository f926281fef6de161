#include "server/log_cleaner_service.h"

#include <algorithm>
#include <asio.hpp>
#include <limits>
#include <optional>
#include <string>
#include <thread>

#include "base/log.h"
#include "server/broker.h"
#include "storage/cleaner_checkpoint.h"
#include "storage/log_cleaner.h"

namespace gregor::server {
namespace {

storage::CompactionConfig compaction_config(const config::TopicConfig& t) {
  storage::CompactionConfig c;
  c.delete_retention_ms = t.delete_retention_ms;
  c.min_compaction_lag_ms = t.min_compaction_lag_ms;
  c.max_compaction_lag_ms = t.max_compaction_lag_ms;
  c.min_cleanable_dirty_ratio = t.min_cleanable_dirty_ratio;
  return c;
}

struct Candidate {
  Uuid topic;
  int32_t partition = 0;
  unsigned shard = 0;
  storage::CompactionConfig config;
  storage::CleanableState state;
};

// One pass's log: claimed in `in_progress_` until released.
struct Pick {
  Candidate candidate;
  std::optional<storage::CleanTask> task;
};

}  // namespace

struct LogCleanerService::Worker {
  Worker(LogCleanerService& service, size_t dedupe_bytes, size_t io_buffer_bytes)
      : svc(service), cleaner(dedupe_bytes, io_buffer_bytes, service.throttler_, service.stop_) {}

  asio::awaitable<void> run();
  asio::awaitable<bool> clean_one();
  asio::awaitable<std::vector<Candidate>> collect();
  std::optional<Candidate> choose(const std::vector<Candidate>& all);
  asio::awaitable<bool> clean(Pick& pick);

  LogCleanerService& svc;
  asio::io_context ctx{1};
  asio::steady_timer timer{ctx};
  storage::LogCleaner cleaner;
  std::thread thread;
};

LogCleanerService::LogCleanerService(Broker& broker)
    : broker_(broker), throttler_(broker.config().log_cleaner_io_max_bytes_per_second) {}

LogCleanerService::~LogCleanerService() {
  stop();
}

void LogCleanerService::start() {
  const auto& c = broker_.config();
  if (!c.log_cleaner_enable || c.log_cleaner_threads <= 0) {
    log::info("log cleaner disabled: compacted topics are not compacted");
    return;
  }
  const auto threads = static_cast<size_t>(c.log_cleaner_threads);
  // Kafka: each thread gets its share of the buffers, the key map at most 2 GiB.
  const size_t dedupe = static_cast<size_t>(
      std::min<int64_t>(c.log_cleaner_dedupe_buffer_size / static_cast<int64_t>(threads),
                        std::numeric_limits<int32_t>::max()));
  const size_t io_buffer = static_cast<size_t>(c.log_cleaner_io_buffer_size) / threads;
  for (size_t i = 0; i < threads; ++i) {
    workers_.push_back(std::make_unique<Worker>(*this, dedupe, io_buffer));
    Worker* w = workers_.back().get();
    asio::co_spawn(w->ctx, w->run(), asio::detached);
    w->thread = std::thread([w] { w->ctx.run(); });
  }
  log::info("log cleaner started: {} thread(s), {} bytes of key map each", threads, dedupe);
}

void LogCleanerService::stop() {
  stop_ = true;
  for (auto& w : workers_) {
    asio::post(w->ctx, [w = w.get()] { w->timer.cancel(); });
  }
  for (auto& w : workers_) {
    if (w->thread.joinable()) w->thread.join();
  }
  workers_.clear();
}

bool LogCleanerService::try_claim(const Uuid& topic, int32_t partition) {
  std::lock_guard lock(mu_);
  return in_progress_.insert({topic, partition}).second;
}

void LogCleanerService::release(const Uuid& topic, int32_t partition) {
  std::lock_guard lock(mu_);
  in_progress_.erase({topic, partition});
}

asio::awaitable<void> LogCleanerService::Worker::run() {
  while (!svc.stop_) {
    bool cleaned = false;
    try {
      cleaned = co_await clean_one();
    } catch (const std::exception& e) {
      log::error("log cleaner: pass failed: {}", e.what());
    }
    if (svc.stop_) break;
    if (cleaned) continue;
    timer.expires_after(std::chrono::milliseconds(svc.broker_.config().log_cleaner_backoff_ms));
    asio::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

// The cleanable state of every compacted partition, one hop per shard.
asio::awaitable<std::vector<Candidate>> LogCleanerService::Worker::collect() {
  auto table = svc.broker_.topics();
  Broker& broker = svc.broker_;
  std::vector<std::vector<Candidate>> per_shard(broker.shards().size());
  for (const TopicInfo* t : table->sorted()) {
    if (!t->config.cleanup_compact) continue;
    for (int32_t p = 0; p < t->partitions; ++p) {
      const unsigned s = broker.owner_shard(t->id, p);
      per_shard[s].push_back({t->id, p, s, compaction_config(t->config), {}});
    }
  }
  std::vector<Candidate> all;
  for (unsigned s = 0; s < per_shard.size(); ++s) {
    if (per_shard[s].empty()) continue;
    std::vector<Candidate>& mine = per_shard[s];
    auto query = [&broker, &mine, s] {
      for (Candidate& c : mine) {
        storage::PartitionLog* log = broker.partitions_of(s).find(c.topic, c.partition);
        if (log != nullptr) c.state = log->cleanable_state(c.config);
      }
    };
    co_await broker.shards().invoke_on(s, std::move(query));
    all.insert(all.end(), mine.begin(), mine.end());
  }
  co_return all;
}

// The dirtiest log that is due and not being cleaned by another thread.
std::optional<Candidate> LogCleanerService::Worker::choose(const std::vector<Candidate>& all) {
  std::vector<const Candidate*> due;
  for (const Candidate& c : all) {
    if (c.state.due(c.config.min_cleanable_dirty_ratio)) due.push_back(&c);
  }
  std::sort(due.begin(), due.end(), [](const Candidate* a, const Candidate* b) {
    return a->state.dirty_ratio > b->state.dirty_ratio;
  });
  for (const Candidate* c : due) {
    if (svc.try_claim(c->topic, c->partition)) return *c;
  }
  return std::nullopt;
}

asio::awaitable<bool> LogCleanerService::Worker::clean_one() {
  std::vector<Candidate> all = co_await collect();
  std::optional<Candidate> chosen = choose(all);
  if (!chosen) co_return false;
  Pick pick{*chosen, std::nullopt};
  bool cleaned = false;
  try {
    cleaned = co_await clean(pick);
  } catch (...) {
    svc.release(pick.candidate.topic, pick.candidate.partition);
    throw;
  }
  svc.release(pick.candidate.topic, pick.candidate.partition);
  co_return cleaned;
}

asio::awaitable<bool> LogCleanerService::Worker::clean(Pick& pick) {
  Broker& broker = svc.broker_;
  const Candidate& c = pick.candidate;
  auto snapshot = [&broker, &c] {
    storage::PartitionLog* log = broker.partitions_of(c.shard).find(c.topic, c.partition);
    return log != nullptr ? log->clean_task(c.config) : std::nullopt;
  };
  pick.task = co_await broker.shards().invoke_on(c.shard, std::move(snapshot));
  if (!pick.task) co_return false;
  const storage::CleanTask& task = *pick.task;
  auto result = cleaner.clean(*task.io, task);  // the heavy part, on this thread
  if (!result.ok()) {
    if (result.error() != storage::StorageError::kClosed)
      log::warn("{}: cleaning failed: {}", task.dir, storage::error_name(result.error()));
    co_return false;
  }
  const storage::CleanResult& done = *result;
  auto swap = [&broker, &c, &task, &done]() -> bool {
    storage::PartitionLog* log = broker.partitions_of(c.shard).find(c.topic, c.partition);
    if (log == nullptr) {
      storage::discard_cleaned(*task.io, task.dir, done.plan.new_bases);
      return false;
    }
    auto applied = log->apply_clean(task, done);
    return applied.ok() && *applied;
  };
  const bool swapped = co_await broker.shards().invoke_on(c.shard, std::move(swap));
  if (!swapped) co_return false;
  ++svc.passes_;
  if (storage::write_cleaner_checkpoint(*task.io, task.dir, task.topic, task.partition,
                                        done.end_offset) != 0) {
    log::warn("{}: could not write the cleaner checkpoint", task.dir);
  }
  co_return true;
}

}  // namespace gregor::server
