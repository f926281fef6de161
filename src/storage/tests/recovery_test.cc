// Recovery after an unclean shutdown: torn tails, corrupt batches, missing
// index files. A "crash" is a copy of the log directory taken while the log is
// open, which is exactly what the disk holds if the process dies then.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "storage/segment_file.h"
#include "storage/tests/log_fixture.h"

namespace gregor::storage {
namespace {

namespace fs = std::filesystem;
using testing::batch_offsets;
using testing::LogFixture;
using testing::make_batch;
using testing::small_config;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void flip_byte(const std::string& path, int64_t position) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(position);
  char c = 0;
  f.get(c);
  f.seekp(position);
  f.put(static_cast<char>(c ^ 0x5a));
}

class RecoveryTest : public LogFixture {
 protected:
  std::string segment_path(const std::string& dir, int64_t base, const char* suffix) {
    return dir + "/" + segment_file_name(base, suffix);
  }
  int64_t stored_position(size_t batch) const {
    int64_t pos = 0;
    for (size_t i = 0; i < batch; ++i) pos += static_cast<int64_t>(stored_[i].size());
    return pos;
  }
};

TEST_F(RecoveryTest, CrashWithoutCloseKeepsEverythingWritten) {
  auto log = open_log();
  for (int i = 0; i < 20; ++i) append(*log, make_batch(2, 100));
  wait_durable(*log);
  const std::string crashed = snapshot("crashed");
  auto recovered = open_log(small_config(), crashed);
  // The active segment was not sealed: it is scanned; the preallocated zeros end it.
  EXPECT_EQ(recovered->recovery_stats().segments_scanned, 1);
  EXPECT_EQ(recovered->recovery_stats().bytes_truncated, 0);
  EXPECT_EQ(recovered->log_end_offset(), 40);
  EXPECT_EQ(read_all(*recovered), expected(0, stored_.size()));
}

TEST_F(RecoveryTest, TornTailAtEveryBytePositionOfTheLastBatch) {
  testing::QuietLogs quiet;  // one recovery warning per position
  std::string crashed;
  {
    auto log = open_log();
    for (int i = 0; i < 6; ++i) append(*log, make_batch(2, 40));
    wait_durable(*log);
    crashed = snapshot("crashed");
  }
  const int64_t last_start = stored_position(5);
  const int64_t last_end = stored_position(6);
  const int64_t last_base = 10;
  for (int64_t cut = last_start; cut < last_end; ++cut) {
    SCOPED_TRACE(cut);
    const std::string dir = dir_.path() + "/cut-" + std::to_string(cut);
    fs::copy(crashed, dir, fs::copy_options::recursive);
    fs::resize_file(segment_path(dir, 0, ".log"), static_cast<uintmax_t>(cut));
    auto log = open_log(small_config(), dir);
    ASSERT_NE(log, nullptr);
    EXPECT_EQ(log->log_end_offset(), last_base);
    EXPECT_EQ(fs::file_size(segment_path(dir, 0, ".log")), static_cast<uintmax_t>(last_start));
    // The log accepts appends where the intact data ends.
    auto appended = log->append(make_batch(1, 40));
    ASSERT_TRUE(appended.ok());
    EXPECT_EQ(appended->base_offset, last_base);
    wait_durable(*log);
    auto got = read_all(*log);
    EXPECT_EQ(batch_offsets(got), (std::vector<int64_t>{0, 2, 4, 6, 8, 10}));
    EXPECT_EQ(std::vector<uint8_t>(got.begin(), got.begin() + last_start), expected(0, 5));
    log.reset();
    fs::remove_all(dir);
  }
}

TEST_F(RecoveryTest, NoStaleDataAfterTruncateAndCrashAgain) {
  std::string crashed;
  {
    auto log = open_log();
    for (int i = 0; i < 6; ++i) append(*log, make_batch(3, 100));
    wait_durable(*log);
    crashed = snapshot("crashed");
  }
  // Corrupt batch 2: batches 2..5 are dropped, even though 3..5 are intact.
  flip_byte(segment_path(crashed, 0, ".log"), stored_position(2) + 70);
  auto log = open_log(small_config(), crashed);
  EXPECT_EQ(log->log_end_offset(), 6);
  EXPECT_GT(log->recovery_stats().bytes_truncated, 0);
  // New, smaller batches overwrite the region; a second crash must not bring
  // the old batches 3..5 back.
  append(*log, make_batch(1, 10));
  append(*log, make_batch(1, 10));
  wait_durable(*log);
  fs::copy(crashed, dir_.path() + "/again", fs::copy_options::recursive);
  log.reset();
  auto again = open_log(small_config(), dir_.path() + "/again");
  EXPECT_EQ(again->log_end_offset(), 8);
  EXPECT_EQ(batch_offsets(read_all(*again)), (std::vector<int64_t>{0, 3, 6, 7}));
}

TEST_F(RecoveryTest, CorruptUnsealedMiddleSegmentDropsLaterSegments) {
  std::vector<int64_t> bases;
  {
    auto log = open_log();
    for (int i = 0; i < 300; ++i) append(*log, make_batch(2, 300));
    wait_durable(*log);
    bases = log->segment_base_offsets();
  }
  ASSERT_GE(bases.size(), 3u);
  // Damage the second segment and remove its index files, so it is not trusted.
  fs::remove(segment_path(log_dir(), bases[1], ".index"));
  fs::remove(segment_path(log_dir(), bases[1], ".timeindex"));
  const size_t first_in_second = static_cast<size_t>(bases[1] / 2);
  flip_byte(segment_path(log_dir(), bases[1], ".log"),
            stored_position(first_in_second + 3) - stored_position(first_in_second) + 80);
  auto log = open_log();
  EXPECT_EQ(log->recovery_stats().segments_scanned, 1);
  EXPECT_EQ(log->recovery_stats().segments_deleted, static_cast<int>(bases.size() - 2));
  EXPECT_EQ(log->segment_count(), 2u);
  EXPECT_EQ(log->log_end_offset(), bases[1] + 6);
  EXPECT_FALSE(fs::exists(segment_path(log_dir(), bases[2], ".log")));
  EXPECT_EQ(read_all(*log), expected(0, first_in_second + 3));
}

TEST_F(RecoveryTest, MissingIndexFilesAreRebuiltIdentically) {
  std::vector<int64_t> bases;
  {
    auto log = open_log();
    for (int i = 0; i < 150; ++i) append(*log, make_batch(2, 300, 1000 + 10 * i));
    wait_durable(*log);
    bases = log->segment_base_offsets();
  }
  const std::string index = segment_path(log_dir(), bases[0], ".index");
  const std::string time_index = segment_path(log_dir(), bases[0], ".timeindex");
  const std::string original_index = read_file(index);
  const std::string original_time_index = read_file(time_index);
  ASSERT_FALSE(original_index.empty());
  fs::remove(index);
  fs::remove(time_index);
  auto log = open_log();
  EXPECT_EQ(log->recovery_stats().segments_scanned, 1);
  EXPECT_EQ(read_file(index), original_index);
  EXPECT_EQ(read_file(time_index), original_time_index);
  EXPECT_EQ(read_all(*log), expected(0, stored_.size()));
  EXPECT_EQ(log->offset_for_timestamp(1000 + 10 * 20)->offset, 40);
}

TEST_F(RecoveryTest, DamagedIndexFileIsRebuilt) {
  std::vector<int64_t> bases;
  {
    auto log = open_log();
    for (int i = 0; i < 150; ++i) append(*log, make_batch(2, 300));
    wait_durable(*log);
    bases = log->segment_base_offsets();
  }
  fs::resize_file(segment_path(log_dir(), bases[0], ".index"), 13);  // not whole entries
  auto log = open_log();
  EXPECT_EQ(log->recovery_stats().segments_scanned, 1);
  EXPECT_EQ(read_all(*log), expected(0, stored_.size()));
}

TEST_F(RecoveryTest, CrashRightAfterARollRecoversBothSegments) {
  LogConfig config = small_config();
  config.segment_ms = 1000;
  auto log = open_log(config);
  append(*log, make_batch(2, 100));
  wait_durable(*log);
  clock_.advance(1000);
  append(*log, make_batch(2, 100));
  EXPECT_EQ(log->segment_count(), 2u);
  wait_durable(*log);
  const std::string crashed = snapshot("crashed");
  auto recovered = open_log(config, crashed);
  EXPECT_EQ(recovered->log_end_offset(), 4);
  EXPECT_EQ(read_all(*recovered), expected(0, 2));
}

}  // namespace
}  // namespace gregor::storage
