// The log cleaner's key -> latest offset map (Kafka's SkimpyOffsetMap): for
// every key seen in the dirty part of a log, the offset of its newest record.
//
// Keys are not stored: each is reduced to a 128-bit hash, so an entry costs 24
// bytes (16 of hash, 8 of offset) whatever the key size, as in Kafka. Two keys
// colliding on 128 bits would make the older one look superseded; the chance
// is negligible. Open addressing with linear probing; the table starts small
// and doubles up to the memory it was given (log.cleaner.dedupe.buffer.size
// divided among the cleaner threads), and is full once `load_factor` of its
// largest size is used: the cleaner then stops the dirty range there.
//
// Thread contract: owned by one cleaner thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace gregor::storage {

class CleanerOffsetMap {
 public:
  static constexpr size_t kBytesPerEntry = 24;

  explicit CleanerOffsetMap(size_t memory_bytes, double load_factor = 0.9);

  // Adds or updates `key`; false (nothing changed) when a new key does not fit.
  bool put(std::span<const uint8_t> key, int64_t offset);
  // The offset stored for `key`, or -1.
  int64_t get(std::span<const uint8_t> key) const;
  // Forgets every key (the memory is kept for the next log).
  void clear();

  size_t size() const { return size_; }
  // How many keys fit at most.
  size_t capacity() const { return max_entries_; }
  bool full() const { return size_ >= max_entries_; }
  // The largest offset the map accounts for (Kafka's latestOffset), -1 if none.
  int64_t latest_offset() const { return latest_offset_; }
  void set_latest_offset(int64_t offset) { latest_offset_ = offset; }
  double utilization() const {
    return max_entries_ == 0 ? 0 : static_cast<double>(size_) / static_cast<double>(max_entries_);
  }

 private:
  struct Entry {
    uint64_t h1 = 0;
    uint64_t h2 = 0;
    int64_t offset = -1;  // -1: empty slot
  };
  size_t find_slot(const std::vector<Entry>& table, uint64_t h1, uint64_t h2) const;
  void grow();

  size_t max_slots_;
  size_t max_entries_;
  double load_factor_;
  std::vector<Entry> table_;
  size_t size_ = 0;
  int64_t latest_offset_ = -1;
};

}  // namespace gregor::storage
