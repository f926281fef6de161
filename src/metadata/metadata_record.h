// Records of the embedded metadata log and snapshot, and their framing.
//
// Every record is one frame (all integers big-endian):
//
//   offset size field
//        0    4 length        bytes after the crc field (type .. end of payload), >= 17
//        4    4 crc           CRC-32C of the length field followed by those bytes
//        8    1 type          RecordType
//        9    8 sequence      strictly increasing over the life of the store
//       17    8 timestamp_ms  wall-clock time of the write (informational)
//       25    - payload       per type, below
//
// Payloads (string = u32 length + bytes; configs = u32 count + (key, value) strings):
//   kInit              string cluster_id
//   kCreateTopic       uuid id, string name, i32 partitions, configs
//   kDeleteTopic       uuid id
//   kSetPartitions     uuid id, i32 partitions
//   kSetTopicConfigs   uuid id, configs
//   kSetBrokerConfigs  string resource ("" = cluster default, else node id), configs
//   kAllocateProducerIds  i64 next_producer_id (first id not yet handed out, after the block)
//   kSnapshotHeader    string cluster_id, u32 topic_count   (snapshot files only)
// A payload must be consumed exactly; a frame whose CRC matches but whose
// payload does not decode is corruption (or a newer format), never a torn write.
//
// Pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "metadata/metadata_store.h"

namespace gregor::metadata {

enum class RecordType : uint8_t {
  kInit = 1,
  kCreateTopic = 2,
  kDeleteTopic = 3,
  kSetPartitions = 4,
  kSetTopicConfigs = 5,
  kSetBrokerConfigs = 6,
  kAllocateProducerIds = 7,
  kSnapshotHeader = 16,
};

inline constexpr size_t kFrameHeaderBytes = 8;    // length + crc
inline constexpr size_t kRecordHeaderBytes = 17;  // type + sequence + timestamp
// Far above any real record; a larger length field can only be damage.
inline constexpr uint32_t kMaxRecordBytes = 64 << 20;

struct MetadataRecord {
  RecordType type = RecordType::kInit;
  uint64_t sequence = 0;
  int64_t timestamp_ms = 0;
  std::string cluster_id;        // kInit, kSnapshotHeader
  uint32_t topic_count = 0;      // kSnapshotHeader
  TopicRecord topic;             // kCreateTopic: all fields; others: id (+ partitions or configs)
  std::string resource;          // kSetBrokerConfigs (its configs are in topic.configs)
  int64_t next_producer_id = 0;  // kAllocateProducerIds
};

std::vector<uint8_t> encode_frame(const MetadataRecord& record);

// Reading the frame at the start of a byte range.
struct FrameRead {
  enum class Status {
    kOk,
    kBad,          // too short, implausible length, or CRC mismatch: damage or a torn write
    kUndecodable,  // CRC matches but the content is not a record this version understands
  };
  Status status = Status::kBad;
  size_t size = 0;  // frame bytes, for kOk and kUndecodable
  MetadataRecord record;
  std::string error;  // for kUndecodable
};
FrameRead read_frame(std::span<const uint8_t> bytes);

// The records of a metadata log file. A bad frame with no valid frame anywhere after it is
// a torn tail: scanning stops there and `valid_bytes` says where to truncate. A bad frame
// followed by a valid one, an undecodable frame, or a sequence that does not increase is
// corruption that truncation would paper over (acknowledged changes would vanish): an error
// naming the file offset.
struct LogScan {
  std::vector<MetadataRecord> records;
  size_t valid_bytes = 0;
  bool torn = false;
};
Result<LogScan, std::string> scan_log(std::span<const uint8_t> bytes);

}  // namespace gregor::metadata
