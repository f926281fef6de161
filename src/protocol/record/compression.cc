#include "protocol/record/compression.h"

#include <lz4frame.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <memory>

namespace gregor::record {
namespace {

// The xerial snappy-java stream header: magic, then int32 version and int32
// minimum compatible version (both 1 in every writer in the field).
constexpr uint8_t kXerialMagic[8] = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
constexpr size_t kXerialHeaderSize = 16;
// snappy-java's default block size, which the Java producer uses.
constexpr size_t kXerialBlockSize = size_t{32} * 1024;

// Output buffer that grows geometrically up to max_output + 1 bytes: reaching
// that size proves the input decompresses to more than max_output. A reused
// buffer starts from its previous size rather than the hint, because growing a
// vector zero-fills the new part: batches of steady size then cost no memset.
class Sink {
 public:
  Sink(std::vector<uint8_t>& v, size_t max_output, size_t hint)
      : v_(v), cap_(max_output == SIZE_MAX ? max_output : max_output + 1) {
    size_t start = v_.capacity() > 0 ? v_.size() : hint;
    v_.resize(std::min(cap_, std::max(start, size_t{64})));
  }
  uint8_t* cursor() { return v_.data() + produced_; }
  size_t free() const { return v_.size() - produced_; }
  size_t produced() const { return produced_; }
  bool over_limit() const { return produced_ >= cap_ && cap_ != SIZE_MAX; }
  void advance(size_t n) { produced_ += n; }
  // Makes room for at least one more byte; false when the limit is reached.
  bool grow() {
    if (free() > 0) return true;
    if (v_.size() >= cap_) return false;
    size_t next = v_.size() > cap_ / 2 ? cap_ : v_.size() * 2;
    v_.resize(std::max(next, v_.size() + 1));
    return true;
  }
  // Makes room for exactly n more bytes; false if that passes the limit.
  bool reserve(size_t n) {
    if (produced_ > cap_ - 1 || n > cap_ - 1 - produced_) return false;
    if (free() < n) v_.resize(std::max(produced_ + n, std::min(cap_ - 1, v_.size() * 2)));
    return true;
  }
  void finish() { v_.resize(produced_); }

 private:
  std::vector<uint8_t>& v_;
  size_t cap_;
  size_t produced_ = 0;
};

uint32_t load_be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
void store_be32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

// ---- gzip ----

Result<Ok, CodecError> gunzip(std::span<const uint8_t> in, Sink& sink) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return Err{CodecError::kLibraryFailure};
  std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&zs, inflateEnd);
  const uint8_t* p = in.data();
  size_t left = in.size();
  if (left == 0) return Err{CodecError::kCorruptInput};
  for (;;) {
    if (!sink.grow()) return Err{CodecError::kOutputTooLarge};
    zs.next_in = const_cast<Bytef*>(p);
    zs.avail_in = static_cast<uInt>(std::min<size_t>(left, UINT_MAX));
    zs.next_out = sink.cursor();
    zs.avail_out = static_cast<uInt>(std::min<size_t>(sink.free(), UINT_MAX));
    uInt in_before = zs.avail_in, out_before = zs.avail_out;
    int ret = inflate(&zs, Z_NO_FLUSH);
    p += in_before - zs.avail_in;
    left -= in_before - zs.avail_in;
    sink.advance(out_before - zs.avail_out);
    if (sink.over_limit()) return Err{CodecError::kOutputTooLarge};
    if (ret == Z_STREAM_END) {
      if (left == 0) return Ok{};
      // Another gzip member follows (Java's GZIPInputStream reads them too).
      if (inflateReset(&zs) != Z_OK) return Err{CodecError::kLibraryFailure};
      continue;
    }
    if (ret == Z_MEM_ERROR) return Err{CodecError::kLibraryFailure};
    if (ret != Z_OK && ret != Z_BUF_ERROR) return Err{CodecError::kCorruptInput};
    // Output space left over while input ran out means the stream is cut short.
    if (zs.avail_out != 0 && left == 0) return Err{CodecError::kCorruptInput};
    if (zs.avail_out != 0 && in_before == zs.avail_in) return Err{CodecError::kCorruptInput};
  }
}

Result<std::vector<uint8_t>, CodecError> gzip(std::span<const uint8_t> in, int level) {
  z_stream zs{};
  if (level < 0) level = Z_DEFAULT_COMPRESSION;
  if (deflateInit2(&zs, std::min(level, 9), Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK)
    return Err{CodecError::kLibraryFailure};
  std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&zs, deflateEnd);
  std::vector<uint8_t> out(deflateBound(&zs, in.size()));
  zs.next_in = const_cast<Bytef*>(in.data());
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = out.data();
  zs.avail_out = static_cast<uInt>(out.size());
  if (in.size() > UINT_MAX || deflate(&zs, Z_FINISH) != Z_STREAM_END)
    return Err{CodecError::kLibraryFailure};
  out.resize(zs.total_out);
  return out;
}

// ---- snappy ----

Result<Ok, CodecError> unsnappy_block(const uint8_t* p, size_t n, Sink& sink) {
  size_t len = 0;
  if (!snappy::GetUncompressedLength(reinterpret_cast<const char*>(p), n, &len))
    return Err{CodecError::kCorruptInput};
  if (!sink.reserve(len)) return Err{CodecError::kOutputTooLarge};
  if (!snappy::RawUncompress(reinterpret_cast<const char*>(p), n,
                             reinterpret_cast<char*>(sink.cursor())))
    return Err{CodecError::kCorruptInput};
  sink.advance(len);
  return Ok{};
}

Result<Ok, CodecError> unsnappy(std::span<const uint8_t> in, Sink& sink) {
  bool xerial = in.size() >= sizeof kXerialMagic &&
                std::memcmp(in.data(), kXerialMagic, sizeof kXerialMagic) == 0;
  if (!xerial) return unsnappy_block(in.data(), in.size(), sink);
  if (in.size() < kXerialHeaderSize) return Err{CodecError::kCorruptInput};
  const uint8_t* p = in.data() + kXerialHeaderSize;
  const uint8_t* end = in.data() + in.size();
  while (p != end) {
    if (end - p < 4) return Err{CodecError::kCorruptInput};
    uint32_t n = load_be32(p);
    p += 4;
    if (n > static_cast<size_t>(end - p)) return Err{CodecError::kCorruptInput};
    auto r = unsnappy_block(p, n, sink);
    if (!r) return r;
    p += n;
  }
  return Ok{};
}

std::vector<uint8_t> snappy_xerial(std::span<const uint8_t> in) {
  size_t blocks = (in.size() + kXerialBlockSize - 1) / kXerialBlockSize;
  std::vector<uint8_t> out(kXerialHeaderSize +
                           blocks * (4 + snappy::MaxCompressedLength(kXerialBlockSize)));
  std::memcpy(out.data(), kXerialMagic, sizeof kXerialMagic);
  store_be32(out.data() + 8, 1);
  store_be32(out.data() + 12, 1);
  size_t pos = kXerialHeaderSize;
  for (size_t off = 0; off < in.size(); off += kXerialBlockSize) {
    size_t n = std::min(kXerialBlockSize, in.size() - off);
    size_t written = 0;
    snappy::RawCompress(reinterpret_cast<const char*>(in.data() + off), n,
                        reinterpret_cast<char*>(out.data() + pos + 4), &written);
    store_be32(out.data() + pos, static_cast<uint32_t>(written));
    pos += 4 + written;
  }
  out.resize(pos);
  return out;
}

// ---- lz4 ----

struct Lz4Ctx {
  LZ4F_dctx* ctx = nullptr;
  Lz4Ctx() { LZ4F_createDecompressionContext(&ctx, LZ4F_VERSION); }
  ~Lz4Ctx() { LZ4F_freeDecompressionContext(ctx); }
};

Result<Ok, CodecError> unlz4(std::span<const uint8_t> in, Sink& sink) {
  // One context per thread; it is reset before each use, so a frame that
  // failed half-way cannot leak state into the next batch.
  thread_local Lz4Ctx dctx;
  if (dctx.ctx == nullptr) return Err{CodecError::kLibraryFailure};
  LZ4F_resetDecompressionContext(dctx.ctx);
  const uint8_t* p = in.data();
  size_t left = in.size();
  if (left == 0) return Err{CodecError::kCorruptInput};
  for (;;) {
    if (!sink.grow()) return Err{CodecError::kOutputTooLarge};
    size_t src = left, dst = sink.free();
    size_t hint = LZ4F_decompress(dctx.ctx, sink.cursor(), &dst, p, &src, nullptr);
    if (LZ4F_isError(hint)) return Err{CodecError::kCorruptInput};
    p += src;
    left -= src;
    sink.advance(dst);
    if (sink.over_limit()) return Err{CodecError::kOutputTooLarge};
    if (hint == 0 && left == 0) return Ok{};  // frame(s) complete, input used up
    bool out_full = sink.free() == 0;
    if (!out_full && left == 0) return Err{CodecError::kCorruptInput};  // truncated frame
    if (!out_full && src == 0 && dst == 0) return Err{CodecError::kCorruptInput};
  }
}

Result<std::vector<uint8_t>, CodecError> lz4(std::span<const uint8_t> in, int level) {
  // Independent 64 KiB blocks and no content size: the frame shape the Java
  // client writes, which every Kafka consumer can read.
  LZ4F_preferences_t prefs{};
  prefs.frameInfo.blockSizeID = LZ4F_max64KB;
  prefs.frameInfo.blockMode = LZ4F_blockIndependent;
  prefs.compressionLevel = level < 0 ? 0 : level;
  std::vector<uint8_t> out(LZ4F_compressFrameBound(in.size(), &prefs));
  size_t n = LZ4F_compressFrame(out.data(), out.size(), in.data(), in.size(), &prefs);
  if (LZ4F_isError(n)) return Err{CodecError::kLibraryFailure};
  out.resize(n);
  return out;
}

// ---- zstd ----

struct ZstdCtx {
  ZSTD_DCtx* ctx = ZSTD_createDCtx();
  ~ZstdCtx() { ZSTD_freeDCtx(ctx); }
};

CodecError zstd_error(size_t ret) {
  return ZSTD_getErrorCode(ret) == ZSTD_error_memory_allocation ? CodecError::kLibraryFailure
                                                                : CodecError::kCorruptInput;
}

Result<Ok, CodecError> unzstd(std::span<const uint8_t> in, Sink& sink) {
  thread_local ZstdCtx dctx;
  if (dctx.ctx == nullptr) return Err{CodecError::kLibraryFailure};
  ZSTD_DCtx_reset(dctx.ctx, ZSTD_reset_session_only);
  if (in.empty()) return Err{CodecError::kCorruptInput};
  // A single frame written in one shot declares its size: decode straight into
  // place. Anything else (streamed frames, several frames) is decoded in steps.
  unsigned long long known = ZSTD_getFrameContentSize(in.data(), in.size());
  if (known == ZSTD_CONTENTSIZE_ERROR) return Err{CodecError::kCorruptInput};
  if (known != ZSTD_CONTENTSIZE_UNKNOWN &&
      ZSTD_findFrameCompressedSize(in.data(), in.size()) == in.size()) {
    if (known > SIZE_MAX || !sink.reserve(static_cast<size_t>(known)))
      return Err{CodecError::kOutputTooLarge};
    size_t n = ZSTD_decompressDCtx(dctx.ctx, sink.cursor(), static_cast<size_t>(known), in.data(),
                                   in.size());
    if (ZSTD_isError(n)) return Err{zstd_error(n)};
    sink.advance(n);
    return Ok{};
  }
  ZSTD_inBuffer src{in.data(), in.size(), 0};
  for (;;) {
    if (!sink.grow()) return Err{CodecError::kOutputTooLarge};
    ZSTD_outBuffer dst{sink.cursor(), sink.free(), 0};
    size_t in_before = src.pos;
    size_t ret = ZSTD_decompressStream(dctx.ctx, &dst, &src);
    if (ZSTD_isError(ret)) return Err{zstd_error(ret)};
    sink.advance(dst.pos);
    if (sink.over_limit()) return Err{CodecError::kOutputTooLarge};
    bool input_done = src.pos == src.size;
    if (ret == 0 && input_done) return Ok{};
    bool out_full = dst.pos == dst.size;
    if (!out_full && input_done) return Err{CodecError::kCorruptInput};  // truncated
    if (!out_full && dst.pos == 0 && src.pos == in_before) return Err{CodecError::kCorruptInput};
  }
}

Result<std::vector<uint8_t>, CodecError> zstd(std::span<const uint8_t> in, int level) {
  std::vector<uint8_t> out(ZSTD_compressBound(in.size()));
  size_t n = ZSTD_compress(out.data(), out.size(), in.data(), in.size(),
                           level < 0 ? ZSTD_CLEVEL_DEFAULT : level);
  if (ZSTD_isError(n)) return Err{CodecError::kLibraryFailure};
  out.resize(n);
  return out;
}

size_t size_hint(Codec codec, std::span<const uint8_t> in) {
  // Snappy blocks state their exact size; reserve() sizes the buffer for them.
  if (codec == Codec::kSnappy) return 0;
  if (codec == Codec::kGzip && in.size() >= 18) {
    // ISIZE, the last four bytes of a gzip member: the size modulo 2^32, little-endian.
    const uint8_t* t = in.data() + in.size() - 4;
    size_t isize =
        uint32_t{t[0]} | (uint32_t{t[1]} << 8) | (uint32_t{t[2]} << 16) | (uint32_t{t[3]} << 24);
    // Deflate cannot exceed a 1032:1 ratio, so a larger claim is not trusted.
    return std::min(isize, in.size() * 1032);
  }
  return in.size() * 4 + 4096;
}

}  // namespace

bool codec_from_id(int id, Codec& out) {
  if (id < 0 || id > 4) return false;
  out = static_cast<Codec>(id);
  return true;
}

const char* codec_name(Codec codec) {
  switch (codec) {
    case Codec::kNone:
      return "none";
    case Codec::kGzip:
      return "gzip";
    case Codec::kSnappy:
      return "snappy";
    case Codec::kLz4:
      return "lz4";
    case Codec::kZstd:
      return "zstd";
  }
  return "unknown";
}

ErrorCode codec_error_code(CodecError e) {
  switch (e) {
    case CodecError::kOutputTooLarge:
      return ErrorCode::kMessageTooLarge;
    case CodecError::kUnknownCodec:
      return ErrorCode::kUnsupportedCompressionType;
    case CodecError::kCorruptInput:
      return ErrorCode::kCorruptMessage;
    case CodecError::kLibraryFailure:
      return ErrorCode::kUnknownServerError;
  }
  return ErrorCode::kUnknownServerError;
}

const char* codec_error_name(CodecError error) {
  switch (error) {
    case CodecError::kUnknownCodec:
      return "unknown codec";
    case CodecError::kCorruptInput:
      return "corrupt compressed data";
    case CodecError::kOutputTooLarge:
      return "decompressed size over the limit";
    case CodecError::kLibraryFailure:
      return "compression library failure";
  }
  return "unknown codec error";
}

Result<Ok, CodecError> decompress_into(Codec codec, std::span<const uint8_t> in, size_t max_output,
                                       std::vector<uint8_t>& out) {
  if (codec == Codec::kNone) {
    if (in.size() > max_output) return Err{CodecError::kOutputTooLarge};
    out.assign(in.begin(), in.end());
    return Ok{};
  }
  Sink sink(out, max_output, size_hint(codec, in));
  Result<Ok, CodecError> r = Err{CodecError::kUnknownCodec};
  switch (codec) {
    case Codec::kGzip:
      r = gunzip(in, sink);
      break;
    case Codec::kSnappy:
      r = unsnappy(in, sink);
      break;
    case Codec::kLz4:
      r = unlz4(in, sink);
      break;
    case Codec::kZstd:
      r = unzstd(in, sink);
      break;
    case Codec::kNone:
      break;
  }
  sink.finish();
  if (!r) out.clear();
  return r;
}

Result<std::vector<uint8_t>, CodecError> decompress(Codec codec, std::span<const uint8_t> in,
                                                    size_t max_output) {
  std::vector<uint8_t> out;
  auto r = decompress_into(codec, in, max_output, out);
  if (!r) return Err{r.error()};
  return out;
}

Result<std::vector<uint8_t>, CodecError> compress(Codec codec, std::span<const uint8_t> in,
                                                  int level) {
  switch (codec) {
    case Codec::kNone:
      return std::vector<uint8_t>(in.begin(), in.end());
    case Codec::kGzip:
      return gzip(in, level);
    case Codec::kSnappy:
      return snappy_xerial(in);
    case Codec::kLz4:
      return lz4(in, level);
    case Codec::kZstd:
      return zstd(in, level);
  }
  return Err{CodecError::kUnknownCodec};
}

}  // namespace gregor::record
