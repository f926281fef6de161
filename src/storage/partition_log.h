// A partition's log (Kafka's UnifiedLog/LocalLog): the directory
// `<log.dir>/<topic>-<partition>/` of segments (segment.h), the in-memory tail
// (tail_cache.h), and the write pipeline to the shard's I/O thread.
//
// Write path: append() copies the batch into the tail cache and returns its
// offsets at once. A flush job (flush_job.h) is handed to the I/O thread at
// the end of the current loop iteration; while it runs, further appends
// accumulate, and the next job writes them all and syncs once (group commit).
// At most one job per log is in flight, so jobs never overtake each other.
// when_written / when_durable callbacks and the high watermark follow the
// jobs' completions, posted back to the owner shard.
//
// Failure: a failed write, allocation or fdatasync makes the log unusable
// until it is reopened (after an fsync error the page cache can no longer be
// trusted to hold what was written): pending and later callbacks get the
// error, appends are refused. Nothing that was acknowledged is affected:
// reopening recovers every batch whose callback reported success.
//
// Thread contract: owned by one shard. Every method is called on that shard's
// thread, and every callback runs there (through the Poster). open() and
// close() do blocking file I/O (directory listing, recovery, the final flush):
// call them at startup/shutdown or accept the stall. read() and the timestamp
// lookups pread batch headers of data that is no longer in the tail cache on
// the calling thread (like Kafka's request threads; the page cache normally
// holds them); data at the head of the log comes from memory.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "base/byte_writer.h"
#include "base/clock.h"
#include "base/result.h"
#include "storage/flush_job.h"
#include "storage/io_worker.h"
#include "storage/log_config.h"
#include "storage/producer_state.h"
#include "storage/segment.h"
#include "storage/storage_error.h"
#include "storage/tail_cache.h"

namespace gregor::storage {

// Runs a task on the owning shard's loop.
using Poster = std::function<void(std::function<void()>)>;
using DoneCallback = std::function<void(std::optional<StorageError>)>;

// Compaction (log_cleaner.h).
struct CleanableState;
struct CleanResult;
struct CleanTask;
struct CompactionConfig;

struct AppendResult {
  int64_t base_offset;
  int64_t last_offset;
  int64_t log_append_time_ms;
  // A retry of one of the producer's last 5 batches: nothing was appended,
  // the offsets (and the timestamp) are the original's.
  bool duplicate = false;
};

// Who writes a batch (Kafka's AppendOrigin): a coordinator's own writes
// (transactional offset commits in __consumer_offsets) carry the producer's
// id and epoch but no meaningful sequence, so they skip duplicate detection
// and sequence checks; epoch, transaction state and the guard still apply.
enum class AppendOrigin { kClient, kCoordinator };

struct AppendOptions {
  // KIP-890: the guard from begin_txn_verification(), needed by a
  // transactional batch that starts a transaction on this partition.
  uint64_t verification_guard = 0;
  AppendOrigin origin = AppendOrigin::kClient;
};

struct ReadResult {
  std::vector<ExternalChunk> chunks;
  size_t size_bytes = 0;
};

struct TimestampOffset {
  int64_t timestamp;
  int64_t offset;
};

// What open() found and did, for logs and tests.
struct RecoveryStats {
  int segments_loaded = 0;
  int segments_scanned = 0;  // validated batch by batch
  int64_t bytes_scanned = 0;
  int64_t bytes_truncated = 0;  // torn or corrupt data dropped
  int segments_deleted = 0;     // after a corrupt one
};

// --- Retention (partition_log_retention.cc) -------------------------------
// A topic's retention settings, as PartitionLog::apply_retention applies them.
struct RetentionPolicy {
  int64_t retention_ms = -1;             // retention.ms; negative: no time limit
  int64_t retention_bytes = -1;          // retention.bytes; negative: no size limit
  int64_t file_delete_delay_ms = 60000;  // file.delete.delay.ms
};
// --- end retention ----------------------------------------------------------

// Optional inputs from the log directory (log_directory.h).
struct OpenOptions {
  // Kafka's log-start-offset checkpoint for this partition.
  std::optional<int64_t> log_start_offset;
  // Kafka's recovery-point checkpoint: offsets below it were fdatasync'ed. If
  // recovery ends below it, durable data was lost and the log says so loudly.
  std::optional<int64_t> recovery_point;
};

class PartitionLog {
 public:
  // Opens (creating it if missing) the partition directory `dir`, which should
  // be `<log dir>/<topic>-<partition>`. Sealed segments are trusted; unsealed
  // ones (the active segment after a crash, a segment whose index files are
  // missing) are scanned, validated, truncated at the first bad batch and
  // their indexes rebuilt. After close() every segment is sealed, so a clean
  // restart reads no data.
  static Result<std::unique_ptr<PartitionLog>, StorageError> open(
      std::string dir, std::string topic, int32_t partition, LogConfig config, IoWorker& io,
      Poster post, const Clock& clock, const OpenOptions& options = {});
  ~PartitionLog();  // close()s if still open
  PartitionLog(const PartitionLog&) = delete;
  PartitionLog& operator=(const PartitionLog&) = delete;

  // Appends one v2 batch; the bytes are copied. append() assigns the offsets:
  // the stored copy's baseOffset is set to log_end_offset() (outside the CRC,
  // so the CRC stays valid); the caller may have stamped it already. The
  // partition leader epoch is stored as given. The CRC is not checked here:
  // the produce path validated it. kCorrupt if the bytes are not one whole v2
  // batch; kTooLarge if it cannot fit a segment; the log's failure or kClosed.
  //
  // A batch with a producer id (>= 0) is first checked against the producer
  // state (producer_state.h; Kafka's ProducerAppendInfo rules): a duplicate
  // of one of the producer's last 5 batches appends nothing and returns the
  // original offsets (`duplicate`); kInvalidProducerEpoch, kOutOfOrderSequence,
  // kInvalidTxnState, kTxnVerificationNeeded. A control batch is taken as a
  // transaction marker (as append_marker, without building it). Batches
  // without a producer id skip all of it.
  Result<AppendResult, StorageError> append(std::span<const uint8_t> batch,
                                            const AppendOptions& options = {});

  // fn runs on the owner shard once every offset < end_offset is written to
  // its file (survives a process crash) / fdatasync'ed (survives power loss),
  // or with the error that prevents it. Always asynchronous, never inline.
  void when_written(int64_t end_offset, DoneCallback fn);
  void when_durable(int64_t end_offset, DoneCallback fn);

  int64_t log_start_offset() const { return log_start_offset_; }
  int64_t log_end_offset() const { return active().next_offset(); }
  // Offsets below it are written and visible to consumers (== written end).
  int64_t high_watermark() const { return written_end_; }
  int64_t durable_end_offset() const { return durable_end_; }

  // Whole batches from the one containing `offset`: total <= max_bytes (or the
  // first batch alone if min_one_batch), none starting at or beyond
  // max_offset. offset < log start or > log end: kOffsetOutOfRange.
  Result<ReadResult, StorageError> read(int64_t offset, int64_t max_offset, size_t max_bytes,
                                        bool min_one_batch);
  // ListOffsets by time: the first record (in offset order) whose timestamp
  // is >= ts, or nullopt.
  std::optional<TimestampOffset> offset_for_timestamp(int64_t ts);
  // ListOffsets MAX_TIMESTAMP (-3): the first record with the largest timestamp.
  std::optional<TimestampOffset> max_timestamp();

  // Long polling: fn runs once, on the owner shard, the next time the high
  // watermark advances, the log stops, or it closes (a listener added to a
  // stopped log waits for the close). Ids are never 0 and are
  // unique across all logs of the process.
  uint64_t add_hw_listener(std::function<void()> fn);
  void remove_hw_listener(uint64_t id);
  // Runs (and removes) every listener now, as if the high watermark had
  // advanced: the broker's shutdown answers long polls at once.
  void wake_hw_listeners() { fire_hw_listeners(); }

  // Writes and syncs everything, seals the active segment (the clean-shutdown
  // record: the next open reads no data). Blocks on the disk. Pending
  // callbacks complete; later calls get kClosed.
  void close();
  bool closed() const { return closed_; }
  // The error that stopped the log, if any.
  std::optional<StorageError> failure() const { return failure_; }

  const std::string& dir() const { return dir_; }
  const std::string& topic() const { return topic_; }
  int32_t partition() const { return partition_; }
  const RecoveryStats& recovery_stats() const { return stats_; }
  size_t segment_count() const { return segments_.size(); }
  std::vector<int64_t> segment_base_offsets() const;
  size_t tail_cache_bytes() const { return tail_.memory_bytes(); }
  // Bytes of batch data in all segments (Kafka's Log.size, DescribeLogDirs):
  // the logical sizes, so preallocated space past the data is not counted.
  int64_t size_bytes() const;

  // Changes the topic-level settings at run time (AlterConfigs): segment.bytes,
  // segment.ms and index.interval.bytes apply from the next append on,
  // segment.index.bytes to segments created afterwards. The engine's own
  // settings (preallocation, direct I/O, tail cache, chunk sizes) are kept.
  void update_config(const LogConfig& config);
  const LogConfig& config() const { return config_; }

  // Deletes a closed partition's directory (DeleteTopics): renamed to
  // `<dir>.<random>-delete` first, which list_partition_dirs() skips, so a
  // crash midway never resurrects half a partition.
  static Result<Ok, StorageError> remove_dir(const std::string& dir);

  // --- Producers and transactions (partition_log_producers.cc) -------------
  // Writes a COMMIT/ABORT marker (record::build_txn_marker) and ends the
  // producer's transaction on this partition: an abort joins the aborted
  // list. The producer's verification guard is cleared. Written even when the
  // producer has no transaction here (as Kafka does). kInvalidProducerEpoch
  // for an older producer epoch, kCoordinatorFenced for an older coordinator
  // epoch; otherwise as append().
  Result<AppendResult, StorageError> append_marker(int64_t producer_id, int16_t producer_epoch,
                                                   bool commit, int32_t coordinator_epoch,
                                                   int64_t timestamp_ms);
  // KIP-890 part 1: a fresh non-zero guard, stored for the producer, that a
  // transactional batch starting a transaction here must carry
  // (AppendOptions). Spent by the producer's next transactional append or marker.
  uint64_t begin_txn_verification(int64_t producer_id);
  bool in_transaction(int64_t producer_id) const;
  // min(high watermark, first offset of the earliest transaction not yet
  // decided, or decided by a marker still at or above the high watermark).
  int64_t last_stable_offset() const;
  // Every aborted transaction with last_offset >= start_offset and
  // first_offset < upper_bound: what a read_committed Fetch from start_offset
  // returning data below upper_bound must list. Ordered by last offset.
  std::vector<AbortedTxn> aborted_transactions(int64_t start_offset, int64_t upper_bound) const;
  // DescribeProducers, ordered by producer id.
  std::vector<ProducerInfo> active_producers() const;
  // producer.id.expiration.ms: forgets producers without an open transaction
  // whose last timestamp is at least expiration_ms before now_ms.
  void expire_producers(int64_t now_ms, int64_t expiration_ms);
  // --- end producers --------------------------------------------------------

  // --- Retention and the log start offset (partition_log_retention.cc) ------
  // Whole segments only, oldest first, and only segments entirely below the
  // high watermark. A deleted segment leaves the log at once (reads no longer
  // see it; chunks already handed out keep its descriptor); its files are
  // renamed to `*.deleted` on the I/O thread and unlinked there once
  // file_delete_delay_ms has passed (purge_deleted_segments). A log always
  // keeps one segment: when every segment is due, a new empty one is rolled
  // first (its file created before the old ones are renamed).
  //
  // Kafka's deleteOldSegments: drops the segments wholly below the log start
  // offset, then (as the policy allows) by retention.bytes (oldest segments
  // while the log stays >= retention.bytes without them) and by retention.ms
  // (segments whose largest timestamp is older than now - retention.ms; the
  // file's mtime when no record has a timestamp). The log start offset moves
  // to the first remaining segment. Returns the number of segments deleted.
  int apply_retention(const RetentionPolicy& policy);
  // DeleteRecords (Kafka's maybeIncrementLogStartOffset): the log start offset
  // becomes max(log_start_offset(), offset) and the segments wholly below it
  // are deleted. Returns the new log start offset; kOffsetOutOfRange if offset
  // is negative or beyond the high watermark. The caller makes the new start
  // durable (log-start-offset-checkpoint): a reopen starts at the first
  // segment's base unless OpenOptions says otherwise.
  Result<int64_t, StorageError> delete_records(int64_t offset, int64_t file_delete_delay_ms);
  // Hands the `*.deleted` files whose delay has passed to the I/O thread for
  // unlinking. Cheap when nothing is pending.
  void purge_deleted_segments();
  // Monotonic time (Clock::monotonic_ms) at which the next deleted segment's
  // files are due for unlinking, if any are pending.
  std::optional<int64_t> next_purge_ms() const;
  // --- end retention --------------------------------------------------------

  // --- Compaction (partition_log_clean.cc, log_cleaner.h) -------------------
  // The log cleaner reads a snapshot of sealed segments on its own thread;
  // only these steps run on the owner shard.
  //
  // Where the log stands: first dirty offset (the cleaner checkpoint, read
  // from disk on first use), first uncleanable offset (the active segment, an
  // unsealed segment, or the first segment inside min.compaction.lag.ms),
  // clean and dirty bytes, and how overdue max.compaction.lag.ms is (reads the
  // first batch header of each dirty segment when that setting is finite).
  CleanableState cleanable_state(const CompactionConfig& config);
  // The segments a pass works on (from the first segment up to the first
  // uncleanable offset), or nullopt when nothing is dirty or the log is closed.
  std::optional<CleanTask> clean_task(const CompactionConfig& config);
  // Swaps the pass's cleaned segments in (clean_swap.h) if the segments it
  // read are still the log's; false (and the cleaned files removed) when
  // they changed meanwhile, e.g. retention deleted one. Readers holding chunks
  // of the old segments keep their descriptors. A failure while finishing a
  // committed swap stops the log (the next open completes the swap).
  Result<bool, StorageError> apply_clean(const CleanTask& task, const CleanResult& result);
  // The first offset the cleaner has not compacted yet.
  int64_t first_dirty_offset();
  // --- end compaction -------------------------------------------------------

 private:
  friend class LogLoader;
  friend class BatchCursor;
  struct InFlight;

  PartitionLog(std::string dir, std::string topic, int32_t partition, LogConfig config,
               IoWorker& io, Poster post, const Clock& clock);

  // Header checks and the append itself, without producer state.
  Result<Ok, StorageError> check_batch(std::span<const uint8_t> batch) const;
  Result<AppendResult, StorageError> append_batch(std::span<const uint8_t> batch);

  Segment& active() { return *segments_.rbegin()->second; }
  const Segment& active() const { return *segments_.rbegin()->second; }
  Segment& roll(int64_t base_offset);
  // Write pipeline (partition_log_flush.cc).
  void schedule_flush();
  void maybe_flush();
  bool needs_flush() const;
  std::shared_ptr<FlushJob> build_job(bool seal_active);
  void add_segment_writes(const Segment& segment, SegmentFlush& out) const;
  void complete_in_flight(const std::shared_ptr<InFlight>& in_flight);
  void on_written(const FlushJob& job);
  void on_job_done(const FlushJob& job, const FlushResult& result);
  void fail(StorageError error);
  static void fire_waiters(std::multimap<int64_t, DoneCallback>& waiters, int64_t end,
                           std::optional<StorageError> error);
  void fire_hw_listeners();
  void post_done(DoneCallback fn, std::optional<StorageError> error);
  Segment* segment_for(int64_t offset);
  Segment* segment_at_base(int64_t base_offset);

  const std::string dir_;
  const std::string topic_;
  const int32_t partition_;
  LogConfig config_;  // segments hold a reference: a change reaches them too
  IoWorker& io_;
  const Poster post_;
  const Clock& clock_;

  std::map<int64_t, std::unique_ptr<Segment>> segments_;  // by base offset; never empty
  TailCache tail_;
  int64_t log_start_offset_ = 0;
  int64_t written_end_ = 0;
  int64_t durable_end_ = 0;
  int64_t durable_target_ = 0;  // largest end offset someone waits to be durable
  std::multimap<int64_t, DoneCallback> written_waiters_;
  std::multimap<int64_t, DoneCallback> durable_waiters_;
  std::map<uint64_t, std::function<void()>> hw_listeners_;
  std::shared_ptr<InFlight> in_flight_;  // the job on the I/O thread, if any
  bool flush_posted_ = false;
  bool closing_ = false;
  bool closed_ = false;
  std::optional<StorageError> failure_;
  RecoveryStats stats_;
  // Posted tasks hold a weak_ptr to this token, so none runs after destruction.
  std::shared_ptr<PartitionLog*> self_;

  // --- Producers (partition_log_producers.cc) --------------------------------
  Result<AppendResult, StorageError> append_with_producer(std::span<const uint8_t> batch,
                                                          const AppendOptions& options);
  Result<AppendResult, StorageError> append_txn_marker(std::span<const uint8_t> batch,
                                                       const TxnMarker& marker);
  // Writes a snapshot of the producer state as of `offset` (the log end):
  // through the I/O worker, or on this thread when `now` (close()).
  void snapshot_producers(int64_t offset, bool now);
  // After the log start moved or segments were deleted.
  void trim_producers();
  // The aborted transactions whose marker lies in the segment at `base`
  // (its .txnindex), empty if none.
  std::vector<uint8_t> txn_index_bytes(const Segment& segment) const;
  ProducerStateManager producers_;
  std::vector<int64_t> snapshots_;  // offsets of the snapshot files, ascending
  // --- end producers --------------------------------------------------------

  // --- Retention (partition_log_retention.cc) -------------------------------
  struct DeletedSegment {
    std::shared_ptr<SegmentFile> file;  // renamed to *.deleted, unlinked at due_ms
    int64_t due_ms;                     // monotonic
  };
  using SegmentPredicate = std::function<bool(const Segment& segment, bool is_active)>;
  // The length of the longest prefix of segments that may go: each accepted
  // by `pred` (called in order, stopping at the first refusal), entirely below
  // the high watermark and fully written; the active segment only if not empty.
  size_t count_deletable(const SegmentPredicate& pred) const;
  // Removes the first `count` segments (rolling first if that is all of them).
  void delete_first_segments(size_t count, int64_t delay_ms, const char* reason);
  int delete_below_log_start(int64_t delay_ms);
  int64_t largest_timestamp(const Segment& segment) const;
  std::vector<DeletedSegment> deleted_segments_;
  // --- end retention --------------------------------------------------------

  // --- Compaction (partition_log_clean.cc) ----------------------------------
  bool clean_segments_match(const CleanTask& task, const CleanResult& result) const;
  void install_cleaned(const CleanResult& result);
  int64_t first_uncleanable(const CompactionConfig& config, int64_t first_dirty,
                            int64_t now_ms) const;
  int64_t max_compaction_delay(const CompactionConfig& config, int64_t first_dirty,
                               int64_t first_uncleanable, int64_t now_ms);
  std::optional<int64_t> cleaner_checkpoint_;  // first dirty offset; loaded on first use
  bool cleaner_checkpoint_loaded_ = false;
  // --- end compaction -------------------------------------------------------
};

// Enumerates the `<topic>-<partition>` directories of a log dir, skipping
// directories being deleted (`-delete`), Kafka's `-future` and `-stray`
// directories and hidden ones. Sorted by topic, then partition.
std::vector<std::pair<std::string, int32_t>> list_partition_dirs(const std::string& log_dir);

}  // namespace gregor::storage
