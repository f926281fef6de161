#include "coordinator/partition_hash.h"

namespace gregor::coordinator {

int32_t partition_for_key(std::string_view key, int32_t num_partitions) {
  // Java's String.hashCode over UTF-16 code units.
  int32_t h = 0;
  auto add = [&h](uint32_t unit) {
    h = static_cast<int32_t>(31u * static_cast<uint32_t>(h) + unit);
  };
  for (size_t i = 0; i < key.size();) {
    const auto c = static_cast<uint8_t>(key[i]);
    uint32_t cp = c;
    size_t len = 1;
    if (c >= 0xF0 && i + 3 < key.size()) {
      cp = ((c & 0x07u) << 18) | ((static_cast<uint8_t>(key[i + 1]) & 0x3Fu) << 12) |
           ((static_cast<uint8_t>(key[i + 2]) & 0x3Fu) << 6) |
           (static_cast<uint8_t>(key[i + 3]) & 0x3Fu);
      len = 4;
    } else if (c >= 0xE0 && i + 2 < key.size()) {
      cp = ((c & 0x0Fu) << 12) | ((static_cast<uint8_t>(key[i + 1]) & 0x3Fu) << 6) |
           (static_cast<uint8_t>(key[i + 2]) & 0x3Fu);
      len = 3;
    } else if (c >= 0xC0 && i + 1 < key.size()) {
      cp = ((c & 0x1Fu) << 6) | (static_cast<uint8_t>(key[i + 1]) & 0x3Fu);
      len = 2;
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      add(0xD800u + (cp >> 10));
      add(0xDC00u + (cp & 0x3FFu));
    } else {
      add(cp);
    }
    i += len;
  }
  // Kafka's Utils.abs: MIN_VALUE maps to 0.
  const int32_t positive = h == INT32_MIN ? 0 : (h < 0 ? -h : h);
  return positive % num_partitions;
}

}  // namespace gregor::coordinator
