#include "protocol/record/batch_recompress.h"

#include "protocol/record/batch_header.h"
#include "protocol/record/crc32c.h"

namespace gregor::record {

Result<std::vector<uint8_t>, ErrorCode> recompress_batch(std::span<const uint8_t> batch,
                                                         Codec target, int level,
                                                         size_t max_decompressed_bytes) {
  BatchHeaderView h(batch.data());
  Codec source;
  if (!codec_from_id(h.compression(), source)) return Err{ErrorCode::kUnsupportedCompressionType};
  auto payload = batch.subspan(kHeaderSize);
  std::vector<uint8_t> plain;
  if (source == Codec::kNone) {
    plain.assign(payload.begin(), payload.end());
  } else {
    auto d = decompress(source, payload, max_decompressed_bytes);
    if (!d) return Err{codec_error_code(d.error())};
    plain = std::move(d).value();
  }
  std::vector<uint8_t> records;
  if (target == Codec::kNone) {
    records = std::move(plain);
  } else {
    auto c = compress(target, plain, level);
    if (!c) return Err{codec_error_code(c.error())};
    records = std::move(c).value();
  }
  std::vector<uint8_t> out(kHeaderSize + records.size());
  std::copy(batch.begin(), batch.begin() + kHeaderSize, out.begin());
  std::copy(records.begin(), records.end(), out.begin() + kHeaderSize);
  uint8_t* b = out.data();
  store_be(b + kLengthPos, out.size() - kLogOverhead, 4);
  const auto attributes =
      static_cast<uint16_t>((h.attributes() & ~kCompressionMask) | static_cast<int16_t>(target));
  store_be(b + kAttributesPos, attributes, 2);
  store_be(b + kCrcPos, crc32c(b + kAttributesPos, out.size() - kAttributesPos), 4);
  return out;
}

}  // namespace gregor::record
