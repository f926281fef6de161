// Producer id blocks: each allocation is a durable, strictly advancing mark, so
// blocks never overlap, across reopen, snapshots and kill -9.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "metadata/embedded_store.h"
#include "metadata/snapshot.h"
#include "metadata/tests/store_test_util.h"

namespace gregor::metadata {
namespace {

using testing::log_path;
using testing::open_ok;
using testing::read_bytes;
using testing::snapshot_path;
using testing::TempDir;
using testing::topic;

int64_t allocate(EmbeddedMetadataStore& store, int32_t count) {
  auto r = store.allocate_producer_ids(count);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error());
  return r.ok() ? *r : -1;
}

TEST(ProducerIdBlocks, BlocksAreDisjointAndIncreasing) {
  TempDir dir;
  ManualClock clock;
  auto store = open_ok(dir.path(), clock);
  ASSERT_TRUE(store);
  EXPECT_EQ(allocate(*store, 1000), 0);
  EXPECT_EQ(allocate(*store, 1000), 1000);
  EXPECT_EQ(allocate(*store, 1), 2000);
  EXPECT_EQ(allocate(*store, 5), 2001);
  EXPECT_FALSE(store->allocate_producer_ids(0).ok());
  EXPECT_FALSE(store->allocate_producer_ids(-3).ok());
  EXPECT_EQ(allocate(*store, 10), 2006);  // the refused calls took nothing
}

TEST(ProducerIdBlocks, BlocksSurviveReopen) {
  TempDir dir;
  ManualClock clock;
  {
    auto store = open_ok(dir.path(), clock);
    ASSERT_TRUE(store);
    EXPECT_EQ(allocate(*store, 1000), 0);
    EXPECT_EQ(allocate(*store, 1000), 1000);
  }
  auto store = open_ok(dir.path(), clock);
  ASSERT_TRUE(store);
  EXPECT_EQ(allocate(*store, 1000), 2000);
}

TEST(ProducerIdBlocks, MarkIsCarriedBySnapshots) {
  TempDir dir;
  ManualClock clock;
  TopicRecord t = topic("orders", 2);
  {
    auto store = open_ok(dir.path(), clock);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->create_topic(t).ok());
    ASSERT_TRUE(store->set_broker_configs("", {{"log.retention.ms", "1000"}}).ok());
    EXPECT_EQ(allocate(*store, 1000), 0);
  }
  {
    // Snapshot everything and restart the log empty.
    auto store = open_ok(dir.path(), clock, {.snapshot_threshold_bytes = 1});
    ASSERT_TRUE(store);
  }
  EXPECT_TRUE(read_bytes(log_path(dir.path())).empty());
  auto decoded = decode_snapshot(read_bytes(snapshot_path(dir.path())));
  ASSERT_TRUE(decoded.ok()) << decoded.error();
  EXPECT_EQ(decoded->next_producer_id, 1000);

  auto store = open_ok(dir.path(), clock);
  ASSERT_TRUE(store);
  EXPECT_EQ(store->topics().size(), 1u);
  EXPECT_EQ(store->broker_configs().size(), 1u);
  EXPECT_EQ(allocate(*store, 1000), 1000);
}

TEST(ProducerIdBlocks, SnapshotTakenByAnAllocationKeepsItsBlock) {
  TempDir dir;
  ManualClock clock;
  {
    // Every allocation writes a snapshot and restarts the log.
    auto store = open_ok(dir.path(), clock, {.snapshot_threshold_bytes = 1});
    ASSERT_TRUE(store);
    EXPECT_EQ(allocate(*store, 7), 0);
    EXPECT_EQ(allocate(*store, 7), 7);
  }
  auto store = open_ok(dir.path(), clock);
  ASSERT_TRUE(store);
  EXPECT_EQ(allocate(*store, 7), 14);
}

TEST(ProducerIdBlocks, NoBlockIsReusedAfterKill9) {
  TempDir dir;
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::alarm(30);
    ::close(fds[0]);
    ManualClock clock;
    auto store = EmbeddedMetadataStore::open(dir.path(), clock, {.snapshot_threshold_bytes = 512});
    if (!store.ok()) ::_exit(2);
    for (int i = 0; i < 50; ++i) {
      auto first = (*store)->allocate_producer_ids(100);
      if (!first.ok()) ::_exit(3);
      int64_t end = *first + 100;  // reported only once the block is durable
      if (::write(fds[1], &end, sizeof end) != sizeof end) ::_exit(4);
    }
    ::kill(::getpid(), SIGKILL);
    ::_exit(5);
  }
  ::close(fds[1]);
  int64_t highest_end = 0;
  int64_t end = 0;
  int blocks = 0;
  while (::read(fds[0], &end, sizeof end) == sizeof end) {
    EXPECT_EQ(end, highest_end + 100);
    highest_end = end;
    ++blocks;
  }
  ::close(fds[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status)) << status;
  EXPECT_EQ(blocks, 50);
  ManualClock clock;
  auto store = open_ok(dir.path(), clock);
  ASSERT_TRUE(store);
  EXPECT_EQ(allocate(*store, 100), highest_end);
}

}  // namespace
}  // namespace gregor::metadata
