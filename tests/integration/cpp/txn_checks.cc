// Idempotent and transactional producers with librdkafka's C++ client: an idempotent
// producer's records land once each at dense offsets; a transactional producer's committed
// transactions are read by a read_committed consumer and its aborted one is not, while a
// read_uncommitted consumer reads all three.
#include <librdkafka/rdkafkacpp.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "suites.h"

namespace gregor::it {
namespace {

using Values = std::vector<std::string>;

std::unique_ptr<RdKafka::Conf> Conf(const std::string& bs,
                                    const std::vector<std::pair<std::string, std::string>>& kv,
                                    std::string* error) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string err;
  for (const auto& [k, v] : kv) {
    if (conf->set(k, v, err) != RdKafka::Conf::CONF_OK) {
      *error = k + ": " + err;
      return nullptr;
    }
  }
  if (conf->set("bootstrap.servers", bs, err) != RdKafka::Conf::CONF_OK) *error = err;
  return error->empty() ? std::move(conf) : nullptr;
}

// Everything from the start of a partition to its end as the isolation level sees it
// (librdkafka's end-of-partition event: the high watermark, or the last stable offset).
Values ReadToEnd(const std::string& bs, const std::string& topic, int32_t partition,
                 const std::string& isolation, std::string* error) {
  auto conf = Conf(bs,
                   {{"isolation.level", isolation},
                    {"enable.partition.eof", "true"},
                    {"fetch.wait.max.ms", "100"},
                    {"socket.timeout.ms", "10000"}},
                   error);
  if (!conf) return {};
  std::string err;
  std::unique_ptr<RdKafka::Consumer> c(RdKafka::Consumer::create(conf.get(), err));
  std::unique_ptr<RdKafka::Topic> t(c ? RdKafka::Topic::create(c.get(), topic, nullptr, err)
                                      : nullptr);
  if (!t || c->start(t.get(), partition, RdKafka::Topic::OFFSET_BEGINNING) != 0) {
    *error = "cannot consume " + topic + ": " + err;
    return {};
  }
  Values out;
  const int64_t deadline = NowMs() + 20000;
  for (;;) {
    if (NowMs() > deadline) {
      *error = isolation + " consumer saw no end of partition within 20 s (" +
               std::to_string(out.size()) + " records read)";
      break;
    }
    std::unique_ptr<RdKafka::Message> m(c->consume(t.get(), partition, 200));
    if (m->err() == RdKafka::ERR__TIMED_OUT) continue;
    if (m->err() == RdKafka::ERR__PARTITION_EOF) break;
    if (m->err() != RdKafka::ERR_NO_ERROR) {
      *error = "consume: " + m->errstr();
      break;
    }
    out.emplace_back(static_cast<const char*>(m->payload()), m->len());
  }
  c->stop(t.get(), partition);
  return out;
}

std::string Join(const Values& v) {
  std::string s;
  for (const std::string& x : v) s += x + ",";
  return "[" + s + "]";
}

bool Ok(Checker& c, const RdKafka::Error* e, const std::string& what) {
  std::unique_ptr<const RdKafka::Error> owned(e);
  return c.Expect(e == nullptr, what + ": " + (e ? e->name() + " " + e->str() : ""));
}

void CommitAndAbort(Checker& c, const std::string& bs) {
  const std::string topic = UniqueTopic("txn");
  ExpectOk(c, CreateTopic(bs, topic, 1, 1, {}, false), "create");
  std::string error;
  auto conf = Conf(bs,
                   {{"transactional.id", topic + "-tid"},
                    {"linger.ms", "5"},
                    {"message.timeout.ms", "20000"},
                    {"socket.timeout.ms", "10000"}},
                   &error);
  if (!c.Expect(conf != nullptr, error)) return;
  std::string err;
  std::unique_ptr<RdKafka::Producer> p(RdKafka::Producer::create(conf.get(), err));
  if (!c.Expect(p != nullptr, "Producer::create: " + err)) return;
  if (!Ok(c, p->init_transactions(30000), "init_transactions")) return;
  Values committed, all;
  const std::vector<std::pair<std::string, bool>> txns = {
      {"c1", true}, {"a1", false}, {"c2", true}};
  for (const auto& [tag, commit] : txns) {
    if (!Ok(c, p->begin_transaction(), "begin_transaction " + tag)) return;
    for (int i = 0; i < 5; ++i) {
      std::string v = tag + "-" + std::to_string(i);
      auto rc = p->produce(topic, 0, RdKafka::Producer::RK_MSG_COPY, v.data(), v.size(), nullptr, 0,
                           0, nullptr, nullptr);
      if (!c.Expect(rc == RdKafka::ERR_NO_ERROR, "produce: " + RdKafka::err2str(rc))) return;
      all.push_back(v);
      if (commit) committed.push_back(v);
    }
    p->flush(20000);  // the aborted records reach the log too
    if (commit && !Ok(c, p->commit_transaction(30000), "commit_transaction " + tag)) return;
    if (!commit && !Ok(c, p->abort_transaction(30000), "abort_transaction " + tag)) return;
  }
  // commit_transaction returns once the commit is decided; the marker that ends the last
  // transaction (and moves the last stable offset past it) is written right after.
  Values rc;
  for (const int64_t until = NowMs() + 10000; NowMs() < until;) {
    error.clear();
    rc = ReadToEnd(bs, topic, 0, "read_committed", &error);
    if (rc == committed) break;
  }
  c.Expect(error.empty(), error);
  c.Expect(rc == committed, "read_committed read " + Join(rc) + ", expected " + Join(committed));
  error.clear();
  const Values ru = ReadToEnd(bs, topic, 0, "read_uncommitted", &error);
  c.Expect(error.empty(), error);
  c.Expect(ru == all, "read_uncommitted read " + Join(ru) + ", expected " + Join(all));
  // Three transactions: 15 records and 3 markers.
  auto wm = Watermarks(bs, topic, 0, &error);
  c.Expect(wm && wm->second == 18, "high watermark " + (wm ? std::to_string(wm->second) : error) +
                                       ", expected 18 (15 records, 3 markers)");
}

void Idempotent(Checker& c, const std::string& bs) {
  const std::string topic = UniqueTopic("idem");
  ExpectOk(c, CreateTopic(bs, topic, 2, 1, {}, false), "create");
  std::string error;
  auto conf = Conf(bs,
                   {{"enable.idempotence", "true"},
                    {"linger.ms", "2"},
                    {"message.timeout.ms", "20000"},
                    {"socket.timeout.ms", "10000"}},
                   &error);
  if (!c.Expect(conf != nullptr, error)) return;
  std::string err;
  std::unique_ptr<RdKafka::Producer> p(RdKafka::Producer::create(conf.get(), err));
  if (!c.Expect(p != nullptr, "Producer::create: " + err)) return;
  Values expected[2];
  for (int i = 0; i < 300; ++i) {
    const int32_t part = i % 2;
    std::string v = "idem-" + std::to_string(i);
    auto rc = p->produce(topic, part, RdKafka::Producer::RK_MSG_COPY, v.data(), v.size(), nullptr,
                         0, 0, nullptr, nullptr);
    if (!c.Expect(rc == RdKafka::ERR_NO_ERROR, "produce: " + RdKafka::err2str(rc))) return;
    expected[part].push_back(v);
    p->poll(0);
  }
  c.Expect(p->flush(30000) == RdKafka::ERR_NO_ERROR && p->outq_len() == 0, "flush left records");
  std::string fatal_reason;
  c.Expect(p->fatal_error(fatal_reason) == RdKafka::ERR_NO_ERROR, "fatal error: " + fatal_reason);
  for (int32_t part = 0; part < 2; ++part) {
    error.clear();
    const Values got = ReadToEnd(bs, topic, part, "read_uncommitted", &error);
    c.Expect(error.empty(), error);
    c.Expect(got == expected[part], "partition " + std::to_string(part) + ": read " +
                                        std::to_string(got.size()) + " records, not the " +
                                        std::to_string(expected[part].size()) +
                                        " produced in order");
  }
}

}  // namespace

void RunTxnChecks(Checker& c, const std::string& bs) {
  c.Run("idempotent producer produce + flush", [&](Checker& k) { Idempotent(k, bs); });
  c.Run("transactions: commit, abort, commit; read_committed vs read_uncommitted",
        [&](Checker& k) { CommitAndAbort(k, bs); });
}

}  // namespace gregor::it
