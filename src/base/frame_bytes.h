// A byte vector whose resize() does not zero-fill: request frames are read
// straight from the socket into it, so zeroing first is wasted work (it showed
// up as ~9% of CPU for 1 MB produce requests).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace gregor {

template <typename T>
struct DefaultInitAllocator : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = DefaultInitAllocator<U>;
  };
  using std::allocator<T>::allocator;
  template <typename U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;  // default-initialise: no zero fill
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

using FrameBytes = std::vector<uint8_t, DefaultInitAllocator<uint8_t>>;

}  // namespace gregor
