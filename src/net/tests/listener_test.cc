// Listener binding: ephemeral ports, host names, IPv6, wildcard, conflicts.
#include <gtest/gtest.h>

#include "net/tests/net_test_util.h"
#include "net/tests/scripted_handler.h"

namespace gregor::net::testing {
namespace {

bool ipv6_loopback_available() {
  int fd = ::socket(AF_INET6, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in6 sa{};
  sa.sin6_family = AF_INET6;
  sa.sin6_addr = in6addr_loopback;
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
  ::close(fd);
  return ok;
}

void expect_echo(uint16_t port, const char* addr) {
  TestClient c(port, addr);
  ASSERT_TRUE(c.connected()) << addr;
  ASSERT_TRUE(c.send_request(9, op_echo(addr)));
  auto r = c.read_response();
  ASSERT_TRUE(r.has_value()) << addr;
  EXPECT_EQ(r->body, bytes_of(addr));
}

TEST(Listener, EphemeralPortIsReported) {
  ScriptedHandler handler;
  ServerHarness server(handler, 2);
  EXPECT_NE(server.port(), 0);
  EXPECT_EQ(server.server().bound_port(), server.port());
  EXPECT_EQ(server.server().bound_port("NO_SUCH_LISTENER"), 0);
  expect_echo(server.port(), "127.0.0.1");
}

TEST(Listener, LocalhostBindsWhatItResolvesTo) {
  ScriptedHandler handler;
  ServerHarness server(handler, 2, {}, "localhost");
  expect_echo(server.port(), "127.0.0.1");
}

TEST(Listener, Ipv6Loopback) {
  if (!ipv6_loopback_available()) GTEST_SKIP() << "no IPv6 loopback on this machine";
  ScriptedHandler handler;
  ServerHarness server(handler, 2, {}, "::1");
  expect_echo(server.port(), "::1");
}

TEST(Listener, WildcardAcceptsBothFamilies) {
  ScriptedHandler handler;
  ServerHarness server(handler, 2, {}, "");
  expect_echo(server.port(), "127.0.0.1");
  if (ipv6_loopback_available()) expect_echo(server.port(), "::1");
}

TEST(Listener, WildcardReportsIpv4PeersAsIpv4) {
  struct PeerHandler : RequestHandler {
    asio::awaitable<Response> handle(Request& req) override {
      Response resp;
      resp.body.raw(std::string_view(req.conn->peer));
      co_return resp;
    }
  } handler;
  ServerHarness server(handler, 1, {}, "0.0.0.0");
  TestClient c(server.port(), "127.0.0.1");
  ASSERT_TRUE(c.send_request(1, op_echo("")));
  auto r = c.read_response();
  ASSERT_TRUE(r.has_value());
  std::string peer(r->body.begin(), r->body.end());
  EXPECT_EQ(peer.rfind("127.0.0.1:", 0), 0u) << peer;
}

TEST(Listener, TwoListenersOnDifferentPorts) {
  ScriptedHandler handler;
  ShardSet shards(2);
  NetServerOptions opts;
  opts.listeners.push_back({"PLAINTEXT", "127.0.0.1", 0});
  opts.listeners.push_back({"INTERNAL", "127.0.0.1", 0});
  NetServer server(shards, handler, opts);
  ASSERT_TRUE(server.start());  // before the shards run: accepting starts with them
  shards.start();
  uint16_t a = server.bound_port("PLAINTEXT");
  uint16_t b = server.bound_port("INTERNAL");
  EXPECT_NE(a, 0);
  EXPECT_NE(b, 0);
  EXPECT_NE(a, b);
  expect_echo(a, "127.0.0.1");
  expect_echo(b, "127.0.0.1");
  server.shutdown(std::chrono::milliseconds(100));
  shards.stop();
  shards.join();
}

TEST(Listener, PortInUseIsAnError) {
  // Another process-like owner holds the port without SO_REUSEPORT.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
  ASSERT_EQ(::listen(fd, 1), 0);
  socklen_t len = sizeof sa;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  uint16_t port = ntohs(sa.sin_port);

  ScriptedHandler handler;
  ShardSet shards(1);
  NetServerOptions opts;
  opts.listeners.push_back({"PLAINTEXT", "127.0.0.1", port});
  NetServer server(shards, handler, opts);
  auto started = server.start();
  ASSERT_FALSE(started);
  EXPECT_NE(started.error().find("bind"), std::string::npos) << started.error();
  ::close(fd);
}

TEST(Listener, TlsListenerIsRefusedUntilSupported) {
  ScriptedHandler handler;
  ShardSet shards(1);
  NetServerOptions opts;
  opts.listeners.push_back({"SSL", "127.0.0.1", 0, "SSL"});
  NetServer server(shards, handler, opts);
  auto started = server.start();
  ASSERT_FALSE(started);
  EXPECT_NE(started.error().find("TLS"), std::string::npos) << started.error();
}

}  // namespace
}  // namespace gregor::net::testing
