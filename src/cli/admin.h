// Admin: runs librdkafka admin requests (CreateTopics, DescribeConfigs, ...)
// synchronously for a command, turning request-level failures into
// CommandErrors. Per-resource results (one topic of many) are the caller's to
// check, with check_topic_results() for the topic-shaped ones.
#pragma once

#include <functional>
#include <string>

#include "cli/client.h"
#include "cli/rdkafka_ptr.h"

namespace gregor::cli {

class Admin {
 public:
  explicit Admin(const ClientOptions& options);

  Client& client() { return client_; }
  rd_kafka_t* rk() const { return client_.get(); }

  using Issue = std::function<void(rd_kafka_t*, const rd_kafka_AdminOptions_t*, rd_kafka_queue_t*)>;

  // Sends one request through issue() and waits for its result event. `what`
  // names it in errors ("create topic demo"). Throws on a request-level error.
  EventPtr run(rd_kafka_admin_op_t op, const std::string& what, const Issue& issue,
               bool validate_only = false);

 private:
  Client client_;
};

// Throws a CommandError naming every failed topic result (exit code 1).
void check_topic_results(const rd_kafka_topic_result_t** results, size_t count,
                         const std::string& verb);

}  // namespace gregor::cli
