#include "metadata/embedded_store.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "config/properties.h"
#include "metadata/meta_properties.h"
#include "metadata/tests/store_test_util.h"

namespace gregor::metadata {
namespace {

using testing::log_path;
using testing::open_ok;
using testing::read_bytes;
using testing::snapshot_path;
using testing::TempDir;
using testing::topic;
using testing::write_bytes;

TEST(EmbeddedStore, FreshStoreGetsAClusterIdAndMetaProperties) {
  TempDir dir;
  ManualClock clock;
  std::string cluster_id;
  {
    auto store = open_ok(dir.path(), clock);
    ASSERT_TRUE(store);
    cluster_id = store->cluster_id();
    Uuid parsed;
    EXPECT_TRUE(Uuid::from_base64(cluster_id, parsed)) << cluster_id;
    EXPECT_TRUE(store->topics().empty());
    EXPECT_EQ(store->last_sequence(), 1u);  // the cluster id record
  }
  auto text = read_bytes(dir.path() + "/meta.properties");
  std::string s(text.begin(), text.end());
  EXPECT_EQ(s.rfind("#\n#", 0), 0u) << s;
  auto props = config::parse_properties(s);
  ASSERT_TRUE(props.ok());
  std::map<std::string, std::string> m;
  for (const auto& p : *props) m[p.key] = p.value;
  EXPECT_EQ(m["cluster.id"], cluster_id);
  EXPECT_EQ(m["node.id"], "1");
  EXPECT_EQ(m["version"], "1");
  EXPECT_EQ(m["directory.id"].size(), 22u);

  auto store = open_ok(dir.path(), clock);
  ASSERT_TRUE(store);
  EXPECT_EQ(store->cluster_id(), cluster_id);
  EXPECT_EQ(read_bytes(dir.path() + "/meta.properties"), text);  // unchanged, directory.id kept
}

TEST(EmbeddedStore, MutationsSurviveReopen) {
  TempDir dir;
  ManualClock clock;
  TopicRecord a = topic("alpha", 3, {{"retention.ms", "1000"}});
  TopicRecord b = topic("beta", 1);
  TopicRecord c = topic("gamma.delta", 2);
  {
    auto store = open_ok(dir.path(), clock);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->create_topic(a).ok());
    ASSERT_TRUE(store->create_topic(b).ok());
    ASSERT_TRUE(store->create_topic(c).ok());
    ASSERT_TRUE(store->delete_topic(b.id).ok());
    ASSERT_TRUE(store->set_partition_count(a.id, 5).ok());
    ASSERT_TRUE(store->set_topic_configs(c.id, {{"cleanup.policy", "compact"}}).ok());
    ASSERT_TRUE(store->set_topic_configs(a.id, {}).ok());
  }
  a.partitions = 5;
  a.configs.clear();
  c.configs = {{"cleanup.policy", "compact"}};
  std::vector<TopicRecord> expected = {a, c};
  auto store = open_ok(dir.path(), clock);
  ASSERT_TRUE(store);
  EXPECT_EQ(store->topics(), expected);
  auto image = store->image();
  ASSERT_NE(image->find("gamma.delta"), nullptr);
  EXPECT_EQ(image->find(a.id)->partitions, 5);
  EXPECT_EQ(image->find("beta"), nullptr);
  // A deleted name can be reused with a new id.
  TopicRecord b2 = topic("beta", 4);
  ASSERT_TRUE(store->create_topic(b2).ok());
  EXPECT_EQ(store->image()->find("beta")->id, b2.id);
}

TEST(EmbeddedStore, RefusesInvalidMutationsWithoutWriting) {
  TempDir dir;
  ManualClock clock;
  auto store = open_ok(dir.path(), clock);
  ASSERT_TRUE(store);
  TopicRecord a = topic("a.b", 2);
  ASSERT_TRUE(store->create_topic(a).ok());
  int64_t bytes = store->log_bytes();
  auto image = store->image();

  auto expect_error = [&](Result<Ok, std::string> r, const std::string& fragment) {
    ASSERT_FALSE(r.ok()) << fragment;
    EXPECT_NE(r.error().find(fragment), std::string::npos) << r.error();
  };
  expect_error(store->create_topic(topic("a.b")), "already exists");
  expect_error(store->create_topic(topic("a_b")), "collides with existing topic: a.b");
  expect_error(store->create_topic(topic("bad name")), "illegal");
  expect_error(store->create_topic(TopicRecord{"zero", Uuid{}, 1, {}}), "no id");
  expect_error(store->create_topic(TopicRecord{"dup", a.id, 1, {}}), "already in use");
  expect_error(store->create_topic(topic("none", 0)), "below 1");
  expect_error(store->delete_topic(Uuid::random()), "no topic");
  expect_error(store->set_partition_count(a.id, 2), "can only grow");
  expect_error(store->set_partition_count(a.id, 1), "can only grow");
  expect_error(store->set_partition_count(Uuid::random(), 9), "no topic");
  expect_error(store->set_topic_configs(Uuid::random(), {}), "no topic");
  EXPECT_EQ(store->log_bytes(), bytes);
  EXPECT_EQ(store->image(), image);  // nothing was published
}

TEST(EmbeddedStore, RecordsCarryTheClockTime) {
  TempDir dir;
  ManualClock clock(1'800'000'000'000);
  {
    auto store = open_ok(dir.path(), clock);
    ASSERT_TRUE(store);
    clock.advance(5000);
    ASSERT_TRUE(store->create_topic(topic("t")).ok());
  }
  auto scan = scan_log(read_bytes(log_path(dir.path())));
  ASSERT_TRUE(scan.ok());
  ASSERT_EQ(scan->records.size(), 2u);
  EXPECT_EQ(scan->records[0].timestamp_ms, 1'800'000'000'000);
  EXPECT_EQ(scan->records[1].timestamp_ms, 1'800'000'005'000);
  EXPECT_EQ(scan->records[1].sequence, 2u);
}

TEST(EmbeddedStore, SecondOpenOfTheSameDirectoryFails) {
  TempDir dir;
  ManualClock clock;
  auto store = open_ok(dir.path(), clock);
  ASSERT_TRUE(store);
  auto second = EmbeddedMetadataStore::open(dir.path(), clock);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().find("locked"), std::string::npos) << second.error();
  store.reset();
  EXPECT_TRUE(EmbeddedMetadataStore::open(dir.path(), clock).ok());
}

TEST(EmbeddedStore, MetaPropertiesRules) {
  ManualClock clock;
  {
    // An operator-chosen cluster id in meta.properties is adopted by a new store.
    TempDir dir;
    MetaProperties meta;
    meta.cluster_id = "MkU3OEVBNTcwNTJENDM2Qg";
    meta.node_id = 1;
    ASSERT_TRUE(write_meta_properties(dir.path(), meta, clock.now_ms()).ok());
    auto store = open_ok(dir.path(), clock);
    ASSERT_TRUE(store);
    EXPECT_EQ(store->cluster_id(), "MkU3OEVBNTcwNTJENDM2Qg");
  }
  {
    TempDir dir;
    ASSERT_TRUE(open_ok(dir.path(), clock, {.node_id = 4}));
    auto other_node = EmbeddedMetadataStore::open(dir.path(), clock, {.node_id = 5});
    ASSERT_FALSE(other_node.ok());
    EXPECT_NE(other_node.error().find("node 4"), std::string::npos) << other_node.error();

    MetaProperties meta;
    meta.cluster_id = "someOtherClusterIdxxxx";
    meta.node_id = 4;
    ASSERT_TRUE(write_meta_properties(dir.path(), meta, clock.now_ms()).ok());
    auto other_cluster = EmbeddedMetadataStore::open(dir.path(), clock, {.node_id = 4});
    ASSERT_FALSE(other_cluster.ok());
    EXPECT_NE(other_cluster.error().find("cluster.id"), std::string::npos) << other_cluster.error();
  }
}

// Kills a child process that is in the middle of using the store: every change it was told
// succeeded must be there afterwards, with no shutdown step.
TEST(EmbeddedStore, SurvivesKill9) {
  TempDir dir;
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::alarm(30);
    ManualClock clock;
    auto store = EmbeddedMetadataStore::open(dir.path(), clock);
    if (!store.ok()) ::_exit(2);
    for (int i = 0; i < 20; ++i) {
      TopicRecord t{
          "topic-" + std::to_string(i), Uuid::random(), i + 1, {{"k", std::to_string(i)}}};
      if (!(*store)->create_topic(t).ok()) ::_exit(3);
    }
    ::kill(::getpid(), SIGKILL);
    ::_exit(4);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status)) << status;
  ASSERT_EQ(WTERMSIG(status), SIGKILL);
  ManualClock clock;
  auto store = open_ok(dir.path(), clock);
  ASSERT_TRUE(store);
  auto image = store->image();
  ASSERT_EQ(image->size(), 20u);
  for (int i = 0; i < 20; ++i) {
    const TopicRecord* t = image->find("topic-" + std::to_string(i));
    ASSERT_NE(t, nullptr) << i;
    EXPECT_EQ(t->partitions, i + 1);
    EXPECT_EQ(t->configs.at("k"), std::to_string(i));
  }
}

TEST(EmbeddedStore, ReadersSeeWholeImagesWhileWriting) {
  TempDir dir;
  ManualClock clock;
  auto store = open_ok(dir.path(), clock, {.snapshot_threshold_bytes = 2048});
  ASSERT_TRUE(store);
  std::atomic<bool> done{false};
  std::atomic<int> bad{0};
  auto reader = [&] {
    size_t last = 0;
    while (!done.load()) {
      auto image = store->image();
      if (image->size() < last) ++bad;
      last = image->size();
      for (const auto& t : image->topics())
        if (image->find(t.id) != &t || image->find(t.name) != &t || t.partitions < 1 ||
            t.partitions > 2)
          ++bad;
    }
  };
  std::thread r1(reader), r2(reader);
  for (int i = 0; i < 100; ++i) {
    TopicRecord t = topic("t" + std::to_string(i), 1);
    if (!store->create_topic(t).ok()) ++bad;
    if (!store->set_partition_count(t.id, 2).ok()) ++bad;
  }
  done = true;
  r1.join();
  r2.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(store->image()->size(), 100u);
}

}  // namespace
}  // namespace gregor::metadata
