// Allocation-free parsing of one v2 record straight from memory: the shared
// core of the produce-path validator and the record iterator. Every length is
// checked against the record's own end, so hostile input yields nullptr, never
// an out-of-bounds read. Internal to the record codec; pure functions.
//
// Record layout (all varints zig-zag, as in Kafka's DefaultRecord):
//   length varint | attributes int8 | timestampDelta varlong | offsetDelta varint |
//   keyLength varint (-1 = null) | key | valueLength varint (-1 = null) | value |
//   headerCount varint | [keyLength varint (>= 0) | key | valueLength varint | value]*
#pragma once

#include <cstddef>
#include <cstdint>

namespace gregor::record::detail {

// Reads a zig-zag varint of at most 5 bytes (bits past 32 are dropped, as
// Java's ByteUtils.readVarint does). Returns the position after it, or nullptr.
inline const uint8_t* read_varint(const uint8_t* p, const uint8_t* end, int32_t& out) {
  if (p < end && *p < 0x80) [[likely]] {
    uint32_t u = *p;
    out = static_cast<int32_t>((u >> 1) ^ (~(u & 1) + 1));
    return p + 1;
  }
  uint32_t u = 0;
  for (int i = 0; i < 5; ++i) {
    if (p >= end) return nullptr;
    uint8_t b = *p++;
    u |= static_cast<uint32_t>(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) {
      out = static_cast<int32_t>((u >> 1) ^ (~(u & 1) + 1));
      return p;
    }
  }
  return nullptr;
}

// Zig-zag varlong of at most 10 bytes.
inline const uint8_t* read_varlong(const uint8_t* p, const uint8_t* end, int64_t& out) {
  uint64_t u = 0;
  for (int i = 0; i < 10; ++i) {
    if (p >= end) return nullptr;
    uint8_t b = *p++;
    u |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) {
      out = static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
      return p;
    }
  }
  return nullptr;
}

// One record's fields, pointing into the parsed buffer.
struct RawRecord {
  int64_t timestamp_delta = 0;
  int32_t offset_delta = 0;
  int32_t key_size = -1;  // -1 = null
  int32_t value_size = -1;
  int32_t header_count = 0;
  int8_t attributes = 0;
  const uint8_t* key = nullptr;
  const uint8_t* value = nullptr;
  const uint8_t* headers = nullptr;  // first header; headers end where the record ends
  const uint8_t* end = nullptr;      // one past the record
};

// Reads a nullable length-prefixed byte field ending no later than `end`.
inline const uint8_t* read_bytes(const uint8_t* p, const uint8_t* end, int32_t& size,
                                 const uint8_t*& data) {
  p = p ? read_varint(p, end, size) : nullptr;
  if (p == nullptr || size < -1 || size > end - p) return nullptr;
  data = p;
  return size > 0 ? p + size : p;
}

// Parses the record at p (which must end no later than `end`). Returns the
// position after it, or nullptr if any field is malformed, a length runs past
// the record, a header key is null, or the fields do not fill the declared
// record length exactly.
inline const uint8_t* parse_record(const uint8_t* p, const uint8_t* end, RawRecord& r) {
  int32_t length = 0;
  p = read_varint(p, end, length);
  if (p == nullptr || length < 1 || length > end - p) return nullptr;
  const uint8_t* rend = p + length;
  r.attributes = static_cast<int8_t>(*p++);
  p = read_varlong(p, rend, r.timestamp_delta);
  p = p ? read_varint(p, rend, r.offset_delta) : nullptr;
  p = read_bytes(p, rend, r.key_size, r.key);
  p = read_bytes(p, rend, r.value_size, r.value);
  p = p ? read_varint(p, rend, r.header_count) : nullptr;
  if (p == nullptr || r.header_count < 0 || r.header_count > rend - p) return nullptr;
  r.headers = p;
  for (int32_t i = 0; i < r.header_count; ++i) {
    int32_t size = 0;
    const uint8_t* data = nullptr;
    p = read_bytes(p, rend, size, data);
    if (p == nullptr || size < 0) return nullptr;  // header keys are never null
    p = read_bytes(p, rend, size, data);
    if (p == nullptr) return nullptr;
  }
  if (p != rend) return nullptr;
  r.end = rend;
  return rend;
}

}  // namespace gregor::record::detail
