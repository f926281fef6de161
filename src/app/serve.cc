#include "app/serve.h"

#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>

#include <cstdio>
#include <string>
#include <thread>

#include "base/log.h"
#include "config/broker_config.h"
#include "net/shard_set.h"
#include "server/broker.h"

namespace gregor::app {
namespace {

// Blocks the shutdown signals in this thread and every thread started after
// it, so that only the main thread receives them, through sigwait().
sigset_t block_shutdown_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  return set;
}

// Raises the open-file soft limit to the hard limit, as most servers do: the
// soft limit (often 1024) is a default for interactive programs, while a
// broker keeps descriptors for client sockets and segment files (bounded by
// gregor.log.segment.fds.max, which by default takes half of this limit).
void raise_open_file_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  const rlim_t before = limit.rlim_cur;
  if (limit.rlim_cur != limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) limit.rlim_cur = before;
  }
  auto text = [](rlim_t v) {
    return v == RLIM_INFINITY ? std::string("unlimited") : std::to_string(v);
  };
  log::info("open file limit: soft {} (was {}), hard {}", text(limit.rlim_cur), text(before),
            text(limit.rlim_max));
}

unsigned shard_count(const config::BrokerConfig& cfg) {
  if (cfg.num_shards > 0) return static_cast<unsigned>(cfg.num_shards);
  unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 1 : cores;
}

}  // namespace

int serve(const std::string& config_file, const std::vector<std::string>& overrides) {
  auto cfg = config::load_broker_config(config_file, overrides);
  if (!cfg.ok()) {
    std::fprintf(stderr, "gregor: invalid configuration: %s\n", cfg.error().c_str());
    return 2;
  }
  sigset_t signals = block_shutdown_signals();
  raise_open_file_limit();
  net::ShardSet shards(shard_count(*cfg));
  shards.start();
  int code = 0;
  {
    server::Broker broker(*cfg, shards);
    auto started = broker.start();
    if (!started.ok()) {
      log::error("cannot start: {}", started.error());
      code = 1;
    } else {
      log::info("gregor broker started with {} shard(s)", shards.size());
      int sig = 0;
      sigwait(&signals, &sig);
      log::info("received {}, shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    }
    broker.stop();
  }
  shards.stop_within(std::chrono::seconds(5));
  return code;
}

}  // namespace gregor::app
