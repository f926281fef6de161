#include "metadata/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

namespace gregor::metadata {
namespace {

std::string errno_message(const std::string& what, const std::string& path) {
  return fmt::format("{} {}: {}", what, path, std::strerror(errno));
}

std::string parent_of(const std::string& path) {
  std::string parent = std::filesystem::path(path).parent_path().string();
  return parent.empty() ? "." : parent;
}

// Closes the descriptor on scope exit.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

Result<std::optional<std::vector<uint8_t>>, std::string> read_file_if_exists(
    const std::string& path) {
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) {
    if (errno == ENOENT) return std::optional<std::vector<uint8_t>>();
    return Err(errno_message("cannot open", path));
  }
  std::vector<uint8_t> out;
  uint8_t buf[64 * 1024];
  while (true) {
    ssize_t n = ::read(f.fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Err(errno_message("cannot read", path));
    if (n == 0) break;
    out.insert(out.end(), buf, buf + n);
  }
  return std::optional<std::vector<uint8_t>>(std::move(out));
}

Result<Ok, std::string> write_all_at(int fd, std::span<const uint8_t> bytes, int64_t offset,
                                     const std::string& what) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n =
        ::pwrite(fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Err(errno_message("cannot write", what));
    done += static_cast<size_t>(n);
  }
  return Ok{};
}

Result<Ok, std::string> sync_directory(const std::string& dir) {
  Fd f{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (f.fd < 0) return Err(errno_message("cannot open directory", dir));
  if (::fsync(f.fd) != 0) return Err(errno_message("cannot sync directory", dir));
  return Ok{};
}

Result<Ok, std::string> ensure_directory(const std::string& dir) {
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return Ok{};
  std::filesystem::create_directories(dir, ec);
  if (ec) return Err(fmt::format("cannot create directory {}: {}", dir, ec.message()));
  return sync_directory(parent_of(dir));
}

Result<Ok, std::string> replace_file(const std::string& path, std::span<const uint8_t> bytes) {
  std::string tmp = path + ".tmp";
  {
    Fd f{::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)};
    if (f.fd < 0) return Err(errno_message("cannot create", tmp));
    if (auto r = write_all_at(f.fd, bytes, 0, tmp); !r) return r;
    if (::fsync(f.fd) != 0) return Err(errno_message("cannot sync", tmp));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) return Err(errno_message("cannot rename to", path));
  return sync_directory(parent_of(path));
}

Result<Ok, std::string> remove_if_exists(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    return Err(errno_message("cannot remove", path));
  return Ok{};
}

}  // namespace gregor::metadata
