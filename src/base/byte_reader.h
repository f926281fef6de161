// Bounds-checked big-endian reader over a borrowed byte range, with Kafka's
// varint families. Failure is sticky: the first read past the end (or of an
// invalid encoding) sets !ok() and every later read returns zero, so decoders
// check ok() once at the end instead of after every field.
//
// Not thread-safe; the viewed bytes must outlive the reader.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

#include "base/types.h"

namespace gregor {

class ByteReader {
 public:
  ByteReader() = default;
  ByteReader(const uint8_t* data, size_t size) : p_(data), end_(data + size) {}
  explicit ByteReader(std::span<const uint8_t> s) : ByteReader(s.data(), s.size()) {}

  bool ok() const { return ok_; }
  void fail() {
    ok_ = false;
    p_ = end_;
  }
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  const uint8_t* cursor() const { return p_; }

  int8_t i8() { return static_cast<int8_t>(fixed<uint8_t>()); }
  uint8_t u8() { return fixed<uint8_t>(); }
  int16_t i16() { return static_cast<int16_t>(fixed<uint16_t>()); }
  uint16_t u16() { return fixed<uint16_t>(); }
  int32_t i32() { return static_cast<int32_t>(fixed<uint32_t>()); }
  uint32_t u32() { return fixed<uint32_t>(); }
  int64_t i64() { return static_cast<int64_t>(fixed<uint64_t>()); }
  uint64_t u64() { return fixed<uint64_t>(); }
  bool boolean() { return u8() != 0; }
  double f64() {
    uint64_t bits = u64();
    double d;
    std::memcpy(&d, &bits, sizeof d);
    return d;
  }
  Uuid uuid() {
    Uuid u;
    auto s = bytes(16);
    if (s.size() == 16) std::memcpy(u.bytes.data(), s.data(), 16);
    return u;
  }

  // LEB128 unsigned varint (flexible-version lengths, counts, tags); at most 5 bytes.
  uint32_t uvarint() {
    uint32_t v = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      if (p_ >= end_) {
        fail();
        return 0;
      }
      uint8_t b = *p_++;
      v |= static_cast<uint32_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    fail();
    return 0;
  }
  // Zig-zag varint / varlong (record format v2).
  int32_t varint() {
    uint64_t raw = uvarlong_raw(5);
    auto u = static_cast<uint32_t>(raw);
    return static_cast<int32_t>((u >> 1) ^ (~(u & 1) + 1));
  }
  int64_t varlong() {
    uint64_t u = uvarlong_raw(10);
    return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
  }

  // A view of the next n bytes; an empty span (and !ok()) if fewer remain.
  std::span<const uint8_t> bytes(size_t n) {
    if (n > remaining()) {
      fail();
      return {};
    }
    std::span<const uint8_t> s(p_, n);
    p_ += n;
    return s;
  }
  std::string_view string_view(size_t n) {
    auto s = bytes(n);
    return {reinterpret_cast<const char*>(s.data()), s.size()};
  }
  void skip(size_t n) { (void)bytes(n); }

 private:
  template <typename T>
  T fixed() {
    if (sizeof(T) > remaining()) {
      fail();
      return 0;
    }
    T v = 0;
    for (size_t i = 0; i < sizeof(T); ++i) v = static_cast<T>((v << 8) | p_[i]);
    p_ += sizeof(T);
    return v;
  }
  uint64_t uvarlong_raw(int max_bytes) {
    uint64_t v = 0;
    for (int i = 0; i < max_bytes; ++i) {
      if (p_ >= end_) {
        fail();
        return 0;
      }
      uint8_t b = *p_++;
      v |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0) return v;
    }
    fail();
    return 0;
  }

  const uint8_t* p_ = nullptr;
  const uint8_t* end_ = nullptr;
  bool ok_ = true;
};

}  // namespace gregor
