// The Kafka `records` field type used by generated message code.
//
// Decoding: `data` views the record batches inside the request frame (valid while
// the frame buffer lives); `is_null` when the wire carried a null.
// Encoding: if `chunks` is non-empty the field is written as the sum of the
// chunk sizes followed by the chunks themselves, borrowed without copying (file
// slices go out with sendfile); otherwise `data` is copied.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "base/byte_writer.h"

namespace gregor::protocol {

struct Records {
  bool is_null = true;
  std::span<const uint8_t> data;
  std::vector<ExternalChunk> chunks;

  size_t size() const {
    if (chunks.empty()) return data.size();
    size_t n = 0;
    for (const auto& c : chunks) n += c.size;
    return n;
  }
};

}  // namespace gregor::protocol
