// Helpers shared by the record codec tests.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/record/batch_builder.h"

namespace gregor::record::testing {

inline std::string str(std::span<const uint8_t> s) {
  return {s.begin(), s.end()};
}

// A batch of `n` records "key-i" / "value-i" with timestamps ts0 + i, one
// header on every other record.
inline BatchSpec simple_spec(int n, int64_t ts0, Codec codec = Codec::kNone) {
  BatchSpec spec;
  spec.codec = codec;
  for (int i = 0; i < n; ++i) {
    RecordSpec r;
    r.key = "key-" + std::to_string(i);
    r.value = "value-" + std::to_string(i) + std::string(static_cast<size_t>(i % 50), 'x');
    r.timestamp = ts0 + i;
    if (i % 2 == 0) r.headers.push_back({"h", "v" + std::to_string(i)});
    spec.records.push_back(std::move(r));
  }
  return spec;
}

}  // namespace gregor::record::testing
