#include "rk_client.h"

#include <librdkafka/rdkafkacpp.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <memory>

namespace gregor::it {
namespace {

std::unique_ptr<RdKafka::Conf> BaseConf(const std::string& bootstrap, std::string* error) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string err;
  if (conf->set("bootstrap.servers", bootstrap, err) != RdKafka::Conf::CONF_OK ||
      conf->set("socket.timeout.ms", "10000", err) != RdKafka::Conf::CONF_OK) {
    *error = err;
    return nullptr;
  }
  return conf;
}

bool Set(RdKafka::Conf* conf, const std::string& key, const std::string& value,
         std::string* error) {
  std::string err;
  if (conf->set(key, value, err) != RdKafka::Conf::CONF_OK) {
    *error = key + ": " + err;
    return false;
  }
  return true;
}

TsType ToTsType(RdKafka::MessageTimestamp::MessageTimestampType t) {
  switch (t) {
    case RdKafka::MessageTimestamp::MSG_TIMESTAMP_CREATE_TIME:
      return TsType::kCreate;
    case RdKafka::MessageTimestamp::MSG_TIMESTAMP_LOG_APPEND_TIME:
      return TsType::kLogAppend;
    default:
      return TsType::kNotAvailable;
  }
}

// Collects delivery reports; the opaque of each message is its index in the batch.
class DeliveryCollector : public RdKafka::DeliveryReportCb {
 public:
  explicit DeliveryCollector(size_t n) : reports_(n) {}
  void dr_cb(RdKafka::Message& m) override {
    auto i = reinterpret_cast<uintptr_t>(m.msg_opaque());
    Delivery& d = reports_.at(i);
    d.error = m.err() == RdKafka::ERR_NO_ERROR ? "" : RdKafka::err2str(m.err());
    d.offset = m.offset();
    d.ts_type = ToTsType(m.timestamp().type);
    d.timestamp_ms = m.timestamp().timestamp;
    ++done_;
  }
  std::vector<Delivery> Take() { return std::move(reports_); }
  size_t done() const { return done_; }

 private:
  std::vector<Delivery> reports_;
  size_t done_ = 0;
};

std::unique_ptr<RdKafka::Producer> MakeProducer(const std::string& bootstrap, std::string* error) {
  auto conf = BaseConf(bootstrap, error);
  if (!conf) return nullptr;
  std::string err;
  std::unique_ptr<RdKafka::Producer> p(RdKafka::Producer::create(conf.get(), err));
  if (!p) *error = "Producer::create: " + err;
  return p;
}

}  // namespace

int64_t NowMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string UniqueTopic(const std::string& prefix) {
  static std::atomic<int> counter{0};
  return "it-cpp-" + prefix + "-" + std::to_string(getpid()) + "-" +
         std::to_string(NowMs() % 100000000) + "-" + std::to_string(counter++);
}

std::vector<TestRecord> MakeRecords(int n, const std::string& tag, int64_t base_ts_ms,
                                    size_t value_size) {
  std::vector<TestRecord> out;
  for (int i = 0; i < n; ++i) {
    TestRecord r;
    r.key = tag + "-key-" + std::to_string(i % 5);
    std::string v = tag + "-value-" + std::to_string(i) + "-";
    while (v.size() < value_size) v += "abcdefgh";
    r.value = v.substr(0, value_size);
    r.headers = {{"h-index", std::to_string(i)}, {"h-tag", tag}, {"h-index", "dup"}};
    if (i % 7 == 3) r.headers.push_back({"h-empty", ""});
    r.timestamp_ms = base_ts_ms + 10 * i;
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<Delivery> Produce(const std::string& bootstrap, const std::string& topic,
                              int32_t partition, const std::vector<TestRecord>& recs,
                              const std::string& codec, const std::string& acks,
                              std::string* error) {
  auto conf = BaseConf(bootstrap, error);
  DeliveryCollector collector(recs.size());
  std::string err;
  if (!conf || !Set(conf.get(), "acks", acks, error) ||
      !Set(conf.get(), "compression.type", codec, error) ||
      !Set(conf.get(), "linger.ms", "5", error) ||
      !Set(conf.get(), "message.timeout.ms", "20000", error) ||
      conf->set("dr_cb", &collector, err) != RdKafka::Conf::CONF_OK) {
    if (error->empty()) *error = err;
    return {};
  }
  std::unique_ptr<RdKafka::Producer> p(RdKafka::Producer::create(conf.get(), err));
  if (!p) {
    *error = "Producer::create: " + err;
    return {};
  }
  for (size_t i = 0; i < recs.size(); ++i) {
    const TestRecord& r = recs[i];
    RdKafka::Headers* headers = RdKafka::Headers::create();
    for (const Header& h : r.headers) headers->add(h.name, h.value.data(), h.value.size());
    RdKafka::ErrorCode rc =
        p->produce(topic, partition, RdKafka::Producer::RK_MSG_COPY,
                   const_cast<char*>(r.value.data()), r.value.size(), r.key.data(), r.key.size(),
                   r.timestamp_ms, headers, reinterpret_cast<void*>(static_cast<uintptr_t>(i)));
    if (rc != RdKafka::ERR_NO_ERROR) {
      delete headers;  // ownership passes to librdkafka only on success
      *error = "produce #" + std::to_string(i) + ": " + RdKafka::err2str(rc);
      return {};
    }
    p->poll(0);
  }
  if (p->flush(30000) != RdKafka::ERR_NO_ERROR || collector.done() != recs.size()) {
    *error = "flush timed out with " + std::to_string(recs.size() - collector.done()) +
             " records undelivered";
    return {};
  }
  return collector.Take();
}

std::vector<Consumed> Consume(const std::string& bootstrap, const std::string& topic,
                              int32_t partition, int64_t start_offset, size_t count, int timeout_ms,
                              std::string* error) {
  auto conf = BaseConf(bootstrap, error);
  if (!conf || !Set(conf.get(), "fetch.wait.max.ms", "200", error)) return {};
  std::string err;
  std::unique_ptr<RdKafka::Consumer> c(RdKafka::Consumer::create(conf.get(), err));
  if (!c) {
    *error = "Consumer::create: " + err;
    return {};
  }
  std::unique_ptr<RdKafka::Topic> t(RdKafka::Topic::create(c.get(), topic, nullptr, err));
  if (!t || c->start(t.get(), partition, start_offset) != RdKafka::ERR_NO_ERROR) {
    *error = "cannot start consuming " + topic + ": " + err;
    return {};
  }
  std::vector<Consumed> out;
  const int64_t deadline = NowMs() + timeout_ms;
  while (out.size() < count && NowMs() < deadline) {
    std::unique_ptr<RdKafka::Message> m(c->consume(t.get(), partition, 200));
    if (m->err() == RdKafka::ERR__TIMED_OUT || m->err() == RdKafka::ERR__PARTITION_EOF) continue;
    if (m->err() != RdKafka::ERR_NO_ERROR) {
      *error = "consume error: " + m->errstr();
      break;
    }
    Consumed r;
    r.offset = m->offset();
    if (m->key()) r.key = *m->key();
    r.value.assign(static_cast<const char*>(m->payload()), m->len());
    if (RdKafka::Headers* hs = m->headers()) {
      for (const auto& h : hs->get_all()) {
        r.headers.push_back(
            {h.key(), std::string(static_cast<const char*>(h.value()), h.value_size())});
      }
    }
    r.ts_type = ToTsType(m->timestamp().type);
    r.timestamp_ms = m->timestamp().timestamp;
    out.push_back(std::move(r));
  }
  c->stop(t.get(), partition);
  if (error->empty() && out.size() < count) {
    *error = "consumed " + std::to_string(out.size()) + " of " + std::to_string(count) +
             " records from " + topic + " within " + std::to_string(timeout_ms) + " ms";
  }
  return out;
}

std::optional<int> PartitionCount(const std::string& bootstrap, const std::string& topic) {
  std::string error;
  auto p = MakeProducer(bootstrap, &error);
  if (!p) return std::nullopt;
  RdKafka::Metadata* raw = nullptr;
  if (p->metadata(true, nullptr, &raw, 10000) != RdKafka::ERR_NO_ERROR) return std::nullopt;
  std::unique_ptr<RdKafka::Metadata> md(raw);
  for (const RdKafka::TopicMetadata* t : *md->topics()) {
    if (t->topic() == topic && t->err() == RdKafka::ERR_NO_ERROR)
      return static_cast<int>(t->partitions()->size());
  }
  return std::nullopt;
}

std::optional<std::pair<int64_t, int64_t>> Watermarks(const std::string& bootstrap,
                                                      const std::string& topic, int32_t partition,
                                                      std::string* error) {
  auto p = MakeProducer(bootstrap, error);
  if (!p) return std::nullopt;
  int64_t low = -1, high = -1;
  RdKafka::ErrorCode rc = p->query_watermark_offsets(topic, partition, &low, &high, 10000);
  if (rc != RdKafka::ERR_NO_ERROR) {
    *error = "query_watermark_offsets: " + RdKafka::err2str(rc);
    return std::nullopt;
  }
  return std::make_pair(low, high);
}

std::optional<int64_t> OffsetForTime(const std::string& bootstrap, const std::string& topic,
                                     int32_t partition, int64_t timestamp_ms, std::string* error) {
  auto p = MakeProducer(bootstrap, error);
  if (!p) return std::nullopt;
  std::unique_ptr<RdKafka::TopicPartition> tp(
      RdKafka::TopicPartition::create(topic, partition, timestamp_ms));
  std::vector<RdKafka::TopicPartition*> tps{tp.get()};
  RdKafka::ErrorCode rc = p->offsetsForTimes(tps, 10000);
  if (rc == RdKafka::ERR_NO_ERROR) rc = tp->err();
  if (rc != RdKafka::ERR_NO_ERROR) {
    *error = "offsetsForTimes: " + RdKafka::err2str(rc);
    return std::nullopt;
  }
  return tp->offset();
}

}  // namespace gregor::it
