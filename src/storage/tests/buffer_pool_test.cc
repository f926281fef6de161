#include "storage/buffer_pool.h"

#include <gtest/gtest.h>

namespace gregor::storage {
namespace {

TEST(BufferPoolTest, SizeClasses) {
  EXPECT_EQ(BufferPool::size_class(1), 64u * 1024);
  EXPECT_EQ(BufferPool::size_class(64 * 1024), 64u * 1024);
  EXPECT_EQ(BufferPool::size_class(64 * 1024 + 1), 128u * 1024);
  EXPECT_EQ(BufferPool::size_class(1 << 20), 1u << 20);
  EXPECT_EQ(BufferPool::size_class((1 << 20) + 1), 2u << 20);
  EXPECT_EQ(BufferPool::size_class((5 << 20) - 7), 5u << 20);
}

TEST(BufferPoolTest, ReusesReturnedBuffers) {
  BufferPool pool;
  auto a = pool.take(100 * 1024);
  ASSERT_EQ(a->capacity(), 128u * 1024);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(a->data()) % kPageSize, 0u);
  const uint8_t* address = a->data();
  pool.give(std::move(a));
  EXPECT_EQ(pool.pooled_bytes(), 128u * 1024);
  auto b = pool.take(128 * 1024);
  EXPECT_EQ(b->data(), address);
  EXPECT_EQ(pool.pooled_bytes(), 0u);
  auto c = pool.take(64 * 1024);  // another class: a new buffer
  EXPECT_NE(c->data(), address);
}

TEST(BufferPoolTest, KeepsAtMostTheCap) {
  BufferPool pool;
  std::vector<std::unique_ptr<AlignedBuffer>> held;
  for (size_t n = 0; n * (8u << 20) <= BufferPool::kMaxPooledBytes; ++n)
    held.push_back(pool.take(8 << 20));
  for (auto& b : held) pool.give(std::move(b));
  EXPECT_LE(pool.pooled_bytes(), BufferPool::kMaxPooledBytes);
}

}  // namespace
}  // namespace gregor::storage
