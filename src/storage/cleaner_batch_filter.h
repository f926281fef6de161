// What the log cleaner keeps of one stored batch: Kafka's MemoryRecords.filterTo
// driven by the cleaner's record filter (Cleaner.cleanInto), for v2 batches.
//
// Records: a record at an offset past the key map's latest offset is kept
// (it was not part of the deduplicated range); a record without a key is
// dropped (Kafka counts it as invalid); otherwise the record is kept only if
// it is the newest for its key, and a tombstone (null value) only until the
// batch's delete horizon has passed.
//
// Delete horizon (KIP-534): the first cleaning that keeps a tombstone, or
// meets a transaction marker whose transaction has no data left, rewrites the
// batch with attribute bit 6 set and baseTimestamp = now + delete.retention.ms;
// a later cleaning after that time drops the tombstones (and such markers).
//
// A batch that loses records is rebuilt like Kafka's buildRetainedRecordsInto:
// same base offset and last offset delta (so the producer's last sequence
// survives), same codec, timestamp type, producer id/epoch, base sequence,
// transactional/control flags and leader epoch; the kept records keep their
// offsets and timestamps. A batch left without records is dropped, unless it
// is the last batch of its producer id in the scanned range: then its header
// alone is kept (Kafka's RETAIN_EMPTY), as the producer's sequence state.
//
// Pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "base/result.h"
#include "protocol/record/batch_header.h"
#include "storage/cleaner_offset_map.h"
#include "storage/storage_error.h"

namespace gregor::storage {

// Attribute bit 6: baseTimestamp holds the delete horizon (KIP-534).
inline constexpr int16_t kDeleteHorizonBit = 0x40;

// The batch's delete horizon, if it has one.
std::optional<int64_t> delete_horizon_ms(const record::BatchHeaderView& h);

struct BatchFilterInput {
  const CleanerOffsetMap* map = nullptr;
  int64_t now_ms = 0;
  int64_t delete_retention_ms = 0;
  // The batch holds the last offset its producer wrote in the scanned range.
  bool last_of_producer = false;
  // For a control batch (transaction marker): no batch of its transaction was
  // met in this cleaning, so the marker may go once its delete horizon passed.
  bool control_discardable = false;
  // A data batch of an aborted transaction: its records go (the header stays
  // if it is the last of its producer).
  bool aborted = false;
};

enum class BatchFate {
  kKept,         // written unchanged
  kRebuilt,      // some records dropped, or a delete horizon added
  kEmptyHeader,  // no record left, header kept for the producer state
  kDropped,
};

struct FilteredBatch {
  BatchFate fate = BatchFate::kDropped;
  std::vector<uint8_t> rebuilt;  // kRebuilt, kEmptyHeader
  int32_t records_kept = 0;
  int32_t records_dropped = 0;
};

// kCorrupt if the batch cannot be decoded.
Result<FilteredBatch, StorageError> filter_batch(std::span<const uint8_t> batch,
                                                 const BatchFilterInput& in);

}  // namespace gregor::storage
