#include "app/serve.h"

#include <pthread.h>
#include <signal.h>

#include <cstdio>
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
  shards.stop();
  shards.join();
  return code;
}

}  // namespace gregor::app
