#include "net/frame_reader.h"

#include <algorithm>
#include <cstring>

#include "base/assert.h"

namespace gregor::net {

const char* frame_status_name(FrameStatus s) {
  switch (s) {
    case FrameStatus::kFrame:
      return "frame";
    case FrameStatus::kEof:
      return "end of stream";
    case FrameStatus::kTruncated:
      return "stream ended inside a frame";
    case FrameStatus::kIoError:
      return "read error";
    case FrameStatus::kCancelled:
      return "read cancelled";
    case FrameStatus::kBadSize:
      return "frame size out of range";
    case FrameStatus::kTooSmall:
      return "frame too small for a request header";
  }
  return "unknown";
}

FrameReader::FrameReader(asio::ip::tcp::socket& socket, int32_t max_frame_bytes,
                         size_t buffer_bytes)
    : socket_(socket),
      max_frame_bytes_(max_frame_bytes),
      buf_capacity_(std::max<size_t>(buffer_bytes, 64)),
      buf_(std::min(buf_capacity_, kInitialBufferBytes)),
      last_read_(std::chrono::steady_clock::now()) {
  GREGOR_ASSERT(max_frame_bytes >= kMinRequestHeaderBytes, "max frame size below a header");
}

FrameResult FrameReader::failure(std::error_code ec, bool mid_frame) {
  FrameResult r;
  r.error = ec;
  if (ec == asio::error::operation_aborted) {
    r.status = FrameStatus::kCancelled;
  } else if (ec == asio::error::eof || ec == asio::error::connection_reset) {
    r.status = mid_frame ? FrameStatus::kTruncated : FrameStatus::kEof;
  } else {
    r.status = FrameStatus::kIoError;
  }
  return r;
}

asio::awaitable<std::error_code> FrameReader::fill(size_t n) {
  GREGOR_ASSERT(n <= buf_capacity_, "fill beyond the read buffer");
  if (buffered() >= n) co_return std::error_code{};
  if (begin_ == end_) begin_ = end_ = 0;
  if (n > buf_.size()) grow(n);
  if (buf_.size() - begin_ < n) {
    // Not enough room after the unconsumed bytes: move them to the front.
    std::memmove(buf_.data(), buf_.data() + begin_, buffered());
    end_ -= begin_;
    begin_ = 0;
  }
  while (buffered() < n) {
    std::error_code ec;
    size_t got =
        co_await socket_.async_read_some(asio::buffer(buf_.data() + end_, buf_.size() - end_),
                                         asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return ec;
    // A read that filled all the free space suggests a pipelined burst: give
    // the next reads more room.
    if (end_ + got == buf_.size()) grow(buf_.size() * 2);
    end_ += got;
    last_read_ = std::chrono::steady_clock::now();
  }
  co_return std::error_code{};
}

void FrameReader::grow(size_t at_least) {
  size_t size = std::min(buf_capacity_, std::max(at_least, buf_.size()));
  if (size > buf_.size()) buf_.resize(size);
}

asio::awaitable<FrameResult> FrameReader::next() {
  if (auto ec = co_await fill(4)) co_return failure(ec, buffered() > 0);
  const uint8_t* p = buf_.data() + begin_;
  auto size = static_cast<int32_t>((uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) |
                                   (uint32_t{p[2]} << 8) | uint32_t{p[3]});
  begin_ += 4;
  FrameResult r;
  r.size = size;
  if (size < 0 || size > max_frame_bytes_) {
    r.status = FrameStatus::kBadSize;
    co_return r;
  }
  if (size < kMinRequestHeaderBytes) {
    r.status = FrameStatus::kTooSmall;
    co_return r;
  }
  auto len = static_cast<size_t>(size);
  if (len > buf_capacity_) co_return co_await read_large(size);
  if (auto ec = co_await fill(len)) co_return failure(ec, true);
  r.status = FrameStatus::kFrame;
  r.frame = std::make_shared<gregor::FrameBytes>(buf_.data() + begin_, buf_.data() + begin_ + len);
  begin_ += len;
  co_return r;
}

// A frame that does not fit the read buffer: take what is buffered, then read
// the rest directly into the frame's own allocation (one copy fewer for the
// large produce requests that dominate throughput).
asio::awaitable<FrameResult> FrameReader::read_large(int32_t size) {
  auto len = static_cast<size_t>(size);
  auto frame = std::make_shared<gregor::FrameBytes>(len);
  size_t have = std::min(len, buffered());
  std::memcpy(frame->data(), buf_.data() + begin_, have);
  begin_ += have;
  if (begin_ == end_) begin_ = end_ = 0;
  while (have < len) {
    std::error_code ec;
    size_t got = co_await socket_.async_read_some(asio::buffer(frame->data() + have, len - have),
                                                  asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return failure(ec, true);
    have += got;
    last_read_ = std::chrono::steady_clock::now();
  }
  FrameResult r;
  r.status = FrameStatus::kFrame;
  r.size = size;
  r.frame = std::move(frame);
  co_return r;
}

}  // namespace gregor::net
