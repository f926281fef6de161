// libFuzzer target: the input is a request frame without its size prefix. The
// header is decoded, then, for a known api key and a version in its range, the
// body as that API's request (what the broker does) and as its response (what
// the CLI does). Anything that decodes must survive encode -> decode -> encode
// with identical bytes.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/byte_reader.h"
#include "base/byte_writer.h"
#include "protocol/header.h"
#include "protocol/messages/all_messages.h"

namespace {

using gregor::ByteReader;
using gregor::ByteWriter;

template <typename M>
void check(ByteReader body, int16_t version) {
  M m;
  m.decode(body, version);
  if (!body.ok()) return;
  ByteWriter w1;
  m.encode(w1, version);
  std::vector<uint8_t> first = w1.flatten();
  ByteReader again(first.data(), first.size());
  M m2;
  m2.decode(again, version);
  if (!again.ok() || again.remaining() != 0) __builtin_trap();
  ByteWriter w2;
  m2.encode(w2, version);
  if (w2.flatten() != first) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteReader r(data, size);
  gregor::protocol::RequestHeader h;
  if (!gregor::protocol::decode_request_header(r, h)) return 0;
  gregor::protocol::visit_api(h.api_key, [&]<typename Api>() {
    if (h.api_version < Api::min_version || h.api_version > Api::max_version) return;
    check<typename Api::Request>(r, h.api_version);
    check<typename Api::Response>(r, h.api_version);
  });
  return 0;
}
