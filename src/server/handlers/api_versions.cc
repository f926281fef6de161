// ApiVersions (key 18). WIRE-NOTES §4: a version above ours gets a v0-shaped
// UNSUPPORTED_VERSION answer listing only ApiVersions' own range, so any client
// can read it and retry lower; v3+ client software names must match Kafka's
// pattern or get INVALID_REQUEST.
#include <regex>

#include "protocol/messages/api_versions.h"
#include "server/api_support.h"
#include "server/broker.h"
#include "server/handlers/handler.h"

namespace gregor::server {
namespace {

using protocol::ApiVersionsRequest;
using protocol::ApiVersionsResponse;

bool valid_software_token(const std::string& s) {
  static const std::regex pattern("[a-zA-Z0-9](?:[a-zA-Z0-9\\-.]*[a-zA-Z0-9])?");
  return std::regex_match(s, pattern);
}

net::Response unsupported_version_answer() {
  const ApiSupport* self = find_supported(18);
  ApiVersionsResponse resp;
  resp.error_code = to_wire(ErrorCode::kUnsupportedVersion);
  ApiVersionsResponse::ApiVersion entry;
  entry.api_key = 18;
  entry.min_version = self->min_version;
  entry.max_version = self->max_version;
  resp.api_keys.push_back(entry);
  net::Response out;
  resp.encode(out.body, 0);
  return out;
}

}  // namespace

asio::awaitable<net::Response> handle_api_versions(Broker&, net::Request& req) {
  const int16_t version = req.header.api_version;
  if (!is_supported(18, version)) co_return unsupported_version_answer();

  ApiVersionsRequest request;
  if (!decode_body(req, request)) co_return close_connection(req, "malformed ApiVersions request");

  ApiVersionsResponse resp;
  if (version >= 3 && (!valid_software_token(request.client_software_name) ||
                       !valid_software_token(request.client_software_version))) {
    resp.error_code = to_wire(ErrorCode::kInvalidRequest);
    co_return respond(resp, req);
  }
  for (const ApiSupport& api : supported_apis()) {
    ApiVersionsResponse::ApiVersion entry;
    entry.api_key = api.key;
    entry.min_version = api.min_version;
    entry.max_version = api.max_version;
    resp.api_keys.push_back(entry);
  }
  co_return respond(resp, req);
}

}  // namespace gregor::server
