// Layout of a Kafka v2 record batch (magic 2), which is both the wire format and
// Gregor's on-disk format. Accessors read big-endian fields in place; the patch
// functions rewrite the fields that are outside the CRC (base offset, partition
// leader epoch) without touching anything else.
//
//   offset size field
//        0    8 baseOffset            (patched by the broker on append)
//        8    4 batchLength           (bytes after this field)
//       12    4 partitionLeaderEpoch  (patched by the broker)
//       16    1 magic (= 2)
//       17    4 crc (CRC-32C of bytes 21..end)
//       21    2 attributes
//       23    4 lastOffsetDelta
//       27    8 baseTimestamp
//       35    8 maxTimestamp
//       43    8 producerId
//       51    2 producerEpoch
//       53    4 baseSequence
//       57    4 recordsCount
//       61    - records (compressed as one blob when attributes & 7 != 0)
#pragma once

#include <cstdint>
#include <span>

namespace gregor::record {

inline constexpr size_t kBaseOffsetPos = 0;
inline constexpr size_t kLengthPos = 8;
inline constexpr size_t kLeaderEpochPos = 12;
inline constexpr size_t kMagicPos = 16;
inline constexpr size_t kCrcPos = 17;
inline constexpr size_t kAttributesPos = 21;
inline constexpr size_t kLastOffsetDeltaPos = 23;
inline constexpr size_t kBaseTimestampPos = 27;
inline constexpr size_t kMaxTimestampPos = 35;
inline constexpr size_t kProducerIdPos = 43;
inline constexpr size_t kProducerEpochPos = 51;
inline constexpr size_t kBaseSequencePos = 53;
inline constexpr size_t kRecordsCountPos = 57;
inline constexpr size_t kHeaderSize = 61;
// baseOffset + batchLength: the part not counted by batchLength.
inline constexpr size_t kLogOverhead = 12;
// Bytes up to and including the magic: enough to tell the format apart.
inline constexpr size_t kHeaderUpToMagic = kMagicPos + 1;
// Smallest batchLength any message format can have (Java's
// LegacyRecord.RECORD_OVERHEAD_V0); anything shorter is corrupt.
inline constexpr int32_t kMinBatchLength = 14;
inline constexpr int8_t kMagicV2 = 2;

inline constexpr int16_t kCompressionMask = 0x07;
inline constexpr int16_t kTimestampTypeBit = 0x08;
inline constexpr int16_t kTransactionalBit = 0x10;
inline constexpr int16_t kControlBit = 0x20;

inline uint64_t load_be(const uint8_t* p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | p[i];
  return v;
}
inline void store_be(uint8_t* p, uint64_t v, int n) {
  for (int i = n - 1; i >= 0; --i) {
    p[i] = static_cast<uint8_t>(v);
    v >>= 8;
  }
}

// Read-only view of a batch header; the span must hold at least kHeaderSize bytes.
class BatchHeaderView {
 public:
  explicit BatchHeaderView(const uint8_t* p) : p_(p) {}
  int64_t base_offset() const { return static_cast<int64_t>(load_be(p_ + kBaseOffsetPos, 8)); }
  int32_t batch_length() const { return static_cast<int32_t>(load_be(p_ + kLengthPos, 4)); }
  // Whole batch size in bytes, including the 12-byte log overhead.
  int64_t total_size() const { return int64_t{batch_length()} + int64_t{kLogOverhead}; }
  int32_t partition_leader_epoch() const {
    return static_cast<int32_t>(load_be(p_ + kLeaderEpochPos, 4));
  }
  int8_t magic() const { return static_cast<int8_t>(p_[kMagicPos]); }
  uint32_t crc() const { return static_cast<uint32_t>(load_be(p_ + kCrcPos, 4)); }
  int16_t attributes() const { return static_cast<int16_t>(load_be(p_ + kAttributesPos, 2)); }
  int compression() const { return attributes() & kCompressionMask; }
  bool log_append_time() const { return (attributes() & kTimestampTypeBit) != 0; }
  bool is_transactional() const { return (attributes() & kTransactionalBit) != 0; }
  bool is_control() const { return (attributes() & kControlBit) != 0; }
  int32_t last_offset_delta() const {
    return static_cast<int32_t>(load_be(p_ + kLastOffsetDeltaPos, 4));
  }
  int64_t last_offset() const { return base_offset() + last_offset_delta(); }
  int64_t base_timestamp() const {
    return static_cast<int64_t>(load_be(p_ + kBaseTimestampPos, 8));
  }
  int64_t max_timestamp() const { return static_cast<int64_t>(load_be(p_ + kMaxTimestampPos, 8)); }
  int64_t producer_id() const { return static_cast<int64_t>(load_be(p_ + kProducerIdPos, 8)); }
  int16_t producer_epoch() const {
    return static_cast<int16_t>(load_be(p_ + kProducerEpochPos, 2));
  }
  int32_t base_sequence() const { return static_cast<int32_t>(load_be(p_ + kBaseSequencePos, 4)); }
  int32_t records_count() const { return static_cast<int32_t>(load_be(p_ + kRecordsCountPos, 4)); }

 private:
  const uint8_t* p_;
};

inline void patch_base_offset(uint8_t* batch, int64_t offset) {
  store_be(batch + kBaseOffsetPos, static_cast<uint64_t>(offset), 8);
}
inline void patch_leader_epoch(uint8_t* batch, int32_t epoch) {
  store_be(batch + kLeaderEpochPos, static_cast<uint32_t>(epoch), 4);
}

}  // namespace gregor::record
