// Framing edge cases: every malformed frame closes only its own connection,
// and no size prefix makes the server allocate more than the limit.
// This test replaces the global operator new/delete with malloc/free to count
// allocations; GCC cannot see that the pair matches and warns at -O2.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <random>

#include "net/tests/net_test_util.h"
#include "net/tests/scripted_handler.h"

// Allocation probe: records the largest single operator-new request made
// while armed, so the test can prove an oversize frame is refused before
// anything is allocated for it.
namespace {
std::atomic<bool> g_probe_armed{false};
std::atomic<size_t> g_probe_max{0};
}  // namespace

void* operator new(size_t n) {
  if (g_probe_armed.load(std::memory_order_relaxed)) {
    size_t prev = g_probe_max.load(std::memory_order_relaxed);
    while (n > prev && !g_probe_max.compare_exchange_weak(prev, n)) {
    }
  }
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, size_t) noexcept {
  std::free(p);
}

namespace gregor::net::testing {
namespace {

using namespace std::chrono_literals;

constexpr int32_t kMaxRequest = 1 << 20;

class FramingTest : public ::testing::Test {
 protected:
  static ConnectionOptions options() {
    ConnectionOptions o;
    o.max_request_bytes = kMaxRequest;
    return o;
  }
  // The server still answers a well-formed request on a fresh connection.
  void expect_server_healthy() {
    TestClient c(server.port());
    ASSERT_TRUE(c.connected());
    ASSERT_TRUE(c.send_request(77, op_echo("still here")));
    auto r = c.read_response();
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->correlation_id, 77);
    EXPECT_EQ(r->body, bytes_of("still here"));
  }
  std::vector<uint8_t> size_prefix(int32_t size) {
    ByteWriter w;
    w.i32(size);
    return w.flatten();
  }

  ScriptedHandler handler;
  ServerHarness server{handler, 2, options()};
};

TEST_F(FramingTest, NegativeSizeClosesConnection) {
  TestClient c(server.port());
  ASSERT_TRUE(c.send_raw(size_prefix(-1)));
  EXPECT_TRUE(c.wait_closed());
  expect_server_healthy();
  EXPECT_EQ(handler.started.load(), 1);  // only the health check reached the handler
}

TEST_F(FramingTest, OversizeRefusedBeforeAllocation) {
  for (int32_t size : {kMaxRequest + 1, 0x7fffffff}) {
    TestClient c(server.port());
    g_probe_max = 0;
    g_probe_armed = true;
    ASSERT_TRUE(c.send_raw(size_prefix(size)));
    bool closed = c.wait_closed();
    g_probe_armed = false;
    EXPECT_TRUE(closed) << size;
    EXPECT_LT(g_probe_max.load(), static_cast<size_t>(kMaxRequest)) << size;
  }
  expect_server_healthy();
}

TEST_F(FramingTest, FrameOfExactlyTheLimitIsAccepted) {
  TestClient c(server.port());
  auto header_only = frame_request(5, op_echo(""));
  size_t overhead = header_only.size() - 4;
  std::string payload(static_cast<size_t>(kMaxRequest) - overhead, 'p');
  auto frame = frame_request(5, op_echo(payload));
  ASSERT_EQ(frame.size(), static_cast<size_t>(kMaxRequest) + 4);
  ASSERT_TRUE(c.send_raw(frame));
  auto r = c.read_response();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->correlation_id, 5);
  EXPECT_EQ(r->body.size(), payload.size());
}

TEST_F(FramingTest, FramesTooSmallForAHeaderClose) {
  for (int32_t size : {0, 3, 7}) {
    TestClient c(server.port());
    auto bytes = size_prefix(size);
    bytes.resize(bytes.size() + static_cast<size_t>(size), 0);
    ASSERT_TRUE(c.send_raw(bytes));
    EXPECT_TRUE(c.wait_closed()) << size;
  }
  expect_server_healthy();
}

TEST_F(FramingTest, TruncatedHeaderInsideFrameCloses) {
  // api_key, api_version, correlation_id, then one byte of the int16 client-id length.
  ByteWriter w;
  w.i32(9);
  w.i16(kTestApiKey);
  w.i16(kTestApiVersion);
  w.i32(1);
  w.u8(0);
  TestClient c(server.port());
  ASSERT_TRUE(c.send_raw(w.flatten()));
  EXPECT_TRUE(c.wait_closed());
  expect_server_healthy();
}

TEST_F(FramingTest, TruncatedFrameThenEofCloses) {
  TestClient c(server.port());
  auto frame = frame_request(1, op_echo("0123456789abcdef"));
  frame.resize(frame.size() - 5);
  ASSERT_TRUE(c.send_raw(frame));
  c.shutdown_write();
  EXPECT_TRUE(c.wait_closed());
  EXPECT_EQ(handler.started.load(), 0);
  expect_server_healthy();
}

TEST_F(FramingTest, UnknownApiKeyCloses) {
  TestClient c(server.port());
  ASSERT_TRUE(c.send_request(1, op_echo("x"), /*api_key=*/9999, /*api_version=*/0));
  EXPECT_TRUE(c.wait_closed());
  EXPECT_EQ(handler.started.load(), 0);
  expect_server_healthy();
}

TEST_F(FramingTest, GarbageBytesClose) {
  std::mt19937 rng(12345);
  for (int round = 0; round < 20; ++round) {
    TestClient c(server.port());
    std::vector<uint8_t> junk(64 + static_cast<size_t>(rng() % 512));
    for (auto& b : junk) b = static_cast<uint8_t>(rng());
    if (round == 0) junk = bytes_of("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
    c.send_raw(junk);
    c.shutdown_write();
    EXPECT_TRUE(c.wait_closed()) << "round " << round;
  }
  expect_server_healthy();
}

TEST_F(FramingTest, CleanEofBetweenFramesAnswersWhatWasSent) {
  // A client that sends its requests and half-closes still gets the answers.
  TestClient c(server.port());
  ASSERT_TRUE(c.send_request(1, op_sleep(30, "a")));
  ASSERT_TRUE(c.send_request(2, op_echo("b")));
  c.shutdown_write();
  auto r1 = c.read_response();
  auto r2 = c.read_response();
  ASSERT_TRUE(r1 && r2);
  EXPECT_EQ(r1->correlation_id, 1);
  EXPECT_EQ(r2->correlation_id, 2);
  EXPECT_TRUE(c.wait_closed());
}

}  // namespace
}  // namespace gregor::net::testing
