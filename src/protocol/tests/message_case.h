// Test support for the generated messages: a MessageCase per request/response
// type (registered by generated code, see tools/protogen/fillgen.py) that can
// fill a message with non-default values for a version, encode it, and decode
// bytes back. Single-threaded test code.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "base/byte_reader.h"
#include "base/byte_writer.h"
#include "base/types.h"
#include "protocol/records.h"

namespace gregor::protocol::testing {

// Produces field values. Variant kValues gives every field a value different
// from its default; kNulls makes nullable fields null wherever the version
// allows it and uses one-element arrays.
class Filler {
 public:
  enum Variant { kValues, kNulls };
  explicit Filler(Variant v) : variant_(v) {}

  bool nulls() const { return variant_ == kNulls; }
  size_t count() const { return variant_ == kNulls ? 1 : 2; }

  template <typename T>
  T integer(T def) {
    T v = static_cast<T>(next_++ % 100 + 2);
    return v == def ? static_cast<T>(v + 1) : v;
  }
  bool boolean(bool def) { return !def; }
  double f64() { return static_cast<double>(next_++) + 0.25; }
  std::string str() { return "s" + std::to_string(next_++); }
  std::vector<uint8_t> bytes() {
    auto b = static_cast<uint8_t>(next_++);
    return {b, 0, 0xff};
  }
  Uuid uuid() {
    Uuid u;
    for (size_t i = 0; i < u.bytes.size(); ++i) u.bytes[i] = static_cast<uint8_t>(next_ + i);
    ++next_;
    return u;
  }
  Records records(bool null) {
    static const uint8_t kBytes[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    Records r;
    if (null) return r;
    r.is_null = false;
    r.data = std::span<const uint8_t>(kBytes, 1 + next_++ % sizeof(kBytes));
    return r;
  }

 private:
  Variant variant_;
  uint32_t next_ = 1;
};

struct MessageCase {
  std::string name;
  int16_t api_key = -1;  // -1 for headers
  int16_t min_version = 0;
  int16_t max_version = 0;
  // Fills a message for `version` and returns its encoding.
  std::function<std::vector<uint8_t>(int16_t version, Filler::Variant)> fill_encode;
  // Decodes `bytes` at `version`; true if it decoded and consumed every byte.
  // If `reencoded` is set, the decoded message is encoded into it.
  std::function<bool(std::span<const uint8_t> bytes, int16_t version,
                     std::vector<uint8_t>* reencoded)>
      decode;
};

template <typename M>
MessageCase make_case(std::string name, int16_t key, int16_t min_version, int16_t max_version,
                      void (*fill)(M&, int16_t, Filler&)) {
  MessageCase c;
  c.name = std::move(name);
  c.api_key = key;
  c.min_version = min_version;
  c.max_version = max_version;
  c.fill_encode = [fill](int16_t version, Filler::Variant variant) {
    M m;
    Filler f(variant);
    fill(m, version, f);
    ByteWriter w;
    m.encode(w, version);
    return w.flatten();
  };
  c.decode = [](std::span<const uint8_t> bytes, int16_t version, std::vector<uint8_t>* out) {
    ByteReader r(bytes);
    M m;
    m.decode(r, version);
    bool ok = r.ok() && r.remaining() == 0;
    if (out != nullptr) {
      ByteWriter w;
      m.encode(w, version);
      *out = w.flatten();
    }
    return ok;
  };
  return c;
}

// Every request, response and header type with a schema (generated).
std::vector<MessageCase> all_cases();

}  // namespace gregor::protocol::testing
