// What the storage engine needs to know about one stored batch, read from its
// v2 header (protocol/record/batch_header.h).
#pragma once

#include <cstdint>

#include "protocol/record/batch_header.h"

namespace gregor::storage {

struct BatchMeta {
  int64_t position = 0;  // file position of the batch within its segment
  int64_t size = 0;      // whole batch, batchLength + 12
  int64_t base_offset = 0;
  int64_t last_offset = 0;
  int64_t max_timestamp = 0;

  int64_t end_position() const { return position + size; }

  // `header` must hold at least record::kHeaderSize bytes.
  static BatchMeta from_header(const uint8_t* header, int64_t position) {
    record::BatchHeaderView h(header);
    return {position, h.total_size(), h.base_offset(), h.last_offset(), h.max_timestamp()};
  }
};

}  // namespace gregor::storage
