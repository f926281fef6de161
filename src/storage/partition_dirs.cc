// Partition directories in a log dir: enumeration and deletion.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <random>

#include "base/log.h"
#include "storage/partition_log.h"

namespace gregor::storage {
namespace {

// "<topic>-<partition>" → (topic, partition); false for anything else.
bool parse_partition_dir(const std::string& name, std::pair<std::string, int32_t>& out) {
  if (name.empty() || name[0] == '.') return false;
  for (const char* suffix : {"-delete", "-future", "-stray"}) {
    if (name.ends_with(suffix)) return false;
  }
  const size_t dash = name.rfind('-');
  if (dash == std::string::npos || dash == 0 || dash + 1 == name.size() || name.size() - dash > 11)
    return false;
  int64_t partition = 0;
  for (size_t i = dash + 1; i < name.size(); ++i) {
    if (name[i] < '0' || name[i] > '9') return false;
    partition = partition * 10 + (name[i] - '0');
  }
  if (partition > INT32_MAX) return false;
  out = {name.substr(0, dash), static_cast<int32_t>(partition)};
  return true;
}

}  // namespace

std::vector<std::pair<std::string, int32_t>> list_partition_dirs(const std::string& log_dir) {
  std::vector<std::pair<std::string, int32_t>> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(log_dir, ec)) {
    std::pair<std::string, int32_t> tp;
    if (entry.is_directory(ec) && parse_partition_dir(entry.path().filename().string(), tp)) {
      out.push_back(std::move(tp));
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<Ok, StorageError> PartitionLog::remove_dir(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return Ok{};
  char tag[17];
  std::snprintf(
      tag, sizeof tag, "%016llx",
      static_cast<unsigned long long>(std::random_device{}()) << 32 | std::random_device{}());
  std::string doomed = dir;
  while (!doomed.empty() && doomed.back() == '/') doomed.pop_back();
  doomed += std::string(".") + tag + "-delete";
  FileIo& io = posix_file_io();
  if (int r = io.rename(dir, doomed); r < 0) {
    log::error("{}: cannot rename for deletion: {}", dir, std::strerror(-r));
    return Err(error_from_errno(-r));
  }
  const std::string parent = fs::path(doomed).parent_path().string();
  io.fsync_dir(parent.empty() ? "." : parent);
  fs::remove_all(doomed, ec);
  if (ec) {
    log::error("{}: cannot remove: {}", doomed, ec.message());
    return Err(StorageError::kIo);
  }
  return Ok{};
}

}  // namespace gregor::storage
