// A RequestHandler for tests whose behaviour is chosen by the request body:
// the first byte is an operation, the rest its arguments.
//   'e' payload            echo payload
//   's' i32 ms, payload    sleep ms, then echo payload
//   'n'                    no response (send = false, like Produce acks=0)
//   'x'                    throw
//   'c' payload            echo payload, then close the connection
//   'f' i64 offset, i32 n  "H" + n bytes of file() from offset (sendfile) + "T"
//   'm' i32 n              n pattern bytes as an external memory chunk
//   'g' payload            wait until open_gate() (at most 10 s), then echo
#pragma once

#include <asio.hpp>
#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <vector>

#include "base/byte_reader.h"
#include "net/request_handler.h"

namespace gregor::net::testing {

class ScriptedHandler : public RequestHandler {
 public:
  std::atomic<int> started{0};
  std::atomic<int> finished{0};
  int file_fd = -1;

  void open_gate() { gate_open_ = true; }

  static std::vector<uint8_t> pattern(size_t n) {
    std::vector<uint8_t> v(n);
    for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>((i * 31 + 7) & 0xff);
    return v;
  }

  asio::awaitable<Response> handle(Request& req) override {
    ++started;
    ByteReader r(req.body);
    uint8_t op = r.u8();
    Response resp;
    switch (op) {
      case 's': {
        int32_t ms = r.i32();
        asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(ms));
        co_await t.async_wait(asio::use_awaitable);
        resp.body.raw(r.bytes(r.remaining()));
        break;
      }
      case 'n':
        resp.send = false;
        break;
      case 'x':
        ++finished;
        throw std::runtime_error("scripted failure");
      case 'c':
        resp.body.raw(r.bytes(r.remaining()));
        resp.close_after = true;
        break;
      case 'f': {
        int64_t off = r.i64();
        int32_t n = r.i32();
        resp.body.raw(std::string_view("H"));
        ExternalChunk c;
        c.fd = file_fd;
        c.file_offset = off;
        c.size = static_cast<size_t>(n);
        resp.body.external(std::move(c));
        resp.body.raw(std::string_view("T"));
        break;
      }
      case 'm': {
        auto data = std::make_shared<std::vector<uint8_t>>(pattern(static_cast<size_t>(r.i32())));
        ExternalChunk c;
        c.data = data->data();
        c.size = data->size();
        c.owner = data;
        resp.body.external(std::move(c));
        break;
      }
      case 'g': {
        asio::steady_timer t(co_await asio::this_coro::executor);
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (!gate_open_ && std::chrono::steady_clock::now() < deadline) {
          t.expires_after(std::chrono::milliseconds(1));
          co_await t.async_wait(asio::use_awaitable);
        }
        resp.body.raw(r.bytes(r.remaining()));
        break;
      }
      default:  // 'e'
        resp.body.raw(r.bytes(r.remaining()));
        break;
    }
    ++finished;
    co_return resp;
  }

 private:
  std::atomic<bool> gate_open_{false};
};

// Request bodies for the operations above.
inline std::vector<uint8_t> op_echo(std::string_view payload) {
  ByteWriter w;
  w.u8('e');
  w.raw(payload);
  return w.flatten();
}
inline std::vector<uint8_t> op_sleep(int32_t ms, std::string_view payload) {
  ByteWriter w;
  w.u8('s');
  w.i32(ms);
  w.raw(payload);
  return w.flatten();
}
inline std::vector<uint8_t> op_simple(char op, std::string_view payload = {}) {
  ByteWriter w;
  w.u8(static_cast<uint8_t>(op));
  w.raw(payload);
  return w.flatten();
}
inline std::vector<uint8_t> op_file(int64_t offset, int32_t n) {
  ByteWriter w;
  w.u8('f');
  w.i64(offset);
  w.i32(n);
  return w.flatten();
}
inline std::vector<uint8_t> op_memory(int32_t n) {
  ByteWriter w;
  w.u8('m');
  w.i32(n);
  return w.flatten();
}

}  // namespace gregor::net::testing
