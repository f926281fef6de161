// Topic config changes (AlterConfigs) are replayed from the log and carried
// by snapshots, each change replacing the previous set.
#include <gtest/gtest.h>

#include "metadata/cluster_image.h"
#include "metadata/embedded_store.h"
#include "metadata/tests/store_test_util.h"

namespace gregor::metadata {
namespace {

using testing::log_path;
using testing::open_ok;
using testing::read_bytes;
using testing::TempDir;
using testing::topic;

using Configs = std::map<std::string, std::string>;

TEST(TopicConfigPersistence, SuccessiveChangesReplayFromTheLog) {
  TempDir dir;
  ManualClock clock;
  TopicRecord t = topic("orders", 2, {{"retention.ms", "1000"}});
  {
    auto store = open_ok(dir.path(), clock);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->create_topic(t).ok());
    ASSERT_TRUE(store->set_topic_configs(t.id, {{"cleanup.policy", "compact"}}).ok());
    ASSERT_TRUE(
        store->set_topic_configs(t.id, {{"cleanup.policy", "compact,delete"}, {"segment.ms", "5"}})
            .ok());
  }
  auto store = open_ok(dir.path(), clock);
  ASSERT_TRUE(store);
  ASSERT_EQ(store->topics().size(), 1u);
  EXPECT_EQ(store->topics()[0].configs,
            (Configs{{"cleanup.policy", "compact,delete"}, {"segment.ms", "5"}}));
  EXPECT_EQ(store->image()->find("orders")->configs, store->topics()[0].configs);
}

TEST(TopicConfigPersistence, ChangesSurviveASnapshot) {
  TempDir dir;
  ManualClock clock;
  TopicRecord t = topic("orders", 1);
  {
    auto store = open_ok(dir.path(), clock);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->create_topic(t).ok());
    ASSERT_TRUE(store->set_topic_configs(t.id, {{"max.message.bytes", "2048"}}).ok());
  }
  {
    // A tiny threshold snapshots at once: the configs now live only in the snapshot.
    auto store = open_ok(dir.path(), clock, {.snapshot_threshold_bytes = 1});
    ASSERT_TRUE(store);
  }
  EXPECT_TRUE(read_bytes(log_path(dir.path())).empty());
  auto store = open_ok(dir.path(), clock);
  ASSERT_TRUE(store);
  ASSERT_EQ(store->topics().size(), 1u);
  EXPECT_EQ(store->topics()[0].configs, (Configs{{"max.message.bytes", "2048"}}));
  // A later change is appended after the snapshot and replaces the set again.
  ASSERT_TRUE(store->set_topic_configs(t.id, {}).ok());
  store.reset();
  auto reopened = open_ok(dir.path(), clock);
  ASSERT_TRUE(reopened);
  EXPECT_TRUE(reopened->topics()[0].configs.empty());
}

}  // namespace
}  // namespace gregor::metadata
