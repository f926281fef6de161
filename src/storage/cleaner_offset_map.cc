#include "storage/cleaner_offset_map.h"

#include <algorithm>
#include <cstring>

#include "base/assert.h"

namespace gregor::storage {
namespace {

constexpr size_t kInitialSlots = 4096;

uint64_t mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

// Two independent 64-bit hashes of the key (together the 128-bit digest).
void hash_key(std::span<const uint8_t> key, uint64_t& h1, uint64_t& h2) {
  uint64_t a = 0x9e3779b97f4a7c15ULL ^ key.size();
  uint64_t b = 0x6a09e667f3bcc909ULL ^ (key.size() * 0x100000001b3ULL);
  size_t i = 0;
  for (; i + 8 <= key.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, key.data() + i, 8);
    a = mix(a ^ w) + 0x165667b19e3779f9ULL;
    b = mix(b + w * 0x87c37b91114253d5ULL) ^ 0x27d4eb2f165667c5ULL;
  }
  uint64_t tail = 0;
  if (i < key.size()) std::memcpy(&tail, key.data() + i, key.size() - i);
  a = mix(a ^ tail ^ 0xa5a5a5a5a5a5a5a5ULL);
  b = mix(b + tail * 0x4cf5ad432745937fULL);
  h1 = a;
  h2 = b | 1;  // never 0 together with h1 == 0: keeps the hash distinguishable
}

}  // namespace

CleanerOffsetMap::CleanerOffsetMap(size_t memory_bytes, double load_factor)
    : max_slots_(std::max<size_t>(memory_bytes / kBytesPerEntry, 1)),
      max_entries_(static_cast<size_t>(static_cast<double>(max_slots_) * load_factor)),
      load_factor_(load_factor) {}

size_t CleanerOffsetMap::find_slot(const std::vector<Entry>& table, uint64_t h1,
                                   uint64_t h2) const {
  const size_t n = table.size();
  size_t i = static_cast<size_t>(h1 % n);
  while (table[i].offset >= 0 && (table[i].h1 != h1 || table[i].h2 != h2)) i = (i + 1) % n;
  return i;
}

void CleanerOffsetMap::grow() {
  const size_t next = table_.empty() ? std::min(kInitialSlots, max_slots_)
                                     : std::min(table_.size() * 2, max_slots_);
  std::vector<Entry> bigger(next);
  for (const Entry& e : table_) {
    if (e.offset >= 0) bigger[find_slot(bigger, e.h1, e.h2)] = e;
  }
  table_ = std::move(bigger);
}

bool CleanerOffsetMap::put(std::span<const uint8_t> key, int64_t offset) {
  GREGOR_ASSERT(offset >= 0, "offsets are never negative");
  uint64_t h1, h2;
  hash_key(key, h1, h2);
  if (table_.empty()) grow();
  size_t slot = find_slot(table_, h1, h2);
  if (table_[slot].offset < 0) {
    if (full()) return false;
    const auto limit = static_cast<size_t>(static_cast<double>(table_.size()) * load_factor_);
    if (size_ + 1 > limit && table_.size() < max_slots_) {
      grow();
      slot = find_slot(table_, h1, h2);
    }
    ++size_;
  }
  table_[slot] = {h1, h2, offset};
  latest_offset_ = offset;
  return true;
}

int64_t CleanerOffsetMap::get(std::span<const uint8_t> key) const {
  if (table_.empty()) return -1;
  uint64_t h1, h2;
  hash_key(key, h1, h2);
  return table_[find_slot(table_, h1, h2)].offset;
}

void CleanerOffsetMap::clear() {
  std::fill(table_.begin(), table_.end(), Entry{});
  size_ = 0;
  latest_offset_ = -1;
}

}  // namespace gregor::storage
