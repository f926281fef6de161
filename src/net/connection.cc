#include "net/connection.h"

#include <fmt/format.h>

#include <algorithm>
#include <exception>

#include "base/assert.h"
#include "base/byte_reader.h"
#include "base/log.h"
#include "protocol/header.h"
#include "protocol/messages/api_table.h"

namespace gregor::net {

namespace {

// Completion of the connection's own coroutines: they handle their errors, so
// an exception here (e.g. bad_alloc) is a failure worth a loud log line.
auto log_escape(uint64_t id, const char* what) {
  return [id, what](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      log::error("connection {}: {} ended with an exception: {}", id, what, ex.what());
    } catch (...) {
      log::error("connection {}: {} ended with a non-standard exception", id, what);
    }
  };
}

}  // namespace

Connection::Connection(asio::ip::tcp::socket socket, ConnectionInfo info, RequestHandler& handler,
                       const ConnectionOptions& options, CloseCallback on_close)
    : socket_(std::move(socket)),
      info_(std::move(info)),
      handler_(handler),
      options_(options),
      on_close_(std::move(on_close)),
      reader_(socket_, options.max_request_bytes, options.read_buffer_bytes),
      reader_wake_(socket_.get_executor()),
      writer_wake_(socket_.get_executor()),
      idle_timer_(socket_.get_executor()),
      last_done_(std::chrono::steady_clock::now()) {
  GREGOR_ASSERT(options_.max_inflight_requests > 0, "max_inflight_requests must be positive");
}

void Connection::start() {
  GREGOR_ASSERT(!started_, "connection started twice");
  started_ = true;
  std::error_code ec;
  // ResponseBatch writes with raw sendmsg/sendfile and waits on EAGAIN.
  socket_.native_non_blocking(true, ec);
  if (ec) {
    close(fmt::format("cannot make the socket non-blocking: {}", ec.message()));
    return;
  }
  auto ex = socket_.get_executor();
  auto self = shared_from_this();
  asio::co_spawn(ex, read_loop(self),
                 asio::bind_cancellation_slot(read_cancel_.slot(), log_escape(info_.id, "reader")));
  asio::co_spawn(ex, write_loop(self), log_escape(info_.id, "writer"));
  if (options_.idle_timeout.count() > 0) {
    asio::co_spawn(ex, idle_loop(self), log_escape(info_.id, "idle reaper"));
  }
}

void Connection::drain() {
  if (closed_ || draining_) return;
  draining_ = true;
  // Cancels a pending read (or the back-pressure wait); the reader then ends
  // and the writer closes once every in-flight response is out.
  if (!reader_done_) read_cancel_.emit(asio::cancellation_type::terminal);
  reader_wake_.notify();
  writer_wake_.notify();
}

void Connection::close(std::string_view reason) {
  shut(reason, false);
}

void Connection::shut(std::string_view reason, bool problem) {
  if (closed_) return;
  auto self = shared_from_this();  // on_close_ may drop the registry's reference
  closed_ = true;
  if (problem) {
    log::warn("closing connection {} from {} on {} (shard {}): {}", info_.id, info_.peer,
              info_.listener_name, info_.shard, reason);
  } else {
    log::debug("closing connection {} from {} on {} (shard {}): {}", info_.id, info_.peer,
               info_.listener_name, info_.shard, reason);
  }
  std::error_code ec;
  socket_.close(ec);  // cancels the pending read and write waits
  idle_timer_.cancel();
  reader_wake_.notify();
  writer_wake_.notify();
  if (on_close_) {
    auto cb = std::move(on_close_);
    on_close_ = nullptr;
    cb(info_.id);
  }
}

bool Connection::has_capacity() const {
  return slots_.size() < options_.max_inflight_requests &&
         inflight_bytes_ < options_.max_inflight_bytes;
}

std::chrono::steady_clock::time_point Connection::last_activity() const {
  return std::max(last_done_, reader_.last_read());
}

asio::awaitable<void> Connection::read_loop([[maybe_unused]] std::shared_ptr<Connection> self) {
  // drain() cancels this coroutine; it then checks draining_ itself instead
  // of letting the next co_await throw.
  co_await asio::this_coro::throw_if_cancelled(false);
  while (!closed_ && !draining_) {
    if (!has_capacity()) {
      co_await reader_wake_.wait();  // back-pressure: leave the bytes in the kernel
      continue;
    }
    FrameResult r = co_await reader_.next();
    if (closed_ || draining_) break;
    if (r.status == FrameStatus::kFrame) {
      if (!dispatch(std::move(r.frame))) break;
      continue;
    }
    switch (r.status) {
      case FrameStatus::kBadSize:
        shut(fmt::format("frame size {} outside [0, {}] (socket.request.max.bytes)", r.size,
                         options_.max_request_bytes),
             true);
        break;
      case FrameStatus::kTooSmall:
        shut(fmt::format("frame of {} bytes cannot hold a request header", r.size), true);
        break;
      case FrameStatus::kTruncated:
        shut("stream ended inside a frame", true);
        break;
      case FrameStatus::kIoError:
        close(fmt::format("read failed: {}", r.error.message()));
        break;
      default:  // kEof, kCancelled: the writer finishes what is in flight
        break;
    }
    break;
  }
  reader_done_ = true;
  writer_wake_.notify();
}

bool Connection::dispatch(std::shared_ptr<gregor::FrameBytes> frame) {
  auto slot = std::make_unique<Slot>();
  ByteReader r(frame->data(), frame->size());
  if (!protocol::decode_request_header(r, slot->request.header)) {
    shut(fmt::format("request header truncated ({} byte frame)", frame->size()), true);
    return false;
  }
  const auto& h = slot->request.header;
  if (protocol::find_api(h.api_key) == nullptr) {
    // Kafka treats an unknown api key as an invalid request and disconnects.
    shut(fmt::format("unknown api key {} (version {}, correlation id {})", h.api_key, h.api_version,
                     h.correlation_id),
         true);
    return false;
  }
  slot->request.body = std::span<const uint8_t>(r.cursor(), r.remaining());
  slot->frame_bytes = frame->size();
  slot->request.frame = std::move(frame);
  slot->request.conn = &info_;
  inflight_bytes_ += slot->frame_bytes;
  Slot* raw = slot.get();
  slots_.push_back(std::move(slot));
  // co_spawn onto our own executor starts the handler right here, before the
  // next frame is read, so handlers start in arrival order.
  asio::co_spawn(socket_.get_executor(), run_handler(shared_from_this(), raw),
                 log_escape(info_.id, "handler"));
  return true;
}

asio::awaitable<void> Connection::run_handler([[maybe_unused]] std::shared_ptr<Connection> self,
                                              Slot* slot) {
  const auto& h = slot->request.header;
  try {
    slot->response = co_await handler_.handle(slot->request);
  } catch (const std::exception& e) {
    log::error("connection {} from {}: handler for api key {} v{} (correlation id {}) threw: {}",
               info_.id, info_.peer, h.api_key, h.api_version, h.correlation_id, e.what());
    slot->failed = true;
  } catch (...) {
    log::error(
        "connection {} from {}: handler for api key {} v{} (correlation id {}) threw a "
        "non-standard exception",
        info_.id, info_.peer, h.api_key, h.api_version, h.correlation_id);
    slot->failed = true;
  }
  slot->done = true;
  if (!slots_.empty() && slots_.front().get() == slot) writer_wake_.notify();
}

size_t Connection::collect_ready(std::string_view& close_reason) {
  size_t count = 0;
  for (auto& slot : slots_) {
    if (!slot->done) break;
    ++count;
    if (slot->failed) {
      close_reason = "request handler failed";
      break;
    }
    Response& resp = slot->response;
    if (resp.send && !batch_.add(slot->request.header, resp)) {
      log::error("connection {}: response to api key {} is too large to frame ({} bytes)", info_.id,
                 slot->request.header.api_key, resp.body.size());
      close_reason = "response too large";
      break;
    }
    if (resp.close_after) {
      close_reason = "closed by the request handler";
      break;
    }
  }
  return count;
}

void Connection::release(size_t count) {
  for (size_t i = 0; i < count; ++i) {
    inflight_bytes_ -= slots_.front()->frame_bytes;
    slots_.pop_front();
  }
  if (slots_.empty()) last_done_ = std::chrono::steady_clock::now();
  reader_wake_.notify();
}

asio::awaitable<void> Connection::write_loop([[maybe_unused]] std::shared_ptr<Connection> self) {
  while (!closed_) {
    if (slots_.empty() || !slots_.front()->done) {
      if (slots_.empty() && reader_done_) {
        close(draining_ ? "shutting down" : "peer closed the connection");
        break;
      }
      co_await writer_wake_.wait();
      continue;
    }
    std::string_view close_reason;
    size_t count = collect_ready(close_reason);
    if (!batch_.empty()) {
      std::error_code ec = co_await batch_.write_to(socket_);
      batch_.clear();
      if (ec) {
        if (!closed_) close(fmt::format("write failed: {}", ec.message()));
        break;
      }
    }
    release(count);
    if (!close_reason.empty()) {
      close(close_reason);
      break;
    }
  }
}

asio::awaitable<void> Connection::idle_loop([[maybe_unused]] std::shared_ptr<Connection> self) {
  const auto timeout = options_.idle_timeout;
  while (!closed_) {
    auto now = std::chrono::steady_clock::now();
    auto deadline = last_activity() + timeout;
    if (slots_.empty() && now >= deadline) {
      log::info("closing connection {} from {}: idle for more than {} ms", info_.id, info_.peer,
                timeout.count());
      close("idle timeout (connections.max.idle.ms)");
      break;
    }
    // With requests in flight the connection is busy; look again later.
    idle_timer_.expires_at(slots_.empty() ? deadline : now + timeout);
    std::error_code ec;
    co_await idle_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

}  // namespace gregor::net
