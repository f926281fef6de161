#include "server/fetch_session.h"

#include <gtest/gtest.h>

namespace gregor::server {
namespace {

std::vector<FetchTarget> one_partition(const std::string& topic) {
  FetchTarget t;
  t.topic = topic;
  t.partition = 0;
  return {t};
}

TEST(FetchSessionCache, IdsAreUniqueAcrossShardsByStride) {
  FetchSessionCache shard0(1, 2, 10);
  FetchSessionCache shard1(2, 2, 10);
  for (int i = 0; i < 5; ++i) {
    FetchSession* a = shard0.create(one_partition("a"));
    FetchSession* b = shard1.create(one_partition("b"));
    ASSERT_NE(a, nullptr);
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(a->id % 2, 1);
    EXPECT_EQ(b->id % 2, 0);
    EXPECT_GT(a->id, 0);
    EXPECT_GT(b->id, 0);
  }
}

TEST(FetchSessionCache, NewSessionExpectsEpochOne) {
  FetchSessionCache cache(1, 1, 4);
  FetchSession* s = cache.create(one_partition("t"));
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->next_epoch, 1);
  EXPECT_EQ(cache.find(s->id), s);
}

TEST(FetchSessionCache, EvictsLeastRecentlyUsedWhenFull) {
  FetchSessionCache cache(1, 1, 2);
  int32_t first = cache.create(one_partition("a"))->id;
  int32_t second = cache.create(one_partition("b"))->id;
  ASSERT_NE(cache.find(first), nullptr);  // first is now the most recently used
  int32_t third = cache.create(one_partition("c"))->id;
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_NE(cache.find(first), nullptr);
  EXPECT_EQ(cache.find(second), nullptr);
  EXPECT_NE(cache.find(third), nullptr);
}

TEST(FetchSessionCache, RemoveForgetsSession) {
  FetchSessionCache cache(1, 1, 4);
  int32_t id = cache.create(one_partition("a"))->id;
  cache.remove(id);
  EXPECT_EQ(cache.find(id), nullptr);
  EXPECT_EQ(cache.size(), 0u);
  cache.remove(id);  // removing twice is harmless
}

TEST(FetchSessionCache, ZeroCapacityMeansSessionless) {
  FetchSessionCache cache(1, 1, 0);
  EXPECT_EQ(cache.create(one_partition("a")), nullptr);
}

}  // namespace
}  // namespace gregor::server
