// net_roundtrip_bench: request round trips per second through NetServer with a
// trivial handler, over loopback. Prints figures; asserts nothing.
//
//   net_roundtrip_bench [--shards N] [--connections C] [--pipeline P]
//                       [--request-bytes B] [--response-bytes R] [--seconds S]
//
// Each client thread owns one connection and keeps P requests in flight
// (writes P, reads P, repeats). With large --request-bytes it measures the
// produce-like inbound path (MB/s), with large --response-bytes the outbound
// write path.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "base/byte_writer.h"
#include "base/log.h"
#include "net/server.h"
#include "net/shard_set.h"
#include "protocol/header.h"

namespace {

using namespace gregor;
using Clock = std::chrono::steady_clock;

struct Options {
  unsigned shards = 1;
  int connections = 1;
  int pipeline = 16;
  size_t request_bytes = 16;
  size_t response_bytes = 16;
  double seconds = 3;
};

// Answers every request with response_bytes of zeros (one shared buffer).
class FixedHandler : public net::RequestHandler {
 public:
  explicit FixedHandler(size_t n) : body_(std::make_shared<std::vector<uint8_t>>(n)) {}
  asio::awaitable<net::Response> handle(net::Request&) override {
    net::Response r;
    if (body_->size() <= 1024) {
      r.body.raw(body_->data(), body_->size());
    } else {
      ExternalChunk c;
      c.owner = body_;
      c.data = body_->data();
      c.size = body_->size();
      r.body.external(std::move(c));
    }
    co_return r;
  }

 private:
  std::shared_ptr<std::vector<uint8_t>> body_;
};

bool read_exact(int fd, uint8_t* p, size_t n) {
  while (n > 0) {
    ssize_t r = ::recv(fd, p, n, 0);
    if (r <= 0) return false;
    p += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

bool write_all(int fd, const uint8_t* p, size_t n) {
  while (n > 0) {
    ssize_t r = ::send(fd, p, n, MSG_NOSIGNAL);
    if (r <= 0) return false;
    p += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

int connect_to(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// One batch of `pipeline` framed Metadata v0 requests.
std::vector<uint8_t> make_batch(const Options& o) {
  ByteWriter w;
  std::vector<uint8_t> payload(o.request_bytes, 'x');
  for (int i = 0; i < o.pipeline; ++i) {
    size_t size_pos = w.position();
    w.i32(0);
    protocol::RequestHeader h;
    h.api_key = 3;
    h.api_version = 0;
    h.correlation_id = i;
    h.client_id = "bench";
    protocol::encode_request_header(w, h);
    w.raw(payload.data(), payload.size());
    w.patch_i32(size_pos, static_cast<int32_t>(w.position() - size_pos - 4));
  }
  return w.flatten();
}

void client_loop(const Options& o, uint16_t port, const std::atomic<bool>& stop,
                 std::atomic<uint64_t>& round_trips, std::atomic<bool>& failed) {
  int fd = connect_to(port);
  if (fd < 0) {
    failed = true;
    return;
  }
  auto batch = make_batch(o);
  std::vector<uint8_t> frame;
  uint64_t done = 0;
  while (!stop.load(std::memory_order_relaxed)) {
    if (!write_all(fd, batch.data(), batch.size())) break;
    for (int i = 0; i < o.pipeline; ++i) {
      uint8_t sz[4];
      if (!read_exact(fd, sz, 4)) {
        failed = true;
        ::close(fd);
        return;
      }
      uint32_t n =
          (uint32_t{sz[0]} << 24) | (uint32_t{sz[1]} << 16) | (uint32_t{sz[2]} << 8) | sz[3];
      frame.resize(n);
      if (!read_exact(fd, frame.data(), n)) {
        failed = true;
        ::close(fd);
        return;
      }
    }
    done += static_cast<uint64_t>(o.pipeline);
  }
  round_trips += done;
  ::close(fd);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    const char* v = argv[i + 1];
    if (k == "--shards")
      o.shards = static_cast<unsigned>(std::atoi(v));
    else if (k == "--connections")
      o.connections = std::atoi(v);
    else if (k == "--pipeline")
      o.pipeline = std::atoi(v);
    else if (k == "--request-bytes")
      o.request_bytes = static_cast<size_t>(std::atoll(v));
    else if (k == "--response-bytes")
      o.response_bytes = static_cast<size_t>(std::atoll(v));
    else if (k == "--seconds")
      o.seconds = std::atof(v);
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      std::exit(2);
    }
  }
  return o;
}

double cpu_seconds() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  Options o = parse(argc, argv);
  log::set_level("warn");
  net::ShardSet shards(o.shards);
  FixedHandler handler(o.response_bytes);
  net::NetServerOptions opts;
  opts.listeners.push_back({"PLAINTEXT", "127.0.0.1", 0});
  net::NetServer server(shards, handler, opts);
  shards.start();
  if (auto started = server.start(); !started) {
    std::fprintf(stderr, "cannot start: %s\n", started.error().c_str());
    return 1;
  }
  std::atomic<bool> stop{false};
  std::atomic<bool> failed{false};
  std::atomic<uint64_t> round_trips{0};
  std::vector<std::thread> clients;
  double cpu0 = cpu_seconds();
  auto t0 = Clock::now();
  for (int i = 0; i < o.connections; ++i) {
    clients.emplace_back(client_loop, std::cref(o), server.bound_port(), std::cref(stop),
                         std::ref(round_trips), std::ref(failed));
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(o.seconds));
  stop = true;
  for (auto& t : clients) t.join();
  double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  double cpu = cpu_seconds() - cpu0;
  server.shutdown(std::chrono::seconds(1));
  shards.stop();
  shards.join();

  double rps = static_cast<double>(round_trips.load()) / secs;
  std::printf("shards=%u connections=%d pipeline=%d request_bytes=%zu response_bytes=%zu\n",
              o.shards, o.connections, o.pipeline, o.request_bytes, o.response_bytes);
  std::printf("round trips/s: %.0f\n", rps);
  std::printf("inbound  MB/s: %.1f\n", rps * static_cast<double>(o.request_bytes) / 1e6);
  std::printf("outbound MB/s: %.1f\n", rps * static_cast<double>(o.response_bytes) / 1e6);
  std::printf("process CPU s (server + clients): %.2f over %.2f s wall\n", cpu, secs);
  if (failed) std::printf("WARNING: a client connection failed\n");
  return failed ? 1 : 0;
}
