// Pipelined requests: responses leave strictly in request order, whatever the
// order in which the handlers finish; no-response slots keep their place;
// reading pauses at the in-flight limit.
#include <gtest/gtest.h>

#include "net/tests/net_test_util.h"
#include "net/tests/scripted_handler.h"

namespace gregor::net::testing {
namespace {

using namespace std::chrono_literals;

TEST(Pipelining, ResponsesInRequestOrderWhenHandlersFinishInReverse) {
  ScriptedHandler handler;
  ServerHarness server(handler);
  TestClient c(server.port());
  constexpr int kCount = 10;
  std::vector<uint8_t> burst;  // all requests in one write
  for (int i = 0; i < kCount; ++i) {
    auto f = frame_request(i, op_sleep((kCount - i) * 15, "r" + std::to_string(i)));
    burst.insert(burst.end(), f.begin(), f.end());
  }
  ASSERT_TRUE(c.send_raw(burst));
  for (int i = 0; i < kCount; ++i) {
    auto r = c.read_response();
    ASSERT_TRUE(r.has_value()) << i;
    EXPECT_EQ(r->correlation_id, i);
    EXPECT_EQ(r->body, bytes_of("r" + std::to_string(i)));
  }
  // All handlers ran concurrently: they were all started before the first finished.
  EXPECT_EQ(handler.started.load(), kCount);
}

TEST(Pipelining, NoResponseSlotsKeepTheirPlace) {
  ScriptedHandler handler;
  ServerHarness server(handler);
  TestClient c(server.port());
  ASSERT_TRUE(c.send_request(1, op_sleep(40, "one")));
  ASSERT_TRUE(c.send_request(2, op_simple('n')));
  ASSERT_TRUE(c.send_request(3, op_echo("three")));
  ASSERT_TRUE(c.send_request(4, op_simple('n')));
  ASSERT_TRUE(c.send_request(5, op_sleep(10, "five")));
  for (int id : {1, 3, 5}) {
    auto r = c.read_response();
    ASSERT_TRUE(r.has_value()) << id;
    EXPECT_EQ(r->correlation_id, id);
  }
  // Nothing else arrives: the no-response slots produced no bytes.
  ASSERT_TRUE(c.send_request(6, op_echo("six")));
  auto r = c.read_response();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->correlation_id, 6);
}

TEST(Pipelining, ReadingPausesAtTheInflightLimit) {
  ScriptedHandler handler;
  ConnectionOptions opts;
  opts.max_inflight_requests = 4;
  ServerHarness server(handler, 1, opts);
  TestClient c(server.port());
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(c.send_request(i, op_simple('g', "x")));
  ASSERT_TRUE(ServerHarness::eventually([&] { return handler.started.load() == 4; }));
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(handler.started.load(), 4);  // the other six wait in the socket
  handler.open_gate();
  for (int i = 0; i < 10; ++i) {
    auto r = c.read_response();
    ASSERT_TRUE(r.has_value()) << i;
    EXPECT_EQ(r->correlation_id, i);
  }
  EXPECT_EQ(handler.started.load(), 10);
}

TEST(Pipelining, ReadingPausesAtTheByteBudget) {
  ScriptedHandler handler;
  ConnectionOptions opts;
  opts.max_inflight_bytes = 1000;
  ServerHarness server(handler, 1, opts);
  TestClient c(server.port());
  std::string payload(400, 'b');
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(c.send_request(i, op_simple('g', payload)));
  // 3 frames of ~430 bytes reach the budget; the fourth is not read.
  ASSERT_TRUE(ServerHarness::eventually([&] { return handler.started.load() == 3; }));
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(handler.started.load(), 3);
  handler.open_gate();
  for (int i = 0; i < 6; ++i) {
    auto r = c.read_response();
    ASSERT_TRUE(r.has_value()) << i;
    EXPECT_EQ(r->correlation_id, i);
  }
}

TEST(Pipelining, ClientThatDoesNotReadStopsBeingRead) {
  // Responses of 1 MiB that the client never reads: once the socket buffers
  // are full the writer waits, slots are not released, and reading stops.
  ScriptedHandler handler;
  ConnectionOptions opts;
  opts.max_inflight_requests = 8;
  ServerHarness server(handler, 1, opts);
  TestClient c(server.port());
  int rcvbuf = 64 * 1024;
  ::setsockopt(c.fd(), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(c.send_request(i, op_memory(1 << 20)));
  std::this_thread::sleep_for(300ms);
  int started = handler.started.load();
  EXPECT_GE(started, 8);
  EXPECT_LT(started, 100) << "the server kept reading although nothing could be written";
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(handler.started.load(), started);  // and stays stopped
}

TEST(Pipelining, ManySmallAndLargeFramesInterleaved) {
  ScriptedHandler handler;
  ServerHarness server(handler, 1);
  TestClient c(server.port());
  std::vector<std::string> payloads;
  std::vector<uint8_t> burst;
  for (int i = 0; i < 200; ++i) {
    // Tiny frames, mid-size ones that make the read buffer grow, and frames
    // larger than the read buffer's capacity.
    size_t n = static_cast<size_t>(i % 50);
    if (i % 13 == 0) n = 20000 + static_cast<size_t>(i);
    if (i % 17 == 0) n = 300000 + static_cast<size_t>(i);
    payloads.emplace_back(n, static_cast<char>('a' + i % 26));
    auto f = frame_request(i, op_echo(payloads.back()));
    burst.insert(burst.end(), f.begin(), f.end());
  }
  // Write from another thread: the responses must be read concurrently or
  // both sides' socket buffers fill up.
  std::thread writer([&] { c.send_raw(burst); });
  for (int i = 0; i < 200; ++i) {
    auto r = c.read_response();
    ASSERT_TRUE(r.has_value()) << i;
    ASSERT_EQ(r->correlation_id, i);
    ASSERT_EQ(r->body, bytes_of(payloads[static_cast<size_t>(i)]));
  }
  writer.join();
}

TEST(Pipelining, FlexibleVersionGetsResponseHeaderV1) {
  ScriptedHandler handler;
  ServerHarness server(handler, 1);
  TestClient c(server.port());
  // Metadata v9 is flexible: request header v2, response header v1.
  ASSERT_EQ(protocol::response_header_version(3, 9), 1);
  ASSERT_TRUE(c.send_request(42, op_echo("flex"), 3, 9));
  auto r = c.read_response(1);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->correlation_id, 42);
  EXPECT_EQ(r->body, bytes_of("flex"));
  // ApiVersions keeps response header v0 even in its flexible versions.
  ASSERT_TRUE(c.send_request(43, op_echo("av"), 18, 3));
  auto r2 = c.read_response(0);
  ASSERT_TRUE(r2.has_value());
  EXPECT_EQ(r2->correlation_id, 43);
  EXPECT_EQ(r2->body, bytes_of("av"));
}

TEST(Pipelining, HandlerExceptionClosesAfterEarlierResponses) {
  ScriptedHandler handler;
  ServerHarness server(handler, 1);
  TestClient c(server.port());
  ASSERT_TRUE(c.send_request(1, op_sleep(30, "first")));
  ASSERT_TRUE(c.send_request(2, op_simple('x')));
  ASSERT_TRUE(c.send_request(3, op_echo("never")));
  auto r = c.read_response();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->correlation_id, 1);
  EXPECT_TRUE(c.wait_closed());
  EXPECT_TRUE(ServerHarness::eventually([&] { return server.server().connection_count() == 0; }));
}

TEST(Pipelining, CloseAfterWritesTheResponseThenCloses) {
  ScriptedHandler handler;
  ServerHarness server(handler, 1);
  TestClient c(server.port());
  ASSERT_TRUE(c.send_request(1, op_simple('c', "bye")));
  auto r = c.read_response();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->body, bytes_of("bye"));
  EXPECT_TRUE(c.wait_closed());
}

TEST(Pipelining, RequestSeesConnectionInfo) {
  struct InfoHandler : RequestHandler {
    asio::awaitable<Response> handle(Request& req) override {
      Response resp;
      resp.body.raw(std::string_view(req.conn->listener_name));
      resp.body.raw(std::string_view(" "));
      resp.body.raw(std::string_view(req.conn->peer));
      resp.body.raw(std::string_view(
          ShardSet::current() == static_cast<int>(req.conn->shard) ? " on-shard" : " off-shard"));
      co_return resp;
    }
  } handler;
  ServerHarness server(handler, 2);
  TestClient c(server.port());
  ASSERT_TRUE(c.send_request(1, op_echo("")));
  auto r = c.read_response();
  ASSERT_TRUE(r.has_value());
  std::string text(r->body.begin(), r->body.end());
  EXPECT_EQ(text.rfind("PLAINTEXT 127.0.0.1:", 0), 0u) << text;
  EXPECT_NE(text.find(" on-shard"), std::string::npos) << text;
}

}  // namespace
}  // namespace gregor::net::testing
