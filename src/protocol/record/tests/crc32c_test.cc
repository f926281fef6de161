#include "protocol/record/crc32c.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string_view>
#include <vector>

namespace gregor::record {
namespace {

uint32_t crc_of(std::string_view s) {
  return crc32c(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

std::vector<uint8_t> random_bytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> v(n);
  for (auto& b : v) b = static_cast<uint8_t>(rng());
  return v;
}

TEST(Crc32c, KnownVectors) {
  EXPECT_EQ(crc_of(""), 0x00000000u);
  EXPECT_EQ(crc_of("a"), 0xC1D04330u);
  EXPECT_EQ(crc_of("123456789"), 0xE3069283u);
  EXPECT_EQ(crc_of("The quick brown fox jumps over the lazy dog"), 0x22620404u);
  // RFC 3720 (iSCSI) B.4 test patterns.
  std::vector<uint8_t> zeros(32, 0x00), ones(32, 0xff), inc(32), dec(32);
  for (int i = 0; i < 32; ++i) {
    inc[i] = static_cast<uint8_t>(i);
    dec[i] = static_cast<uint8_t>(31 - i);
  }
  EXPECT_EQ(crc32c(zeros.data(), zeros.size()), 0x8A9136AAu);
  EXPECT_EQ(crc32c(ones.data(), ones.size()), 0x62A8AB43u);
  EXPECT_EQ(crc32c(inc.data(), inc.size()), 0x46DD794Eu);
  EXPECT_EQ(crc32c(dec.data(), dec.size()), 0x113FDB5Cu);
}

TEST(Crc32c, SoftwareMatchesVectors) {
  const char* s = "123456789";
  EXPECT_EQ(crc32c_software(reinterpret_cast<const uint8_t*>(s), 9), 0xE3069283u);
}

TEST(Crc32c, HardwareEqualsSoftwareForEveryLengthUpTo4096) {
  if (!crc32c_hardware_available()) GTEST_SKIP() << "no SSE4.2 on this CPU";
  auto data = random_bytes(4096 + 8, 1);
  for (size_t n = 0; n <= 4096; ++n) {
    // Vary the alignment too: the hardware path aligns to 8 bytes first.
    const uint8_t* p = data.data() + (n % 8);
    ASSERT_EQ(crc32c_hardware(p, n), crc32c_software(p, n)) << "length " << n;
  }
}

TEST(Crc32c, HardwareEqualsSoftwareOnLargeBuffers) {
  if (!crc32c_hardware_available()) GTEST_SKIP() << "no SSE4.2 on this CPU";
  // Lengths around the 3 x 256 and 3 x 8192 interleaving thresholds and beyond.
  auto data = random_bytes(300000, 2);
  for (size_t n : {767u, 768u, 769u, 24575u, 24576u, 24577u, 49152u, 65536u, 100003u, 300000u}) {
    for (size_t off : {0u, 3u}) {
      if (off + n > data.size()) continue;
      ASSERT_EQ(crc32c_hardware(data.data() + off, n), crc32c_software(data.data() + off, n))
          << "length " << n << " offset " << off;
    }
  }
}

TEST(Crc32c, Chains) {
  auto data = random_bytes(50000, 3);
  uint32_t whole = crc32c(data.data(), data.size());
  for (size_t split : {0u, 1u, 7u, 1000u, 30000u, 50000u}) {
    uint32_t first = crc32c(data.data(), split);
    EXPECT_EQ(crc32c(data.data() + split, data.size() - split, first), whole) << split;
    EXPECT_EQ(crc32c_software(data.data() + split, data.size() - split,
                              crc32c_software(data.data(), split)),
              whole);
  }
}

TEST(Crc32c, PatchEqualsRecompute) {
  std::mt19937 rng(4);
  for (int iter = 0; iter < 200; ++iter) {
    size_t total = 1 + rng() % 70000;
    auto data = random_bytes(total, iter);
    uint32_t crc = crc32c(data.data(), data.size());
    size_t n = 1 + rng() % std::min<size_t>(total, 16);
    size_t pos = rng() % (total - n + 1);
    std::vector<uint8_t> old_bytes(data.begin() + pos, data.begin() + pos + n);
    for (size_t i = 0; i < n; ++i) data[pos + i] = static_cast<uint8_t>(rng());
    uint32_t patched = crc32c_patch(crc, total, pos, old_bytes.data(), data.data() + pos, n);
    ASSERT_EQ(patched, crc32c(data.data(), data.size()))
        << "total " << total << " pos " << pos << " n " << n;
  }
}

TEST(Crc32c, DetectsSingleBitFlips) {
  auto data = random_bytes(1024, 5);
  uint32_t crc = crc32c(data.data(), data.size());
  for (size_t bit = 0; bit < data.size() * 8; bit += 61) {
    data[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    EXPECT_NE(crc32c(data.data(), data.size()), crc);
    data[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
  }
}

}  // namespace
}  // namespace gregor::record
