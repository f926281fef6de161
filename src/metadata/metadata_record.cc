#include "metadata/metadata_record.h"

#include <fmt/format.h>

#include "base/byte_reader.h"
#include "base/byte_writer.h"
#include "protocol/record/crc32c.h"

namespace gregor::metadata {
namespace {

void put_string(ByteWriter& w, const std::string& s) {
  w.u32(static_cast<uint32_t>(s.size()));
  w.raw(s.data(), s.size());
}

void put_configs(ByteWriter& w, const std::map<std::string, std::string>& configs) {
  w.u32(static_cast<uint32_t>(configs.size()));
  for (const auto& [k, v] : configs) {
    put_string(w, k);
    put_string(w, v);
  }
}

std::string get_string(ByteReader& r) {
  uint32_t n = r.u32();
  return std::string(r.string_view(n));
}

std::map<std::string, std::string> get_configs(ByteReader& r) {
  std::map<std::string, std::string> out;
  uint32_t n = r.u32();
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    std::string k = get_string(r);
    std::string v = get_string(r);
    out[std::move(k)] = std::move(v);
  }
  return out;
}

void put_payload(ByteWriter& w, const MetadataRecord& rec) {
  switch (rec.type) {
    case RecordType::kInit:
      put_string(w, rec.cluster_id);
      break;
    case RecordType::kCreateTopic:
      w.uuid(rec.topic.id);
      put_string(w, rec.topic.name);
      w.i32(rec.topic.partitions);
      put_configs(w, rec.topic.configs);
      break;
    case RecordType::kDeleteTopic:
      w.uuid(rec.topic.id);
      break;
    case RecordType::kSetPartitions:
      w.uuid(rec.topic.id);
      w.i32(rec.topic.partitions);
      break;
    case RecordType::kSetTopicConfigs:
      w.uuid(rec.topic.id);
      put_configs(w, rec.topic.configs);
      break;
    case RecordType::kSetBrokerConfigs:
      put_string(w, rec.resource);
      put_configs(w, rec.topic.configs);
      break;
    case RecordType::kAllocateProducerIds:
      w.i64(rec.next_producer_id);
      break;
    case RecordType::kSnapshotHeader:
      put_string(w, rec.cluster_id);
      w.u32(rec.topic_count);
      break;
  }
}

// Decodes the payload; false if the type is unknown or the bytes do not match it exactly.
bool get_payload(ByteReader& r, MetadataRecord& rec) {
  switch (rec.type) {
    case RecordType::kInit:
      rec.cluster_id = get_string(r);
      break;
    case RecordType::kCreateTopic:
      rec.topic.id = r.uuid();
      rec.topic.name = get_string(r);
      rec.topic.partitions = r.i32();
      rec.topic.configs = get_configs(r);
      break;
    case RecordType::kDeleteTopic:
      rec.topic.id = r.uuid();
      break;
    case RecordType::kSetPartitions:
      rec.topic.id = r.uuid();
      rec.topic.partitions = r.i32();
      break;
    case RecordType::kSetTopicConfigs:
      rec.topic.id = r.uuid();
      rec.topic.configs = get_configs(r);
      break;
    case RecordType::kSetBrokerConfigs:
      rec.resource = get_string(r);
      rec.topic.configs = get_configs(r);
      break;
    case RecordType::kAllocateProducerIds:
      rec.next_producer_id = r.i64();
      break;
    case RecordType::kSnapshotHeader:
      rec.cluster_id = get_string(r);
      rec.topic_count = r.u32();
      break;
    default:
      return false;
  }
  return r.ok() && r.remaining() == 0;
}

uint32_t frame_crc(const uint8_t* length_field, const uint8_t* body, size_t body_size) {
  uint32_t crc = record::crc32c(length_field, 4);
  return record::crc32c(body, body_size, crc);
}

uint32_t load_u32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

}  // namespace

std::vector<uint8_t> encode_frame(const MetadataRecord& record) {
  ByteWriter body;
  body.u8(static_cast<uint8_t>(record.type));
  body.u64(record.sequence);
  body.i64(record.timestamp_ms);
  put_payload(body, record);
  const std::vector<uint8_t>& b = body.buf();
  GREGOR_ASSERT(b.size() <= kMaxRecordBytes, "metadata record too large");

  std::vector<uint8_t> frame(kFrameHeaderBytes + b.size());
  auto len = static_cast<uint32_t>(b.size());
  for (int i = 0; i < 4; ++i)
    frame[static_cast<size_t>(i)] = static_cast<uint8_t>(len >> (24 - 8 * i));
  std::copy(b.begin(), b.end(), frame.begin() + kFrameHeaderBytes);
  uint32_t crc = frame_crc(frame.data(), b.data(), b.size());
  for (int i = 0; i < 4; ++i)
    frame[static_cast<size_t>(4 + i)] = static_cast<uint8_t>(crc >> (24 - 8 * i));
  return frame;
}

FrameRead read_frame(std::span<const uint8_t> bytes) {
  FrameRead out;
  if (bytes.size() < kFrameHeaderBytes) return out;
  uint32_t len = load_u32(bytes.data());
  if (len < kRecordHeaderBytes || len > kMaxRecordBytes || len > bytes.size() - kFrameHeaderBytes)
    return out;
  const uint8_t* body = bytes.data() + kFrameHeaderBytes;
  if (frame_crc(bytes.data(), body, len) != load_u32(bytes.data() + 4)) return out;

  out.size = kFrameHeaderBytes + len;
  ByteReader r(body, len);
  out.record.type = static_cast<RecordType>(r.u8());
  out.record.sequence = r.u64();
  out.record.timestamp_ms = r.i64();
  if (!get_payload(r, out.record)) {
    out.status = FrameRead::Status::kUndecodable;
    out.error = fmt::format("record of type {} does not decode", static_cast<int>(out.record.type));
    return out;
  }
  out.status = FrameRead::Status::kOk;
  return out;
}

Result<LogScan, std::string> scan_log(std::span<const uint8_t> bytes) {
  LogScan scan;
  size_t pos = 0;
  while (pos < bytes.size()) {
    FrameRead f = read_frame(bytes.subspan(pos));
    if (f.status == FrameRead::Status::kUndecodable)
      return Err(
          fmt::format("offset {}: {} (written by a newer version, or corrupt)", pos, f.error));
    if (f.status == FrameRead::Status::kBad) {
      // A torn write damages only the last frame; a valid frame further on means this
      // damage is in the middle of acknowledged records.
      for (size_t later = pos + 1; later + kFrameHeaderBytes <= bytes.size(); ++later) {
        if (read_frame(bytes.subspan(later)).status != FrameRead::Status::kBad)
          return Err(fmt::format(
              "offset {}: damaged record followed by a valid record at offset {}", pos, later));
      }
      scan.torn = true;
      break;
    }
    if (!scan.records.empty() && f.record.sequence <= scan.records.back().sequence)
      return Err(fmt::format("offset {}: sequence {} does not follow {}", pos, f.record.sequence,
                             scan.records.back().sequence));
    scan.records.push_back(std::move(f.record));
    pos += f.size;
  }
  scan.valid_bytes = pos;
  return scan;
}

}  // namespace gregor::metadata
