#include "storage/buffer_pool.h"

namespace gregor::storage {

BufferPool& BufferPool::instance() {
  static BufferPool* pool =
      new BufferPool;  // never destroyed: chunks may outlive static destruction order
  return *pool;
}

size_t BufferPool::size_class(size_t bytes) {
  constexpr size_t kMin = 64 * 1024;
  constexpr size_t kMiB = 1024 * 1024;
  if (bytes > kMiB) return (bytes + kMiB - 1) / kMiB * kMiB;
  size_t c = kMin;
  while (c < bytes) c *= 2;
  return c;
}

std::unique_ptr<AlignedBuffer> BufferPool::take(size_t bytes) {
  const size_t capacity = size_class(bytes);
  {
    std::lock_guard lock(mu_);
    auto it = free_.find(capacity);
    if (it != free_.end() && !it->second.empty()) {
      auto buf = std::move(it->second.back());
      it->second.pop_back();
      pooled_ -= capacity;
      return buf;
    }
  }
  return std::make_unique<AlignedBuffer>(capacity);
}

void BufferPool::give(std::unique_ptr<AlignedBuffer> buffer) {
  if (!buffer) return;
  std::lock_guard lock(mu_);
  if (pooled_ + buffer->capacity() > kMaxPooledBytes) return;  // freed by the unique_ptr
  pooled_ += buffer->capacity();
  free_[buffer->capacity()].push_back(std::move(buffer));
}

size_t BufferPool::pooled_bytes() const {
  std::lock_guard lock(mu_);
  return pooled_;
}

}  // namespace gregor::storage
