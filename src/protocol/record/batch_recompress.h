// Recompression of a produced batch to the topic's compression.type, as
// Kafka's LogValidator does when the topic names a codec other than
// "producer": the records are decompressed and compressed again with the
// topic's codec and level (or left uncompressed for "uncompressed"). Only the
// records blob, batchLength, the codec bits of the attributes and the CRC
// change; offsets, timestamps, producer fields and the records themselves are
// kept, so the result is the batch the producer would have sent with that codec.
//
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "base/error_code.h"
#include "base/result.h"
#include "protocol/record/compression.h"

namespace gregor::record {

// The batch (one whole, validated v2 batch) with its records compressed by
// `target` at `level` (-1: the codec's default). Errors: a codec failure as
// Kafka's error code (CORRUPT_MESSAGE for undecodable input, MESSAGE_TOO_LARGE
// past max_decompressed_bytes).
Result<std::vector<uint8_t>, ErrorCode> recompress_batch(std::span<const uint8_t> batch,
                                                         Codec target, int level,
                                                         size_t max_decompressed_bytes);

}  // namespace gregor::record
