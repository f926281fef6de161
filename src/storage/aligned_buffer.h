// A heap block aligned to the page size, as O_DIRECT requires of the memory it
// writes from. Not copyable; share it through a shared_ptr.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "base/assert.h"

namespace gregor::storage {

// O_DIRECT alignment for file offsets, lengths and memory. 4 KiB covers every
// logical block size in practice (512 B and 4 KiB devices).
inline constexpr int64_t kPageSize = 4096;

inline constexpr int64_t align_down(int64_t v) {
  return v & ~(kPageSize - 1);
}
inline constexpr int64_t align_up(int64_t v) {
  return (v + kPageSize - 1) & ~(kPageSize - 1);
}

class AlignedBuffer {
 public:
  // `capacity` is rounded up to a whole number of pages. The contents start
  // uninitialised unless `zeroed`.
  explicit AlignedBuffer(size_t capacity, bool zeroed = false)
      : capacity_(static_cast<size_t>(align_up(static_cast<int64_t>(capacity)))) {
    GREGOR_ASSERT(capacity_ > 0, "empty aligned buffer");
    data_ = static_cast<uint8_t*>(std::aligned_alloc(kPageSize, capacity_));
    GREGOR_ASSERT(data_ != nullptr, "out of memory");
    if (zeroed) std::memset(data_, 0, capacity_);
  }
  ~AlignedBuffer() { std::free(data_); }
  AlignedBuffer(const AlignedBuffer&) = delete;
  AlignedBuffer& operator=(const AlignedBuffer&) = delete;

  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  size_t capacity() const { return capacity_; }

 private:
  size_t capacity_;
  uint8_t* data_;
};

}  // namespace gregor::storage
