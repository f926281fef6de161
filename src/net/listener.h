// Listener: one configured listener (name, host, port), bound on every shard.
//
// Each shard gets its own acceptor socket per address, all bound to the same
// port with SO_REUSEPORT, so the kernel spreads incoming connections over the
// shards and no accept ever crosses threads; a connection then lives on its
// accepting shard for its whole life. Accepted sockets get TCP_NODELAY.
//
// Host resolution follows Kafka: a host name binds every address it resolves
// to ("localhost" -> 127.0.0.1 and ::1 where both resolve); "", "0.0.0.0" and
// "::" bind all interfaces (one dual-stack IPv6 socket, or IPv4 only where the
// machine has no IPv6). Port 0 picks an ephemeral port, shared by every
// address and shard, and reported by bound_port().
//
// Thread contract: open() and start() from the controlling thread (before or
// after the ShardSet starts); close_on_shard(s) only on shard s's thread;
// bound_port()/endpoints() from any thread after open().
#pragma once

#include <asio.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "net/shard_set.h"

namespace gregor::net {

struct ListenerConfig {
  std::string name = "PLAINTEXT";
  std::string host = "localhost";
  uint16_t port = 9092;
  // PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL (listener.security.protocol.map).
  std::string security_protocol = "PLAINTEXT";
};

class Listener {
 public:
  // Called on `shard`'s thread with each accepted socket.
  using AcceptFn = std::function<void(unsigned shard, asio::ip::tcp::socket socket)>;

  Listener(ShardSet& shards, ListenerConfig config, AcceptFn on_accept);
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // Resolves the host, binds and listens on every shard. The error names the
  // listener, the address and the system error.
  Result<Ok, std::string> open();
  // Starts one accept loop per acceptor on its shard.
  void start();
  // Stops accepting on `shard`; call on that shard's thread.
  void close_on_shard(unsigned shard);

  uint16_t bound_port() const { return port_; }
  const ListenerConfig& config() const { return config_; }
  // The bound addresses (one per resolved address), for logs.
  const std::vector<asio::ip::tcp::endpoint>& endpoints() const { return endpoints_; }

 private:
  using AcceptorPtr = std::shared_ptr<asio::ip::tcp::acceptor>;
  Result<std::vector<asio::ip::address>, std::string> resolve() const;
  Result<Ok, std::string> bind_all(const std::vector<asio::ip::address>& addrs, uint16_t port);
  struct BindError {
    std::error_code code;
    std::string text;
  };
  Result<AcceptorPtr, BindError> bind_one(unsigned shard, const asio::ip::address& addr,
                                          uint16_t port, bool dual_stack);
  static asio::awaitable<void> accept_loop(AcceptorPtr acceptor, unsigned shard, AcceptFn on_accept,
                                           std::string name);

  ShardSet& shards_;
  ListenerConfig config_;
  AcceptFn on_accept_;
  std::vector<std::vector<AcceptorPtr>> acceptors_;  // [shard][address]
  std::vector<asio::ip::tcp::endpoint> endpoints_;
  uint16_t port_ = 0;
  bool dual_stack_ = false;
};

}  // namespace gregor::net
