// Topic admin through librdkafka's C admin API (the C++ API has none). Each call
// owns a short-lived producer handle and result queue.
#include <librdkafka/rdkafka.h>

#include <memory>

#include "rk_client.h"

namespace gregor::it {
namespace {

struct HandleDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using HandlePtr = std::unique_ptr<rd_kafka_t, HandleDeleter>;

HandlePtr MakeHandle(const std::string& bootstrap, std::string* error) {
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), errstr, sizeof errstr) !=
      RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(conf);
    *error = errstr;
    return nullptr;
  }
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!rk) {
    rd_kafka_conf_destroy(conf);  // rd_kafka_new takes the conf only on success
    *error = errstr;
  }
  return HandlePtr(rk);
}

rd_kafka_AdminOptions_t* Options(rd_kafka_t* rk, rd_kafka_admin_op_t op, bool validate_only) {
  char errstr[512];
  rd_kafka_AdminOptions_t* o = rd_kafka_AdminOptions_new(rk, op);
  rd_kafka_AdminOptions_set_request_timeout(o, 15000, errstr, sizeof errstr);
  if (op != RD_KAFKA_ADMIN_OP_DELETETOPICS) {
    rd_kafka_AdminOptions_set_operation_timeout(o, 15000, errstr, sizeof errstr);
    if (validate_only) rd_kafka_AdminOptions_set_validate_only(o, 1, errstr, sizeof errstr);
  }
  return o;
}

// Waits for the admin result event and returns the single topic's error code name
// ("" for success), or a request-level error prefixed with "request: ".
template <typename ResultFn, typename TopicsFn>
std::string AwaitTopicResult(rd_kafka_queue_t* q, ResultFn result_of, TopicsFn topics_of) {
  rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 30000);
  if (!ev) return "request: no admin result within 30 s";
  std::string out;
  if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    out = std::string("request: ") + rd_kafka_err2name(rd_kafka_event_error(ev));
  } else {
    size_t n = 0;
    const rd_kafka_topic_result_t** topics = topics_of(result_of(ev), &n);
    if (n != 1) {
      out = "request: " + std::to_string(n) + " topic results";
    } else if (rd_kafka_topic_result_error(topics[0]) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      out = rd_kafka_err2name(rd_kafka_topic_result_error(topics[0]));
    }
  }
  rd_kafka_event_destroy(ev);
  return out;
}

}  // namespace

std::string CreateTopic(const std::string& bootstrap, const std::string& name, int partitions,
                        int replication,
                        const std::vector<std::pair<std::string, std::string>>& configs,
                        bool validate_only) {
  std::string error;
  HandlePtr rk = MakeHandle(bootstrap, &error);
  if (!rk) return "request: " + error;
  char errstr[512];
  rd_kafka_NewTopic_t* nt =
      rd_kafka_NewTopic_new(name.c_str(), partitions, replication, errstr, sizeof errstr);
  if (!nt) return std::string("client: ") + errstr;
  for (const auto& [k, v] : configs) rd_kafka_NewTopic_set_config(nt, k.c_str(), v.c_str());
  rd_kafka_AdminOptions_t* opts = Options(rk.get(), RD_KAFKA_ADMIN_OP_CREATETOPICS, validate_only);
  rd_kafka_queue_t* q = rd_kafka_queue_new(rk.get());
  rd_kafka_CreateTopics(rk.get(), &nt, 1, opts, q);
  std::string out =
      AwaitTopicResult(q, rd_kafka_event_CreateTopics_result, rd_kafka_CreateTopics_result_topics);
  rd_kafka_queue_destroy(q);
  rd_kafka_AdminOptions_destroy(opts);
  rd_kafka_NewTopic_destroy(nt);
  return out;
}

std::string DeleteTopic(const std::string& bootstrap, const std::string& name) {
  std::string error;
  HandlePtr rk = MakeHandle(bootstrap, &error);
  if (!rk) return "request: " + error;
  rd_kafka_DeleteTopic_t* dt = rd_kafka_DeleteTopic_new(name.c_str());
  rd_kafka_AdminOptions_t* opts = Options(rk.get(), RD_KAFKA_ADMIN_OP_DELETETOPICS, false);
  rd_kafka_queue_t* q = rd_kafka_queue_new(rk.get());
  rd_kafka_DeleteTopics(rk.get(), &dt, 1, opts, q);
  std::string out =
      AwaitTopicResult(q, rd_kafka_event_DeleteTopics_result, rd_kafka_DeleteTopics_result_topics);
  rd_kafka_queue_destroy(q);
  rd_kafka_AdminOptions_destroy(opts);
  rd_kafka_DeleteTopic_destroy(dt);
  return out;
}

std::string CreatePartitions(const std::string& bootstrap, const std::string& name, int new_total,
                             bool validate_only) {
  std::string error;
  HandlePtr rk = MakeHandle(bootstrap, &error);
  if (!rk) return "request: " + error;
  char errstr[512];
  rd_kafka_NewPartitions_t* np =
      rd_kafka_NewPartitions_new(name.c_str(), new_total, errstr, sizeof errstr);
  if (!np) return std::string("client: ") + errstr;
  rd_kafka_AdminOptions_t* opts =
      Options(rk.get(), RD_KAFKA_ADMIN_OP_CREATEPARTITIONS, validate_only);
  rd_kafka_queue_t* q = rd_kafka_queue_new(rk.get());
  rd_kafka_CreatePartitions(rk.get(), &np, 1, opts, q);
  std::string out = AwaitTopicResult(q, rd_kafka_event_CreatePartitions_result,
                                     rd_kafka_CreatePartitions_result_topics);
  rd_kafka_queue_destroy(q);
  rd_kafka_AdminOptions_destroy(opts);
  rd_kafka_NewPartitions_destroy(np);
  return out;
}

}  // namespace gregor::it
