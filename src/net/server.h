// NetServer: the broker's network front end. Owns the listeners, accepts on
// every shard, and keeps a per-shard registry of live connections (touched
// only on that shard's thread) for graceful shutdown and metrics.
//
// Shutdown sequence (shutdown(drain_timeout), called from a non-shard thread
// while the ShardSet is running):
//   1. on every shard: close the acceptors, then ask every connection to drain
//      (stop reading, finish in-flight requests, write their responses, close);
//   2. run `draining` (if given) on the calling thread: no request is read
//      from now on, so the owner can answer requests parked in long waits
//      (long-poll fetches, joins waiting for a rebalance) instead of letting
//      them hold the drain until their timeouts;
//   3. wait until every connection has closed, or drain_timeout has passed;
//   4. on every shard: close whatever is still open.
// Handler coroutines still running after step 4 finish on their own; their
// responses are dropped. Stop and join the ShardSet afterwards.
//
// Thread contract: start(), shutdown() and the destructor from one controlling
// thread (never a shard thread); bound_port() and connection_count() from any
// thread. The ShardSet and the RequestHandler must outlive the server.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "net/connection.h"
#include "net/listener.h"
#include "net/request_handler.h"
#include "net/shard_set.h"

namespace gregor::config {
struct BrokerConfig;
}

namespace gregor::net {

struct NetServerOptions {
  std::vector<ListenerConfig> listeners;
  ConnectionOptions connection;
};

// The network settings of a broker configuration, under Kafka's names:
// listeners, socket.request.max.bytes, connections.max.idle.ms.
NetServerOptions net_server_options(const config::BrokerConfig& cfg);

class NetServer {
 public:
  NetServer(ShardSet& shards, RequestHandler& handler, NetServerOptions options);
  NetServer(ShardSet& shards, RequestHandler& handler, const config::BrokerConfig& cfg)
      : NetServer(shards, handler, net_server_options(cfg)) {}
  // Shuts down (without drain time) if shutdown() was not called and the
  // shards still run.
  ~NetServer();
  NetServer(const NetServer&) = delete;
  NetServer& operator=(const NetServer&) = delete;

  // Binds every listener, then starts accepting. Nothing is accepted if any
  // listener fails to bind. TLS listeners (SSL, SASL_SSL) are refused until
  // TLS lands. The ShardSet may be started before or after.
  Result<Ok, std::string> start();

  // The port a listener is bound to (the ephemeral one for port 0); 0 if no
  // listener has that name.
  uint16_t bound_port(std::string_view listener_name) const;
  uint16_t bound_port() const;  // the first listener's

  void shutdown(std::chrono::milliseconds drain_timeout,
                const std::function<void()>& draining = {});

  size_t connection_count() const;
  size_t connection_count(unsigned shard) const;

 private:
  // Connections of one shard. Shared with the connections' close callbacks,
  // which may run after the server is gone.
  struct ShardConnections {
    std::unordered_map<uint64_t, std::shared_ptr<Connection>> live;  // shard thread only
    std::atomic<size_t> count{0};
    bool accepting = true;  // shard thread only
  };

  void on_accept(unsigned shard, asio::ip::tcp::socket socket, const std::string& listener_name);
  // Runs fn(shard) on every shard and waits for all of them.
  void on_every_shard(const std::function<void(unsigned)>& fn);

  ShardSet& shards_;
  RequestHandler& handler_;
  const NetServerOptions options_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::vector<std::shared_ptr<ShardConnections>> per_shard_;
  std::atomic<uint64_t> next_connection_id_{1};
  bool started_ = false;
  bool shut_down_ = false;
};

}  // namespace gregor::net
