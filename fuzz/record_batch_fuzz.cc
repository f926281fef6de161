// Feeds arbitrary bytes to the record-batch decoders: the produce-path
// validator (on a copy, since it may rewrite the batch), the record iterator,
// and the raw decompressors. Any crash, sanitizer report or broken invariant
// below is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "protocol/record/batch_validator.h"
#include "protocol/record/compression.h"
#include "protocol/record/crc32c.h"
#include "protocol/record/record.h"

using namespace gregor;
using namespace gregor::record;

namespace {

constexpr size_t kMaxOut = size_t{1} << 20;

void check(bool ok) {
  if (!ok) std::abort();
}

// The fuzzer rarely guesses a CRC; re-sign a copy so the record walk behind
// the CRC check is reached too.
std::vector<uint8_t> resigned(const uint8_t* data, size_t size) {
  std::vector<uint8_t> b(data, data + size);
  if (b.size() >= kHeaderSize) {
    store_be(b.data() + kCrcPos, crc32c(b.data() + kAttributesPos, b.size() - kAttributesPos), 4);
    patch_base_offset(b.data(), 0);
  }
  return b;
}

void fuzz_validator(const uint8_t* data, size_t size) {
  ValidationOptions o;
  o.now_ms = 1'700'000'000'000;
  o.max_timestamp_diff_ms = size % 2 ? 3'600'000 : INT64_MAX;
  o.log_append_time = size % 3 == 0;
  o.require_keys = size % 5 == 0;
  o.max_decompressed_bytes = kMaxOut;
  for (auto copy : {std::vector<uint8_t>(data, data + size), resigned(data, size)}) {
    auto r = validate_produce_batch(copy, o);
    if (!r.ok()) continue;
    // An accepted batch is whole, signed and readable.
    check(r->size_bytes == copy.size());
    BatchHeaderView h(copy.data());
    check(crc32c(copy.data() + kAttributesPos, copy.size() - kAttributesPos) == h.crc());
    auto br = BatchRecords::open(copy, {.max_decompressed_bytes = kMaxOut, .verify_crc = true});
    check(br.ok());
    auto all = br->read_all();
    check(all.ok() && all->size() == static_cast<size_t>(r->records_count));
  }
}

void fuzz_iterator(const uint8_t* data, size_t size) {
  auto br = BatchRecords::open({data, size}, {.max_decompressed_bytes = kMaxOut});
  if (!br.ok()) return;
  RecordView v;
  for (int i = 0; i <= br->records_count(); ++i) {
    auto more = br->next(v);
    if (!more.ok() || !*more) break;
  }
}

void fuzz_codecs(const uint8_t* data, size_t size) {
  if (size == 0) return;
  Codec codec;
  if (!codec_from_id(data[0] % 5, codec)) return;
  auto out = decompress(codec, {data + 1, size - 1}, kMaxOut);
  if (out.ok()) check(out->size() <= kMaxOut);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz_validator(data, size);
  fuzz_iterator(data, size);
  fuzz_codecs(data, size);
  return 0;
}
