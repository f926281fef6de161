// Client: one librdkafka handle (producer or consumer) configured from the
// command's ClientOptions, with librdkafka's log lines silenced unless
// --verbose, and the last broker-connection failure remembered so that a
// timeout can be reported as "cannot reach the brokers: <why>".
//
// A Client is used by the command's thread; librdkafka's internal threads only
// call the log and error callbacks, which take the State mutex.
#pragma once

#include <librdkafka/rdkafka.h>

#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "cli/client_options.h"
#include "cli/command_error.h"
#include "cli/key_value.h"

namespace gregor::cli {

class Client {
 public:
  using DeliveryCallback = void (*)(rd_kafka_t*, const rd_kafka_message_t*, void*);

  // defaults are applied before the user's -X properties, which win.
  // on_delivery (producers) is librdkafka's dr_msg_cb; its last argument is
  // not usable, the message's _private opaque is.
  Client(const ClientOptions& options, rd_kafka_type_t type, const Properties& defaults = {},
         DeliveryCallback on_delivery = nullptr);
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  ~Client();

  rd_kafka_t* get() const { return rk_; }
  const ClientOptions& options() const { return options_; }

  // Serves queued error callbacks (producer handles), then returns the last
  // connection failure librdkafka reported, or "".
  std::string connection_problem() const;

  // librdkafka's "ApiKey Produce (0) Versions 0..11" lines from the first
  // broker connection; captured only when the client was built with the
  // "debug=feature" property (cluster info does).
  std::vector<std::string> api_version_lines() const;

  // The error to throw for err, seen while doing `what` ("create topic x").
  CommandError error(rd_kafka_resp_err_t err, const std::string& what,
                     const std::string& detail = "") const;
  void check(rd_kafka_resp_err_t err, const std::string& what) const {
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) throw error(err, what);
  }

 private:
  struct State {
    mutable std::mutex mu;
    std::string problem;
    std::vector<std::string> api_version_lines;
    bool verbose = false;
  };
  static void on_log(const rd_kafka_t* rk, int level, const char* fac, const char* buf);
  static void on_error(rd_kafka_t* rk, int err, const char* reason, void* opaque);

  ClientOptions options_;
  std::unique_ptr<State> state_;
  rd_kafka_t* rk_ = nullptr;
};

}  // namespace gregor::cli
