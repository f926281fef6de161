#include "net/listener.h"

#include <fmt/format.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>

#include "base/log.h"

namespace gregor::net {

namespace {

// How often a listener with port 0 retries when the ephemeral port it got for
// its first socket is taken on another address.
constexpr int kEphemeralPortAttempts = 10;

bool is_wildcard(const std::string& host) {
  return host.empty() || host == "0.0.0.0" || host == "::";
}

bool ipv6_available() {
  asio::io_context ctx;
  asio::ip::tcp::socket probe(ctx);
  std::error_code ec;
  probe.open(asio::ip::tcp::v6(), ec);
  return !ec;
}

// Errors that mean "the system is short of a resource right now": accepting
// again at once would spin, so the loop pauses instead.
bool is_resource_shortage(const std::error_code& ec) {
  return ec == std::errc::too_many_files_open || ec == std::errc::too_many_files_open_in_system ||
         ec == std::errc::no_buffer_space || ec == std::errc::not_enough_memory;
}

}  // namespace

Listener::Listener(ShardSet& shards, ListenerConfig config, AcceptFn on_accept)
    : shards_(shards), config_(std::move(config)), on_accept_(std::move(on_accept)) {}

Result<std::vector<asio::ip::address>, std::string> Listener::resolve() const {
  std::error_code ec;
  auto literal = asio::ip::make_address(config_.host, ec);
  if (!ec) return std::vector<asio::ip::address>{literal};
  asio::io_context ctx;
  asio::ip::tcp::resolver resolver(ctx);
  // Resolution happens once at startup, before any loop serves traffic, so
  // the blocking resolver is acceptable here.
  auto results = resolver.resolve(config_.host, "", ec);
  if (ec) {
    return Err(fmt::format("listener {}: cannot resolve host '{}': {}", config_.name, config_.host,
                           ec.message()));
  }
  std::vector<asio::ip::address> addrs;
  for (const auto& entry : results) {
    auto a = entry.endpoint().address();
    if (std::find(addrs.begin(), addrs.end(), a) == addrs.end()) addrs.push_back(a);
  }
  if (addrs.empty()) {
    return Err(
        fmt::format("listener {}: host '{}' resolves to no address", config_.name, config_.host));
  }
  return addrs;
}

Result<Ok, std::string> Listener::open() {
  GREGOR_ASSERT(acceptors_.empty(), "listener opened twice");
  std::vector<asio::ip::address> addrs;
  if (is_wildcard(config_.host)) {
    dual_stack_ = ipv6_available();
    addrs.push_back(dual_stack_ ? asio::ip::address(asio::ip::address_v6::any())
                                : asio::ip::address(asio::ip::address_v4::any()));
  } else {
    auto resolved = resolve();
    if (!resolved) return Err(resolved.error());
    addrs = std::move(resolved.value());
  }
  std::string last_error;
  int attempts = config_.port == 0 ? kEphemeralPortAttempts : 1;
  for (int i = 0; i < attempts; ++i) {
    auto bound = bind_all(addrs, config_.port);
    if (bound) {
      for (const auto& ep : endpoints_) {
        log::info("listener {} bound to {}:{} on {} shards", config_.name, ep.address().to_string(),
                  ep.port(), shards_.size());
      }
      return Ok{};
    }
    last_error = bound.error();
  }
  return Err(last_error);
}

Result<Ok, std::string> Listener::bind_all(const std::vector<asio::ip::address>& addrs,
                                           uint16_t port) {
  std::vector<std::vector<AcceptorPtr>> acceptors(shards_.size());
  std::vector<asio::ip::tcp::endpoint> endpoints;
  for (const auto& addr : addrs) {
    for (unsigned shard = 0; shard < shards_.size(); ++shard) {
      auto a = bind_one(shard, addr, port, dual_stack_);
      if (!a) {
        // Other sockets of the same port/address: a resolved address the
        // machine cannot bind (e.g. ::1 without IPv6) is skipped if another
        // address works, as long as nothing of it was bound yet.
        const BindError& e = a.error();
        bool unusable_address = e.code == std::errc::address_family_not_supported ||
                                e.code == std::errc::address_not_available;
        if (shard == 0 && addrs.size() > 1 && unusable_address) {
          log::warn("{} (skipping this address)", e.text);
          break;
        }
        return Err(e.text);
      }
      if (port == 0) port = a.value()->local_endpoint().port();
      if (shard == 0) endpoints.emplace_back(addr, port);
      acceptors[shard].push_back(std::move(a.value()));
    }
  }
  if (endpoints.empty()) {
    return Err(
        fmt::format("listener {}: no address of '{}' could be bound", config_.name, config_.host));
  }
  acceptors_ = std::move(acceptors);
  endpoints_ = std::move(endpoints);
  port_ = port;
  return Ok{};
}

Result<Listener::AcceptorPtr, Listener::BindError> Listener::bind_one(unsigned shard,
                                                                      const asio::ip::address& addr,
                                                                      uint16_t port,
                                                                      bool dual_stack) {
  auto a = std::make_shared<asio::ip::tcp::acceptor>(shards_.context(shard));
  asio::ip::tcp::endpoint ep(addr, port);
  std::error_code ec;
  auto fail = [&](const char* step) -> Result<AcceptorPtr, BindError> {
    return Err(BindError{ec, fmt::format("listener {}: {} {}:{} failed: {}", config_.name, step,
                                         addr.to_string(), port, ec.message())});
  };
  a->open(ep.protocol(), ec);
  if (ec) return fail("open");
  a->set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) return fail("SO_REUSEADDR");
  int one = 1;
  if (::setsockopt(a->native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) {
    ec = std::error_code(errno, std::system_category());
    return fail("SO_REUSEPORT");
  }
  if (addr.is_v6()) {
    a->set_option(asio::ip::v6_only(!dual_stack), ec);
    if (ec) return fail("IPV6_V6ONLY");
  }
  a->bind(ep, ec);
  if (ec) return fail("bind");
  a->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail("listen");
  return a;
}

void Listener::start() {
  for (unsigned shard = 0; shard < acceptors_.size(); ++shard) {
    for (const auto& a : acceptors_[shard]) {
      asio::co_spawn(shards_.executor(shard), accept_loop(a, shard, on_accept_, config_.name),
                     [name = config_.name](std::exception_ptr e) {
                       if (!e) return;
                       try {
                         std::rethrow_exception(e);
                       } catch (const std::exception& ex) {
                         log::error("listener {}: accept loop failed: {}", name, ex.what());
                       }
                     });
    }
  }
}

void Listener::close_on_shard(unsigned shard) {
  GREGOR_ASSERT(shard < acceptors_.size(), "listener not open");
  GREGOR_ASSERT(shards_.on_shard(shard), "close_on_shard called off its shard");
  for (const auto& a : acceptors_[shard]) {
    std::error_code ec;
    a->close(ec);
  }
}

asio::awaitable<void> Listener::accept_loop(AcceptorPtr acceptor, unsigned shard,
                                            AcceptFn on_accept, std::string name) {
  for (;;) {
    std::error_code ec;
    asio::ip::tcp::socket socket =
        co_await acceptor->async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (!acceptor->is_open() || ec == asio::error::operation_aborted) co_return;
    if (ec) {
      log::warn("listener {} (shard {}): accept failed: {}", name, shard, ec.message());
      if (is_resource_shortage(ec)) {
        asio::steady_timer pause(acceptor->get_executor(), std::chrono::milliseconds(100));
        co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      }
      continue;
    }
    socket.set_option(asio::ip::tcp::no_delay(true), ec);
    if (ec) {
      log::debug("listener {}: TCP_NODELAY failed: {}", name, ec.message());
      continue;  // the peer is already gone
    }
    on_accept(shard, std::move(socket));
  }
}

}  // namespace gregor::net
