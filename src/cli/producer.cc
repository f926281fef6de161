#include "cli/producer.h"

namespace gregor::cli {

TopicPtr topic_handle(Client& producer, const std::string& name) {
  TopicPtr topic(rd_kafka_topic_new(producer.get(), name.c_str(), nullptr));
  if (!topic) throw producer.error(rd_kafka_last_error(), "topic " + name);
  return topic;
}

void send_record(Client& producer, const OutgoingRecord& r) {
  for (;;) {
    rd_kafka_resp_err_t err;
    if (r.headers != nullptr) {
      err = rd_kafka_producev(
          producer.get(), RD_KAFKA_V_RKT(r.topic), RD_KAFKA_V_PARTITION(r.partition),
          RD_KAFKA_V_KEY(const_cast<void*>(r.key), r.key_size),
          RD_KAFKA_V_VALUE(const_cast<void*>(r.value), r.value_size),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_HEADERS(r.headers),
          RD_KAFKA_V_OPAQUE(r.opaque), RD_KAFKA_V_END);
    } else {
      err = rd_kafka_producev(
          producer.get(), RD_KAFKA_V_RKT(r.topic), RD_KAFKA_V_PARTITION(r.partition),
          RD_KAFKA_V_KEY(const_cast<void*>(r.key), r.key_size),
          RD_KAFKA_V_VALUE(const_cast<void*>(r.value), r.value_size),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_OPAQUE(r.opaque), RD_KAFKA_V_END);
    }
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return;
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL)
      throw producer.error(err, std::string("produce to ") + rd_kafka_topic_name(r.topic));
    rd_kafka_poll(producer.get(), 10);
  }
}

void flush_producer(Client& producer, int timeout_ms) {
  rd_kafka_resp_err_t err = rd_kafka_flush(producer.get(), timeout_ms);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw producer.error(
        err, std::to_string(rd_kafka_outq_len(producer.get())) + " record(s) still undelivered");
  }
}

Properties producer_defaults(const std::string& acks, const std::string& compression,
                             bool idempotent) {
  Properties p = {
      {"partitioner", "murmur2_random"}, {"acks", acks}, {"compression.codec", compression}};
  if (idempotent) p.emplace_back("enable.idempotence", "true");
  return p;
}

}  // namespace gregor::cli
