// The bounded descriptor caches of segment files: the bound holds, pinned
// descriptors survive eviction (and deletion of their files), evicted files
// are reopened and read the same bytes, and write descriptors of idle logs are
// closed and reopened by the next flush job.
#include "storage/fd_cache.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "storage/segment_file.h"
#include "storage/tests/log_fixture.h"

namespace gregor::storage {
namespace {

using testing::flatten;
using testing::LogFixture;
using testing::make_batch;
using testing::small_config;

// Descriptors open in this process.
size_t open_fds() {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

bool fd_valid(int fd) {
  return ::fcntl(fd, F_GETFD) >= 0;
}

class FdCacheTest : public LogFixture {
 protected:
  // A segment file holding `text` at base offset `base`, read through `caches`.
  std::shared_ptr<SegmentFile> make_file(int64_t base, const std::string& text,
                                         const SegmentFdCaches& caches) {
    std::filesystem::create_directories(log_dir());
    auto file = std::make_shared<SegmentFile>(io_, log_dir(), base, caches);
    std::ofstream(file->log_path()) << text;
    return file;
  }

  static std::string read_text(const OpenFd& fd) {
    char buf[64] = {};
    const ssize_t n = ::pread(fd.fd(), buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
  }

  SegmentFdCaches caches_{std::make_shared<FdCache>(3), std::make_shared<FdCache>(2)};
};

TEST_F(FdCacheTest, BoundIsRespectedAndEvictedFilesReopen) {
  const size_t before = open_fds();
  std::vector<std::shared_ptr<SegmentFile>> files;
  for (int i = 0; i < 10; ++i)
    files.push_back(make_file(i, "segment " + std::to_string(i), caches_));
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 10; ++i) {
      auto fd = files[i]->open_read();
      ASSERT_TRUE(fd.ok());
      EXPECT_EQ(read_text(**fd), "segment " + std::to_string(i));
      EXPECT_LE(caches_.read->size(), 3u);
    }
  }
  EXPECT_LE(open_fds(), before + 3);
  const FdCacheStats stats = caches_.read->stats();
  EXPECT_EQ(stats.opens, 30u);  // every access missed: the LRU order cycles through 10 files
  EXPECT_EQ(stats.evictions, 27u);
  // The most recently used stays open and is served without an open().
  ASSERT_TRUE(files[9]->open_read().ok());
  EXPECT_EQ(caches_.read->stats().hits, 1u);
  EXPECT_TRUE(files[9]->read_open());
  EXPECT_FALSE(files[0]->read_open());
  files.clear();  // destroying the files closes their descriptors
  EXPECT_EQ(caches_.read->size(), 0u);
  EXPECT_EQ(open_fds(), before);
}

TEST_F(FdCacheTest, PinnedDescriptorsSurviveEviction) {
  auto a = make_file(0, "aaaa", caches_);
  auto pinned = a->open_read();
  ASSERT_TRUE(pinned.ok());
  const int raw = (*pinned)->fd();
  std::vector<std::shared_ptr<SegmentFile>> others;
  for (int i = 1; i <= 6; ++i) {
    others.push_back(make_file(i, "other", caches_));
    ASSERT_TRUE(others.back()->open_read().ok());
  }
  // The cache keeps its bound; the pinned descriptor left it but stays open.
  EXPECT_EQ(caches_.read->size(), 3u);
  EXPECT_TRUE(fd_valid(raw));
  EXPECT_EQ(read_text(**pinned), "aaaa");
  // Asking again returns the same descriptor without opening the file.
  auto again = a->open_read();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->fd(), raw);
  again = Err(0);
  pinned = Err(0);
  // Unpinned now: the next opens evict it.
  for (auto& f : others) ASSERT_TRUE(f->open_read().ok());
  EXPECT_FALSE(a->read_open());
}

TEST_F(FdCacheTest, DeletedFileStaysReadableThroughAPinnedDescriptor) {
  auto a = make_file(0, "still here", caches_);
  auto pinned = a->open_read();
  ASSERT_TRUE(pinned.ok());
  std::shared_ptr<OpenFd> chunk_owner = std::move(pinned).value();
  std::filesystem::remove(a->log_path());
  a.reset();  // the segment is gone: its cache entry is dropped, the descriptor is not
  EXPECT_EQ(caches_.read->size(), 0u);
  EXPECT_TRUE(fd_valid(chunk_owner->fd()));
  EXPECT_EQ(read_text(*chunk_owner), "still here");
  const int raw = chunk_owner->fd();
  chunk_owner.reset();
  EXPECT_FALSE(fd_valid(raw));
}

TEST_F(FdCacheTest, FailedOpenIsReported) {
  auto a = std::make_shared<SegmentFile>(io_, log_dir() + "/missing", 0, caches_);
  auto fd = a->open_read();
  ASSERT_FALSE(fd.ok());
  EXPECT_EQ(fd.error(), -ENOENT);
  EXPECT_EQ(caches_.read->size(), 0u);
}

// Through a real log: the shard's read cache bounded to 2 descriptors, reads
// across many segments return the same bytes every time, and file chunks of a
// read stay readable after the log and its directory are gone.
TEST_F(FdCacheTest, LogReadsThroughASmallCache) {
  worker_->set_fd_budget(3);  // 2 read, 2 write (at least 2 each)
  const FdCache& reads = *worker_->fd_caches().read;
  ASSERT_EQ(reads.capacity(), 2u);
  auto log = open_log();
  for (int i = 0; i < 300; ++i) append(*log, make_batch(2, 700));
  wait_durable(*log);
  ASSERT_GT(log->segment_count(), 5u);
  EXPECT_LE(reads.size(), 2u);
  for (int round = 0; round < 2; ++round) {
    for (int64_t from : {int64_t{0}, int64_t{200}, int64_t{401}}) {
      EXPECT_EQ(read_all(*log, from), expected(static_cast<size_t>(from / 2), stored_.size()));
      EXPECT_LE(reads.size(), 2u);
    }
  }
  EXPECT_GT(reads.stats().evictions, 0u);
  // Chunks of a read hold loans of their descriptors, at most half the
  // capacity; the batches of further segments are copied instead.
  auto r = log->read(0, log->log_end_offset(), size_t{1} << 30, true);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(reads.loans(), 1u);
  EXPECT_LE(reads.open_count(), 3u);
  size_t copies = 0, file_chunks = 0;
  for (const auto& c : r->chunks) ++(c.fd < 0 ? copies : file_chunks);
  EXPECT_GT(copies, 0u);
  EXPECT_GT(file_chunks, 0u);
  log->close();
  log.reset();
  std::filesystem::remove_all(log_dir());
  EXPECT_EQ(flatten(*r), expected(0, stored_.size()));
}

// Many logs on one worker with a write cache of 2: each flush job reopens the
// write descriptor the cache closed, and everything reads back after a reopen.
TEST_F(FdCacheTest, WriteDescriptorsOfIdleLogsAreClosed) {
  worker_->set_fd_budget(6);  // 3 read, 2 write
  const FdCache& writes = *worker_->fd_caches().write;
  ASSERT_EQ(writes.capacity(), 2u);
  const size_t before = open_fds();
  std::vector<std::unique_ptr<PartitionLog>> logs;
  std::vector<std::vector<std::vector<uint8_t>>> stored(8);
  for (int i = 0; i < 8; ++i) {
    auto opened = PartitionLog::open(dir_.path() + "/t-" + std::to_string(i), "t", i,
                                     small_config(), *worker_, loop_.poster(), clock_);
    ASSERT_TRUE(opened.ok());
    logs.push_back(std::move(opened).value());
  }
  for (int round = 0; round < 5; ++round) {
    for (int i = 0; i < 8; ++i) {
      stored_.clear();
      append(*logs[i], make_batch(3, 500));
      stored[i].push_back(stored_.back());
      wait_durable(*logs[i]);
      EXPECT_LE(writes.size(), 2u);
    }
  }
  EXPECT_GT(writes.stats().evictions, 0u);
  EXPECT_LE(open_fds(), before + 2 + 3);
  for (auto& log : logs) log->close();
  logs.clear();
  EXPECT_EQ(open_fds(), before);
  for (int i = 0; i < 8; ++i) {
    auto opened = PartitionLog::open(dir_.path() + "/t-" + std::to_string(i), "t", i,
                                     small_config(), *worker_, loop_.poster(), clock_);
    ASSERT_TRUE(opened.ok());
    stored_ = stored[i];
    EXPECT_EQ(read_all(**opened), expected(0, stored_.size()));
  }
}

}  // namespace
}  // namespace gregor::storage
