#include "protocol/header.h"

#include "protocol/messages/api_table.h"
#include "protocol/messages/request_header.h"
#include "protocol/messages/response_header.h"

namespace gregor::protocol {

namespace {

constexpr int16_t kApiVersionsKey = 18;
constexpr int16_t kControlledShutdownKey = 7;

// First flexible version of the broker-internal keys that have no schema here
// (ZooKeeper-era control requests, KRaft, share groups), so that their headers
// can still be parsed and the request answered or refused cleanly.
int16_t internal_first_flexible(int16_t api_key) {
  switch (api_key) {
    case 4:
      return 4;  // LeaderAndIsr
    case 5:
      return 2;  // StopReplica
    case 6:
      return 6;  // UpdateMetadata
    case 7:
      return 3;  // ControlledShutdown
    case 53:
      return 1;  // BeginQuorumEpoch
    case 54:
      return 1;  // EndQuorumEpoch
    default:
      return (api_key >= 52 && api_key <= 87) ? 0 : -1;
  }
}

}  // namespace

bool is_flexible_version(int16_t api_key, int16_t api_version) {
  const ApiInfo* info = find_api(api_key);
  int16_t first = info != nullptr ? info->first_flexible : internal_first_flexible(api_key);
  return first >= 0 && api_version >= first;
}

int16_t request_header_version(int16_t api_key, int16_t api_version) {
  if (api_key == kControlledShutdownKey && api_version == 0) return 0;
  return is_flexible_version(api_key, api_version) ? 2 : 1;
}

int16_t response_header_version(int16_t api_key, int16_t api_version) {
  if (api_key == kApiVersionsKey) return 0;
  return is_flexible_version(api_key, api_version) ? 1 : 0;
}

bool decode_request_header(gregor::ByteReader& r, RequestHeader& out) {
  gregor::ByteReader peek = r;
  out.api_key = peek.i16();
  out.api_version = peek.i16();
  if (!peek.ok()) {
    r.fail();
    return false;
  }
  int16_t version = request_header_version(out.api_key, out.api_version);
  RequestHeaderData h;
  h.decode(r, version);
  if (!r.ok()) return false;
  out.correlation_id = h.correlation_id;
  if (version >= 1) {
    out.client_id = std::move(h.client_id);
  } else {
    out.client_id.reset();
  }
  return true;
}

void encode_response_header(gregor::ByteWriter& w, int16_t api_key, int16_t api_version,
                            int32_t correlation_id) {
  ResponseHeaderData h;
  h.correlation_id = correlation_id;
  h.encode(w, response_header_version(api_key, api_version));
}

void encode_request_header(gregor::ByteWriter& w, const RequestHeader& h) {
  RequestHeaderData d;
  d.request_api_key = h.api_key;
  d.request_api_version = h.api_version;
  d.correlation_id = h.correlation_id;
  d.client_id = h.client_id;
  d.encode(w, request_header_version(h.api_key, h.api_version));
}

}  // namespace gregor::protocol
