// Produce-path validation of a partition's `records` field, in the spirit of
// Kafka's LogValidator and UnifiedLog.analyzeAndValidateRecords, returning the
// error codes Kafka returns. The broker runs this on every produced batch, so
// the uncompressed path walks the records in place without allocating.
//
// Rules, in the order they are checked:
//  1. The field holds exactly one whole batch. Fewer than 12 bytes, or a batch
//     whose bytes are not all present: kInvalidRecord (Kafka finds "no batch").
//     batchLength < 14 or a magic outside 0..2: kCorruptMessage. Magic 0/1:
//     kUnsupportedForMessageFormat (refused, as Kafka 4 does). Bytes after the
//     batch: kInvalidRecord if they hold another whole batch ("exactly one
//     batch per partition"), else kCorruptMessage. zstd when !zstd_allowed
//     (Produce v3-v6): kUnsupportedCompressionType.
//  2. baseOffset must be 0 (kInvalidRecord).
//  3. Batch size (batchLength + 12) > max_batch_bytes: kMessageTooLarge.
//  4. Shorter than the 61-byte v2 header, or CRC-32C mismatch: kCorruptMessage.
//  5. Codec id 5-7: kUnsupportedCompressionType.
//  6. recordsCount <= 0, lastOffsetDelta != recordsCount - 1, control batch,
//     producerId >= 0 with baseSequence < 0: kInvalidRecord.
//  7. Records (decompressed first if compressed and deep_validate_compressed):
//     varints well formed, every length inside its record, record lengths fill
//     the batch exactly, recordsCount records, offset deltas 0..n-1 in order,
//     header keys non-null, keys present if require_keys: else kInvalidRecord.
//     Decompressed size over max_decompressed_bytes: kMessageTooLarge;
//     undecodable compressed data: kCorruptMessage.
//  8. The timestamp-type bit set by the client, or (CreateTime topics) a record
//     timestamp other than -1 more than the before bound in the past or the
//     after bound in the future (both capped by max_timestamp_diff_ms):
//     kInvalidTimestamp.
// On success the batch is rewritten in place where Kafka rewrites it: for
// LogAppendTime topics the timestamp-type bit is set and maxTimestamp = now_ms;
// for CreateTime topics a maxTimestamp that disagrees with the records is
// corrected. Either rewrite re-signs the CRC. Offsets are assigned later with
// set_offsets().
//
// Thread-safety: reentrant; compressed batches are decompressed into a
// per-thread scratch buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>

#include "base/error_code.h"
#include "base/result.h"
#include "protocol/record/record.h"

namespace gregor::record {

struct ValidationOptions {
  int32_t max_batch_bytes = 1048588;  // max.message.bytes (Kafka's default)
  bool log_append_time = false;       // message.timestamp.type=LogAppendTime
  int64_t now_ms = 0;
  // message.timestamp.difference.max.ms
  int64_t max_timestamp_diff_ms = std::numeric_limits<int64_t>::max();
  // message.timestamp.before.max.ms / after.max.ms (Kafka 3.6+): how far a
  // CreateTime timestamp may lie in the past / future; each bound is the
  // smaller of it and max_timestamp_diff_ms.
  int64_t max_timestamp_before_ms = std::numeric_limits<int64_t>::max();
  int64_t max_timestamp_after_ms = std::numeric_limits<int64_t>::max();
  bool deep_validate_compressed = true;
  // Produce v3-v6 may not carry zstd (Kafka answers UNSUPPORTED_COMPRESSION_TYPE).
  bool zstd_allowed = true;
  // cleanup.policy=compact: every record needs a key.
  bool require_keys = false;
  size_t max_decompressed_bytes = kDefaultMaxDecompressedBytes;
};

struct BatchInfo {
  int32_t records_count = 0;
  int32_t last_offset_delta = 0;
  int64_t max_timestamp = 0;  // after any rewrite
  int64_t base_timestamp = 0;
  int16_t attributes = 0;  // after any rewrite
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  int32_t base_sequence = -1;
  size_t size_bytes = 0;
};

Result<BatchInfo, ErrorCode> validate_produce_batch(std::span<uint8_t> records_field,
                                                    const ValidationOptions& options);

// Stamps the offsets the log assigned: baseOffset and partitionLeaderEpoch,
// both outside the CRC, so the CRC stays valid.
void set_offsets(std::span<uint8_t> batch, int64_t base_offset, int32_t leader_epoch);

}  // namespace gregor::record
