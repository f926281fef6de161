// The transaction coordinator of one shard: the transactional ids of the
// __transaction_state partitions that shard owns, driven through Kafka's
// InitProducerId / AddPartitionsToTxn / EndTxn state machine (Kafka's
// TransactionCoordinator and TransactionStateManager), persisted as records
// of those partitions, with the COMMIT/ABORT markers written through the
// server.
//
// Threads: not thread-safe; every call, every callback it makes and every
// completion of its writers and of the producer id source happens on the
// owning shard's thread. Callbacks may run before the call that takes them
// returns. The owner keeps the coordinator alive until its writers and the
// producer id source have run or dropped their completions.
//
// Time: transaction timeouts and id expiry compare the clock's wall time with
// the timestamps in the records (as Kafka does); wake-ups use its monotonic
// time. The coordinator asks to be woken through `Schedule`; the owner then
// calls tick(). Tests drive it with a ManualClock and call tick() themselves.
//
// Persistence: every state change is written to __transaction_state and takes
// effect (and is answered) only once durable; meanwhile the id has a pending
// transition and other requests for it get CONCURRENT_TRANSACTIONS. At
// start-up each partition is replayed (begin_loading / replay /
// finish_loading); until then its ids answer COORDINATOR_LOAD_IN_PROGRESS,
// and ids of partitions this shard does not own NOT_COORDINATOR. A
// transaction replayed in PrepareCommit/PrepareAbort has its markers written
// again and is then completed.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/error_code.h"
#include "base/result.h"
#include "coordinator/txn/txn_config.h"
#include "coordinator/txn/txn_metadata.h"
#include "coordinator/txn/txn_records.h"

namespace gregor::coordinator::txn {

// Appends records to a partition of __transaction_state. `done` runs later on
// the coordinator's thread: NONE once the records are durable, else the error
// (NOT_LEADER_OR_FOLLOWER when the partition moved).
class TxnLogWriter {
 public:
  virtual ~TxnLogWriter() = default;
  virtual void write(int32_t partition, std::vector<TxnLogRecord> records,
                     std::function<void(ErrorCode)> done) = 0;
};

// The COMMIT or ABORT markers of one transaction, one per partition.
struct TxnMarkerRequest {
  std::string transactional_id;
  int64_t producer_id = kNoProducerId;
  int16_t producer_epoch = kNoProducerEpoch;
  bool commit = false;
  int32_t coordinator_epoch = 0;
  std::vector<TopicPartition> partitions;
};

// Appends the markers of a transaction to every partition in it (including
// __consumer_offsets partitions); `done` runs on the coordinator's thread once
// all are durable (a partition that no longer exists counts as done), else
// with an error: the coordinator then retries the whole request after
// TxnConfig::marker_retry_backoff_ms (markers are idempotent for the log).
// TRANSACTION_COORDINATOR_FENCED stops the retries: a newer coordinator owns
// the transaction.
class MarkerWriter {
 public:
  virtual ~MarkerWriter() = default;
  virtual void write_markers(const TxnMarkerRequest& request,
                             std::function<void(ErrorCode)> done) = 0;
};

// Hands out fresh producer ids (from durable blocks); `done` runs on the
// coordinator's thread, with an error (e.g. COORDINATOR_NOT_AVAILABLE) that is
// passed on to the client when no id can be had.
class ProducerIdSource {
 public:
  virtual ~ProducerIdSource() = default;
  virtual void next(std::function<void(Result<int64_t, ErrorCode>)> done) = 0;
};

struct ProducerIdAndEpoch {
  int64_t producer_id = kNoProducerId;
  int16_t epoch = kNoProducerEpoch;
};

struct InitPidResult {
  ErrorCode error = ErrorCode::kNone;
  int64_t producer_id = kNoProducerId;
  int16_t producer_epoch = kNoProducerEpoch;
};
using InitPidCallback = std::function<void(InitPidResult)>;
// One error per requested partition, in order.
using AddPartitionsCallback = std::function<void(std::vector<ErrorCode>)>;
using EndTxnCallback = std::function<void(ErrorCode)>;

// DescribeTransactions v0, one transactional id.
struct TxnDescription {
  ErrorCode error = ErrorCode::kNone;
  std::string state;  // Kafka's state name ("Ongoing", ...)
  int32_t timeout_ms = 0;
  int64_t start_time_ms = -1;
  int64_t producer_id = kNoProducerId;
  int16_t producer_epoch = kNoProducerEpoch;
  std::vector<std::pair<std::string, std::vector<int32_t>>> topics;  // sorted
};

// ListTransactions v0-1 filters; empty = no filter on that field.
struct TxnListFilter {
  std::vector<std::string> states;
  std::vector<int64_t> producer_ids;
  int64_t duration_ms = -1;  // v1: only transactions running longer than this
};

struct ListedTxn {
  std::string transactional_id;
  int64_t producer_id = kNoProducerId;
  std::string state;
};

struct TxnListing {
  // COORDINATOR_LOAD_IN_PROGRESS while a partition of this coordinator loads.
  ErrorCode error = ErrorCode::kNone;
  std::vector<std::string> unknown_state_filters;
  std::vector<ListedTxn> transactions;
};

class TxnCoordinator {
 public:
  using Schedule = std::function<void(int64_t monotonic_ms)>;

  TxnCoordinator(TxnConfig config, const Clock& clock, TxnLogWriter& log, MarkerWriter& markers,
                 ProducerIdSource& producer_ids, Schedule schedule);
  ~TxnCoordinator();
  TxnCoordinator(const TxnCoordinator&) = delete;
  TxnCoordinator& operator=(const TxnCoordinator&) = delete;

  const TxnConfig& config() const { return config_; }
  // The __transaction_state partition of a transactional id (Kafka's hash).
  int32_t partition_for(const std::string& transactional_id) const;

  // Partition lifecycle. `coordinator_epoch` (the partition's leader epoch)
  // goes into the markers this coordinator writes. replay() takes the
  // partition's records in offset order; a record it cannot decode is an
  // error (the caller logs it and goes on, as Kafka does).
  void begin_loading(int32_t partition, int32_t coordinator_epoch = 0);
  Result<Ok, std::string> replay(int32_t partition, std::span<const uint8_t> key,
                                 std::optional<std::span<const uint8_t>> value);
  void finish_loading(int32_t partition);
  // Drops the partition's ids; writes in flight for them then answer
  // NOT_COORDINATOR, marker retries stop.
  void unload(int32_t partition);
  // NONE if this coordinator serves the partition, COORDINATOR_LOAD_IN_PROGRESS
  // while it replays it, NOT_COORDINATOR otherwise.
  ErrorCode partition_error(int32_t partition) const;
  ErrorCode txn_error(const std::string& transactional_id) const;
  bool any_loading() const { return !loading_.empty(); }

  // InitProducerId with a transactional id (ids without one are handed out
  // by the server directly). `expected` is the v3+ producer id and epoch
  // (KIP-360), nullopt when the request has -1/-1. A mismatch answers
  // PRODUCER_FENCED; the caller maps it to INVALID_PRODUCER_EPOCH for
  // versions that do not know PRODUCER_FENCED (< 4), as for every answer of
  // this class. An empty id is INVALID_REQUEST; a timeout outside
  // 1..max_timeout_ms INVALID_TRANSACTION_TIMEOUT. An open transaction is
  // aborted with a bumped epoch first and the client gets
  // CONCURRENT_TRANSACTIONS until that is done.
  void init_producer_id(const std::string& transactional_id, int32_t timeout_ms,
                        std::optional<ProducerIdAndEpoch> expected, InitPidCallback done);
  // AddPartitionsToTxn (and AddOffsetsToTxn, with the group's
  // __consumer_offsets partition). Answered once the new partition set is
  // durable; immediately when all partitions are already in the transaction.
  void add_partitions(const std::string& transactional_id, int64_t producer_id, int16_t epoch,
                      const std::vector<TopicPartition>& partitions, AddPartitionsCallback done);
  // AddPartitionsToTxn v4+ verifyOnly (KIP-890): NONE when the partition is in
  // the producer's open transaction, INVALID_TXN_STATE when it is not, or
  // INVALID_PRODUCER_ID_MAPPING / PRODUCER_FENCED / CONCURRENT_TRANSACTIONS /
  // the partition errors.
  ErrorCode verify_partition(const std::string& transactional_id, int64_t producer_id,
                             int16_t epoch, const TopicPartition& tp) const;
  // EndTxn: answered NONE once PrepareCommit/PrepareAbort is durable; the
  // markers and the Complete* record follow. A retry of a completed end with
  // the same outcome answers NONE, the other outcome INVALID_TXN_STATE.
  void end_txn(const std::string& transactional_id, int64_t producer_id, int16_t epoch, bool commit,
               EndTxnCallback done);

  // DescribeTransactions (TRANSACTIONAL_ID_NOT_FOUND for an unknown id) and
  // ListTransactions over the loaded partitions.
  TxnDescription describe(const std::string& transactional_id) const;
  TxnListing list(const TxnListFilter& filter) const;

  // Runs what is due: aborting timed-out transactions (every
  // abort_check_interval_ms), expiring idle ids (every id_removal_interval_ms)
  // and retrying markers. Call when the Schedule hook's time comes.
  void tick();

  // For tests and introspection.
  const TxnMetadata* find(const std::string& transactional_id) const;
  size_t txn_count() const { return txns_.size(); }

 private:
  struct PartitionInfo {
    bool loaded = false;
    int32_t coordinator_epoch = 0;
    uint64_t generation = 0;  // changes at each load: stale completions are ignored
  };
  // A marker write or Complete* write to try again.
  struct Retry {
    std::string transactional_id;
    uint64_t generation = 0;
  };
  // A transaction whose markers are being written (its pending state is
  // Complete*): the Complete* target and whether the markers are durable.
  struct Completion {
    TxnTransit target;
    bool commit = false;
    bool markers_done = false;
  };
  using TxnMap = std::map<std::string, TxnMetadata>;

  // The metadata of an id whose partition is loaded, or the partition error;
  // nullptr with NONE when the id is unknown.
  TxnMetadata* lookup(const std::string& transactional_id, ErrorCode& error);
  TxnMetadata* find_mut(const std::string& transactional_id);
  bool still_owned(const std::string& transactional_id, uint64_t generation) const;
  uint64_t generation_of(int32_t partition) const;
  void drop_partition(int32_t partition);

  // Writes the record of `t` and completes (or aborts) the transition once
  // the write is done; `done` gets the client's error.
  void write_transit(TxnMetadata& meta, TxnTransit t, std::function<void(ErrorCode)> done);

  // InitProducerId (txn_init.cc). `fresh_pid` is an id fetched for this call
  // (kNoProducerId if none).
  void init_with(const std::string& transactional_id, int32_t timeout_ms,
                 std::optional<ProducerIdAndEpoch> expected, int64_t fresh_pid,
                 InitPidCallback done);
  void fetch_pid_and_retry(const std::string& transactional_id, int32_t timeout_ms,
                           std::optional<ProducerIdAndEpoch> expected, InitPidCallback done);

  // EndTxn and the markers (txn_end.cc).
  // Aborts the open transaction of `meta` with a bumped epoch (Kafka's
  // prepareFenceProducerEpoch + endTransaction(ABORT)).
  void fence_and_abort(TxnMetadata& meta, EndTxnCallback done);
  // Writes PrepareCommit/PrepareAbort; once durable answers NONE and starts
  // the markers.
  void write_prepare(TxnMetadata& meta, TxnTransit t, bool fence, EndTxnCallback done);
  void begin_completion(TxnMetadata& meta);
  void send_markers(const std::string& transactional_id);
  void on_markers_done(const std::string& transactional_id, uint64_t generation, ErrorCode e);
  void write_complete(const std::string& transactional_id);
  void on_complete_written(const std::string& transactional_id, uint64_t generation, ErrorCode e);
  void retry_later(const std::string& transactional_id, uint64_t generation);

  // Timers (txn_timers.cc).
  void abort_timed_out();
  void expire_ids();
  void on_tombstones_written(const std::vector<std::string>& ids, uint64_t generation, ErrorCode e);
  void run_retries(int64_t now);
  void reschedule();

  int64_t now_ms() const { return clock_.now_ms(); }
  int64_t mono_ms() const { return clock_.monotonic_ms(); }

  TxnConfig config_;
  const Clock& clock_;
  TxnLogWriter& log_;
  MarkerWriter& markers_;
  ProducerIdSource& producer_ids_;
  Schedule schedule_;
  std::map<int32_t, PartitionInfo> partitions_;
  std::map<int32_t, TxnMap> loading_;  // ids being replayed, by partition
  TxnMap txns_;
  std::map<std::string, Completion> completing_;
  std::multimap<int64_t, Retry> retries_;  // monotonic deadline -> retry
  uint64_t next_generation_ = 1;
  int64_t next_abort_check_ = 0;
  int64_t next_expiry_check_ = 0;
};

}  // namespace gregor::coordinator::txn
