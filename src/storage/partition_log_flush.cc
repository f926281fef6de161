// The write pipeline of PartitionLog: building flush jobs from the tail cache,
// running them on the I/O worker, and applying their completions.
#include <condition_variable>
#include <cstring>
#include <mutex>

#include "base/assert.h"
#include "storage/partition_log.h"

namespace gregor::storage {

// The job on the I/O thread. close() waits on it directly, since the shard's
// loop (which would run the posted completion) is the thread that waits.
struct PartitionLog::InFlight {
  std::shared_ptr<FlushJob> job;
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  bool consumed = false;  // the completion was applied (shard thread only)
  FlushResult result;

  void finish(const FlushResult& r) {
    {
      std::lock_guard lock(mu);
      result = r;
      done = true;
    }
    cv.notify_all();
  }
  void wait() {
    std::unique_lock lock(mu);
    cv.wait(lock, [this] { return done; });
  }
};

void PartitionLog::schedule_flush() {
  if (flush_posted_ || in_flight_ || closing_ || closed_ || failure_) return;
  flush_posted_ = true;
  // Deferred to the end of the current loop turn, so that the caller's
  // when_durable() and the other appends of this turn join the same job.
  post_([weak = std::weak_ptr<PartitionLog*>(self_)] {
    if (auto self = weak.lock()) {
      (*self)->flush_posted_ = false;
      (*self)->maybe_flush();
    }
  });
}

bool PartitionLog::needs_flush() const {
  if (std::min(durable_target_, log_end_offset()) > durable_end_) return true;
  for (auto it = segments_.rbegin(); it != segments_.rend(); ++it) {
    const Segment& s = *it->second;
    if (s.written_size() < s.size()) return true;
    if (it != segments_.rbegin() && !s.sealed_on_disk()) return true;
    if (it != segments_.rbegin()) break;  // older segments were sealed in order
  }
  return false;
}

void PartitionLog::maybe_flush() {
  if (in_flight_ || closing_ || closed_ || failure_ || !needs_flush()) return;
  auto in_flight = std::make_shared<InFlight>();
  in_flight->job = build_job(/*seal_active=*/false);
  in_flight_ = in_flight;
  FileIo& io = io_.io();
  auto weak = std::weak_ptr<PartitionLog*>(self_);
  bool queued = io_.submit([&io, in_flight, weak, post = post_] {
    auto job = in_flight->job;
    FlushResult result = run_flush_job(io, *job, [&] {
      post([weak, job] {
        if (auto self = weak.lock()) (*self)->on_written(*job);
      });
    });
    in_flight->finish(result);
    post([weak, in_flight] {
      if (auto self = weak.lock()) (*self)->complete_in_flight(in_flight);
    });
  });
  if (!queued) {
    in_flight_.reset();
    fail(StorageError::kClosed);  // the I/O worker is gone: nothing can be written
  }
}

void PartitionLog::complete_in_flight(const std::shared_ptr<InFlight>& in_flight) {
  if (in_flight->consumed || in_flight_ != in_flight) return;
  in_flight->consumed = true;
  in_flight_.reset();
  on_job_done(*in_flight->job, in_flight->result);
  maybe_flush();
}

std::shared_ptr<FlushJob> PartitionLog::build_job(bool seal_active) {
  auto job = std::make_shared<FlushJob>();
  job->end_offset = log_end_offset();
  job->try_direct = config_.direct_io;
  job->preallocate = config_.preallocate;
  job->preallocate_step_bytes = config_.preallocate_step_bytes;
  job->segment_bytes = config_.segment_bytes;
  job->sync = seal_active || std::min(durable_target_, job->end_offset) > durable_end_;
  // Start at the oldest segment with work left: older ones are written and sealed.
  auto it = std::prev(segments_.end());
  while (it != segments_.begin()) {
    auto prev = std::prev(it);
    if (prev->second->sealed_on_disk() && prev->second->written_size() == prev->second->size())
      break;
    it = prev;
  }
  for (; it != segments_.end(); ++it) {
    Segment& s = *it->second;
    const bool is_active = std::next(it) == segments_.end();
    const bool has_new_data = s.written_size() < s.size();
    SegmentFlush f;
    f.file = s.file();
    f.logical_end = s.size();
    add_segment_writes(s, f);
    f.unseal = s.sealed_on_disk() && has_new_data;
    f.seal = (!is_active || seal_active) && (!s.sealed_on_disk() || has_new_data);
    f.sync =
        job->sync && is_active && !f.seal && s.size() > 0 && (has_new_data || !s.sealed_on_disk());
    if (f.seal) {
      s.prepare_seal();
      f.offset_index = s.offset_index().serialize();
      f.time_index = s.time_index().serialize();
      f.txn_index = txn_index_bytes(s);
    }
    if (f.iov.empty() && !f.seal && !f.sync && !f.unseal) continue;
    job->segments.push_back(std::move(f));
  }
  return job;
}

void PartitionLog::add_segment_writes(const Segment& s, SegmentFlush& f) const {
  if (s.written_size() >= s.size()) return;
  int64_t pos = align_down(s.written_size());
  f.write_from = pos;
  auto chunks = tail_.chunks_of(s.base_offset());
  GREGOR_ASSERT(!chunks.empty() && chunks.back()->file_end() == s.size(),
                "unwritten data must be cached");
  for (size_t i = 0; i < chunks.size(); ++i) {
    const TailChunk& c = *chunks[i];
    if (c.file_end() <= s.written_size()) continue;
    GREGOR_ASSERT(c.file_base <= pos, "tail chunks must cover the unwritten range");
    const bool last = i + 1 == chunks.size();
    const int64_t full_pages_end = align_down(c.file_end());
    if (full_pages_end > pos) {
      f.iov.push_back({const_cast<uint8_t*>(c.buf.data()) + (pos - c.file_base),
                       static_cast<size_t>(full_pages_end - pos)});
      f.keep_alive.push_back(chunks[i]);
      pos = full_pages_end;
    }
    if (last && c.file_end() > pos) {
      // The partially filled last page goes out zero-padded from a copy: the
      // chunk's bytes past `end` may be filled by appends while the job runs.
      auto page = std::make_shared<AlignedBuffer>(kPageSize, /*zeroed=*/true);
      std::memcpy(page->data(), c.buf.data() + (pos - c.file_base),
                  static_cast<size_t>(c.file_end() - pos));
      f.iov.push_back({page->data(), static_cast<size_t>(kPageSize)});
      f.keep_alive.push_back(page);
    }
  }
}

void PartitionLog::on_written(const FlushJob& job) {
  if (closed_) return;
  for (const SegmentFlush& f : job.segments) {
    Segment* s = segment_at_base(f.file->base_offset());
    if (s == nullptr) continue;
    s->set_written_size(std::max(s->written_size(), f.logical_end));
    if (f.unseal) s->set_sealed_on_disk(false);
    if (f.seal) s->set_sealed_on_disk(true);
  }
  if (job.end_offset <= written_end_) return;
  written_end_ = job.end_offset;
  tail_.evict(written_end_);
  fire_waiters(written_waiters_, written_end_, std::nullopt);
  fire_hw_listeners();
}

void PartitionLog::on_job_done(const FlushJob& job, const FlushResult& result) {
  if (result.written) on_written(job);
  if (result.error) {
    fail(*result.error);
    return;
  }
  if (job.sync && result.synced && job.end_offset > durable_end_) {
    durable_end_ = job.end_offset;
    fire_waiters(durable_waiters_, durable_end_, std::nullopt);
  }
}

void PartitionLog::close() {
  if (closed_) return;
  closing_ = true;
  if (auto in_flight = in_flight_) {
    // The job finishes on the I/O thread without needing this thread; its
    // posted completion is then ignored.
    in_flight->wait();
    complete_in_flight(in_flight);
  }
  if (!failure_) {
    auto job = build_job(/*seal_active=*/true);
    FlushResult result = run_flush_job(io_.io(), *job, nullptr);
    on_job_done(*job, result);
    // The state as of the log end: a clean restart replays nothing.
    snapshot_producers(log_end_offset(), /*now=*/true);
  }
  closed_ = true;
  fire_waiters(written_waiters_, 0, failure_.value_or(StorageError::kClosed));
  fire_waiters(durable_waiters_, 0, failure_.value_or(StorageError::kClosed));
  fire_hw_listeners();
  tail_.clear();
  for (auto& [base, segment] : segments_) segment->file()->close_write();
  self_.reset();
}

}  // namespace gregor::storage
