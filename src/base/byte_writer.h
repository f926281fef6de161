// Big-endian writer that builds an outgoing frame as a list of segments: bytes
// it owns, plus borrowed "external" chunks (record data in memory or a slice of
// a segment file) that are written to the socket without being copied (writev /
// sendfile). Not thread-safe.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "base/types.h"

namespace gregor {

// Bytes that live elsewhere: either memory kept alive by `owner`, or a range of
// an open file (fd >= 0) kept open by `owner`.
struct ExternalChunk {
  std::shared_ptr<const void> owner;
  const uint8_t* data = nullptr;  // memory chunk when fd < 0
  int fd = -1;                    // file chunk when >= 0
  int64_t file_offset = 0;
  size_t size = 0;
};

class ByteWriter {
 public:
  // One piece of the output: owned bytes [begin, end) of buf(), or an external chunk.
  struct Segment {
    size_t begin = 0;
    size_t end = 0;
    int external = -1;  // index into externals() or -1
  };

  ByteWriter() { buf_.reserve(256); }

  void i8(int8_t v) { u8(static_cast<uint8_t>(v)); }
  void u8(uint8_t v) { buf_.push_back(v); }
  void i16(int16_t v) { fixed(static_cast<uint16_t>(v)); }
  void u16(uint16_t v) { fixed(v); }
  void i32(int32_t v) { fixed(static_cast<uint32_t>(v)); }
  void u32(uint32_t v) { fixed(v); }
  void i64(int64_t v) { fixed(static_cast<uint64_t>(v)); }
  void u64(uint64_t v) { fixed(v); }
  void boolean(bool v) { u8(v ? 1 : 0); }
  void f64(double d) {
    uint64_t bits;
    std::memcpy(&bits, &d, sizeof bits);
    u64(bits);
  }
  void uuid(const Uuid& u) { raw(u.bytes.data(), 16); }
  void uvarint(uint32_t v) {
    while (v >= 0x80) {
      buf_.push_back(static_cast<uint8_t>(v | 0x80));
      v >>= 7;
    }
    buf_.push_back(static_cast<uint8_t>(v));
  }
  void uvarlong(uint64_t v) {
    while (v >= 0x80) {
      buf_.push_back(static_cast<uint8_t>(v | 0x80));
      v >>= 7;
    }
    buf_.push_back(static_cast<uint8_t>(v));
  }
  void varint(int32_t v) {
    uvarint((static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31));
  }
  void varlong(int64_t v) {
    uvarlong((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
  }
  void raw(const void* p, size_t n) {
    auto* b = static_cast<const uint8_t*>(p);
    buf_.insert(buf_.end(), b, b + n);
  }
  void raw(std::span<const uint8_t> s) { raw(s.data(), s.size()); }
  void raw(std::string_view s) { raw(s.data(), s.size()); }

  // Appends a borrowed chunk without copying it.
  void external(ExternalChunk chunk) {
    external_bytes_ += chunk.size;
    close_owned_segment();
    segments_.push_back({0, 0, static_cast<int>(externals_.size())});
    externals_.push_back(std::move(chunk));
  }

  // Position of the next owned byte (for length back-patching).
  size_t position() const { return buf_.size(); }
  void patch_i32(size_t pos, int32_t v) {
    auto u = static_cast<uint32_t>(v);
    for (int i = 0; i < 4; ++i) buf_[pos + i] = static_cast<uint8_t>(u >> (24 - 8 * i));
  }
  // Total bytes written: owned plus external.
  size_t size() const { return buf_.size() + external_bytes_; }

  // Finishes the segment list; call once before reading segments().
  const std::vector<Segment>& segments() {
    close_owned_segment();
    return segments_;
  }
  const std::vector<uint8_t>& buf() const { return buf_; }
  std::vector<uint8_t>& buf() { return buf_; }
  const std::vector<ExternalChunk>& externals() const { return externals_; }

  // Copies everything (owned and in-memory external chunks) into one buffer;
  // for tests and small frames. File chunks are read with pread.
  std::vector<uint8_t> flatten();

 private:
  template <typename T>
  void fixed(T v) {
    uint8_t tmp[sizeof(T)];
    for (size_t i = 0; i < sizeof(T); ++i)
      tmp[i] = static_cast<uint8_t>(v >> (8 * (sizeof(T) - 1 - i)));
    buf_.insert(buf_.end(), tmp, tmp + sizeof(T));
  }
  void close_owned_segment() {
    if (buf_.size() > owned_mark_) {
      segments_.push_back({owned_mark_, buf_.size(), -1});
      owned_mark_ = buf_.size();
    }
  }

  std::vector<uint8_t> buf_;
  std::vector<Segment> segments_;
  std::vector<ExternalChunk> externals_;
  size_t owned_mark_ = 0;
  size_t external_bytes_ = 0;
};

}  // namespace gregor
