// Building v2 record batches: used by tests across the project, by the broker
// for control records (transaction markers) and internal topics, and by tools.
// The output is byte-for-byte what a Kafka producer would send: CRC-32C
// signed, records compressed as one blob when a codec is chosen.
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/record/compression.h"

namespace gregor::record {

// Keys and values are bytes; std::string is only the container.
struct HeaderSpec {
  std::string key;
  std::optional<std::string> value;  // nullopt = null value
};

struct RecordSpec {
  std::optional<std::string> key;    // nullopt = null key
  std::optional<std::string> value;  // nullopt = null value (tombstone)
  std::vector<HeaderSpec> headers;
  int64_t timestamp = -1;  // absolute; -1 = no timestamp
  // Offset delta; defaults to the record's index. Set it only to build
  // compacted-looking or deliberately invalid batches.
  std::optional<int32_t> offset_delta;
};

struct BatchSpec {
  std::vector<RecordSpec> records;
  Codec codec = Codec::kNone;
  int compression_level = -1;  // codec default
  int64_t base_offset = 0;
  int32_t partition_leader_epoch = -1;
  bool log_append_time = false;
  bool transactional = false;
  bool control = false;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  int32_t base_sequence = -1;
  // Overrides for the derived header fields (by default: first record's
  // timestamp, largest record timestamp, last record's offset delta, number of
  // records), so tests can build inconsistent batches.
  std::optional<int64_t> base_timestamp;
  std::optional<int64_t> max_timestamp;
  std::optional<int32_t> last_offset_delta;
  std::optional<int32_t> records_count;
};

std::vector<uint8_t> build_batch(const BatchSpec& spec);

// Control record types (the int16 in a control record's key).
enum class ControlType : int16_t { kAbort = 0, kCommit = 1 };

// A transaction marker batch, as the partition leader writes it on
// WriteTxnMarkers: transactional + control, one record whose key is
// (version 0, type) and whose value is (version 0, coordinator epoch).
std::vector<uint8_t> build_txn_marker(int64_t producer_id, int16_t producer_epoch, ControlType type,
                                      int32_t coordinator_epoch, int64_t timestamp_ms);

}  // namespace gregor::record
