#include "net/response_batch.h"

#include <sys/sendfile.h>
#include <sys/socket.h>

#include <cerrno>
#include <climits>
#include <limits>

#include "base/assert.h"
#include "base/log.h"
#include "protocol/header.h"

namespace gregor::net {

namespace {
// Linux's IOV_MAX; more iovecs per sendmsg would fail with EINVAL.
constexpr size_t kMaxIov = 1024;
}  // namespace

ResponseBatch::ResponseBatch() {
  iov_.resize(kMaxIov);
  staging_.buf().reserve(16 * 1024);
}

bool ResponseBatch::add(const protocol::RequestHeader& request, Response& response) {
  auto& staged = staging_.buf();
  const size_t size_pos = staged.size();
  staging_.i32(0);
  protocol::encode_response_header(staging_, request.api_key, request.api_version,
                                   request.correlation_id);
  const size_t frame_bytes = staged.size() - size_pos - 4 + response.body.size();
  if (frame_bytes > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    staged.resize(size_pos);
    return false;
  }
  staging_.patch_i32(size_pos, static_cast<int32_t>(frame_bytes));
  add_staged(size_pos, staged.size());
  add_body(response.body);
  bytes_ += 4 + frame_bytes;
  return true;
}

void ResponseBatch::add_body(ByteWriter& body) {
  for (const auto& seg : body.segments()) {
    if (seg.external < 0) {
      const uint8_t* p = body.buf().data() + seg.begin;
      add_memory(p, seg.end - seg.begin);
      continue;
    }
    const ExternalChunk& c = body.externals()[static_cast<size_t>(seg.external)];
    if (c.size == 0) continue;
    if (c.fd >= 0) {
      Piece piece;
      piece.len = c.size;
      piece.fd = c.fd;
      piece.file_offset = c.file_offset;
      pieces_.push_back(piece);
      continue;
    }
    add_memory(c.data, c.size);
  }
}

void ResponseBatch::add_memory(const uint8_t* data, size_t len) {
  if (len == 0) return;
  if (len <= kCopyMaxBytes) {
    auto& staged = staging_.buf();
    size_t begin = staged.size();
    staged.insert(staged.end(), data, data + len);
    add_staged(begin, staged.size());
    return;
  }
  Piece piece;
  piece.data = data;
  piece.len = len;
  pieces_.push_back(piece);
}

void ResponseBatch::add_staged(size_t begin, size_t end) {
  if (!pieces_.empty()) {
    Piece& last = pieces_.back();
    if (last.staged && last.staged_begin + last.len == begin) {
      last.len += end - begin;
      return;
    }
  }
  Piece piece;
  piece.staged = true;
  piece.staged_begin = begin;
  piece.len = end - begin;
  pieces_.push_back(piece);
}

void ResponseBatch::clear() {
  staging_.buf().clear();
  pieces_.clear();
  bytes_ = 0;
}

ssize_t ResponseBatch::send_some(int socket_fd, size_t i, size_t skip) {
  const Piece& first = pieces_[i];
  if (first.fd >= 0) {
    off_t off = static_cast<off_t>(first.file_offset + static_cast<int64_t>(skip));
    return ::sendfile(socket_fd, first.fd, &off, first.len - skip);
  }
  const uint8_t* staged = staging_.buf().data();
  size_t count = 0;
  size_t j = i;
  for (; j < pieces_.size() && pieces_[j].fd < 0 && count < kMaxIov; ++j, ++count) {
    const Piece& p = pieces_[j];
    const uint8_t* base = p.staged ? staged + p.staged_begin : p.data;
    size_t from = j == i ? skip : 0;
    iov_[count].iov_base = const_cast<uint8_t*>(base + from);
    iov_[count].iov_len = p.len - from;
  }
  msghdr msg{};
  msg.msg_iov = iov_.data();
  msg.msg_iovlen = count;
  // MSG_MORE when more pieces follow (e.g. a header before a sendfile chunk),
  // so that TCP_NODELAY does not push a tiny segment on its own.
  int flags = MSG_NOSIGNAL | (j < pieces_.size() ? MSG_MORE : 0);
  return ::sendmsg(socket_fd, &msg, flags);
}

void ResponseBatch::advance(size_t& i, size_t& skip, size_t n) const {
  while (n > 0) {
    size_t rest = pieces_[i].len - skip;
    if (n < rest) {
      skip += n;
      return;
    }
    n -= rest;
    ++i;
    skip = 0;
  }
}

asio::awaitable<std::error_code> ResponseBatch::write_to(asio::ip::tcp::socket& socket) {
  size_t i = 0;
  size_t skip = 0;
  while (i < pieces_.size()) {
    if (!socket.is_open()) co_return asio::error::operation_aborted;
    ssize_t n = send_some(socket.native_handle(), i, skip);
    if (n > 0) {
      advance(i, skip, static_cast<size_t>(n));
      continue;
    }
    if (n == 0) {
      // Only sendfile returns 0 for a non-empty piece: the file ended before
      // the chunk did (truncated segment). The frame can no longer be
      // completed, so the connection has to go.
      log::error("file chunk ends early (fd {}, offset {}, {} bytes missing)", pieces_[i].fd,
                 pieces_[i].file_offset + static_cast<int64_t>(skip), pieces_[i].len - skip);
      co_return std::make_error_code(std::errc::io_error);
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      co_return std::error_code(errno, std::system_category());
    }
    std::error_code ec;
    co_await socket.async_wait(asio::socket_base::wait_write,
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return ec;
  }
  co_return std::error_code{};
}

}  // namespace gregor::net
