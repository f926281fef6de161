// CRC-32C (Castagnoli), the checksum Kafka stores in every v2 record batch.
//
// crc32c() returns the finished CRC as Kafka stores it (init ~0, final xor ~0),
// and chains: crc32c(b, nb, crc32c(a, na)) == crc32c(a ++ b). It picks the
// SSE4.2 instruction when the CPU has it (checked once, at first use) and a
// slicing-by-8 table otherwise. All functions are pure and thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>

namespace gregor::record {

uint32_t crc32c(const uint8_t* data, size_t n, uint32_t crc = 0);

// The two implementations behind crc32c(), exposed so tests and benchmarks can
// compare them. crc32c_hardware() must only be called when
// crc32c_hardware_available() is true.
uint32_t crc32c_software(const uint8_t* data, size_t n, uint32_t crc = 0);
uint32_t crc32c_hardware(const uint8_t* data, size_t n, uint32_t crc = 0);
bool crc32c_hardware_available();

// The CRC of the same message after the bytes at [pos, pos + n) changed from
// `old_bytes` to `new_bytes`, where the message is `total` bytes long and its
// CRC was `crc`. Costs O(n + log total) instead of a pass over the message:
// the broker uses it to re-sign a batch after patching a header field.
uint32_t crc32c_patch(uint32_t crc, size_t total, size_t pos, const uint8_t* old_bytes,
                      const uint8_t* new_bytes, size_t n);

}  // namespace gregor::record
