// Test helpers for the network layer: a blocking loopback client with receive
// timeouts (so no test can hang), a scripted request handler, and a fixture
// that runs a NetServer on its own shards.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "base/byte_reader.h"
#include "base/byte_writer.h"
#include "net/server.h"
#include "net/shard_set.h"
#include "protocol/header.h"

namespace gregor::net::testing {

// Metadata v0: a known, non-flexible API (response header v0).
inline constexpr int16_t kTestApiKey = 3;
inline constexpr int16_t kTestApiVersion = 0;

inline std::vector<uint8_t> frame_request(int32_t correlation_id, std::span<const uint8_t> body,
                                          int16_t api_key = kTestApiKey,
                                          int16_t api_version = kTestApiVersion) {
  ByteWriter w;
  w.i32(0);
  protocol::RequestHeader h;
  h.api_key = api_key;
  h.api_version = api_version;
  h.correlation_id = correlation_id;
  h.client_id = "net-test";
  protocol::encode_request_header(w, h);
  w.raw(body);
  w.patch_i32(0, static_cast<int32_t>(w.position() - 4));
  return w.flatten();
}

struct TestResponse {
  int32_t correlation_id = 0;
  std::vector<uint8_t> body;
};

// A blocking client on 127.0.0.1 (or another loopback address). Every read
// and write gives up after `timeout`, so a missing response fails the test
// instead of hanging it.
class TestClient {
 public:
  explicit TestClient(uint16_t port, const char* addr = "127.0.0.1",
                      std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    bool v6 = std::strchr(addr, ':') != nullptr;
    fd_ = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) throw std::runtime_error("socket() failed");
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    int rc;
    if (v6) {
      sockaddr_in6 sa{};
      sa.sin6_family = AF_INET6;
      sa.sin6_port = htons(port);
      ::inet_pton(AF_INET6, addr, &sa.sin6_addr);
      rc = ::connect(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
    } else {
      sockaddr_in sa{};
      sa.sin_family = AF_INET;
      sa.sin_port = htons(port);
      ::inet_pton(AF_INET, addr, &sa.sin_addr);
      rc = ::connect(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
    }
    connected_ = rc == 0;
  }
  ~TestClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  bool connected() const { return connected_; }
  int fd() const { return fd_; }

  bool send_raw(std::span<const uint8_t> bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    return true;
  }
  bool send_request(int32_t correlation_id, std::span<const uint8_t> body,
                    int16_t api_key = kTestApiKey, int16_t api_version = kTestApiVersion) {
    return send_raw(frame_request(correlation_id, body, api_key, api_version));
  }
  void shutdown_write() { ::shutdown(fd_, SHUT_WR); }

  // Reads exactly n bytes; false on EOF, error or timeout.
  bool read_exact(uint8_t* out, size_t n) {
    size_t done = 0;
    while (done < n) {
      ssize_t r = ::recv(fd_, out + done, n - done, 0);
      if (r <= 0) return false;
      done += static_cast<size_t>(r);
    }
    return true;
  }

  // Reads one response frame with a response header of `header_version`.
  std::optional<TestResponse> read_response(int header_version = 0) {
    uint8_t size_bytes[4];
    if (!read_exact(size_bytes, 4)) return std::nullopt;
    ByteReader sr(size_bytes, 4);
    int32_t size = sr.i32();
    if (size < 4) return std::nullopt;
    std::vector<uint8_t> frame(static_cast<size_t>(size));
    if (!read_exact(frame.data(), frame.size())) return std::nullopt;
    ByteReader r(frame.data(), frame.size());
    TestResponse resp;
    resp.correlation_id = r.i32();
    if (header_version >= 1) r.uvarint();  // empty tagged-field section
    auto body = r.bytes(r.remaining());
    resp.body.assign(body.begin(), body.end());
    return resp;
  }

  // True if the server closed the connection (EOF or reset) before `timeout`,
  // discarding anything still readable.
  bool wait_closed(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    uint8_t buf[4096];
    while (std::chrono::steady_clock::now() < deadline) {
      ssize_t r = ::recv(fd_, buf, sizeof buf, 0);
      if (r == 0) return true;
      if (r < 0 && errno == ECONNRESET) return true;
      if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return true;
    }
    return false;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

inline std::vector<uint8_t> bytes_of(std::string_view s) {
  return {s.begin(), s.end()};
}

// Runs a NetServer with one loopback listener on an ephemeral port, on its
// own ShardSet; shuts everything down on destruction.
class ServerHarness {
 public:
  ServerHarness(RequestHandler& handler, unsigned shards = 2, ConnectionOptions conn = {},
                std::string host = "127.0.0.1")
      : shards_(shards) {
    NetServerOptions opts;
    ListenerConfig l;
    l.name = "PLAINTEXT";
    l.host = std::move(host);
    l.port = 0;
    opts.listeners.push_back(l);
    opts.connection = conn;
    server_ = std::make_unique<NetServer>(shards_, handler, opts);
    shards_.start();
    auto started = server_->start();
    if (!started) throw std::runtime_error(started.error());
  }
  ~ServerHarness() { stop(std::chrono::milliseconds(0)); }

  void stop(std::chrono::milliseconds drain) {
    if (stopped_) return;
    stopped_ = true;
    server_->shutdown(drain);
    shards_.stop();
    shards_.join();
  }

  uint16_t port() const { return server_->bound_port("PLAINTEXT"); }
  NetServer& server() { return *server_; }
  ShardSet& shards() { return shards_; }

  // Waits until `pred` holds, up to `timeout`; returns the last result.
  template <typename Pred>
  static bool eventually(Pred pred, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!pred()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return true;
  }

 private:
  ShardSet shards_;
  std::unique_ptr<NetServer> server_;
  bool stopped_ = false;
};

}  // namespace gregor::net::testing
