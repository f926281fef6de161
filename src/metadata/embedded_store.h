// The single-node metadata store: a local, checksummed, append-only log with
// snapshots (record format in metadata_record.h, layout in README.md).
//
//   <dir>/meta.properties                    Kafka's format: cluster.id, node.id, version
//   <dir>/__gregor_metadata/metadata.log     records since the last snapshot
//   <dir>/__gregor_metadata/snapshot         the state as of one sequence number
//   <dir>/__gregor_metadata/.lock            flock'ed while a store has the directory open
//
// Durability: a mutation is appended and fdatasync'ed before it returns Ok.
// Opening replays the snapshot and then the log records that follow it; a
// torn last record (short, or failing its CRC, with nothing valid after it) is
// truncated with a warning. Damage before valid records, an undecodable record
// or a damaged snapshot makes open() fail instead: cutting there would silently
// drop changes that were acknowledged. When the log outgrows the snapshot
// threshold, a new snapshot is written (temporary file, fsync, rename,
// directory fsync) and the log restarts empty the same way.
//
// After a failed write or sync the log's contents are unknown, so the store
// refuses further mutations until it is reopened (a change whose sync failed may
// or may not be present after the restart).
//
// Threads: mutations may come from any thread; they are serialised by an
// internal mutex and block on disk I/O (about a millisecond), so the broker
// calls them from its controller context, never from a latency-sensitive loop.
// cluster_id(), image() and topics() never wait for I/O: they read an
// immutable ClusterImage published after each mutation (a short pointer lock).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "base/clock.h"
#include "metadata/cluster_image.h"
#include "metadata/metadata_record.h"
#include "metadata/metadata_state.h"
#include "metadata/metadata_store.h"

namespace gregor::metadata {

struct EmbeddedStoreOptions {
  // Written to meta.properties; opening a directory recorded for another node fails.
  int32_t node_id = 1;
  // Log size beyond which the next mutation (or open) writes a snapshot and restarts the log.
  int64_t snapshot_threshold_bytes = 1 << 20;
};

class EmbeddedMetadataStore final : public MetadataStore {
 public:
  static Result<std::unique_ptr<EmbeddedMetadataStore>, std::string> open(const std::string& dir,
                                                                          const Clock& clock);
  static Result<std::unique_ptr<EmbeddedMetadataStore>, std::string> open(
      const std::string& dir, const Clock& clock, const EmbeddedStoreOptions& options);
  ~EmbeddedMetadataStore() override;
  EmbeddedMetadataStore(const EmbeddedMetadataStore&) = delete;
  EmbeddedMetadataStore& operator=(const EmbeddedMetadataStore&) = delete;

  Result<Ok, std::string> create_topic(const TopicRecord& topic) override;
  Result<Ok, std::string> delete_topic(const Uuid& id) override;
  Result<Ok, std::string> set_partition_count(const Uuid& id, int32_t partitions) override;
  Result<Ok, std::string> set_topic_configs(const Uuid& id,
                                            std::map<std::string, std::string> configs) override;
  Result<Ok, std::string> set_broker_configs(const std::string& resource,
                                             std::map<std::string, std::string> configs) override;
  std::map<std::string, std::map<std::string, std::string>> broker_configs() const override;
  std::string cluster_id() const override { return cluster_id_; }
  std::vector<TopicRecord> topics() const override { return image()->topics(); }
  std::shared_ptr<const ClusterImage> image() const override;
  Result<int64_t, std::string> allocate_producer_ids(int32_t count) override;

  // For tests and diagnostics.
  int64_t log_bytes() const;
  uint64_t last_sequence() const;
  const std::string& metadata_dir() const { return meta_dir_; }

  static constexpr const char* kMetadataDirName = "__gregor_metadata";
  static constexpr const char* kLogFileName = "metadata.log";
  static constexpr const char* kSnapshotFileName = "snapshot";

 private:
  EmbeddedMetadataStore(const std::string& dir, const Clock& clock,
                        const EmbeddedStoreOptions& options);

  // Opening, in order.
  Result<Ok, std::string> lock_directory();
  Result<Ok, std::string> load_snapshot();
  Result<Ok, std::string> replay_log();
  Result<Ok, std::string> init_cluster_id();
  Result<Ok, std::string> sync_meta_properties();

  Result<Ok, std::string> mutate(MetadataRecord record);
  Result<Ok, std::string> mutate_locked(MetadataRecord record);  // write_mu_ held
  Result<Ok, std::string> append_frame(const std::vector<uint8_t>& frame);
  void maybe_snapshot();
  Result<Ok, std::string> write_snapshot();
  Result<Ok, std::string> restart_log();
  void publish();

  std::string path(const char* name) const;

  const Clock& clock_;
  const std::string dir_;
  const std::string meta_dir_;
  const EmbeddedStoreOptions options_;
  std::string cluster_id_;  // set during open, immutable afterwards

  mutable std::mutex write_mu_;  // serialises mutations; guards everything below up to image_mu_
  MetadataState state_;
  int log_fd_ = -1;
  int lock_fd_ = -1;
  int64_t log_size_ = 0;
  std::string failure_;  // set once an I/O error left the log in an unknown state

  mutable std::mutex image_mu_;
  std::shared_ptr<const ClusterImage> image_;  // guarded by image_mu_
};

}  // namespace gregor::metadata
