#include "server/log_checkpoints.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace gregor::server {
namespace {

class TempDirs {
 public:
  TempDirs() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "gregor-ckpt-XXXXXX").string();
    EXPECT_NE(::mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
  }
  ~TempDirs() {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  std::string path(const std::string& name) const { return root_ + "/" + name; }

 private:
  std::string root_;
};

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

LogCheckpoints::Entry entry(const std::string& log_dir, const std::string& topic, int32_t p,
                            int64_t recovery, int64_t start) {
  return {log_dir + "/" + topic + "-" + std::to_string(p), {topic, p, recovery, start}};
}

class LogCheckpointsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    a_ = storage::LogDirectory::open(dirs_.path("a")).value();
    b_ = storage::LogDirectory::open(dirs_.path("b")).value();
  }

  TempDirs dirs_;
  std::unique_ptr<storage::LogDirectory> a_;
  std::unique_ptr<storage::LogDirectory> b_;
};

TEST_F(LogCheckpointsTest, MergesTheLatestReportOfEveryShardPerLogDir) {
  LogCheckpoints c({a_.get(), b_.get()}, 2);
  const std::string a = a_->path(), b = b_->path();
  c.report(0, {entry(a, "x", 0, 10, 2), entry(b, "y", 0, 5, 0)});
  c.report(1, {entry(a, "x", 1, 7, 7)});
  EXPECT_EQ(c.log_dir_of(a + "/x-1"), a);
  EXPECT_EQ(c.log_dir_of(b + "/y-0"), b);
  EXPECT_EQ(c.log_dir_of("/elsewhere/x-0"), "");
  ASSERT_TRUE(c.write());
  EXPECT_EQ(read(a + "/log-start-offset-checkpoint"), "0\n2\nx 0 2\nx 1 7\n");
  EXPECT_EQ(read(a + "/recovery-point-offset-checkpoint"), "0\n2\nx 0 10\nx 1 7\n");
  EXPECT_EQ(read(b + "/log-start-offset-checkpoint"), "0\n1\ny 0 0\n");

  // A new report replaces the shard's old one (x-1 was deleted); only `a` is rewritten.
  c.report(1, {});
  c.report(0, {entry(a, "x", 0, 12, 9), entry(b, "y", 0, 6, 3)});
  ASSERT_TRUE(c.write({a}));
  EXPECT_EQ(read(a + "/log-start-offset-checkpoint"), "0\n1\nx 0 9\n");
  EXPECT_EQ(read(b + "/log-start-offset-checkpoint"), "0\n1\ny 0 0\n");
  ASSERT_TRUE(c.write({b}));
  EXPECT_EQ(read(b + "/log-start-offset-checkpoint"), "0\n1\ny 0 3\n");
}

TEST_F(LogCheckpointsTest, TheFilesAreWhatTheNextOpenReads) {
  LogCheckpoints c({a_.get()}, 1);
  c.report(0, {entry(a_->path(), "t", 3, 40, 25)});
  ASSERT_TRUE(c.write());
  a_.reset();  // releases the lock
  auto reopened = storage::LogDirectory::open(dirs_.path("a"));
  ASSERT_TRUE(reopened.ok());
  const storage::OpenOptions options = (*reopened)->open_options("t", 3);
  EXPECT_EQ(options.log_start_offset, 25);
  EXPECT_EQ(options.recovery_point, 40);
}

}  // namespace
}  // namespace gregor::server
