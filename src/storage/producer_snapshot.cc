#include "storage/producer_snapshot.h"

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "base/log.h"
#include "protocol/record/batch_header.h"
#include "protocol/record/crc32c.h"
#include "storage/segment_file.h"

namespace gregor::storage {
namespace {

constexpr int16_t kVersion = 1;
constexpr size_t kCrcPos = 2;
constexpr size_t kHeaderBytes = 2 + 4 + 8;
constexpr std::string_view kSuffix = ".snapshot";

}  // namespace

std::string snapshot_path(const std::string& dir, int64_t offset) {
  return dir + "/" + segment_file_name(offset, kSuffix);
}

std::vector<int64_t> list_snapshots(const std::string& dir) {
  std::vector<int64_t> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() != 20 + kSuffix.size() || !name.ends_with(kSuffix)) continue;
    if (!std::all_of(name.begin(), name.begin() + 20, [](char c) { return c >= '0' && c <= '9'; }))
      continue;
    out.push_back(std::stoll(name.substr(0, 20)));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<uint8_t> encode_producer_snapshot(const ProducerStateManager& state, int64_t offset) {
  const std::vector<uint8_t> body = state.encode_snapshot();
  std::vector<uint8_t> out(kHeaderBytes + body.size());
  record::store_be(out.data(), static_cast<uint16_t>(kVersion), 2);
  record::store_be(out.data() + 6, static_cast<uint64_t>(offset), 8);
  std::memcpy(out.data() + kHeaderBytes, body.data(), body.size());
  const uint32_t crc = record::crc32c(out.data() + 6, out.size() - 6);
  record::store_be(out.data() + kCrcPos, crc, 4);
  return out;
}

bool load_producer_snapshot(FileIo& io, const std::string& dir, int64_t offset,
                            ProducerStateManager& state) {
  std::string raw;
  if (io.read_file(snapshot_path(dir, offset), raw) != 0) return false;
  const auto* p = reinterpret_cast<const uint8_t*>(raw.data());
  if (raw.size() < kHeaderBytes || record::load_be(p, 2) != static_cast<uint16_t>(kVersion) ||
      record::load_be(p + kCrcPos, 4) != record::crc32c(p + 6, raw.size() - 6) ||
      static_cast<int64_t>(record::load_be(p + 6, 8)) != offset) {
    return false;
  }
  return state.decode_snapshot({p + kHeaderBytes, raw.size() - kHeaderBytes});
}

int write_snapshot_now(FileIo& io, const std::string& dir, int64_t offset,
                       const std::vector<uint8_t>& bytes, const std::vector<int64_t>& remove) {
  const std::string path = snapshot_path(dir, offset);
  const int r = io.write_file_atomic(path, bytes.data(), bytes.size());
  if (r < 0) {
    log::warn("{}: cannot write the producer snapshot: {}", path, std::strerror(-r));
    return r;
  }
  // Old snapshots only cost a longer replay if their removal is lost: no
  // directory fsync for them.
  for (int64_t old : remove) io.unlink(snapshot_path(dir, old));
  return 0;
}

void submit_snapshot(IoWorker& worker, const std::function<void(std::function<void()>)>& post,
                     std::string dir, int64_t offset, std::vector<uint8_t> bytes,
                     std::vector<int64_t> remove, std::function<void(int)> done) {
  FileIo& io = worker.io();
  auto task = [&io, post, dir = std::move(dir), offset, bytes = std::move(bytes),
               remove = std::move(remove), done = std::move(done)] {
    const int r = write_snapshot_now(io, dir, offset, bytes, remove);
    post([done, r] { done(r); });
  };
  if (worker.running()) {
    worker.submit(std::move(task));
  } else {
    task();
  }
}

}  // namespace gregor::storage
