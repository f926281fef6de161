// ResponseBatch: the responses of one connection that are ready to go out,
// framed (int32 size + response header + body) and written with as few
// syscalls as possible.
//
// Size prefixes, response headers and small body pieces are copied into one
// staging buffer, so a burst of small pipelined responses leaves in a single
// sendmsg. Large in-memory body pieces are referenced, not copied (gathered
// with iovecs); file chunks (ExternalChunk with fd >= 0) go out with
// sendfile() straight from the page cache. The socket is non-blocking: on
// EAGAIN the batch waits for writability on the socket's executor.
//
// The Responses added must stay alive and unchanged until write_to() has
// completed and clear() has been called. Used by one connection on its shard
// thread only.
#pragma once

#include <sys/uio.h>

#include <asio.hpp>
#include <cstdint>
#include <system_error>
#include <vector>

#include "base/byte_writer.h"
#include "net/request_handler.h"

namespace gregor::net {

class ResponseBatch {
 public:
  // Body pieces up to this size are copied into the staging buffer.
  static constexpr size_t kCopyMaxBytes = 2048;

  ResponseBatch();

  // Frames `response` for `request` and appends it. False (and nothing
  // appended) if the response is too large for an int32 size prefix.
  bool add(const protocol::RequestHeader& request, Response& response);

  bool empty() const { return pieces_.empty(); }
  size_t bytes() const { return bytes_; }
  // Pieces the next write gathers (adjacent staged bytes count as one).
  size_t piece_count() const { return pieces_.size(); }

  // Writes everything added so far. The socket must be in non-blocking mode.
  // Returns the first socket error (operation_aborted when the socket was
  // closed meanwhile), or an io_error if a file chunk is shorter than promised.
  asio::awaitable<std::error_code> write_to(asio::ip::tcp::socket& socket);

  void clear();

 private:
  struct Piece {
    const uint8_t* data = nullptr;  // memory piece outside the staging buffer
    size_t staged_begin = 0;        // staging piece: offset into staging_
    size_t len = 0;
    int fd = -1;  // file piece when >= 0
    int64_t file_offset = 0;
    bool staged = false;
  };

  void add_staged(size_t begin, size_t end);
  void add_memory(const uint8_t* data, size_t len);
  void add_body(ByteWriter& body);
  // Sends pieces_[i..] from byte `skip` of pieces_[i]; returns the syscall result.
  ssize_t send_some(int socket_fd, size_t i, size_t skip);
  void advance(size_t& i, size_t& skip, size_t n) const;

  // Only buf() of this writer is used (never segments()), so clearing the
  // vector directly keeps the writer consistent.
  ByteWriter staging_;
  std::vector<Piece> pieces_;
  std::vector<iovec> iov_;
  size_t bytes_ = 0;
};

}  // namespace gregor::net
