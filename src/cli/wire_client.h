// WireClient: a small blocking Kafka client for the requests librdkafka 2.0
// has no admin call for (ListTransactions, DescribeTransactions,
// DescribeProducers, FindCoordinator). One plaintext TCP connection to one
// broker; each call() writes one size-prefixed request (header v1, or v2 for
// flexible versions, client id "gregor-cli") and reads its response, whose
// header (v0, or v1 with tagged fields) must carry the request's correlation
// id. Bodies are the generated protocol messages.
//
// Before the first request of an API the broker's ApiVersions answer (asked
// once per connection) must list the version wanted; otherwise the call
// throws a CommandError with exit code 4. Connection failures and timeouts
// are exit code 3. Not thread-safe: one connection, one request at a time.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/byte_reader.h"
#include "base/byte_writer.h"
#include "cli/command_error.h"

namespace gregor::cli {

inline constexpr std::string_view kWireClientId = "gregor-cli";

// A whole request frame: int32 size, request header, body.
std::vector<uint8_t> encode_request_frame(int16_t api_key, int16_t api_version,
                                          int32_t correlation_id, std::span<const uint8_t> body);

// The body of a response frame (the bytes after the int32 size): checks the
// correlation id and skips the header's tagged fields when the response header
// is v1. Throws a CommandError (exit code 1) naming `broker` if the header is
// malformed or answers another request.
std::span<const uint8_t> response_body(std::span<const uint8_t> frame, int16_t api_key,
                                       int16_t api_version, int32_t correlation_id,
                                       const std::string& broker);

class WireClient {
 public:
  // Connects to host:port within timeout_ms (every later read and write has
  // the same limit).
  WireClient(const std::string& host, int port, int timeout_ms);
  WireClient(const WireClient&) = delete;
  WireClient& operator=(const WireClient&) = delete;
  ~WireClient();

  const std::string& address() const { return address_; }

  // Whether the broker's ApiVersions answer lists `version` of `api_key`.
  bool supports(int16_t api_key, int16_t version);

  // Sends `request` at `version` of Api and returns the decoded response.
  template <typename Api>
  typename Api::Response call(const typename Api::Request& request, int16_t version) {
    require(Api::key, version, Api::name);
    ByteWriter body;
    request.encode(body, version);
    std::vector<uint8_t> frame = exchange(Api::key, version, body.buf());
    std::span<const uint8_t> payload =
        response_body(frame, Api::key, version, correlation_id_, address_);
    typename Api::Response response;
    ByteReader r(payload);
    response.decode(r, version);
    if (!r.ok()) malformed(Api::name);
    return response;
  }

 private:
  // Throws exit code 4 unless the broker supports `version` of `api_key`.
  void require(int16_t api_key, int16_t version, const char* name);
  // Writes one request frame, returns the response frame without its size.
  std::vector<uint8_t> exchange(int16_t api_key, int16_t version, const std::vector<uint8_t>& body);
  void write_all(const uint8_t* data, size_t size);
  void read_all(uint8_t* data, size_t size);
  [[noreturn]] void malformed(const char* name) const;
  [[noreturn]] void io_failure(const std::string& what) const;

  std::string address_;
  int timeout_ms_;
  int fd_ = -1;
  int32_t correlation_id_ = 0;
  bool have_versions_ = false;
  std::map<int16_t, std::pair<int16_t, int16_t>> versions_;  // key -> [min, max]
};

// Kafka's name for a response error code, e.g. "TRANSACTIONAL_ID_NOT_FOUND".
std::string error_code_name(int16_t code);

}  // namespace gregor::cli
