// FrameReader: cuts the inbound byte stream of one connection into Kafka
// request frames (int32 size prefix + that many bytes).
//
// Small frames are cut out of a read buffer, so one read syscall can deliver
// many pipelined requests; a frame larger than the buffer's capacity is read
// straight into its own allocation. The buffer starts small (most connections
// carry a few small requests at a time) and grows up to its capacity when
// reads fill it. The size prefix is validated before any
// allocation: a negative size, one above `max_frame_bytes`
// (socket.request.max.bytes) or one too small to hold a request header ends
// the stream without allocating, so no input can make the broker allocate
// more than max_frame_bytes per connection.
//
// Owned by one Connection; used only from its shard thread. The socket must
// outlive the reader.
#pragma once

#include <asio.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <system_error>
#include <vector>

#include "base/frame_bytes.h"

namespace gregor::net {

// api_key + api_version + correlation_id: the smallest request header (v0).
inline constexpr int32_t kMinRequestHeaderBytes = 8;

enum class FrameStatus {
  kFrame,      // `frame` holds one complete request frame (without the size prefix)
  kEof,        // the peer closed the stream cleanly between two frames
  kTruncated,  // the peer closed the stream in the middle of a frame
  kIoError,    // the socket failed (`error` says how)
  kCancelled,  // the read was cancelled (shutdown or close)
  kBadSize,    // size prefix < 0 or > max_frame_bytes (`size` holds it)
  kTooSmall,   // size prefix too small to hold a request header (`size` holds it)
};

struct FrameResult {
  FrameStatus status = FrameStatus::kEof;
  std::shared_ptr<gregor::FrameBytes> frame;
  int64_t size = 0;
  std::error_code error;
};

const char* frame_status_name(FrameStatus s);

class FrameReader {
 public:
  FrameReader(asio::ip::tcp::socket& socket, int32_t max_frame_bytes, size_t buffer_bytes);

  asio::awaitable<FrameResult> next();

  // When bytes last arrived from the socket (for idle reaping: a connection
  // that is slowly sending a large frame is not idle).
  std::chrono::steady_clock::time_point last_read() const { return last_read_; }

 private:
  size_t buffered() const { return end_ - begin_; }
  // Reads until at least n bytes (n <= buffer size) are buffered.
  asio::awaitable<std::error_code> fill(size_t n);
  asio::awaitable<FrameResult> read_large(int32_t size);
  static FrameResult failure(std::error_code ec, bool mid_frame);
  void grow(size_t at_least);

  static constexpr size_t kInitialBufferBytes = 8 * 1024;

  asio::ip::tcp::socket& socket_;
  const int32_t max_frame_bytes_;
  const size_t buf_capacity_;
  std::vector<uint8_t> buf_;
  size_t begin_ = 0;  // first unconsumed byte in buf_
  size_t end_ = 0;    // one past the last received byte in buf_
  std::chrono::steady_clock::time_point last_read_;
};

}  // namespace gregor::net
