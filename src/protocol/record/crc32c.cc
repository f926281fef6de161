#include "protocol/record/crc32c.h"

#include <array>
#include <bit>
#include <cstring>

#include "base/assert.h"

#if defined(GREGOR_X86) && defined(__x86_64__)
#include <nmmintrin.h>
#define GREGOR_CRC32C_HW 1
#endif

namespace gregor::record {
namespace {

// Reflected Castagnoli polynomial.
constexpr uint32_t kPoly = 0x82f63b78u;

using Table = std::array<std::array<uint32_t, 256>, 8>;

// Slicing-by-8 tables: t[0] is the classic byte table, t[k][b] is the CRC
// contribution of byte b followed by k zero bytes.
constexpr Table make_slicing_table() {
  Table t{};
  for (uint32_t b = 0; b < 256; ++b) {
    uint32_t c = b;
    for (int i = 0; i < 8; ++i) c = (c & 1) ? (c >> 1) ^ kPoly : c >> 1;
    t[0][b] = c;
  }
  for (size_t k = 1; k < 8; ++k)
    for (size_t b = 0; b < 256; ++b) t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xff];
  return t;
}
constexpr Table kTable = make_slicing_table();

// Raw CRC register update (no pre/post inversion) over n bytes.
uint32_t update_sw(uint32_t c, const uint8_t* p, size_t n) {
  if constexpr (std::endian::native == std::endian::little) {
    while (n >= 8) {
      uint64_t w;
      std::memcpy(&w, p, 8);
      w ^= c;
      c = kTable[7][w & 0xff] ^ kTable[6][(w >> 8) & 0xff] ^ kTable[5][(w >> 16) & 0xff] ^
          kTable[4][(w >> 24) & 0xff] ^ kTable[3][(w >> 32) & 0xff] ^ kTable[2][(w >> 40) & 0xff] ^
          kTable[1][(w >> 48) & 0xff] ^ kTable[0][w >> 56];
      p += 8;
      n -= 8;
    }
  }
  for (size_t i = 0; i < n; ++i) c = kTable[0][(c ^ p[i]) & 0xff] ^ (c >> 8);
  return c;
}

// a(x) * b(x) modulo the polynomial, in the reflected bit order.
uint32_t multmodp(uint32_t a, uint32_t b) {
  uint32_t m = 1u << 31;
  uint32_t p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) == 0) break;
    }
    m >>= 1;
    b = (b & 1) ? (b >> 1) ^ kPoly : b >> 1;
  }
  return p;
}

// x^(2^k) mod P for k = 0..63, so x^n mod P costs one multiply per set bit of n.
struct PowerTable {
  std::array<uint32_t, 64> x2n{};
  PowerTable() {
    uint32_t p = 1u << 30;  // x^1
    x2n[0] = p;
    for (size_t k = 1; k < x2n.size(); ++k) x2n[k] = p = multmodp(p, p);
  }
};
const PowerTable& powers() {
  static const PowerTable table;
  return table;
}

// x^(8 * bytes) mod P: multiplying a raw CRC by it appends `bytes` zero bytes.
uint32_t zeros_operator(uint64_t bytes) {
  const auto& t = powers().x2n;
  uint32_t p = 1u << 31;  // x^0
  for (unsigned k = 3; bytes != 0; bytes >>= 1, ++k)
    if (bytes & 1) p = multmodp(t[k & 63], p);
  return p;
}

}  // namespace

uint32_t crc32c_software(const uint8_t* data, size_t n, uint32_t crc) {
  return ~update_sw(~crc, data, n);
}

uint32_t crc32c_patch(uint32_t crc, size_t total, size_t pos, const uint8_t* old_bytes,
                      const uint8_t* new_bytes, size_t n) {
  GREGOR_ASSERT(pos <= total && n <= total - pos, "patched range outside the message");
  // CRC-32C is affine: for messages of equal length, crc(A) ^ crc(B) equals the
  // raw (zero-initialised) CRC of A ^ B, and leading zero bytes of A ^ B add
  // nothing, so only the changed bytes and the count of bytes after them matter.
  uint32_t raw = 0;
  for (size_t i = 0; i < n; ++i) {
    uint8_t d = old_bytes[i] ^ new_bytes[i];
    raw = kTable[0][(raw ^ d) & 0xff] ^ (raw >> 8);
  }
  size_t trailing = total - pos - n;
  return crc ^ multmodp(zeros_operator(trailing), raw);
}

#ifdef GREGOR_CRC32C_HW
namespace {

// Three independent CRC streams hide the 3-cycle latency of the crc32
// instruction; their results are merged by shifting with precomputed
// zero-byte operators (Mark Adler's scheme).
constexpr size_t kLong = 8192;
constexpr size_t kShort = 256;

struct ShiftTables {
  std::array<std::array<uint32_t, 256>, 4> long_op{};
  std::array<std::array<uint32_t, 256>, 4> short_op{};
  ShiftTables() {
    uint32_t lop = zeros_operator(kLong);
    uint32_t sop = zeros_operator(kShort);
    for (uint32_t k = 0; k < 4; ++k) {
      for (uint32_t b = 0; b < 256; ++b) {
        long_op[k][b] = multmodp(lop, b << (8 * k));
        short_op[k][b] = multmodp(sop, b << (8 * k));
      }
    }
  }
};
const ShiftTables& shift_tables() {
  static const ShiftTables tables;
  return tables;
}

inline uint32_t shift(const std::array<std::array<uint32_t, 256>, 4>& op, uint32_t c) {
  return op[0][c & 0xff] ^ op[1][(c >> 8) & 0xff] ^ op[2][(c >> 16) & 0xff] ^ op[3][c >> 24];
}

inline uint64_t load64(const uint8_t* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

__attribute__((target("sse4.2"))) const uint8_t* three_way(
    uint32_t& c0, const uint8_t* p, size_t& n, size_t block,
    const std::array<std::array<uint32_t, 256>, 4>& op) {
  while (n >= 3 * block) {
    uint64_t a = c0, b = 0, c = 0;
    const uint8_t* end = p + block;
    do {
      a = _mm_crc32_u64(a, load64(p));
      b = _mm_crc32_u64(b, load64(p + block));
      c = _mm_crc32_u64(c, load64(p + 2 * block));
      p += 8;
    } while (p < end);
    uint32_t merged = shift(op, static_cast<uint32_t>(a)) ^ static_cast<uint32_t>(b);
    c0 = shift(op, merged) ^ static_cast<uint32_t>(c);
    p += 2 * block;
    n -= 3 * block;
  }
  return p;
}

__attribute__((target("sse4.2"))) uint32_t update_hw(uint32_t c, const uint8_t* p, size_t n) {
  while (n > 0 && (reinterpret_cast<uintptr_t>(p) & 7) != 0) {
    c = _mm_crc32_u8(c, *p++);
    --n;
  }
  if (n >= 3 * kShort) {
    const auto& t = shift_tables();
    p = three_way(c, p, n, kLong, t.long_op);
    p = three_way(c, p, n, kShort, t.short_op);
  }
  uint64_t c64 = c;
  while (n >= 8) {
    c64 = _mm_crc32_u64(c64, load64(p));
    p += 8;
    n -= 8;
  }
  c = static_cast<uint32_t>(c64);
  while (n > 0) {
    c = _mm_crc32_u8(c, *p++);
    --n;
  }
  return c;
}

bool detect_hardware() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("sse4.2");
}

}  // namespace

bool crc32c_hardware_available() {
  static const bool available = detect_hardware();
  return available;
}

uint32_t crc32c_hardware(const uint8_t* data, size_t n, uint32_t crc) {
  return ~update_hw(~crc, data, n);
}

uint32_t crc32c(const uint8_t* data, size_t n, uint32_t crc) {
  if (crc32c_hardware_available()) [[likely]]
    return ~update_hw(~crc, data, n);
  return ~update_sw(~crc, data, n);
}

#else  // no SSE4.2 on this architecture

bool crc32c_hardware_available() {
  return false;
}

uint32_t crc32c_hardware(const uint8_t* data, size_t n, uint32_t crc) {
  return crc32c_software(data, n, crc);
}

uint32_t crc32c(const uint8_t* data, size_t n, uint32_t crc) {
  return ~update_sw(~crc, data, n);
}

#endif

}  // namespace gregor::record
