#include "cli/admin.h"

namespace gregor::cli {
namespace {

void set_timeouts(rd_kafka_admin_op_t op, rd_kafka_AdminOptions_t* options, int timeout_ms,
                  bool validate_only) {
  char errstr[512];
  rd_kafka_AdminOptions_set_request_timeout(options, timeout_ms, errstr, sizeof errstr);
  // Only the topic-changing requests have an operation timeout and validate_only.
  bool topic_op = op == RD_KAFKA_ADMIN_OP_CREATETOPICS || op == RD_KAFKA_ADMIN_OP_DELETETOPICS ||
                  op == RD_KAFKA_ADMIN_OP_CREATEPARTITIONS;
  if (topic_op)
    rd_kafka_AdminOptions_set_operation_timeout(options, timeout_ms, errstr, sizeof errstr);
  if (validate_only) {
    if (rd_kafka_AdminOptions_set_validate_only(options, 1, errstr, sizeof errstr) !=
        RD_KAFKA_RESP_ERR_NO_ERROR) {
      usage_error(std::string("--dry-run: ") + errstr);
    }
  }
}

}  // namespace

Admin::Admin(const ClientOptions& options) : client_(options, RD_KAFKA_PRODUCER) {}

EventPtr Admin::run(rd_kafka_admin_op_t op, const std::string& what, const Issue& issue,
                    bool validate_only) {
  const int timeout_ms = client_.options().timeout_ms();
  AdminOptionsPtr options(rd_kafka_AdminOptions_new(rk(), op));
  set_timeouts(op, options.get(), timeout_ms, validate_only);
  QueuePtr queue(rd_kafka_queue_new(rk()));
  issue(rk(), options.get(), queue.get());
  // librdkafka enforces the request timeout itself; the margin only guards
  // against a result that never comes.
  EventPtr event(rd_kafka_queue_poll(queue.get(), timeout_ms + 5000));
  if (!event) throw client_.error(RD_KAFKA_RESP_ERR__TIMED_OUT, what);
  rd_kafka_resp_err_t err = rd_kafka_event_error(event.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* detail = rd_kafka_event_error_string(event.get());
    throw client_.error(err, what, detail ? detail : "");
  }
  return event;
}

void check_topic_results(const rd_kafka_topic_result_t** results, size_t count,
                         const std::string& verb) {
  std::string failures;
  for (size_t i = 0; i < count; ++i) {
    rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    const char* message = rd_kafka_topic_result_error_string(results[i]);
    if (!failures.empty()) failures += "; ";
    failures += std::string(rd_kafka_topic_result_name(results[i])) + ": " +
                (message && *message ? message : rd_kafka_err2str(err));
  }
  if (!failures.empty()) fail("cannot " + verb + " " + failures);
}

}  // namespace gregor::cli
