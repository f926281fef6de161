// A segment's sparse offset index (Kafka's OffsetIndex): maps offsets to file
// positions so a read does not scan the segment from its start.
//
// On-disk format of `<base offset>.index`, written when the segment is sealed
// (rolled or closed): a flat array of 8-byte big-endian entries
//     int32 relative offset   (offset - segment base offset)
//     int32 file position     (where a batch starts in the .log)
// One entry per index.interval.bytes of log data. As in Kafka, an entry's
// offset is the LAST offset of the batch that starts at its position, so the
// batch holding offset X starts at or after the entry found by lookup(X).
// Offsets and positions strictly increase.
//
// Thread contract: owned by its Segment, touched only on the owner shard.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace gregor::storage {

class OffsetIndex {
 public:
  static constexpr size_t kEntrySize = 8;
  struct Entry {
    int64_t offset;
    int64_t position;
  };

  OffsetIndex(int64_t base_offset, size_t max_entries);

  bool full() const { return entries_.size() >= max_entries_; }
  size_t size() const { return entries_.size(); }
  void append(int64_t offset, int64_t position);
  // The entry with the largest offset <= target, or {base offset, 0} if none.
  Entry lookup(int64_t target) const;
  std::optional<Entry> last() const;
  void clear() { entries_.clear(); }

  std::vector<uint8_t> serialize() const;
  // Parses an index file; nullopt if it is not a sane index for a segment of
  // `segment_size` bytes (then the segment is rescanned and the index rebuilt).
  static std::optional<OffsetIndex> parse(std::span<const uint8_t> bytes, int64_t base_offset,
                                          size_t max_entries, int64_t segment_size);

 private:
  struct Packed {
    int32_t relative_offset;
    int32_t position;
  };
  int64_t base_offset_;
  size_t max_entries_;
  std::vector<Packed> entries_;
};

}  // namespace gregor::storage
