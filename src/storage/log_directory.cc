#include "storage/log_directory.h"

#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>
#include <filesystem>

#include "base/log.h"

namespace gregor::storage {

Result<std::unique_ptr<LogDirectory>, StorageError> LogDirectory::open(std::string path,
                                                                       FileIo& io) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) {
    log::error("{}: cannot create log dir: {}", path, ec.message());
    return Err(StorageError::kIo);
  }
  int fd = io.open(path + "/" + kLockFile, O_RDWR | O_CREAT, 0644);
  if (fd < 0) return Err(StorageError::kIo);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    log::error("{}: log dir is in use by another process", path);
    io.close(fd);
    return Err(StorageError::kIo);
  }
  std::unique_ptr<LogDirectory> dir(new LogDirectory(std::move(path), io, fd));
  dir->read_checkpoints();
  dir->purge_deleted_dirs();
  return dir;
}

LogDirectory::LogDirectory(std::string path, FileIo& io, int lock_fd)
    : path_(std::move(path)), io_(io), lock_fd_(lock_fd) {}

LogDirectory::~LogDirectory() {
  // Closing the descriptor releases the flock.
  io_.close(lock_fd_);
}

std::string LogDirectory::partition_dir(const std::string& topic, int32_t partition) const {
  return path_ + "/" + topic + "-" + std::to_string(partition);
}

void LogDirectory::read_checkpoints() {
  for (auto [name, target] : {std::pair{kRecoveryPointCheckpoint, &recovery_points_},
                              std::pair{kLogStartOffsetCheckpoint, &log_start_offsets_}}) {
    std::string text;
    int r = io_.read_file(path_ + "/" + name, text);
    if (r == -ENOENT) continue;
    auto parsed = r == 0 ? parse_offset_checkpoint(text) : std::nullopt;
    if (!parsed) {
      // Only an optimisation and a cross-check are lost: recovery does not depend on it.
      log::warn("{}/{}: unreadable checkpoint, ignoring it", path_, name);
      continue;
    }
    *target = std::move(*parsed);
  }
}

void LogDirectory::purge_deleted_dirs() {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(path_, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_directory() && name.size() > 7 && name.ends_with("-delete")) {
      std::filesystem::remove_all(entry.path(), ec);
      if (ec) log::warn("{}: cannot remove: {}", entry.path().string(), ec.message());
    }
  }
}

OpenOptions LogDirectory::open_options(const std::string& topic, int32_t partition) const {
  OpenOptions options;
  if (auto it = log_start_offsets_.find({topic, partition}); it != log_start_offsets_.end()) {
    options.log_start_offset = it->second;
  }
  if (auto it = recovery_points_.find({topic, partition}); it != recovery_points_.end()) {
    options.recovery_point = it->second;
  }
  return options;
}

Result<Ok, StorageError> LogDirectory::write_checkpoints(
    const std::vector<PartitionCheckpoint>& partitions) {
  std::lock_guard lock(write_mu_);
  OffsetMap recovery, start;
  for (const auto& p : partitions) {
    recovery[{p.topic, p.partition}] = p.recovery_point;
    start[{p.topic, p.partition}] = p.log_start_offset;
  }
  for (auto [name, map] : {std::pair{kRecoveryPointCheckpoint, &recovery},
                           std::pair{kLogStartOffsetCheckpoint, &start}}) {
    const std::string text = format_offset_checkpoint(*map);
    if (int r = io_.write_file_atomic(path_ + "/" + name, text.data(), text.size()); r < 0) {
      return Err(error_from_errno(-r));
    }
  }
  return Ok{};
}

}  // namespace gregor::storage
