// A segment's sparse time index (Kafka's TimeIndex): finds where to start
// looking for the first record with a timestamp >= T (ListOffsets by time).
//
// On-disk format of `<base offset>.timeindex`, written when the segment is
// sealed: a flat array of 12-byte big-endian entries
//     int64 timestamp         (the largest batch max-timestamp seen so far)
//     int32 relative offset   (last offset of the batch that first reached it)
// Appended alongside the offset index, only when the timestamp grew; the
// last entry, forced when the segment is sealed, holds the segment's largest
// timestamp. Timestamps strictly increase; offsets do not decrease.
//
// Thread contract: owned by its Segment, touched only on the owner shard.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace gregor::storage {

class TimeIndex {
 public:
  static constexpr size_t kEntrySize = 12;
  struct Entry {
    int64_t timestamp;
    int64_t offset;
  };

  TimeIndex(int64_t base_offset, size_t max_entries);

  bool full() const { return entries_.size() >= max_entries_; }
  size_t size() const { return entries_.size(); }
  // Appends unless `timestamp` is not larger than the last entry's.
  void maybe_append(int64_t timestamp, int64_t offset);
  // The entry with the largest timestamp <= target, or nullopt if none (then
  // the search starts at the segment's beginning).
  std::optional<Entry> lookup(int64_t target) const;
  std::optional<Entry> last() const;
  void clear() { entries_.clear(); }

  std::vector<uint8_t> serialize() const;
  static std::optional<TimeIndex> parse(std::span<const uint8_t> bytes, int64_t base_offset,
                                        size_t max_entries);

 private:
  struct Packed {
    int64_t timestamp;
    int32_t relative_offset;
  };
  int64_t base_offset_;
  size_t max_entries_;
  std::vector<Packed> entries_;
};

}  // namespace gregor::storage
