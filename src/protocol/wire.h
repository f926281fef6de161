// Encodings shared by the generated message code: length-prefixed strings,
// bytes, records and arrays in their classic and compact (flexible-version)
// forms, and tagged-field sections.
//
// Readers never trust a length: a negative length other than the null marker,
// or a length/count the remaining input cannot hold, fails the reader before
// anything is allocated. Writers assert on values the wire cannot carry (a
// string longer than 32767 bytes in a classic int16-length field), which is a
// programming error, not bad input.
//
// Stateless free functions; thread-safe as long as the reader/writer is not shared.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/assert.h"
#include "base/byte_reader.h"
#include "base/byte_writer.h"
#include "protocol/records.h"

namespace gregor::protocol::wire {

// A length prefix: int16 (strings) or int32 (bytes, records, arrays) in classic
// versions, uvarint N+1 in compact ones. Returns -1 for the null marker, the
// length otherwise; on malformed input fails `r` and returns 0. A length larger
// than r.remaining() / min_unit is malformed.
inline int32_t read_length(ByteReader& r, bool flex, bool wide, size_t min_unit = 1) {
  int64_t n;
  if (flex) {
    n = static_cast<int64_t>(r.uvarint()) - 1;
  } else {
    n = wide ? r.i32() : r.i16();
  }
  if (!r.ok()) return 0;
  if (n < -1 || n > static_cast<int64_t>(r.remaining() / min_unit)) {
    r.fail();
    return 0;
  }
  return static_cast<int32_t>(n);
}

inline void write_length(ByteWriter& w, bool flex, bool wide, int64_t n) {
  GREGOR_ASSERT(n >= -1, "negative length");
  if (flex) {
    GREGOR_ASSERT(n < INT32_MAX, "length does not fit a compact prefix");
    w.uvarint(static_cast<uint32_t>(n + 1));
  } else if (wide) {
    GREGOR_ASSERT(n <= INT32_MAX, "length does not fit int32");
    w.i32(static_cast<int32_t>(n));
  } else {
    GREGOR_ASSERT(n <= INT16_MAX, "string longer than 32767 bytes in a classic field");
    w.i16(static_cast<int16_t>(n));
  }
}

// Array count; -1 (only if `nullable`) means null. Each element needs at least
// `min_elem` bytes on the wire, so larger counts are rejected before any resize.
inline int32_t read_array_length(ByteReader& r, bool flex, bool nullable, size_t min_elem) {
  int32_t n = read_length(r, flex, true, min_elem);
  if (n == -1 && !nullable) r.fail();
  return r.ok() ? n : 0;
}

inline void write_array_length(ByteWriter& w, bool flex, size_t n) {
  write_length(w, flex, true, static_cast<int64_t>(n));
}
inline void write_null_array(ByteWriter& w, bool flex) {
  write_length(w, flex, true, -1);
}

inline void read_string(ByteReader& r, bool flex, std::string& out) {
  int32_t n = read_length(r, flex, false);
  if (n < 0) {
    r.fail();
    return;
  }
  out.assign(r.string_view(static_cast<size_t>(n)));
}

inline void read_string(ByteReader& r, bool flex, bool nullable, std::optional<std::string>& out) {
  int32_t n = read_length(r, flex, false);
  if (n < 0) {
    if (!nullable) r.fail();
    out.reset();
    return;
  }
  out.emplace(r.string_view(static_cast<size_t>(n)));
}

inline void write_string(ByteWriter& w, bool flex, std::string_view s) {
  write_length(w, flex, false, static_cast<int64_t>(s.size()));
  w.raw(s);
}

// Null is written only where the version allows it; elsewhere as "".
inline void write_string(ByteWriter& w, bool flex, bool nullable,
                         const std::optional<std::string>& s) {
  if (s) {
    write_string(w, flex, *s);
  } else if (nullable) {
    write_length(w, flex, false, -1);
  } else {
    write_string(w, flex, std::string_view());
  }
}

inline void read_bytes(ByteReader& r, bool flex, std::vector<uint8_t>& out) {
  int32_t n = read_length(r, flex, true);
  if (n < 0) {
    r.fail();
    return;
  }
  auto s = r.bytes(static_cast<size_t>(n));
  out.assign(s.begin(), s.end());
}

inline void read_bytes(ByteReader& r, bool flex, bool nullable,
                       std::optional<std::vector<uint8_t>>& out) {
  int32_t n = read_length(r, flex, true);
  if (n < 0) {
    if (!nullable) r.fail();
    out.reset();
    return;
  }
  auto s = r.bytes(static_cast<size_t>(n));
  out.emplace(s.begin(), s.end());
}

inline void write_bytes(ByteWriter& w, bool flex, std::span<const uint8_t> b) {
  write_length(w, flex, true, static_cast<int64_t>(b.size()));
  w.raw(b);
}

inline void write_bytes(ByteWriter& w, bool flex, bool nullable,
                        const std::optional<std::vector<uint8_t>>& b) {
  if (b) {
    write_bytes(w, flex, *b);
  } else if (nullable) {
    write_length(w, flex, true, -1);
  } else {
    write_bytes(w, flex, std::span<const uint8_t>());
  }
}

// Records are viewed in place (no copy): out.data points into the reader's buffer.
inline void read_records(ByteReader& r, bool flex, bool nullable, Records& out) {
  out.chunks.clear();
  int32_t n = read_length(r, flex, true);
  if (n < 0) {
    if (!nullable) r.fail();
    out.is_null = true;
    out.data = {};
    return;
  }
  out.is_null = false;
  out.data = r.bytes(static_cast<size_t>(n));
}

// Chunks, when present, are appended without copying (see Records).
inline void write_records(ByteWriter& w, bool flex, bool nullable, const Records& rec) {
  if (rec.is_null) {
    write_length(w, flex, true, nullable ? -1 : 0);
    return;
  }
  write_length(w, flex, true, static_cast<int64_t>(rec.size()));
  if (rec.chunks.empty()) {
    w.raw(rec.data);
    return;
  }
  for (const ExternalChunk& c : rec.chunks) w.external(c);
}

// Reads a tagged-field section, handing each field's payload to
// `on_tag(tag, payload_reader)`; the handler returns false for unknown tags,
// which are skipped. A payload that does not decode fails `r`.
template <typename OnTag>
inline void read_tags(ByteReader& r, OnTag&& on_tag) {
  uint32_t count = r.uvarint();
  for (uint32_t i = 0; i < count && r.ok(); ++i) {
    uint32_t tag = r.uvarint();
    uint32_t size = r.uvarint();
    if (!r.ok() || size > r.remaining()) {
      r.fail();
      return;
    }
    ByteReader payload(r.cursor(), size);
    if (on_tag(tag, payload) && !payload.ok()) {
      r.fail();
      return;
    }
    r.skip(size);
  }
}

inline void skip_tags(ByteReader& r) {
  read_tags(r, [](uint32_t, ByteReader&) { return false; });
}

// Writes one tagged field whose payload was encoded into `payload`.
inline void write_tag(ByteWriter& w, uint32_t tag, const ByteWriter& payload) {
  GREGOR_ASSERT(payload.externals().empty(), "tagged payloads are always owned bytes");
  w.uvarint(tag);
  w.uvarint(static_cast<uint32_t>(payload.buf().size()));
  w.raw(payload.buf().data(), payload.buf().size());
}

}  // namespace gregor::protocol::wire
