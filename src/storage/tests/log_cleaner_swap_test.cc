// Crash safety of swapping cleaned segments in: a copy of the partition
// directory taken at each step of the swap (what a crash would leave) must
// open to either the old log or the cleaned one, never a mix, and with no
// leftover `.cleaned` / `.swap` files.
#include <gtest/gtest.h>

#include "storage/clean_swap.h"
#include "storage/cleaned_segment_writer.h"
#include "storage/tests/cleaner_test_util.h"

namespace gregor::storage {
namespace {

using testing::CleanerFixture;
using testing::keyed_batch;
using testing::Kv;

class CleanSwapTest : public CleanerFixture {
 protected:
  void SetUp() override {
    CleanerFixture::SetUp();
    log_ = open_log(cleaner_config());
    for (int round = 0; round < 10; ++round) {
      for (int k = 0; k < 10; ++k) {
        append(*log_, keyed_batch({{"k" + std::to_string(k),
                                    "v" + std::to_string(round) + std::string(40, 'x')}},
                                  clock_.now_ms()));
      }
    }
    wait_durable(*log_);
    before_ = all_records(*log_);
    task_ = log_->clean_task(config_);
    ASSERT_TRUE(task_);
    LogCleaner cleaner(1 << 20, 64 * 1024, throttler_, stop_);
    auto result = cleaner.clean(*task_->io, *task_);
    ASSERT_TRUE(result.ok());
    result_ = std::move(result).value();
    ASSERT_GT(result_.plan.old_bases.size(), result_.plan.new_bases.size());
  }

  // Opens a copy of the directory as it is now and returns its records.
  std::vector<Kv> reopen_copy(const std::string& name) {
    const std::string copy = snapshot(name);
    auto log = open_log(cleaner_config(), copy);
    EXPECT_TRUE(files_ending(copy, ".cleaned").empty());
    EXPECT_TRUE(files_ending(copy, ".swap").empty());
    EXPECT_FALSE(std::filesystem::exists(copy + "/" + kCleanerSwapFile));
    auto records = all_records(*log);
    log->close();
    return records;
  }

  std::vector<Kv> cleaned_records() {
    // What the live log reads once the swap is applied.
    EXPECT_TRUE(*log_->apply_clean(*task_, result_));
    return all_records(*log_);
  }

  CompactionConfig config_;
  std::unique_ptr<PartitionLog> log_;
  std::vector<Kv> before_;
  std::optional<CleanTask> task_;
  CleanResult result_;
};

TEST_F(CleanSwapTest, CleanedFilesWithoutACommitAreDiscarded) {
  EXPECT_FALSE(files_ending(log_dir(), ".cleaned").empty());
  EXPECT_EQ(reopen_copy("crash-cleaned"), before_);
}

TEST_F(CleanSwapTest, SwapFilesWithoutACommitRecordAreDiscarded) {
  const std::string copy = snapshot("crash-renaming");
  // Half of the renames done: the newest segment's files are `.swap`.
  const int64_t newest = result_.plan.new_bases.back();
  for (std::string_view s : {".timeindex", ".index", ".log"})
    std::filesystem::rename(cleaned_path(copy, newest, s), swap_path(copy, newest, s));
  auto log = open_log(cleaner_config(), copy);
  EXPECT_EQ(all_records(*log), before_);
  EXPECT_TRUE(files_ending(copy, ".swap").empty());
  EXPECT_TRUE(files_ending(copy, ".cleaned").empty());
}

TEST_F(CleanSwapTest, ACommittedSwapIsCompletedAtOpen) {
  const std::string copy = snapshot("crash-committed");
  ASSERT_TRUE(commit_swap(posix_file_io(), copy, result_.plan).ok());
  auto log = open_log(cleaner_config(), copy);
  auto recovered = all_records(*log);
  log->close();
  EXPECT_EQ(recovered, cleaned_records());
  EXPECT_FALSE(std::filesystem::exists(copy + "/" + kCleanerSwapFile));
  EXPECT_TRUE(files_ending(copy, ".swap").empty());
}

TEST_F(CleanSwapTest, AHalfFinishedSwapIsCompletedAtOpen) {
  const std::string copy = snapshot("crash-finishing");
  ASSERT_TRUE(commit_swap(posix_file_io(), copy, result_.plan).ok());
  // Only the first new segment's log file was renamed into place.
  const int64_t first = result_.plan.new_bases.front();
  std::filesystem::rename(swap_path(copy, first, ".log"),
                          copy + "/" + segment_file_name(first, ".log"));
  auto log = open_log(cleaner_config(), copy);
  auto recovered = all_records(*log);
  log->close();
  EXPECT_EQ(recovered, cleaned_records());
}

TEST_F(CleanSwapTest, AFinishedSwapWhoseRecordSurvivedIsHarmless) {
  ASSERT_TRUE(*log_->apply_clean(*task_, result_));
  const auto cleaned = all_records(*log_);
  const std::string copy = snapshot("crash-finished");
  // The record's removal did not reach the disk: it is replayed at open.
  const std::string text = "0\n";
  std::string plan = text;
  for (int64_t b : result_.plan.old_bases) plan += std::to_string(b) + " ";
  plan += "\n";
  for (int64_t b : result_.plan.new_bases) plan += std::to_string(b) + " ";
  plan += "\n";
  ASSERT_EQ(
      posix_file_io().write_file_atomic(copy + "/" + kCleanerSwapFile, plan.data(), plan.size()),
      0);
  auto log = open_log(cleaner_config(), copy);
  EXPECT_EQ(all_records(*log), cleaned);
}

TEST_F(CleanSwapTest, TheSwappedLogReopensIdentically) {
  const auto cleaned = cleaned_records();
  log_->close();
  auto reopened = open_log(cleaner_config());
  EXPECT_EQ(all_records(*reopened), cleaned);
  EXPECT_EQ(reopened->segment_base_offsets(), log_->segment_base_offsets());
}

}  // namespace
}  // namespace gregor::storage
