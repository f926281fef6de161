// Per-partition producer state (Kafka's ProducerStateManager, ProducerAppendInfo
// and ProducerStateEntry): for every producer id that wrote to the partition,
// its epoch, its last five batches (for duplicate detection and sequence
// checks), its coordinator epoch and its open transaction; the partition's
// ongoing transactions, the list of aborted transactions (what Fetch in
// read_committed mode reports) and the transaction-verification guards of
// KIP-890.
//
// Pure logic, no I/O: PartitionLog validates a batch here before assigning
// offsets and records it after the append; LogLoader rebuilds the state from
// a snapshot (encode_snapshot/decode_snapshot) and the batch headers after it.
//
// Invariants: a producer has at most one open transaction on the partition,
// `ongoing_` holds exactly the producers whose current_txn_first_offset is
// set, keyed by that offset; `aborted_` is ordered by last offset (the marker
// offset), which is append order.
//
// Thread contract: owned by one PartitionLog, used on its shard only.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "storage/storage_error.h"

namespace gregor::storage {

// An aborted transaction: what the .txnindex stores and Fetch returns.
struct AbortedTxn {
  int64_t producer_id;
  int64_t first_offset;
  int64_t last_offset;         // the ABORT marker's offset
  int64_t last_stable_offset;  // the LSO once the marker was appended
  bool operator==(const AbortedTxn&) const = default;
};

// One producer, as DescribeProducers reports it.
struct ProducerInfo {
  int64_t producer_id;
  int16_t epoch;
  int32_t last_sequence;
  int64_t last_timestamp;
  int32_t coordinator_epoch;
  int64_t current_txn_start_offset;  // -1 without an open transaction
};

// What validation needs of a v2 batch header.
struct ProducerBatch {
  int64_t producer_id = -1;
  int16_t epoch = -1;
  int32_t base_sequence = -1;
  int32_t last_offset_delta = 0;
  int64_t max_timestamp = -1;
  bool transactional = false;
  bool control = false;

  // `header` holds at least record::kHeaderSize bytes.
  static ProducerBatch from_header(const uint8_t* header);
  // base_sequence + last_offset_delta, wrapping past INT32_MAX to 0.
  int32_t last_sequence() const;
};

// A COMMIT/ABORT control record: type from its key (version, type), the
// coordinator epoch from its value (version, epoch).
struct TxnMarker {
  bool commit;
  int32_t coordinator_epoch;
};
// The marker of a control batch (its first record), or nullopt if the batch
// is not an uncompressed COMMIT/ABORT marker. `bytes` starts at the batch
// header; kMarkerPrefixBytes of it are always enough.
inline constexpr size_t kMarkerPrefixBytes = 128;
std::optional<TxnMarker> parse_txn_marker(std::span<const uint8_t> bytes);

// One of the last batches of a producer (Kafka's BatchMetadata).
struct ProducerBatchMeta {
  int32_t first_seq;
  int32_t last_seq;
  int64_t last_offset;
  int32_t offset_delta;
  int64_t timestamp;
  int64_t first_offset() const { return last_offset - offset_delta; }
  bool operator==(const ProducerBatchMeta&) const = default;
};

struct ProducerStateEntry {
  static constexpr size_t kBatchesRetained = 5;

  int64_t producer_id = -1;
  int16_t epoch = -1;
  std::deque<ProducerBatchMeta> batches;  // oldest first
  int32_t coordinator_epoch = -1;
  int64_t last_timestamp = -1;
  int64_t current_txn_first_offset = -1;

  int32_t last_seq() const { return batches.empty() ? -1 : batches.back().last_seq; }
  int64_t last_data_offset() const { return batches.empty() ? -1 : batches.back().last_offset; }
  bool operator==(const ProducerStateEntry&) const = default;
};

class ProducerStateManager {
 public:
  // Checks a data batch (producer id >= 0, not control) before it is
  // appended. A retry of one of the producer's retained batches returns that
  // batch (nothing is to be appended); nullopt means append it. Without
  // `from_client` (a coordinator's write) duplicates and sequences are not
  // checked, as in Kafka.
  Result<std::optional<ProducerBatchMeta>, StorageError> check_data(const ProducerBatch& batch,
                                                                    uint64_t verification_guard,
                                                                    bool from_client = true) const;
  // Records an appended data batch at [first_offset, last_offset].
  void on_data(const ProducerBatch& batch, int64_t first_offset, int64_t last_offset);

  // Checks a COMMIT/ABORT marker before it is appended.
  Result<Ok, StorageError> check_marker(int64_t producer_id, int16_t epoch,
                                        int32_t coordinator_epoch) const;
  // Records a marker appended at `offset`: ends the producer's transaction
  // (an abort is added to the aborted list) and clears its guard. Returns the
  // aborted transaction added, if any. `high_watermark` drops completed
  // transactions that no longer hold the LSO back.
  std::optional<AbortedTxn> on_marker(int64_t producer_id, int16_t epoch, bool commit,
                                      int32_t coordinator_epoch, int64_t offset,
                                      int64_t timestamp_ms, int64_t high_watermark);

  // KIP-890 verification guards: a fresh non-zero value per call.
  uint64_t begin_verification(int64_t producer_id, int64_t now_ms);
  bool in_transaction(int64_t producer_id) const;

  // The first offset a read_committed consumer may not see yet: the earliest
  // ongoing transaction, or a completed one whose marker is not below the
  // high watermark; nullopt if none.
  std::optional<int64_t> first_unstable_offset(int64_t high_watermark) const;

  // Aborted transactions with last_offset >= start and first_offset < upper.
  std::vector<AbortedTxn> aborted_transactions(int64_t start_offset, int64_t upper_bound) const;
  // Those whose marker lies in [from, to) (a segment's .txnindex).
  std::vector<AbortedTxn> aborted_between(int64_t from, int64_t to) const;
  const std::vector<AbortedTxn>& aborted() const { return aborted_; }
  // Installs entries loaded from .txnindex files (any order; duplicates and
  // entries already present are dropped).
  void add_aborted(std::vector<AbortedTxn> entries);

  std::vector<ProducerInfo> active_producers() const;
  const ProducerStateEntry* entry(int64_t producer_id) const;
  size_t producer_count() const { return producers_.size(); }

  // producer.id.expiration.ms: drops producers without an open transaction
  // whose last timestamp is at least expiration_ms old, and stale guards.
  void expire(int64_t now_ms, int64_t expiration_ms);
  // The log start moved to `log_start` and the segments below `first_segment_base`
  // are gone: their aborted entries and the producers whose last data lies
  // below the log start (without an open transaction) are dropped.
  void on_log_start(int64_t log_start, int64_t first_segment_base);

  // The producers as a snapshot body (producer_snapshot.h adds the file header).
  std::vector<uint8_t> encode_snapshot() const;
  // Replaces the producers (and the ongoing transactions) by a decoded body;
  // false if it is malformed (the state is then left empty).
  bool decode_snapshot(std::span<const uint8_t> body);

 private:
  std::unordered_map<int64_t, ProducerStateEntry> producers_;
  std::map<int64_t, int64_t> ongoing_;       // first offset -> producer id
  std::map<int64_t, int64_t> unreplicated_;  // completed: first offset -> marker offset
  std::vector<AbortedTxn> aborted_;
  struct Guard {
    uint64_t value;
    int64_t created_ms;
  };
  std::unordered_map<int64_t, Guard> guards_;
};

}  // namespace gregor::storage
