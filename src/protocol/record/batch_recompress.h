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
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "base/error_code.h"
#include "base/result.h"
#include "protocol/record/compression.h"

namespace gregor::record {

// The codec a topic's compression.type asks for; nullopt for "producer" (keep
// what the producer sent). Unknown names are nullopt too (validation keeps them out).
std::optional<Codec> topic_codec(std::string_view compression_type);

// Whether a batch whose attributes carry `batch_codec` must be rewritten for a
// topic whose compression.type is `target` (nullopt: never).
bool needs_recompression(int batch_codec_id, std::optional<Codec> target);

// The batch (one whole, validated v2 batch) with its records compressed by
// `target` at `level` (-1: the codec's default). Errors: a codec failure as
// Kafka's error code (CORRUPT_MESSAGE for undecodable input, MESSAGE_TOO_LARGE
// past max_decompressed_bytes).
Result<std::vector<uint8_t>, ErrorCode> recompress_batch(std::span<const uint8_t> batch,
                                                         Codec target, int level,
                                                         size_t max_decompressed_bytes);

}  // namespace gregor::record
