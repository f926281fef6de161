#include "storage/partition_log.h"

#include <atomic>
#include <limits>

#include "base/assert.h"
#include "base/log.h"
#include "protocol/record/batch_header.h"
#include "storage/log_loader.h"

namespace gregor::storage {

PartitionLog::PartitionLog(std::string dir, std::string topic, int32_t partition, LogConfig config,
                           IoWorker& io, Poster post, const Clock& clock)
    : dir_(std::move(dir)),
      topic_(std::move(topic)),
      partition_(partition),
      config_(config),
      io_(io),
      post_(std::move(post)),
      clock_(clock),
      tail_(config_.tail_cache_bytes, config_.max_chunk_bytes),
      self_(std::make_shared<PartitionLog*>(this)) {}

Result<std::unique_ptr<PartitionLog>, StorageError> PartitionLog::open(
    std::string dir, std::string topic, int32_t partition, LogConfig config, IoWorker& io,
    Poster post, const Clock& clock, const OpenOptions& options) {
  std::unique_ptr<PartitionLog> log(new PartitionLog(std::move(dir), std::move(topic), partition,
                                                     config, io, std::move(post), clock));
  LogLoader loader(*log, io.io(), options);
  if (auto loaded = loader.load(); !loaded.ok()) {
    log->closed_ = true;  // nothing to flush
    return Err(loaded.error());
  }
  return log;
}

PartitionLog::~PartitionLog() {
  if (!closed_) close();
}

Result<Ok, StorageError> PartitionLog::check_batch(std::span<const uint8_t> batch) const {
  if (closed_) return Err(StorageError::kClosed);
  if (failure_) return Err(*failure_);
  if (batch.size() < record::kHeaderSize) return Err(StorageError::kCorrupt);
  record::BatchHeaderView h(batch.data());
  if (h.magic() != 2 || h.total_size() != static_cast<int64_t>(batch.size()) ||
      h.last_offset_delta() < 0) {
    return Err(StorageError::kCorrupt);
  }
  if (static_cast<int64_t>(batch.size()) > std::numeric_limits<int32_t>::max() - kPageSize) {
    return Err(StorageError::kTooLarge);
  }
  return Ok{};
}

Result<AppendResult, StorageError> PartitionLog::append(std::span<const uint8_t> batch,
                                                        const AppendOptions& options) {
  if (auto ok = check_batch(batch); !ok.ok()) return Err(ok.error());
  if (record::BatchHeaderView(batch.data()).producer_id() >= 0) {
    return append_with_producer(batch, options);
  }
  return append_batch(batch);
}

Result<AppendResult, StorageError> PartitionLog::append_batch(std::span<const uint8_t> batch) {
  record::BatchHeaderView h(batch.data());
  const auto size = static_cast<int64_t>(batch.size());
  const int64_t now = clock_.now_ms();
  const int64_t base = log_end_offset();
  const int64_t last = base + h.last_offset_delta();
  Segment* segment = &active();
  if (segment->should_roll(size, last, now)) segment = &roll(base);

  const BatchMeta meta{segment->size(), size, base, last, h.max_timestamp()};
  uint8_t* stored = tail_.append(segment->base_offset(), meta, batch);
  record::patch_base_offset(stored, base);
  segment->on_append(meta, now);
  schedule_flush();
  return AppendResult{base, last, now};
}

int64_t PartitionLog::size_bytes() const {
  int64_t total = 0;
  for (const auto& [base, segment] : segments_) total += segment->size();
  return total;
}

void PartitionLog::update_config(const LogConfig& config) {
  config_.segment_bytes = config.segment_bytes;
  config_.segment_ms = config.segment_ms;
  config_.segment_jitter_ms = config.segment_jitter_ms;
  config_.index_interval_bytes = config.index_interval_bytes;
  config_.segment_index_bytes = config.segment_index_bytes;
}

Segment& PartitionLog::roll(int64_t base_offset) {
  GREGOR_ASSERT(base_offset >= active().next_offset(), "a new segment starts after the old one");
  auto file = std::make_shared<SegmentFile>(io_.io(), dir_, base_offset, io_.fd_caches());
  auto segment = std::make_unique<Segment>(std::move(file), config_);
  Segment& ref = *segment;
  log::debug("{}: rolling to a new segment at offset {}", dir_, base_offset);
  segments_.emplace(base_offset, std::move(segment));
  // The state as of the new segment's base: a restart replays from here.
  snapshot_producers(base_offset, /*now=*/false);
  return ref;
}

Segment* PartitionLog::segment_for(int64_t offset) {
  auto it = segments_.upper_bound(offset);
  if (it == segments_.begin()) return nullptr;
  return std::prev(it)->second.get();
}

Segment* PartitionLog::segment_at_base(int64_t base_offset) {
  auto it = segments_.find(base_offset);
  return it == segments_.end() ? nullptr : it->second.get();
}

std::vector<int64_t> PartitionLog::segment_base_offsets() const {
  std::vector<int64_t> out;
  for (const auto& [base, segment] : segments_) out.push_back(base);
  return out;
}

void PartitionLog::post_done(DoneCallback fn, std::optional<StorageError> error) {
  post_([fn = std::move(fn), error] { fn(error); });
}

void PartitionLog::when_written(int64_t end_offset, DoneCallback fn) {
  if (end_offset <= written_end_) return post_done(std::move(fn), std::nullopt);
  if (closed_) return post_done(std::move(fn), StorageError::kClosed);
  if (failure_) return post_done(std::move(fn), failure_);
  written_waiters_.emplace(end_offset, std::move(fn));
  schedule_flush();
}

void PartitionLog::when_durable(int64_t end_offset, DoneCallback fn) {
  if (end_offset <= durable_end_) return post_done(std::move(fn), std::nullopt);
  if (closed_) return post_done(std::move(fn), StorageError::kClosed);
  if (failure_) return post_done(std::move(fn), failure_);
  durable_waiters_.emplace(end_offset, std::move(fn));
  durable_target_ = std::max(durable_target_, end_offset);
  schedule_flush();
}

void PartitionLog::fire_waiters(std::multimap<int64_t, DoneCallback>& waiters, int64_t end,
                                std::optional<StorageError> error) {
  // Detach first: a callback may register new waiters or append.
  std::vector<DoneCallback> ready;
  auto stop = error ? waiters.end() : waiters.upper_bound(end);
  for (auto it = waiters.begin(); it != stop; ++it) ready.push_back(std::move(it->second));
  waiters.erase(waiters.begin(), stop);
  for (auto& fn : ready) fn(error);
}

uint64_t PartitionLog::add_hw_listener(std::function<void()> fn) {
  // Unique in the process, not per log: a waiter may remove its id from the
  // log that replaced this one (a reopen after a failure) without hitting
  // another waiter's listener.
  static std::atomic<uint64_t> next_id{1};
  const uint64_t id = next_id.fetch_add(1, std::memory_order_relaxed);
  if (closed_) {
    post_(std::move(fn));
    return id;
  }
  // A stopped log keeps the listener until it is closed (replaced by a
  // reopen): waking at once would make long polls on it spin.
  hw_listeners_.emplace(id, std::move(fn));
  return id;
}

void PartitionLog::remove_hw_listener(uint64_t id) {
  hw_listeners_.erase(id);
}

void PartitionLog::fire_hw_listeners() {
  if (hw_listeners_.empty()) return;
  auto listeners = std::move(hw_listeners_);
  hw_listeners_.clear();
  for (auto& [id, fn] : listeners) fn();
}

void PartitionLog::fail(StorageError error) {
  if (failure_) return;
  failure_ = error;
  log::error(
      "{}: log stopped after a storage failure ({}): appends are refused until it is reopened",
      dir_, error_name(error));
  fire_waiters(written_waiters_, 0, error);
  fire_waiters(durable_waiters_, 0, error);
  fire_hw_listeners();
}

}  // namespace gregor::storage
