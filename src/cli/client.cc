#include "cli/client.h"

#include <cstdio>
#include <cstring>

namespace gregor::cli {
namespace {

bool is_connection_error(rd_kafka_resp_err_t err) {
  switch (err) {
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
    case RD_KAFKA_RESP_ERR__RESOLVE:
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE:
    case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:
    case RD_KAFKA_RESP_ERR__SSL:
    case RD_KAFKA_RESP_ERR__AUTHENTICATION:
      return true;
    default:
      return false;
  }
}

void set_property(rd_kafka_conf_t* conf, const std::string& key, const std::string& value) {
  char errstr[512];
  if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), errstr, sizeof errstr) !=
      RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(conf);
    usage_error(std::string("client property ") + key + ": " + errstr);
  }
}

}  // namespace

Client::Client(const ClientOptions& options, rd_kafka_type_t type, const Properties& defaults,
               DeliveryCallback on_delivery)
    : options_(options), state_(std::make_unique<State>()) {
  state_->verbose = options.verbose;
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  set_property(conf, "bootstrap.servers", options.brokers);
  set_property(conf, "client.id", "gregor-cli");
  for (const auto& [key, value] : defaults) set_property(conf, key, value);
  for (const auto& property : options.properties) {
    auto [key, value] = split_key_value(property);
    set_property(conf, key, value);
  }
  rd_kafka_conf_set_opaque(conf, state_.get());
  rd_kafka_conf_set_log_cb(conf, &Client::on_log);
  rd_kafka_conf_set_error_cb(conf, &Client::on_error);
  if (on_delivery != nullptr) rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  char errstr[512];
  rk_ = rd_kafka_new(type, conf, errstr, sizeof errstr);
  if (rk_ == nullptr) {
    rd_kafka_conf_destroy(conf);  // rd_kafka_new takes the conf only on success
    usage_error(std::string("cannot create the client: ") + errstr);
  }
}

Client::~Client() {
  rd_kafka_destroy(rk_);
}

void Client::on_log(const rd_kafka_t* rk, int level, const char* fac, const char* buf) {
  auto* state = static_cast<State*>(rd_kafka_opaque(rk));
  if (state->verbose) std::fprintf(stderr, "rdkafka %d %s: %s\n", level, fac, buf);
  if (std::strcmp(fac, "APIVERSION") == 0 && std::strstr(buf, "ApiKey ") != nullptr) {
    std::lock_guard lock(state->mu);
    state->api_version_lines.emplace_back(buf);
  }
  // Level 3 (LOG_ERR) lines are connection failures and the like.
  if (level <= 3) {
    std::lock_guard lock(state->mu);
    state->problem = buf;
  }
}

void Client::on_error(rd_kafka_t* rk, int err, const char* reason, void*) {
  auto* state = static_cast<State*>(rd_kafka_opaque(rk));
  if (state->verbose)
    std::fprintf(stderr, "rdkafka error %s: %s\n",
                 rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err)), reason);
  if (!is_connection_error(static_cast<rd_kafka_resp_err_t>(err))) return;
  std::lock_guard lock(state->mu);
  state->problem = reason;
}

std::string Client::connection_problem() const {
  if (rd_kafka_type(rk_) == RD_KAFKA_PRODUCER) rd_kafka_poll(rk_, 0);
  std::lock_guard lock(state_->mu);
  return state_->problem;
}

std::vector<std::string> Client::api_version_lines() const {
  std::lock_guard lock(state_->mu);
  return state_->api_version_lines;
}

CommandError Client::error(rd_kafka_resp_err_t err, const std::string& what,
                           const std::string& detail) const {
  std::string text = detail.empty() ? rd_kafka_err2str(err) : detail;
  // After a fatal error (e.g. the idempotent producer cannot get a producer
  // id) librdkafka purges its queue; the fatal error is the real reason.
  char fatal[512];
  rd_kafka_resp_err_t fatal_err = rd_kafka_fatal_error(rk_, fatal, sizeof fatal);
  if (fatal_err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    err = fatal_err;
    text = fatal;
  }
  if (err == RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE ||
      err == RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION) {
    return CommandError(ExitCode::kUnsupported,
                        what + ": the broker does not support this request (" + text + ")");
  }
  if (is_connection_error(err)) {
    std::string problem = connection_problem();
    if (!problem.empty()) {
      return CommandError(ExitCode::kUnreachable,
                          "cannot reach the brokers " + options_.brokers + ": " + problem);
    }
    if (err == RD_KAFKA_RESP_ERR__TIMED_OUT) {
      return CommandError(ExitCode::kUnreachable, what + ": no answer from " + options_.brokers +
                                                      " within the timeout (" + text + ")");
    }
  }
  return CommandError(ExitCode::kFailed, what + ": " + text);
}

}  // namespace gregor::cli
