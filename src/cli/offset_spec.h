// Where `consume -o` starts, in rpk's syntax: start | end | N (exact offset) |
// +N (N after the log start) | -N (N before the end) | @TIMESTAMP (first
// record at or after a Unix time in ms, or @-DURATION: that long ago).
#pragma once

#include <cstdint>
#include <string>

namespace gregor::cli {

struct OffsetSpec {
  enum class Kind { kStart, kEnd, kExact, kAfterStart, kBeforeEnd, kTimestamp };
  Kind kind = Kind::kStart;
  int64_t value = 0;  // the offset, the count, or the timestamp in ms
};

// now_ms resolves "@-1h". Throws a usage error on bad input.
OffsetSpec parse_offset_spec(const std::string& text, int64_t now_ms);

}  // namespace gregor::cli
