#include "storage/offset_index.h"

#include <algorithm>
#include <limits>

#include "base/assert.h"
#include "protocol/record/batch_header.h"

namespace gregor::storage {

using record::load_be;
using record::store_be;

OffsetIndex::OffsetIndex(int64_t base_offset, size_t max_entries)
    : base_offset_(base_offset), max_entries_(std::max<size_t>(max_entries, 1)) {}

void OffsetIndex::append(int64_t offset, int64_t position) {
  const int64_t rel = offset - base_offset_;
  GREGOR_ASSERT(rel >= 0 && rel <= std::numeric_limits<int32_t>::max(),
                "offset outside the segment");
  GREGOR_ASSERT(position >= 0 && position <= std::numeric_limits<int32_t>::max(),
                "position too large");
  GREGOR_ASSERT(!full(), "append to a full offset index");
  if (!entries_.empty()) {
    GREGOR_ASSERT(rel > entries_.back().relative_offset && position > entries_.back().position,
                  "offset index entries must increase");
  }
  entries_.push_back({static_cast<int32_t>(rel), static_cast<int32_t>(position)});
}

OffsetIndex::Entry OffsetIndex::lookup(int64_t target) const {
  const int64_t rel = target - base_offset_;
  auto it = std::upper_bound(entries_.begin(), entries_.end(), rel,
                             [](int64_t r, const Packed& e) { return r < e.relative_offset; });
  if (it == entries_.begin()) return {base_offset_, 0};
  --it;
  return {base_offset_ + it->relative_offset, it->position};
}

std::optional<OffsetIndex::Entry> OffsetIndex::last() const {
  if (entries_.empty()) return std::nullopt;
  return Entry{base_offset_ + entries_.back().relative_offset, entries_.back().position};
}

std::vector<uint8_t> OffsetIndex::serialize() const {
  std::vector<uint8_t> out(entries_.size() * kEntrySize);
  uint8_t* p = out.data();
  for (const Packed& e : entries_) {
    store_be(p, static_cast<uint32_t>(e.relative_offset), 4);
    store_be(p + 4, static_cast<uint32_t>(e.position), 4);
    p += kEntrySize;
  }
  return out;
}

std::optional<OffsetIndex> OffsetIndex::parse(std::span<const uint8_t> bytes, int64_t base_offset,
                                              size_t max_entries, int64_t segment_size) {
  if (bytes.size() % kEntrySize != 0) return std::nullopt;
  const size_t n = bytes.size() / kEntrySize;
  OffsetIndex index(base_offset, std::max(max_entries, n));
  index.entries_.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const uint8_t* p = bytes.data() + i * kEntrySize;
    auto rel = static_cast<int32_t>(load_be(p, 4));
    auto pos = static_cast<int32_t>(load_be(p + 4, 4));
    if (rel < 0 || pos < 0 || pos >= segment_size) return std::nullopt;
    if (!index.entries_.empty() &&
        (rel <= index.entries_.back().relative_offset || pos <= index.entries_.back().position)) {
      return std::nullopt;
    }
    index.entries_.push_back({rel, pos});
  }
  return index;
}

}  // namespace gregor::storage
