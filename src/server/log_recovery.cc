#include "server/log_recovery.h"

#include <algorithm>

#include "base/clock.h"
#include "base/log.h"
#include "server/broker.h"

namespace gregor::server {
namespace {

int64_t ms(std::chrono::steady_clock::duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

}  // namespace

LogRecovery::LogRecovery(asio::any_io_executor executor, ShardPartitions& logs, LogReopener reopen,
                         LogRecoveryOptions options)
    : timer_(std::move(executor)), logs_(logs), reopen_(std::move(reopen)), options_(options) {}

void LogRecovery::start() {
  stopped_ = false;
  arm();
}

void LogRecovery::stop() {
  stopped_ = true;
  timer_.cancel();
}

void LogRecovery::arm() {
  if (stopped_) return;
  timer_.expires_after(options_.check_interval);
  timer_.async_wait([this](const asio::error_code& ec) {
    if (ec || stopped_) return;  // cancelled: `this` may be gone, touch nothing else
    check(Clock::now());
    arm();
  });
}

std::chrono::milliseconds LogRecovery::grown(std::chrono::milliseconds backoff) const {
  return std::min(std::max(backoff * 2, options_.initial_backoff), options_.max_backoff);
}

void LogRecovery::check(Clock::time_point now) {
  if (!logs_.io().running()) return;  // shutting down: nothing could be written anyway
  for (const PartitionKey& key : logs_.stopped()) {
    State& state = states_[key];
    if (!state.waiting) notice(*logs_.find(key), state, now);
    if (now >= state.next_attempt) attempt(key, state, now);
  }
  forget_settled(now);
}

void LogRecovery::notice(const storage::PartitionLog& log, State& state, Clock::time_point now) {
  const bool soon_again = state.ever_reopened && now - state.reopened_at < options_.stable_after;
  state.backoff = soon_again ? grown(state.backoff) : options_.initial_backoff;
  state.waiting = true;
  state.failed_attempts = 0;
  state.next_attempt = now + state.backoff;
  log::warn(
      "{}: log stopped by a storage failure ({}); written offsets below {} stay readable, "
      "appends are refused; reopening it in {} ms",
      log.dir(), storage::error_name(*log.failure()), log.high_watermark(), state.backoff.count());
}

void LogRecovery::attempt(const PartitionKey& key, State& state, Clock::time_point now) {
  storage::PartitionLog* old = logs_.find(key);
  const auto started = Clock::now();
  auto reopened = reopen_(*old);
  if (!reopened.ok()) {
    ++state.failed_attempts;
    state.backoff = grown(state.backoff);
    state.next_attempt = now + state.backoff;
    log::warn(
        "{}: reopening after a storage failure failed ({}, attempt {}); next attempt in {} ms",
        old->dir(), storage::error_name(reopened.error()), state.failed_attempts,
        state.backoff.count());
    return;
  }
  const int64_t durable_before = old->durable_end_offset();
  const int64_t written_before = old->high_watermark();
  auto replaced = logs_.replace(key, std::move(reopened).value());
  replaced->close();  // a stopped log has nothing left to flush: no disk work
  replaced.reset();
  const storage::PartitionLog& log = *logs_.find(key);
  state.waiting = false;
  state.ever_reopened = true;
  state.reopened_at = now;
  ++recovered_;
  log::info(
      "{}: log is back after a storage failure: reopened in {} ms, log end offset {} "
      "(durable before {}, written before {}), recovery dropped {} bytes",
      log.dir(), ms(Clock::now() - started), log.log_end_offset(), durable_before, written_before,
      log.recovery_stats().bytes_truncated);
}

void LogRecovery::forget_settled(Clock::time_point now) {
  for (auto it = states_.begin(); it != states_.end();) {
    const State& s = it->second;
    const bool gone = logs_.find(it->first) == nullptr;
    const bool stable = !s.waiting && now - s.reopened_at >= options_.stable_after;
    it = gone || stable ? states_.erase(it) : std::next(it);
  }
}

size_t LogRecovery::waiting() const {
  return static_cast<size_t>(std::count_if(states_.begin(), states_.end(),
                                           [](const auto& e) { return e.second.waiting; }));
}

std::chrono::milliseconds LogRecovery::backoff_of(const PartitionKey& key) const {
  auto it = states_.find(key);
  return it == states_.end() ? std::chrono::milliseconds(0) : it->second.backoff;
}

std::unique_ptr<LogRecovery> make_log_recovery(Broker& broker, unsigned shard) {
  ShardPartitions& logs = broker.partitions_of(shard);
  auto reopen = [&broker, &logs, shard](const storage::PartitionLog& stopped) {
    storage::OpenOptions options;
    options.log_start_offset = stopped.log_start_offset();
    options.recovery_point = stopped.durable_end_offset();
    auto post = [&broker, shard](std::function<void()> fn) {
      broker.shards().post(shard, std::move(fn));
    };
    return storage::PartitionLog::open(stopped.dir(), stopped.topic(), stopped.partition(),
                                       stopped.config(), logs.io(), post, SystemClock::instance(),
                                       options);
  };
  return std::make_unique<LogRecovery>(broker.shards().executor(shard), logs, std::move(reopen));
}

}  // namespace gregor::server
