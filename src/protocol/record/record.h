// Reading the records of one v2 batch: the consumer-side view used by the
// fetch path, coordinators replaying internal topics, tools and tests.
//
// BatchRecords checks the batch frame, decompresses the records if the batch
// is compressed (owning that buffer) and hands out records one at a time with
// absolute offsets and timestamps. Malformed data gives an error, never
// undefined behaviour. Unlike the produce validator it accepts what a log may
// legitimately hold: offset-delta gaps left by compaction, control batches,
// LogAppendTime batches (every record then carries the batch maxTimestamp).
//
// Ownership: the spans in a RecordView point into the caller's batch bytes or
// into the BatchRecords' decompressed buffer; they stay valid while both live
// (moving the BatchRecords keeps them valid). Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "base/error_code.h"
#include "base/result.h"
#include "protocol/record/batch_header.h"

namespace gregor::record {

struct Header {
  std::span<const uint8_t> key;
  std::optional<std::span<const uint8_t>> value;
};

struct RecordView {
  int64_t offset = 0;
  int64_t timestamp = 0;
  std::optional<std::span<const uint8_t>> key;
  std::optional<std::span<const uint8_t>> value;
  std::vector<Header> headers;
};

// Decompressed record data beyond this is refused (decompression-bomb guard).
inline constexpr size_t kDefaultMaxDecompressedBytes = size_t{64} << 20;

struct ReadOptions {
  size_t max_decompressed_bytes = kDefaultMaxDecompressedBytes;
  // Check the CRC before reading (consumers' check.crcs); the broker validated
  // it on produce already, so the default is off.
  bool verify_crc = false;
};

// The size in bytes of the batch that starts at `data` (batchLength + 12), or
// an error if fewer than 17 bytes are given (too short to read length and
// magic), the length is impossible or the magic is not 2. Does not require the
// whole batch to be present: callers use it to split a byte range into batches.
Result<size_t, ErrorCode> batch_size_at(std::span<const uint8_t> data);

class BatchRecords {
 public:
  // Opens the batch at the start of `batch`; bytes after it are ignored.
  // Errors: kCorruptMessage (frame too short, bad length, CRC mismatch when
  // verify_crc, undecodable compressed data), kUnsupportedForMessageFormat
  // (magic 0/1), kUnsupportedCompressionType (codec 5-7), kInvalidRecord
  // (negative record count), kMessageTooLarge (over max_decompressed_bytes).
  static Result<BatchRecords, ErrorCode> open(std::span<const uint8_t> batch,
                                              const ReadOptions& options = {});

  BatchHeaderView header() const { return BatchHeaderView(batch_.data()); }
  // The batch's own bytes (the first header().total_size() bytes given to open).
  std::span<const uint8_t> batch_bytes() const { return batch_; }
  int32_t records_count() const { return count_; }

  // Reads the next record into `out`, reusing its headers' capacity. Returns
  // false once records_count() records were read; kInvalidRecord if a record
  // is malformed or bytes remain after the last one.
  Result<bool, ErrorCode> next(RecordView& out);

  // Reads every remaining record.
  Result<std::vector<RecordView>, ErrorCode> read_all();

 private:
  BatchRecords() = default;

  std::span<const uint8_t> batch_;
  std::vector<uint8_t> decompressed_;  // empty for uncompressed batches
  const uint8_t* cursor_ = nullptr;    // next record
  const uint8_t* end_ = nullptr;       // end of the record data
  int32_t count_ = 0;
  int32_t read_ = 0;
};

}  // namespace gregor::record
