// Request and response headers. The header version is a pure function of
// (api_key, api_version): flexible API versions use request header v2 and
// response header v1, with two exceptions: ControlledShutdown v0 uses request
// header v0, and ApiVersions responses always use response header v0 so that
// any client can read the correlation id and error code.
//
// Stateless functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/byte_reader.h"
#include "base/byte_writer.h"

namespace gregor::protocol {

struct RequestHeader {
  int16_t api_key = 0;
  int16_t api_version = 0;
  int32_t correlation_id = 0;
  // Absent in header v0; null when the client sent a null string.
  std::optional<std::string> client_id;
};

// Whether `api_version` of `api_key` uses the flexible encodings. Keys without
// a schema here (broker-internal ones) use Kafka's published first flexible
// versions; keys unknown even to Kafka are treated as never flexible.
bool is_flexible_version(int16_t api_key, int16_t api_version);

// 0 for ControlledShutdown v0, 2 for flexible versions, otherwise 1.
int16_t request_header_version(int16_t api_key, int16_t api_version);

// 0 for every ApiVersions response, 1 for other flexible versions, otherwise 0.
int16_t response_header_version(int16_t api_key, int16_t api_version);

// Reads api key and version, derives the header version, then reads the
// correlation id, the client id (always an int16-length nullable string) and,
// in header v2, the tagged fields. Returns false only if the input is
// truncated or malformed; an unknown api key still yields a filled header, and
// the caller decides what to do with it. `r` is left at the start of the body.
bool decode_request_header(gregor::ByteReader& r, RequestHeader& out);

void encode_response_header(gregor::ByteWriter& w, int16_t api_key, int16_t api_version,
                            int32_t correlation_id);

// For clients and tests: writes `h` with the header version its key/version use.
void encode_request_header(gregor::ByteWriter& w, const RequestHeader& h);

}  // namespace gregor::protocol
