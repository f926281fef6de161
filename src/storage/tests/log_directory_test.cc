#include "storage/log_directory.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "storage/tests/log_fixture.h"

namespace gregor::storage {
namespace {

namespace fs = std::filesystem;
using testing::LogFixture;
using testing::make_batch;

class LogDirectoryTest : public LogFixture {};

TEST_F(LogDirectoryTest, LockIsExclusive) {
  auto first = LogDirectory::open(dir_.path());
  ASSERT_TRUE(first.ok());
  auto second = LogDirectory::open(dir_.path());
  EXPECT_FALSE(second.ok());
  first->reset();
  auto third = LogDirectory::open(dir_.path());
  EXPECT_TRUE(third.ok());
}

TEST_F(LogDirectoryTest, CheckpointsRoundTripInKafkaFormat) {
  {
    auto dir = LogDirectory::open(dir_.path());
    ASSERT_TRUE(dir.ok());
    ASSERT_TRUE((*dir)->write_checkpoints({{"orders", 0, 120, 7}, {"orders", 1, 5, 0}}).ok());
  }
  std::ifstream in(dir_.path() + "/recovery-point-offset-checkpoint");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "0\n2\norders 0 120\norders 1 5\n");
  auto dir = LogDirectory::open(dir_.path());
  ASSERT_TRUE(dir.ok());
  auto options = (*dir)->open_options("orders", 0);
  EXPECT_EQ(options.log_start_offset, 7);
  EXPECT_EQ(options.recovery_point, 120);
  EXPECT_FALSE((*dir)->open_options("orders", 2).log_start_offset.has_value());
  EXPECT_EQ((*dir)->partition_dir("orders", 1), dir_.path() + "/orders-1");
}

TEST_F(LogDirectoryTest, LogStartOffsetFromCheckpointIsApplied) {
  {
    auto log = open_log();
    for (int i = 0; i < 10; ++i) append(*log, make_batch(1, 10));
    wait_durable(*log);
  }
  OpenOptions options;
  options.log_start_offset = 4;
  auto log = open_log(testing::small_config(), "", options);
  EXPECT_EQ(log->log_start_offset(), 4);
  EXPECT_EQ(log->read(3, 10, 1000, true).error(), StorageError::kOffsetOutOfRange);
  EXPECT_EQ(read_all(*log, 4), expected(4, 10));
}

TEST_F(LogDirectoryTest, ListsPartitionDirectoriesOnly) {
  for (const char* d :
       {"orders-0", "orders-12", "my-topic-3", "orders-1.0123abcd-delete", "orders-2.abc-future",
        "noPartition", ".hidden-0", "orders-", "orders-x1"}) {
    fs::create_directories(dir_.path() + "/" + d);
  }
  std::ofstream(dir_.path() + "/file-4") << "not a directory";
  auto dirs = list_partition_dirs(dir_.path());
  EXPECT_EQ(dirs, (std::vector<std::pair<std::string, int32_t>>{
                      {"my-topic", 3}, {"orders", 0}, {"orders", 12}}));
}

TEST_F(LogDirectoryTest, RemoveDirDeletesAPartition) {
  {
    auto log = open_log();
    append(*log, make_batch(1, 10));
    wait_durable(*log);
  }
  ASSERT_TRUE(fs::exists(log_dir()));
  ASSERT_TRUE(PartitionLog::remove_dir(log_dir()).ok());
  EXPECT_FALSE(fs::exists(log_dir()));
  EXPECT_TRUE(list_partition_dirs(dir_.path()).empty());
  EXPECT_TRUE(fs::is_empty(dir_.path()));
  EXPECT_TRUE(PartitionLog::remove_dir(log_dir()).ok());  // already gone
}

TEST_F(LogDirectoryTest, OpenPurgesInterruptedDeletions) {
  fs::create_directories(dir_.path() + "/orders-0.00ff-delete/sub");
  fs::create_directories(dir_.path() + "/orders-1");
  auto dir = LogDirectory::open(dir_.path());
  ASSERT_TRUE(dir.ok());
  EXPECT_FALSE(fs::exists(dir_.path() + "/orders-0.00ff-delete"));
  EXPECT_TRUE(fs::exists(dir_.path() + "/orders-1"));
}

}  // namespace
}  // namespace gregor::storage
