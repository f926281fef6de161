#include "storage/fd_cache.h"

#include <sys/resource.h>

#include <algorithm>

namespace gregor::storage {

FdCache::FdCache(size_t capacity) : capacity_(std::max<size_t>(capacity, 1)) {}

FdCache::~FdCache() {
  std::lock_guard lock(mu_);
  for (auto& fd : lru_) fd->cached_ = false;
}

Result<std::shared_ptr<OpenFd>, int> FdCache::acquire(FdSlot& slot, FileIo& io,
                                                      const std::function<int()>& open) {
  std::list<std::shared_ptr<OpenFd>> evicted;  // closed after unlocking (declared first)
  {
    std::lock_guard lock(mu_);
    if (auto fd = slot.fd.lock()) {
      ++stats_.hits;
      if (fd->cached_) {
        lru_.splice(lru_.begin(), lru_, fd->pos_);
      } else {
        // Evicted a moment ago while still held (pinned): cache it again.
        lru_.push_front(fd);
        fd->pos_ = lru_.begin();
        fd->cached_ = true;
        evict_locked(evicted);
      }
      return fd;
    }
  }
  const int raw = open();
  if (raw < 0) return Err(raw);
  auto fd = std::make_shared<OpenFd>(io, raw, live_);
  std::lock_guard lock(mu_);
  if (auto other = slot.fd.lock(); other && other->cached_) {
    // Another thread opened the same file meanwhile: keep one descriptor.
    evicted.push_back(std::move(fd));
    return other;
  }
  ++stats_.opens;
  lru_.push_front(fd);
  fd->pos_ = lru_.begin();
  fd->cached_ = true;
  slot.fd = fd;
  evict_locked(evicted);
  return fd;
}

std::shared_ptr<OpenFd> FdCache::peek(FdSlot& slot) {
  std::lock_guard lock(mu_);
  return slot.fd.lock();
}

void FdCache::forget(FdSlot& slot) {
  std::shared_ptr<OpenFd> fd;  // closed after unlocking, unless pinned
  std::lock_guard lock(mu_);
  fd = slot.fd.lock();
  slot.fd.reset();
  if (fd && fd->cached_) {
    lru_.erase(fd->pos_);
    fd->cached_ = false;
  }
}

void FdCache::evict_locked(std::list<std::shared_ptr<OpenFd>>& out) {
  // Least recently used first. An unpinned descriptor closes when `out` is
  // dropped; a pinned one only leaves the cache and closes when its last
  // holder lets go (its slot still finds it until then).
  while (lru_.size() > capacity_) {
    auto victim = std::prev(lru_.end());
    (*victim)->cached_ = false;
    out.splice(out.end(), lru_, victim);
    ++stats_.evictions;
  }
}

void FdCache::set_capacity(size_t capacity) {
  std::list<std::shared_ptr<OpenFd>> evicted;
  std::lock_guard lock(mu_);
  capacity_ = std::max<size_t>(capacity, 1);
  evict_locked(evicted);
}

size_t FdCache::capacity() const {
  std::lock_guard lock(mu_);
  return capacity_;
}

size_t FdCache::size() const {
  std::lock_guard lock(mu_);
  return lru_.size();
}

size_t FdCache::open_count() const {
  return static_cast<size_t>(std::max<int64_t>(live_->load(std::memory_order_relaxed), 0));
}

namespace {

struct Loan {
  Loan(std::shared_ptr<OpenFd> f, std::shared_ptr<std::atomic<int64_t>> c)
      : fd(std::move(f)), count(std::move(c)) {}
  ~Loan() { count->fetch_sub(1, std::memory_order_relaxed); }
  Loan(const Loan&) = delete;
  Loan& operator=(const Loan&) = delete;

  const std::shared_ptr<OpenFd> fd;
  const std::shared_ptr<std::atomic<int64_t>> count;
};

}  // namespace

std::shared_ptr<const void> FdCache::lend(std::shared_ptr<OpenFd> fd) {
  const auto limit = static_cast<int64_t>(std::max<size_t>(capacity() / 2, 1));
  if (loans_->fetch_add(1, std::memory_order_relaxed) >= limit) {
    loans_->fetch_sub(1, std::memory_order_relaxed);
    return nullptr;
  }
  return std::make_shared<Loan>(std::move(fd), loans_);
}

size_t FdCache::loans() const {
  return static_cast<size_t>(std::max<int64_t>(loans_->load(std::memory_order_relaxed), 0));
}

FdCacheStats FdCache::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

SegmentFdCaches SegmentFdCaches::with_budget(size_t total) {
  // Reads get the larger share: every segment may be read, while only the
  // active segment of each partition being written needs a write descriptor.
  const size_t write = std::max<size_t>(total / 4, 2);
  const size_t read = std::max<size_t>(total / 2, 2);
  return {std::make_shared<FdCache>(read), std::make_shared<FdCache>(write)};
}

const SegmentFdCaches& SegmentFdCaches::process_default() {
  static const SegmentFdCaches caches = with_budget(segment_fd_budget(0));
  return caches;
}

size_t segment_fd_budget(int64_t configured) {
  if (configured > 0) return static_cast<size_t>(configured);
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 4096;
  return std::max<size_t>(static_cast<size_t>(limit.rlim_cur) / 2, 64);
}

}  // namespace gregor::storage
