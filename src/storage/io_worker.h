// One shard's I/O thread. The shard's event loop must never block on the disk,
// so every write, fdatasync, allocation and index-file write of the partitions
// that shard owns runs here, in submission order; results go back to the shard
// through its Poster.
//
// Group commit does not live here: each partition keeps at most one flush job
// in flight and gathers everything appended meanwhile into its next job
// (partition_log.h), so one fdatasync covers many appends.
//
// It also holds the shard's descriptor caches (fd_cache.h): the read cache,
// used by the shard's reads, and the write cache, used by the flush jobs run
// here. Every log of the shard creates its segment files with them.
//
// Thread contract: submit() may be called from any thread; jobs run on the
// worker thread one at a time. stop() runs the jobs already queued, then joins.
// The caches are thread-safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "storage/fd_cache.h"
#include "storage/file_io.h"

namespace gregor::storage {

class IoWorker {
 public:
  explicit IoWorker(std::string name, FileIo& io = posix_file_io());
  ~IoWorker();
  IoWorker(const IoWorker&) = delete;
  IoWorker& operator=(const IoWorker&) = delete;

  void start();
  // Finishes the queued jobs and joins the thread. Idempotent.
  void stop();
  // Queues a job; false (and the job is dropped) unless the worker is running.
  bool submit(std::function<void()> job);
  bool running() const;

  // The file operations every log served by this worker uses.
  FileIo& io() const { return io_; }
  const std::string& name() const { return name_; }

  // The descriptor caches of this shard's segment files. Their bound starts
  // at segment_fd_budget(0) and is changed with set_fd_budget (split between
  // reads and writes as SegmentFdCaches::with_budget does).
  const SegmentFdCaches& fd_caches() const { return fd_caches_; }
  void set_fd_budget(size_t total);

 private:
  void run();

  const std::string name_;
  FileIo& io_;
  SegmentFdCaches fd_caches_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool running_ = false;
  std::thread thread_;
};

}  // namespace gregor::storage
