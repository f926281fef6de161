#include "net/server.h"

#include <fmt/format.h>

#include <csignal>
#include <future>
#include <thread>

#include "base/assert.h"
#include "base/log.h"

namespace gregor::net {

namespace {

std::string format_peer(const asio::ip::tcp::endpoint& ep) {
  auto addr = ep.address();
  // IPv4 clients of a dual-stack wildcard listener arrive as ::ffff:a.b.c.d.
  if (addr.is_v6() && addr.to_v6().is_v4_mapped()) {
    addr = asio::ip::make_address_v4(asio::ip::v4_mapped, addr.to_v6());
  }
  if (addr.is_v6()) return fmt::format("[{}]:{}", addr.to_string(), ep.port());
  return fmt::format("{}:{}", addr.to_string(), ep.port());
}

template <typename Map>
std::vector<std::shared_ptr<Connection>> snapshot(const Map& live) {
  std::vector<std::shared_ptr<Connection>> out;
  out.reserve(live.size());
  for (const auto& [id, conn] : live) out.push_back(conn);
  return out;
}

}  // namespace

NetServer::NetServer(ShardSet& shards, RequestHandler& handler, NetServerOptions options)
    : shards_(shards), handler_(handler), options_(std::move(options)) {
  for (unsigned i = 0; i < shards_.size(); ++i) {
    per_shard_.push_back(std::make_shared<ShardConnections>());
  }
}

NetServer::~NetServer() {
  if (started_ && !shut_down_ && shards_.running()) shutdown(std::chrono::milliseconds(0));
}

Result<Ok, std::string> NetServer::start() {
  GREGOR_ASSERT(!started_, "NetServer started twice");
  GREGOR_ASSERT(ShardSet::current() < 0, "NetServer::start called on a shard thread");
  // sendfile() has no MSG_NOSIGNAL: a peer that vanishes mid-response must
  // produce EPIPE, not kill the broker (the JVM ignores SIGPIPE for Kafka too).
  std::signal(SIGPIPE, SIG_IGN);
  for (const auto& cfg : options_.listeners) {
    if (cfg.security_protocol == "SSL" || cfg.security_protocol == "SASL_SSL") {
      return Err(
          fmt::format("listener {}: security protocol {} needs TLS, which is not supported "
                      "yet",
                      cfg.name, cfg.security_protocol));
    }
    auto listener = std::make_unique<Listener>(
        shards_, cfg, [this, name = cfg.name](unsigned shard, asio::ip::tcp::socket socket) {
          on_accept(shard, std::move(socket), name);
        });
    auto opened = listener->open();
    if (!opened) return Err(opened.error());
    listeners_.push_back(std::move(listener));
  }
  started_ = true;
  for (auto& l : listeners_) l->start();
  return Ok{};
}

void NetServer::on_accept(unsigned shard, asio::ip::tcp::socket socket,
                          const std::string& listener_name) {
  auto reg = per_shard_[shard];
  if (!reg->accepting) return;  // shutting down: the socket closes here
  std::error_code ec;
  auto peer = socket.remote_endpoint(ec);
  if (ec) return;  // the peer left before we got to it
  ConnectionInfo info;
  info.id = next_connection_id_.fetch_add(1, std::memory_order_relaxed);
  info.peer = format_peer(peer);
  info.listener_name = listener_name;
  info.plaintext = true;
  info.shard = shard;
  log::debug("accepted connection {} from {} on {} (shard {})", info.id, info.peer, listener_name,
             shard);
  uint64_t id = info.id;
  auto conn = std::make_shared<Connection>(std::move(socket), std::move(info), handler_,
                                           options_.connection, [reg](uint64_t closed_id) {
                                             reg->live.erase(closed_id);
                                             reg->count.fetch_sub(1, std::memory_order_relaxed);
                                           });
  reg->live.emplace(id, conn);
  reg->count.fetch_add(1, std::memory_order_relaxed);
  conn->start();
}

uint16_t NetServer::bound_port(std::string_view listener_name) const {
  for (const auto& l : listeners_) {
    if (l->config().name == listener_name) return l->bound_port();
  }
  return 0;
}

uint16_t NetServer::bound_port() const {
  return listeners_.empty() ? 0 : listeners_.front()->bound_port();
}

size_t NetServer::connection_count() const {
  size_t n = 0;
  for (const auto& reg : per_shard_) n += reg->count.load(std::memory_order_relaxed);
  return n;
}

size_t NetServer::connection_count(unsigned shard) const {
  GREGOR_ASSERT(shard < per_shard_.size(), "shard index out of range");
  return per_shard_[shard]->count.load(std::memory_order_relaxed);
}

void NetServer::on_every_shard(const std::function<void(unsigned)>& fn) {
  std::vector<std::future<void>> done;
  for (unsigned s = 0; s < shards_.size(); ++s) {
    auto task = std::make_shared<std::packaged_task<void()>>([&fn, s] { fn(s); });
    done.push_back(task->get_future());
    shards_.post(s, [task] { (*task)(); });
  }
  for (auto& f : done) f.get();
}

void NetServer::shutdown(std::chrono::milliseconds drain_timeout,
                         const std::function<void()>& draining) {
  if (!started_ || shut_down_) return;
  GREGOR_ASSERT(ShardSet::current() < 0, "NetServer::shutdown called on a shard thread");
  shut_down_ = true;
  if (!shards_.running()) {
    // Without loops nothing can drain; sockets close when the server is destroyed.
    log::warn("network shutdown after the shards stopped: connections are dropped, not drained");
    return;
  }
  log::info("network shutdown: draining {} connections (up to {} ms)", connection_count(),
            drain_timeout.count());
  on_every_shard([this](unsigned s) {
    per_shard_[s]->accepting = false;
    for (auto& l : listeners_) l->close_on_shard(s);
    for (auto& conn : snapshot(per_shard_[s]->live)) conn->drain();
  });
  if (draining) draining();
  auto deadline = std::chrono::steady_clock::now() + drain_timeout;
  while (connection_count() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  size_t left = connection_count();
  if (left > 0) log::warn("network shutdown: closing {} connections still draining", left);
  on_every_shard([this](unsigned s) {
    for (auto& conn : snapshot(per_shard_[s]->live)) conn->close("shutdown: drain timeout");
  });
}

}  // namespace gregor::net
