#include "storage/time_index.h"

#include <algorithm>
#include <limits>

#include "base/assert.h"
#include "protocol/record/batch_header.h"

namespace gregor::storage {

using record::load_be;
using record::store_be;

TimeIndex::TimeIndex(int64_t base_offset, size_t max_entries)
    : base_offset_(base_offset), max_entries_(std::max<size_t>(max_entries, 1)) {}

void TimeIndex::maybe_append(int64_t timestamp, int64_t offset) {
  if (!entries_.empty() && timestamp <= entries_.back().timestamp) return;
  const int64_t rel = offset - base_offset_;
  GREGOR_ASSERT(rel >= 0 && rel <= std::numeric_limits<int32_t>::max(),
                "offset outside the segment");
  GREGOR_ASSERT(entries_.empty() || rel >= entries_.back().relative_offset,
                "time index offsets went back");
  // The final entry of a sealed segment may exceed the cap by one; the offset
  // index, not this one, decides when a segment rolls.
  entries_.push_back({timestamp, static_cast<int32_t>(rel)});
}

std::optional<TimeIndex::Entry> TimeIndex::lookup(int64_t target) const {
  auto it = std::upper_bound(entries_.begin(), entries_.end(), target,
                             [](int64_t t, const Packed& e) { return t < e.timestamp; });
  if (it == entries_.begin()) return std::nullopt;
  --it;
  return Entry{it->timestamp, base_offset_ + it->relative_offset};
}

std::optional<TimeIndex::Entry> TimeIndex::last() const {
  if (entries_.empty()) return std::nullopt;
  return Entry{entries_.back().timestamp, base_offset_ + entries_.back().relative_offset};
}

std::vector<uint8_t> TimeIndex::serialize() const {
  std::vector<uint8_t> out(entries_.size() * kEntrySize);
  uint8_t* p = out.data();
  for (const Packed& e : entries_) {
    store_be(p, static_cast<uint64_t>(e.timestamp), 8);
    store_be(p + 8, static_cast<uint32_t>(e.relative_offset), 4);
    p += kEntrySize;
  }
  return out;
}

std::optional<TimeIndex> TimeIndex::parse(std::span<const uint8_t> bytes, int64_t base_offset,
                                          size_t max_entries) {
  if (bytes.size() % kEntrySize != 0) return std::nullopt;
  const size_t n = bytes.size() / kEntrySize;
  TimeIndex index(base_offset, std::max(max_entries, n));
  index.entries_.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const uint8_t* p = bytes.data() + i * kEntrySize;
    auto ts = static_cast<int64_t>(load_be(p, 8));
    auto rel = static_cast<int32_t>(load_be(p + 8, 4));
    if (rel < 0) return std::nullopt;
    if (!index.entries_.empty() &&
        (ts <= index.entries_.back().timestamp || rel < index.entries_.back().relative_offset)) {
      return std::nullopt;
    }
    index.entries_.push_back({ts, rel});
  }
  return index;
}

}  // namespace gregor::storage
