// EmbeddedMetadataStore: the write path (mutations, appends, snapshots).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>

#include <fmt/format.h>

#include "base/log.h"
#include "metadata/embedded_store.h"
#include "metadata/file_io.h"
#include "metadata/snapshot.h"

namespace gregor::metadata {

Result<Ok, std::string> EmbeddedMetadataStore::create_topic(const TopicRecord& topic) {
  MetadataRecord rec;
  rec.type = RecordType::kCreateTopic;
  rec.topic = topic;
  return mutate(std::move(rec));
}

Result<Ok, std::string> EmbeddedMetadataStore::delete_topic(const Uuid& id) {
  MetadataRecord rec;
  rec.type = RecordType::kDeleteTopic;
  rec.topic.id = id;
  return mutate(std::move(rec));
}

Result<Ok, std::string> EmbeddedMetadataStore::set_partition_count(const Uuid& id,
                                                                   int32_t partitions) {
  MetadataRecord rec;
  rec.type = RecordType::kSetPartitions;
  rec.topic.id = id;
  rec.topic.partitions = partitions;
  return mutate(std::move(rec));
}

Result<Ok, std::string> EmbeddedMetadataStore::set_topic_configs(
    const Uuid& id, std::map<std::string, std::string> configs) {
  MetadataRecord rec;
  rec.type = RecordType::kSetTopicConfigs;
  rec.topic.id = id;
  rec.topic.configs = std::move(configs);
  return mutate(std::move(rec));
}

Result<Ok, std::string> EmbeddedMetadataStore::set_broker_configs(
    const std::string& resource, std::map<std::string, std::string> configs) {
  MetadataRecord rec;
  rec.type = RecordType::kSetBrokerConfigs;
  rec.resource = resource;
  rec.topic.configs = std::move(configs);
  return mutate(std::move(rec));
}

std::map<std::string, std::map<std::string, std::string>> EmbeddedMetadataStore::broker_configs()
    const {
  std::lock_guard lock(write_mu_);
  return state_.broker_configs;
}

Result<int64_t, std::string> EmbeddedMetadataStore::allocate_producer_ids(int32_t count) {
  if (count < 1) return Err(fmt::format("cannot allocate {} producer ids", count));
  std::lock_guard lock(write_mu_);
  int64_t first = state_.next_producer_id;
  if (first > std::numeric_limits<int64_t>::max() - count)
    return Err(std::string("producer ids are exhausted"));
  MetadataRecord rec;
  rec.type = RecordType::kAllocateProducerIds;
  rec.next_producer_id = first + count;
  if (auto r = mutate_locked(std::move(rec)); !r) return Err(r.error());
  return first;
}

Result<Ok, std::string> EmbeddedMetadataStore::mutate(MetadataRecord record) {
  std::lock_guard lock(write_mu_);
  return mutate_locked(std::move(record));
}

Result<Ok, std::string> EmbeddedMetadataStore::mutate_locked(MetadataRecord record) {
  if (!failure_.empty())
    return Err(fmt::format(
        "metadata store is read-only after an I/O error ({}); restart the broker", failure_));
  if (auto bad = check(state_, record)) return Err(*bad);
  record.sequence = state_.last_sequence + 1;
  record.timestamp_ms = clock_.now_ms();
  if (auto r = append_frame(encode_frame(record)); !r) return r;
  apply(state_, record);
  // The image holds topics only; a producer-id block leaves it as it is.
  if (record.type != RecordType::kAllocateProducerIds) publish();
  maybe_snapshot();
  return Ok{};
}

// Appends one frame and syncs it. A failed write is cut off again so the store stays
// usable; a failed sync (or a failed cut) leaves the file in an unknown state: the store
// then refuses writes until it is reopened and the log is re-read.
Result<Ok, std::string> EmbeddedMetadataStore::append_frame(const std::vector<uint8_t>& frame) {
  GREGOR_ASSERT(log_fd_ >= 0, "append before the log was opened");
  std::string log_path = path(kLogFileName);
  if (auto w = write_all_at(log_fd_, frame, log_size_, log_path); !w) {
    if (::ftruncate(log_fd_, static_cast<off_t>(log_size_)) != 0) failure_ = w.error();
    return w;
  }
  if (::fdatasync(log_fd_) != 0) {
    failure_ = fmt::format("cannot sync {}: {}", log_path, std::strerror(errno));
    return Err(failure_);
  }
  log_size_ += static_cast<int64_t>(frame.size());
  return Ok{};
}

void EmbeddedMetadataStore::maybe_snapshot() {
  if (log_size_ < options_.snapshot_threshold_bytes || !failure_.empty()) return;
  if (auto r = write_snapshot(); !r) {
    // The log still holds every change, so the store keeps working; the next mutation retries.
    log::error("metadata snapshot failed: {}", r.error());
    return;
  }
  if (auto r = restart_log(); !r) log::error("metadata log restart failed: {}", r.error());
}

Result<Ok, std::string> EmbeddedMetadataStore::write_snapshot() {
  auto bytes = encode_snapshot(state_, clock_.now_ms());
  if (auto r = replace_file(path(kSnapshotFileName), bytes); !r) return r;
  log::info("metadata snapshot at sequence {}: {} topics, {} bytes", state_.last_sequence,
            state_.topics.size(), bytes.size());
  return Ok{};
}

// Replaces the log with an empty file. The snapshot covers every record of the old log, and
// replay skips records the snapshot already holds, so a crash at any point here is safe.
Result<Ok, std::string> EmbeddedMetadataStore::restart_log() {
  std::string log_path = path(kLogFileName);
  std::string tmp = log_path + ".tmp";
  int fd = ::open(tmp.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Err(fmt::format("cannot create {}: {}", tmp, std::strerror(errno)));
  if (::fsync(fd) != 0 || ::rename(tmp.c_str(), log_path.c_str()) != 0) {
    auto err = fmt::format("cannot install {}: {}", tmp, std::strerror(errno));
    ::close(fd);
    (void)remove_if_exists(tmp);
    return Err(err);
  }
  ::close(log_fd_);
  log_fd_ = fd;
  log_size_ = 0;
  // Until the rename is durable, a crash could bring back the old log and lose whatever is
  // appended to the new one, so an unsynced directory stops further writes.
  if (auto r = sync_directory(meta_dir_); !r) {
    failure_ = r.error();
    return r;
  }
  return Ok{};
}

}  // namespace gregor::metadata
