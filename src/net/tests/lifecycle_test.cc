// Connection lifecycle: idle reaping, graceful shutdown, drain timeout, many
// connections at once, and isolation of a bad connection from good ones.
#include <gtest/gtest.h>

#include <future>

#include "net/tests/net_test_util.h"
#include "net/tests/scripted_handler.h"

namespace gregor::net::testing {
namespace {

using namespace std::chrono_literals;

ConnectionOptions idle_after(std::chrono::milliseconds ms) {
  ConnectionOptions o;
  o.idle_timeout = ms;
  return o;
}

TEST(Lifecycle, IdleConnectionIsReaped) {
  ScriptedHandler handler;
  ServerHarness server(handler, 1, idle_after(200ms));
  TestClient c(server.port());
  ASSERT_TRUE(c.send_request(1, op_echo("hi")));
  ASSERT_TRUE(c.read_response().has_value());
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.wait_closed(3s));
  auto waited = std::chrono::steady_clock::now() - t0;
  EXPECT_GE(waited, 150ms);  // not before the idle time
  EXPECT_TRUE(ServerHarness::eventually([&] { return server.server().connection_count() == 0; }));
}

TEST(Lifecycle, BusyConnectionIsNotReaped) {
  ScriptedHandler handler;
  ServerHarness server(handler, 1, idle_after(150ms));
  TestClient c(server.port());
  // In flight for twice the idle time: the connection must survive.
  ASSERT_TRUE(c.send_request(1, op_sleep(400, "slow")));
  auto r = c.read_response();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->body, bytes_of("slow"));
  // Activity keeps it alive too.
  for (int i = 0; i < 5; ++i) {
    std::this_thread::sleep_for(60ms);
    ASSERT_TRUE(c.send_request(2 + i, op_echo("ping")));
    ASSERT_TRUE(c.read_response().has_value()) << i;
  }
}

TEST(Lifecycle, GracefulShutdownFinishesInflightRequests) {
  ScriptedHandler handler;
  ServerHarness server(handler, 2);
  TestClient c(server.port());
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(c.send_request(i, op_sleep(200, "r" + std::to_string(i))));
  ASSERT_TRUE(ServerHarness::eventually([&] { return handler.started.load() == 3; }));
  auto stopped = std::async(std::launch::async, [&] { server.stop(5s); });
  for (int i = 0; i < 3; ++i) {
    auto r = c.read_response();
    ASSERT_TRUE(r.has_value()) << i;
    EXPECT_EQ(r->correlation_id, i);
    EXPECT_EQ(r->body, bytes_of("r" + std::to_string(i)));
  }
  EXPECT_TRUE(c.wait_closed());
  ASSERT_EQ(stopped.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(server.server().connection_count(), 0u);
}

TEST(Lifecycle, ShutdownStopsAcceptingAndReading) {
  ScriptedHandler handler;
  ServerHarness server(handler, 2);
  uint16_t port = server.port();
  TestClient idle(port);
  ASSERT_TRUE(idle.send_request(1, op_echo("x")));
  ASSERT_TRUE(idle.read_response().has_value());
  // An idle connection drains at once: its pending read is cancelled, so
  // shutdown does not wait for the drain timeout.
  auto t0 = std::chrono::steady_clock::now();
  server.stop(5s);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
  EXPECT_TRUE(idle.wait_closed());
  TestClient late(port);
  EXPECT_FALSE(late.connected());
}

TEST(Lifecycle, DrainTimeoutBoundsShutdown) {
  ScriptedHandler handler;
  ServerHarness server(handler, 1);
  TestClient c(server.port());
  ASSERT_TRUE(c.send_request(1, op_simple('g', "stuck")));  // waits for a gate nobody opens
  ASSERT_TRUE(ServerHarness::eventually([&] { return handler.started.load() == 1; }));
  auto t0 = std::chrono::steady_clock::now();
  // The gate handler gives up after 10 s on its own; the loops exit then, so
  // measure the server's shutdown, not the loops'.
  server.server().shutdown(150ms);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
  EXPECT_TRUE(c.wait_closed());
  EXPECT_EQ(server.server().connection_count(), 0u);
  handler.open_gate();  // let the handler finish so the loops can exit
}

TEST(Lifecycle, FiveHundredConcurrentConnections) {
  ScriptedHandler handler;
  ServerHarness server(handler, 2);
  constexpr int kClients = 500;
  std::vector<std::unique_ptr<TestClient>> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(std::make_unique<TestClient>(server.port()));
    ASSERT_TRUE(clients.back()->connected()) << i;
  }
  for (int i = 0; i < kClients; ++i) {
    ASSERT_TRUE(clients[static_cast<size_t>(i)]->send_request(i, op_echo("c" + std::to_string(i))));
  }
  for (int i = 0; i < kClients; ++i) {
    auto r = clients[static_cast<size_t>(i)]->read_response();
    ASSERT_TRUE(r.has_value()) << i;
    EXPECT_EQ(r->correlation_id, i);
    EXPECT_EQ(r->body, bytes_of("c" + std::to_string(i)));
  }
  EXPECT_EQ(server.server().connection_count(), static_cast<size_t>(kClients));
  // SO_REUSEPORT spread the connections over both shards.
  EXPECT_GT(server.server().connection_count(0), 0u);
  EXPECT_GT(server.server().connection_count(1), 0u);
  clients.clear();
  EXPECT_TRUE(ServerHarness::eventually([&] { return server.server().connection_count() == 0; }));
}

TEST(Lifecycle, BadConnectionDoesNotDisturbAnother) {
  ScriptedHandler handler;
  ServerHarness server(handler, 1);  // same shard for both connections
  TestClient good(server.port());
  ASSERT_TRUE(good.send_request(1, op_sleep(100, "patience")));
  TestClient bad(server.port());
  ASSERT_TRUE(bad.send_raw(bytes_of("\xff\xff\xff\xff garbage")));
  EXPECT_TRUE(bad.wait_closed());
  auto r = good.read_response();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->correlation_id, 1);
  EXPECT_EQ(r->body, bytes_of("patience"));
  ASSERT_TRUE(good.send_request(2, op_echo("again")));
  auto r2 = good.read_response();
  ASSERT_TRUE(r2.has_value());
  EXPECT_EQ(r2->body, bytes_of("again"));
}

TEST(Lifecycle, ClientVanishingMidResponseIsHarmless) {
  ScriptedHandler handler;
  ServerHarness server(handler, 1);
  {
    TestClient c(server.port());
    ASSERT_TRUE(c.send_request(1, op_memory(8 << 20)));
    ASSERT_TRUE(ServerHarness::eventually([&] { return handler.finished.load() == 1; }));
  }  // closed without reading the 8 MiB answer
  EXPECT_TRUE(ServerHarness::eventually([&] { return server.server().connection_count() == 0; }));
  TestClient c2(server.port());
  ASSERT_TRUE(c2.send_request(2, op_echo("ok")));
  EXPECT_TRUE(c2.read_response().has_value());
}

}  // namespace
}  // namespace gregor::net::testing
