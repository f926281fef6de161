// The seam between the network layer and the broker: a connection decodes the
// frame and the request header, hands the request to a RequestHandler, and
// writes the Response it gets back (size prefix and response header added by
// the connection), in request order.
#pragma once

#include <asio.hpp>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/byte_writer.h"
#include "base/frame_bytes.h"
#include "protocol/header.h"

namespace gregor::net {

// Facts about one connection. Owned by the connection; valid for as long as a
// Request that points to it is being handled.
struct ConnectionInfo {
  uint64_t id = 0;
  std::string peer;           // "ip:port" of the client ("[v6]:port" for IPv6)
  std::string listener_name;  // e.g. "PLAINTEXT"
  bool plaintext = true;      // false once TLS lands (no sendfile through TLS)
  unsigned shard = 0;         // the shard the connection lives on for its whole life
};

struct Request {
  protocol::RequestHeader header;
  std::span<const uint8_t> body;              // request body (after the header) inside `frame`
  std::shared_ptr<gregor::FrameBytes> frame;  // owns the bytes; handlers may keep it alive
  const ConnectionInfo* conn = nullptr;
};

struct Response {
  gregor::ByteWriter body;   // the response body only; the connection adds size + response header
  bool send = true;          // false: write nothing (Produce acks=0)
  bool close_after = false;  // close the connection after writing (or instead, if !send)
};

// Implemented by the broker. One handler object serves every shard, so
// handle() may run concurrently on several shard threads; each call runs on
// the shard of the request's connection. The handler must outlive the
// ShardSet's loops (stop and join the shards before destroying it).
//
// An exception escaping handle() is logged (api key, version, text) and closes
// that connection: it is a bug or an unexpected failure, not a protocol answer.
class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  virtual asio::awaitable<Response> handle(Request& req) = 0;  // runs on the connection's shard
};

}  // namespace gregor::net
