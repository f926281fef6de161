// Shared by the consumer-group checks of rdkafka_client_test: a group member
// driven by librdkafka's C++ KafkaConsumer with a recording rebalance callback,
// and helpers to poll members, judge balance and check exactly-once reads.
#pragma once

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafkacpp.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "suites.h"

namespace gregor::it {

inline constexpr int kPartitions = 6;
inline constexpr int kPerPartition = 10;

inline std::string Join(const std::set<int32_t>& s) {
  std::string out = "{";
  for (int32_t p : s) out += (out.size() > 1 ? "," : "") + std::to_string(p);
  return out + "}";
}

// One group member with a rebalance callback that assigns and unassigns
// incrementally for the cooperative protocol and eagerly otherwise, and that
// records every change it was asked to make.
class Member : public RdKafka::RebalanceCb {
 public:
  struct Change {
    bool assign;
    std::set<int32_t> parts;
  };

  Member(const std::string& bs, const std::string& group, const std::string& topic,
         const std::string& name, const std::map<std::string, std::string>& extra,
         std::string* error)
      : name_(name) {
    std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    std::string err;
    std::map<std::string, std::string> kv = {
        {"bootstrap.servers", bs},
        {"group.id", group},
        {"client.id", name},
        {"session.timeout.ms", "6000"},
        {"heartbeat.interval.ms", "300"},
        {"auto.offset.reset", "earliest"},
        {"enable.auto.commit", "false"},
        {"fetch.wait.max.ms", "100"},
        {"socket.timeout.ms", "10000"},
    };
    for (const auto& [k, v] : extra) kv[k] = v;
    for (const auto& [k, v] : kv) {
      if (conf->set(k, v, err) != RdKafka::Conf::CONF_OK) {
        *error = k + ": " + err;
        return;
      }
    }
    if (conf->set("rebalance_cb", static_cast<RdKafka::RebalanceCb*>(this), err) !=
        RdKafka::Conf::CONF_OK) {
      *error = err;
      return;
    }
    consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), err));
    if (!consumer_) {
      *error = err;
      return;
    }
    if (consumer_->subscribe({topic}) != RdKafka::ERR_NO_ERROR) *error = "subscribe failed";
  }

  ~Member() override { Close(); }

  void rebalance_cb(RdKafka::KafkaConsumer* c, RdKafka::ErrorCode err,
                    std::vector<RdKafka::TopicPartition*>& parts) override {
    std::set<int32_t> ps;
    for (auto* tp : parts) ps.insert(tp->partition());
    const bool cooperative = c->rebalance_protocol() == "COOPERATIVE";
    protocol_ = c->rebalance_protocol();
    if (err == RdKafka::ERR__ASSIGN_PARTITIONS) {
      if (cooperative) {
        RdKafka::Error* e = c->incremental_assign(parts);
        if (e) {
          errors_.push_back("incremental_assign: " + e->str());
          delete e;
        }
        owned_.insert(ps.begin(), ps.end());
      } else {
        c->assign(parts);
        owned_ = ps;
      }
      changes_.push_back({true, ps});
    } else {
      if (cooperative) {
        RdKafka::Error* e = c->incremental_unassign(parts);
        if (e) {
          errors_.push_back("incremental_unassign: " + e->str());
          delete e;
        }
        for (int32_t p : ps) owned_.erase(p);
      } else {
        c->unassign();
        owned_.clear();
      }
      changes_.push_back({false, ps});
    }
  }

  // Serves callbacks and reads for up to ms; commits every record synchronously.
  void Poll(int ms) {
    if (!consumer_) return;
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    do {
      std::unique_ptr<RdKafka::Message> m(consumer_->consume(20));
      if (m->err() == RdKafka::ERR_NO_ERROR) {
        reads_.emplace_back(m->partition(), m->offset());
        RdKafka::ErrorCode ce = consumer_->commitSync(m.get());
        if (ce != RdKafka::ERR_NO_ERROR) errors_.push_back("commit: " + RdKafka::err2str(ce));
      } else if (m->err() != RdKafka::ERR__TIMED_OUT && m->err() != RdKafka::ERR__PARTITION_EOF) {
        errors_.push_back("consume: " + m->errstr());
      }
    } while (std::chrono::steady_clock::now() < until);
  }

  void Close() {
    if (consumer_) {
      consumer_->close();
      consumer_.reset();
    }
  }

  const std::string& name() const { return name_; }
  const std::set<int32_t>& owned() const { return owned_; }
  const std::vector<Change>& changes() const { return changes_; }
  const std::vector<std::pair<int32_t, int64_t>>& reads() const { return reads_; }
  const std::vector<std::string>& errors() const { return errors_; }
  const std::string& protocol() const { return protocol_; }

 private:
  std::string name_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  std::set<int32_t> owned_;
  std::vector<Change> changes_;
  std::vector<std::pair<int32_t, int64_t>> reads_;
  std::vector<std::string> errors_;
  std::string protocol_;
};

using Members = std::vector<Member*>;

// Polls every member in turn until pred() holds or timeout_ms passes.
inline bool PollUntil(const Members& ms, int timeout_ms, const std::function<bool()>& pred) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < until) {
    for (Member* m : ms) m->Poll(30);
    if (pred()) return true;
  }
  return false;
}

inline bool Balanced(const Members& ms) {
  std::multiset<int32_t> all;
  const size_t lo = kPartitions / ms.size();
  const size_t hi = (kPartitions + ms.size() - 1) / ms.size();
  for (Member* m : ms) {
    if (m->owned().size() < lo || m->owned().size() > hi) return false;
    all.insert(m->owned().begin(), m->owned().end());
  }
  return all.size() == kPartitions &&
         std::set<int32_t>(all.begin(), all.end()).size() == kPartitions;
}

inline std::string Describe(const Members& ms) {
  std::string out;
  for (Member* m : ms) {
    out += " [" + m->name() + " owns " + Join(m->owned()) + ", " +
           std::to_string(m->changes().size()) + " rebalance calls, " +
           std::to_string(m->reads().size()) + " reads";
    if (!m->errors().empty()) out += ", last error " + m->errors().back();
    out += "]";
  }
  return out;
}

inline std::string SetupTopic(Checker& c, const std::string& bs, const std::string& prefix) {
  const std::string topic = UniqueTopic(prefix);
  ExpectOk(c, CreateTopic(bs, topic, kPartitions, 1, {}, false), "create " + topic);
  for (int32_t p = 0; p < kPartitions; ++p) {
    std::string err;
    const auto recs = MakeRecords(kPerPartition, prefix + std::to_string(p), NowMs());
    ExpectAcked(c, Produce(bs, topic, p, recs, "none", "all", &err), recs.size(), 0, "all", err);
  }
  return topic;
}

// Every (partition, offset) of the topic read exactly once over all members.
inline void ExpectReadOnce(Checker& c, const std::vector<const Member*>& ms) {
  std::map<std::pair<int32_t, int64_t>, int> seen;
  for (const Member* m : ms)
    for (const auto& r : m->reads()) seen[r]++;
  int missing = 0, twice = 0;
  for (int32_t p = 0; p < kPartitions; ++p)
    for (int64_t o = 0; o < kPerPartition; ++o) {
      auto it = seen.find({p, o});
      if (it == seen.end())
        ++missing;
      else if (it->second > 1)
        ++twice;
    }
  c.Expect(missing == 0 && twice == 0 && seen.size() == kPartitions * kPerPartition,
           std::to_string(missing) + " records never read, " + std::to_string(twice) +
               " read more than once (all commits succeeded, no member crashed)");
}

// The group admin checks (group_admin_checks.cc).
void GroupAdmin(Checker& c, const std::string& bs);

}  // namespace gregor::it
