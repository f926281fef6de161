// Connection: one client TCP connection, driven by three coroutines on the
// shard that accepted it (it never moves):
//
//   reader  — cuts frames (FrameReader), decodes the request header, and
//             starts one handler coroutine per request in arrival order. It
//             keeps reading while earlier requests are in flight, up to
//             max_inflight_requests / max_inflight_bytes; beyond that it stops
//             reading, so TCP flow control pushes back on the client.
//   writer  — writes responses strictly in request order: a finished response
//             waits for every earlier one. A Response with send == false
//             writes nothing but keeps its place (Produce acks=0).
//   idle    — closes the connection when nothing is in flight and nothing
//             has been read for idle_timeout (connections.max.idle.ms).
//
// A malformed frame, an unknown api key or a handler exception closes only
// this connection, with a log line naming the peer and the reason.
//
// Ownership: held by shared_ptr; the server's registry and every running
// coroutine (including handler coroutines) hold a reference, so the object
// outlives whatever still runs on its behalf. All members are touched only on
// the connection's shard thread; start(), drain() and close() must be called
// there.
#pragma once

#include <asio.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string_view>

#include "net/frame_reader.h"
#include "net/request_handler.h"
#include "net/response_batch.h"
#include "net/wakeup.h"

namespace gregor::net {

struct ConnectionOptions {
  int32_t max_request_bytes = 104857600;           // socket.request.max.bytes
  size_t max_inflight_requests = 256;              // per connection; reading pauses beyond it
  size_t max_inflight_bytes = 64u << 20;           // request bytes held by in-flight requests
  std::chrono::milliseconds idle_timeout{600000};  // connections.max.idle.ms; 0 = never
  size_t read_buffer_bytes = 64u << 10;            // frames up to this size share one read
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  // Called once, on the shard thread, when the connection closes.
  using CloseCallback = std::function<void(uint64_t id)>;

  Connection(asio::ip::tcp::socket socket, ConnectionInfo info, RequestHandler& handler,
             const ConnectionOptions& options, CloseCallback on_close);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void start();
  // Graceful: stop reading, finish the requests in flight, write their
  // responses, then close.
  void drain();
  // Immediate: the socket is closed now; responses still being computed are
  // dropped when they finish.
  void close(std::string_view reason);

  bool closed() const { return closed_; }
  bool draining() const { return draining_; }
  size_t inflight() const { return slots_.size(); }
  const ConnectionInfo& info() const { return info_; }

 private:
  // One request from arrival until its response has been written.
  struct Slot {
    Request request;
    Response response;
    size_t frame_bytes = 0;
    bool done = false;    // handler finished (response is final)
    bool failed = false;  // handler threw: close when this slot's turn comes
  };

  // Each coroutine takes `self` so that the connection outlives it.
  asio::awaitable<void> read_loop(std::shared_ptr<Connection> self);
  asio::awaitable<void> write_loop(std::shared_ptr<Connection> self);
  asio::awaitable<void> idle_loop(std::shared_ptr<Connection> self);
  asio::awaitable<void> run_handler(std::shared_ptr<Connection> self, Slot* slot);

  bool has_capacity() const;
  bool dispatch(std::shared_ptr<gregor::FrameBytes> frame);
  // Frames the finished responses at the head of the queue into batch_.
  // Returns how many slots it consumed; sets close_reason when one of them
  // ends the connection.
  size_t collect_ready(std::string_view& close_reason);
  void release(size_t count);
  // Closes; `problem` (bad input from the peer) logs a warning, otherwise debug.
  void shut(std::string_view reason, bool problem);
  std::chrono::steady_clock::time_point last_activity() const;

  asio::ip::tcp::socket socket_;
  ConnectionInfo info_;
  RequestHandler& handler_;
  const ConnectionOptions options_;
  CloseCallback on_close_;

  FrameReader reader_;
  ResponseBatch batch_;
  std::deque<std::unique_ptr<Slot>> slots_;
  size_t inflight_bytes_ = 0;

  Wakeup reader_wake_;  // capacity freed, or drain/close requested
  Wakeup writer_wake_;  // head response finished, reader ended, or close
  asio::steady_timer idle_timer_;
  asio::cancellation_signal read_cancel_;
  std::chrono::steady_clock::time_point last_done_;

  bool started_ = false;
  bool reader_done_ = false;
  bool draining_ = false;
  bool closed_ = false;
};

}  // namespace gregor::net
