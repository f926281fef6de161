#include "metadata/embedded_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "base/log.h"
#include "metadata/file_io.h"
#include "metadata/meta_properties.h"
#include "metadata/snapshot.h"

namespace gregor::metadata {
namespace {

std::string errno_text() {
  return std::strerror(errno);
}

}  // namespace

EmbeddedMetadataStore::EmbeddedMetadataStore(const std::string& dir, const Clock& clock,
                                             const EmbeddedStoreOptions& options)
    : clock_(clock),
      dir_(dir),
      meta_dir_((std::filesystem::path(dir) / kMetadataDirName).string()),
      options_(options) {}

EmbeddedMetadataStore::~EmbeddedMetadataStore() {
  if (log_fd_ >= 0) ::close(log_fd_);
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

std::string EmbeddedMetadataStore::path(const char* name) const {
  return (std::filesystem::path(meta_dir_) / name).string();
}

Result<std::unique_ptr<EmbeddedMetadataStore>, std::string> EmbeddedMetadataStore::open(
    const std::string& dir, const Clock& clock) {
  return open(dir, clock, EmbeddedStoreOptions{});
}

Result<std::unique_ptr<EmbeddedMetadataStore>, std::string> EmbeddedMetadataStore::open(
    const std::string& dir, const Clock& clock, const EmbeddedStoreOptions& options) {
  std::unique_ptr<EmbeddedMetadataStore> store(new EmbeddedMetadataStore(dir, clock, options));
  std::lock_guard lock(store->write_mu_);
  for (auto step : {&EmbeddedMetadataStore::lock_directory, &EmbeddedMetadataStore::load_snapshot,
                    &EmbeddedMetadataStore::replay_log, &EmbeddedMetadataStore::init_cluster_id,
                    &EmbeddedMetadataStore::sync_meta_properties}) {
    if (auto r = (store.get()->*step)(); !r)
      return Err(fmt::format("metadata store in {}: {}", dir, r.error()));
  }
  store->cluster_id_ = store->state_.cluster_id;
  store->publish();
  store->maybe_snapshot();
  log::info("metadata store {}: cluster id {}, {} topics, sequence {}", store->meta_dir_,
            store->cluster_id_, store->state_.topics.size(), store->state_.last_sequence);
  return store;
}

Result<Ok, std::string> EmbeddedMetadataStore::lock_directory() {
  if (auto r = ensure_directory(dir_); !r) return r;
  if (auto r = ensure_directory(meta_dir_); !r) return r;
  std::string lock_path = path(".lock");
  lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) return Err(fmt::format("cannot open {}: {}", lock_path, errno_text()));
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0)
    return Err(fmt::format("{} is locked: another broker is using this directory", lock_path));
  // Leftovers of a snapshot or log restart that crashed before its rename.
  for (const char* name : {"snapshot.tmp", "metadata.log.tmp"}) {
    if (auto r = remove_if_exists(path(name)); !r) return r;
  }
  return Ok{};
}

Result<Ok, std::string> EmbeddedMetadataStore::load_snapshot() {
  auto bytes = read_file_if_exists(path(kSnapshotFileName));
  if (!bytes) return Err(bytes.error());
  if (!bytes->has_value()) return Ok{};
  auto state = decode_snapshot(**bytes);
  if (!state)
    return Err(fmt::format("snapshot {} is damaged: {}", path(kSnapshotFileName), state.error()));
  state_ = std::move(state).value();
  return Ok{};
}

Result<Ok, std::string> EmbeddedMetadataStore::replay_log() {
  std::string log_path = path(kLogFileName);
  auto bytes = read_file_if_exists(log_path);
  if (!bytes) return Err(bytes.error());
  bool created = !bytes->has_value();
  log_fd_ = ::open(log_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (log_fd_ < 0) return Err(fmt::format("cannot open {}: {}", log_path, errno_text()));
  if (created) return sync_directory(meta_dir_);

  auto scan = scan_log(**bytes);
  if (!scan) return Err(fmt::format("{} is damaged at {}", log_path, scan.error()));
  if (scan->torn) {
    log::warn("{}: truncating a torn record at offset {} ({} bytes)", log_path, scan->valid_bytes,
              (*bytes)->size() - scan->valid_bytes);
    if (::ftruncate(log_fd_, static_cast<off_t>(scan->valid_bytes)) != 0 ||
        ::fdatasync(log_fd_) != 0)
      return Err(fmt::format("cannot truncate {}: {}", log_path, errno_text()));
  }
  log_size_ = static_cast<int64_t>(scan->valid_bytes);
  for (const MetadataRecord& rec : scan->records) {
    if (rec.sequence <= state_.last_sequence) continue;  // already in the snapshot
    if (rec.sequence != state_.last_sequence + 1)
      return Err(fmt::format("{}: records {} to {} are missing", log_path, state_.last_sequence + 1,
                             rec.sequence - 1));
    if (auto bad = check(state_, rec))
      return Err(fmt::format("{}: record {} cannot be applied: {}", log_path, rec.sequence, *bad));
    apply(state_, rec);
  }
  return Ok{};
}

Result<Ok, std::string> EmbeddedMetadataStore::init_cluster_id() {
  if (!state_.cluster_id.empty()) return Ok{};
  // A new store adopts the id of an existing meta.properties (e.g. one an operator wrote to
  // choose the cluster id), else invents one.
  auto meta = read_meta_properties(dir_);
  if (!meta) return Err(meta.error());
  MetadataRecord rec;
  rec.type = RecordType::kInit;
  rec.cluster_id = (meta->has_value() && !(*meta)->cluster_id.empty()) ? (*meta)->cluster_id
                                                                       : Uuid::random().to_base64();
  rec.sequence = state_.last_sequence + 1;
  rec.timestamp_ms = clock_.now_ms();
  if (auto r = append_frame(encode_frame(rec)); !r) return r;
  apply(state_, rec);
  return Ok{};
}

Result<Ok, std::string> EmbeddedMetadataStore::sync_meta_properties() {
  auto existing = read_meta_properties(dir_);
  if (!existing) return Err(existing.error());
  MetaProperties meta;
  if (existing->has_value()) {
    const MetaProperties& m = **existing;
    if (!m.cluster_id.empty() && m.cluster_id != state_.cluster_id)
      return Err(fmt::format("{}/meta.properties has cluster.id {} but the metadata log has {}",
                             dir_, m.cluster_id, state_.cluster_id));
    if (m.node_id && *m.node_id != options_.node_id)
      return Err(fmt::format("{}/meta.properties was written by node {}, not node {}", dir_,
                             *m.node_id, options_.node_id));
    if (m.version == 1 && m.node_id && !m.cluster_id.empty() && !m.directory_id.empty())
      return Ok{};
    meta.directory_id = m.directory_id;
  }
  meta.cluster_id = state_.cluster_id;
  meta.node_id = options_.node_id;
  if (meta.directory_id.empty()) meta.directory_id = Uuid::random().to_base64();
  return write_meta_properties(dir_, meta, clock_.now_ms());
}

std::shared_ptr<const ClusterImage> EmbeddedMetadataStore::image() const {
  std::lock_guard lock(image_mu_);
  return image_;
}

int64_t EmbeddedMetadataStore::log_bytes() const {
  std::lock_guard lock(write_mu_);
  return log_size_;
}

uint64_t EmbeddedMetadataStore::last_sequence() const {
  std::lock_guard lock(write_mu_);
  return state_.last_sequence;
}

void EmbeddedMetadataStore::publish() {
  auto next = ClusterImage::build(state_.sorted_topics());
  std::lock_guard lock(image_mu_);
  image_ = std::move(next);
}

}  // namespace gregor::metadata
