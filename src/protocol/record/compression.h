// Kafka's compression codecs for record batches, with the exact framings the
// Java client and librdkafka use on the wire:
//   gzip   - a gzip stream (RFC 1952); concatenated members are accepted
//   snappy - the xerial snappy-java stream (magic 0x82 "SNAPPY" 0, int32 version,
//            int32 compatible version, then [int32 length, raw snappy block]*);
//            a single raw snappy block (what librdkafka sends) is also accepted
//   lz4    - the LZ4 frame format (lz4frame), independent 64 KiB blocks
//   zstd   - a zstd frame
// The codec id is attributes & 7 in the batch header.
//
// `max_output` bounds the decompressed size so a small hostile batch cannot
// make the broker allocate gigabytes (decompression bomb). All functions are
// thread-safe; they keep no state between calls.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "base/error_code.h"
#include "base/result.h"

namespace gregor::record {

enum class Codec : int { kNone = 0, kGzip = 1, kSnappy = 2, kLz4 = 3, kZstd = 4 };

enum class CodecError {
  kUnknownCodec,    // id 5-7, or kNone passed where a real codec is needed
  kCorruptInput,    // the compressed bytes do not decode (or are truncated)
  kOutputTooLarge,  // decompressed size would exceed max_output
  kLibraryFailure,  // the codec library failed for a reason other than the input
};

// The codec for a batch's attributes & 7; false for ids 5-7.
bool codec_from_id(int id, Codec& out);
const char* codec_name(Codec codec);
const char* codec_error_name(CodecError error);
// The Kafka error a codec failure becomes at the protocol boundary.
ErrorCode codec_error_code(CodecError error);

// Decompresses `in`. kNone copies the input (still bounded by max_output).
Result<std::vector<uint8_t>, CodecError> decompress(Codec codec, std::span<const uint8_t> in,
                                                    size_t max_output);

// Same, into `out` (cleared first), reusing its capacity: the hot path keeps one
// scratch buffer per thread instead of allocating per batch.
Result<Ok, CodecError> decompress_into(Codec codec, std::span<const uint8_t> in, size_t max_output,
                                       std::vector<uint8_t>& out);

// Compresses `in`; `level` -1 means the codec's default (gzip 6, lz4 fast,
// zstd 3; snappy has no levels).
Result<std::vector<uint8_t>, CodecError> compress(Codec codec, std::span<const uint8_t> in,
                                                  int level = -1);

}  // namespace gregor::record
