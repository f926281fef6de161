// Dynamic broker configs (IncrementalAlterConfigs on a BROKER resource) are
// replayed from the log and carried by snapshots, per resource.
#include <gtest/gtest.h>

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
using ByResource = std::map<std::string, Configs>;

TEST(BrokerConfigPersistence, ChangesReplayFromTheLogPerResource) {
  TempDir dir;
  ManualClock clock;
  {
    auto store = open_ok(dir.path(), clock);
    ASSERT_TRUE(store);
    EXPECT_TRUE(store->broker_configs().empty());
    ASSERT_TRUE(store->set_broker_configs("", {{"log.retention.ms", "1000"}}).ok());
    ASSERT_TRUE(store->set_broker_configs("1", {{"log.segment.bytes", "4096"}}).ok());
    ASSERT_TRUE(store->set_broker_configs("", {{"log.retention.bytes", "10"}}).ok());
  }
  auto store = open_ok(dir.path(), clock);
  ASSERT_TRUE(store);
  EXPECT_EQ(store->broker_configs(), (ByResource{{"", {{"log.retention.bytes", "10"}}},
                                                 {"1", {{"log.segment.bytes", "4096"}}}}));
  // An empty set removes the resource.
  ASSERT_TRUE(store->set_broker_configs("1", {}).ok());
  EXPECT_EQ(store->broker_configs(), (ByResource{{"", {{"log.retention.bytes", "10"}}}}));
}

TEST(BrokerConfigPersistence, ResourceMustBeEmptyOrANodeId) {
  TempDir dir;
  ManualClock clock;
  auto store = open_ok(dir.path(), clock);
  ASSERT_TRUE(store);
  EXPECT_FALSE(store->set_broker_configs("broker-1", {{"log.retention.ms", "1"}}).ok());
  EXPECT_TRUE(store->broker_configs().empty());
}

TEST(BrokerConfigPersistence, ChangesSurviveASnapshotWithTopics) {
  TempDir dir;
  ManualClock clock;
  TopicRecord t = topic("orders", 1);
  {
    auto store = open_ok(dir.path(), clock);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->create_topic(t).ok());
    ASSERT_TRUE(store->set_broker_configs("", {{"compression.type", "zstd"}}).ok());
  }
  {
    auto store = open_ok(dir.path(), clock, {.snapshot_threshold_bytes = 1});
    ASSERT_TRUE(store);
  }
  EXPECT_TRUE(read_bytes(log_path(dir.path())).empty());
  auto store = open_ok(dir.path(), clock);
  ASSERT_TRUE(store);
  EXPECT_EQ(store->topics().size(), 1u);
  EXPECT_EQ(store->broker_configs(), (ByResource{{"", {{"compression.type", "zstd"}}}}));
}

}  // namespace
}  // namespace gregor::metadata
