// Recycles the page-aligned buffers of tail-cache chunks. A fresh buffer of a
// megabyte comes from mmap and is page-faulted, charged and zeroed by the
// kernel on first touch; profiling the write path showed that costing about a
// third of its CPU. Reused buffers are already resident.
//
// Sizes are rounded to classes (powers of two from 64 KiB to 1 MiB, then whole
// MiB), and at most kMaxPooledBytes are kept. Thread-safe: a chunk's last
// reference may be dropped on the shard, the I/O thread or a network thread.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "storage/aligned_buffer.h"

namespace gregor::storage {

class BufferPool {
 public:
  static constexpr size_t kMaxPooledBytes = size_t{64} << 20;

  static BufferPool& instance();
  // The capacity a request of `bytes` is served with.
  static size_t size_class(size_t bytes);

  std::unique_ptr<AlignedBuffer> take(size_t bytes);
  void give(std::unique_ptr<AlignedBuffer> buffer);
  size_t pooled_bytes() const;

 private:
  mutable std::mutex mu_;
  std::map<size_t, std::vector<std::unique_ptr<AlignedBuffer>>> free_;
  size_t pooled_ = 0;
};

// An AlignedBuffer taken from the pool and given back on destruction.
class PooledBuffer {
 public:
  explicit PooledBuffer(size_t bytes) : buf_(BufferPool::instance().take(bytes)) {}
  ~PooledBuffer() { BufferPool::instance().give(std::move(buf_)); }
  PooledBuffer(const PooledBuffer&) = delete;
  PooledBuffer& operator=(const PooledBuffer&) = delete;

  uint8_t* data() { return buf_->data(); }
  const uint8_t* data() const { return buf_->data(); }
  size_t capacity() const { return buf_->capacity(); }

 private:
  std::unique_ptr<AlignedBuffer> buf_;
};

}  // namespace gregor::storage
