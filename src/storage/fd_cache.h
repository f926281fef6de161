// A bounded set of open segment-file descriptors, least recently used closed
// first, so that a broker with tens of thousands of segments keeps only a
// bounded number of descriptors open (the process's RLIMIT_NOFILE is shared
// with the client sockets).
//
// A descriptor is an OpenFd held through a shared_ptr. The cache holds one
// reference to each descriptor it knows; whoever uses a descriptor holds
// another one for as long as it uses it (a reader while it preads, a Fetch
// response chunk until sendfile is done, a flush job while it writes). That
// second reference is the pin: eviction never closes a pinned descriptor, it
// only drops it from the cache, and the descriptor closes when its last
// holder lets go. So the cache holds at most `capacity` descriptors, and the
// descriptors open at any time are at most `capacity` plus those pinned by
// work in progress. Pins that outlive a request are bounded too: a Fetch
// response chunk holds a loan (lend()), and at most capacity / 2 loans are
// out at a time (beyond, the reader copies the bytes instead); a flush job
// pins only the one or two segments it writes, while it runs. So at most
// 1.5 x capacity descriptors of a cache are open, plus the handful in use
// by the running read or job.
//
// Each SegmentFile keeps, per side (read / write), a weak slot naming its
// descriptor in the cache; the slot is only touched under the cache's lock.
//
// Thread contract: every method is thread-safe (one mutex, held for list
// operations only; opening and closing files happen outside it). A broker
// uses one cache of read descriptors per shard (used on that shard, and
// released from wherever a response chunk is dropped) and one cache of write
// descriptors per shard's I/O worker.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>

#include "base/result.h"
#include "storage/file_io.h"

namespace gregor::storage {

class OpenFd {
 public:
  // `live` counts the open descriptors of one cache (cached or pinned).
  OpenFd(FileIo& io, int fd, std::shared_ptr<std::atomic<int64_t>> live)
      : io_(io), fd_(fd), live_(std::move(live)) {
    live_->fetch_add(1, std::memory_order_relaxed);
  }
  ~OpenFd() {
    io_.close(fd_);
    live_->fetch_sub(1, std::memory_order_relaxed);
  }
  OpenFd(const OpenFd&) = delete;
  OpenFd& operator=(const OpenFd&) = delete;

  int fd() const { return fd_; }

 private:
  friend class FdCache;
  FileIo& io_;
  const int fd_;
  const std::shared_ptr<std::atomic<int64_t>> live_;
  // Position in the cache's list, valid while `cached_` (under the cache lock).
  std::list<std::shared_ptr<OpenFd>>::iterator pos_;
  bool cached_ = false;
};

// A SegmentFile's reference to its descriptor in one cache.
struct FdSlot {
  std::weak_ptr<OpenFd> fd;
};

struct FdCacheStats {
  uint64_t opens = 0;      // descriptors opened through the cache
  uint64_t evictions = 0;  // closed to stay within the bound
  uint64_t hits = 0;       // served an already open descriptor
};

class FdCache {
 public:
  explicit FdCache(size_t capacity);
  ~FdCache();
  FdCache(const FdCache&) = delete;
  FdCache& operator=(const FdCache&) = delete;

  // The descriptor of `slot`, pinned by the returned reference: the cached one
  // (now the most recently used), or a new one from `open` (a descriptor of
  // `io`, or -errno), which is cached after closing unpinned descriptors
  // beyond the bound. Err(-errno) if `open` failed.
  Result<std::shared_ptr<OpenFd>, int> acquire(FdSlot& slot, FileIo& io,
                                               const std::function<int()>& open);
  // The descriptor of `slot` if it is open, without opening or reordering.
  std::shared_ptr<OpenFd> peek(FdSlot& slot);
  // Drops the slot's descriptor from the cache: closed now unless pinned,
  // else when its last holder lets go.
  void forget(FdSlot& slot);

  void set_capacity(size_t capacity);
  size_t capacity() const;
  // Descriptors the cache holds (pinned or not).
  size_t size() const;
  // Descriptors of this cache open right now: cached, or pinned after
  // leaving the cache.
  size_t open_count() const;
  // A reference that keeps `fd` open beyond the current request (the owner
  // of a Fetch response chunk), or nullptr when capacity / 2 loans are out
  // already (then the caller copies what it needs instead).
  std::shared_ptr<const void> lend(std::shared_ptr<OpenFd> fd);
  size_t loans() const;
  FdCacheStats stats() const;

 private:
  // Unlinks the least recently used descriptors while over the bound; the
  // caller drops `out` after unlocking, which closes the unpinned ones.
  void evict_locked(std::list<std::shared_ptr<OpenFd>>& out);

  mutable std::mutex mu_;
  size_t capacity_;
  std::list<std::shared_ptr<OpenFd>> lru_;  // most recently used first
  FdCacheStats stats_;
  const std::shared_ptr<std::atomic<int64_t>> live_ = std::make_shared<std::atomic<int64_t>>(0);
  const std::shared_ptr<std::atomic<int64_t>> loans_ = std::make_shared<std::atomic<int64_t>>(0);
};

// The descriptors of one shard's segment files: read descriptors (the shard
// thread) and write descriptors (its I/O thread), each bounded.
struct SegmentFdCaches {
  std::shared_ptr<FdCache> read;
  std::shared_ptr<FdCache> write;

  // Splits a budget of `total` descriptors: half to the read cache (whose
  // pinned overflow takes up to a quarter more), a quarter to writes, so
  // that read and write descriptors together stay within `total` (plus the
  // one or two segments a running flush job pins).
  static SegmentFdCaches with_budget(size_t total);
  // Caches for files created without a shard's caches (tools, tests):
  // process-wide, generously bounded.
  static const SegmentFdCaches& process_default();
};

// The number of segment descriptors a broker may keep open: `configured` if
// positive, else half of the process's open-file soft limit (the other half
// is left to sockets, index files being written and everything else).
size_t segment_fd_budget(int64_t configured);

}  // namespace gregor::storage
