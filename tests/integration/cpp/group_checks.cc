// Consumer groups through librdkafka's C++ KafkaConsumer and its C admin API:
// cooperative-sticky incremental rebalancing (incremental_assign/unassign),
// static membership (group.instance.id) across a member restart, and the group
// admin calls (list with a state filter, describe, offsets list/alter/delete,
// delete groups). Every consumer is polled from this one thread, in turn.
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
namespace {

constexpr int kPartitions = 6;
constexpr int kPerPartition = 10;

std::string Join(const std::set<int32_t>& s) {
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
bool PollUntil(const Members& ms, int timeout_ms, const std::function<bool()>& pred) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < until) {
    for (Member* m : ms) m->Poll(30);
    if (pred()) return true;
  }
  return false;
}

bool Balanced(const Members& ms) {
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

std::string Describe(const Members& ms) {
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

std::string SetupTopic(Checker& c, const std::string& bs, const std::string& prefix) {
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
void ExpectReadOnce(Checker& c, const std::vector<const Member*>& ms) {
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

void CooperativeSticky(Checker& c, const std::string& bs) {
  const std::string topic = SetupTopic(c, bs, "coop");
  const std::string group = UniqueTopic("coop-group");
  const std::map<std::string, std::string> conf = {
      {"partition.assignment.strategy", "cooperative-sticky"}};
  std::string err;
  auto m1 = std::make_unique<Member>(bs, group, topic, "coop-1", conf, &err);
  c.Expect(err.empty(), err);
  if (!err.empty()) return;
  if (!c.Expect(PollUntil({m1.get()}, 30000, [&] { return m1->owned().size() == kPartitions; }),
                "first member never owned all partitions:" + Describe({m1.get()})))
    return;
  c.Expect(m1->protocol() == "COOPERATIVE", "rebalance protocol " + m1->protocol());

  // A second member: m1 gives up exactly the partitions that move, keeping the rest.
  const size_t calls_before = m1->changes().size();
  auto m2 = std::make_unique<Member>(bs, group, topic, "coop-2", conf, &err);
  Members two = {m1.get(), m2.get()};
  if (!c.Expect(PollUntil(two, 30000, [&] { return Balanced(two); }),
                "two cooperative members never balanced:" + Describe(two)))
    return;
  for (size_t i = calls_before; i < m1->changes().size(); ++i) {
    const auto& ch = m1->changes()[i];
    c.Expect(
        ch.assign || ch.parts.size() == 3,
        "m1 revoked " + Join(ch.parts) + " when a second member joined (expected 3 partitions)");
  }

  auto m3 = std::make_unique<Member>(bs, group, topic, "coop-3", conf, &err);
  Members three = {m1.get(), m2.get(), m3.get()};
  const std::set<int32_t> had1 = m1->owned(), had2 = m2->owned();
  if (!c.Expect(PollUntil(three, 30000, [&] { return Balanced(three); }),
                "three cooperative members never balanced:" + Describe(three)))
    return;
  for (auto [m, had] : {std::pair{m1.get(), had1}, std::pair{m2.get(), had2}}) {
    c.Expect(std::includes(had.begin(), had.end(), m->owned().begin(), m->owned().end()),
             m->name() + " gained partitions it did not own when a third member joined: " +
                 Join(had) + " -> " + Join(m->owned()));
  }
  PollUntil(three, 20000, [&] {
    return m1->reads().size() + m2->reads().size() + m3->reads().size() >=
           static_cast<size_t>(kPartitions * kPerPartition);
  });

  // m3 leaves: its partitions are added to the others, nobody loses any.
  const size_t c1 = m1->changes().size(), c2 = m2->changes().size();
  const std::set<int32_t> keep1 = m1->owned(), keep2 = m2->owned();
  std::vector<std::pair<int32_t, int64_t>> m3_reads = m3->reads();
  m3->Close();
  if (!c.Expect(PollUntil(two, 30000, [&] { return Balanced(two); }),
                "the two remaining members never took over:" + Describe(two)))
    return;
  for (auto [m, from, keep] : {std::tuple{m1.get(), c1, keep1}, std::tuple{m2.get(), c2, keep2}}) {
    for (size_t i = from; i < m->changes().size(); ++i)
      c.Expect(m->changes()[i].assign, m->name() + " had partitions revoked " +
                                           Join(m->changes()[i].parts) +
                                           " when another member left a cooperative group");
    c.Expect(std::includes(m->owned().begin(), m->owned().end(), keep.begin(), keep.end()),
             m->name() + " lost partitions when another member left");
  }
  ExpectReadOnce(c, {m1.get(), m2.get(), m3.get()});
  for (Member* m : {m1.get(), m2.get(), m3.get()})
    c.Expect(m->errors().empty(), m->name() + ": " + (m->errors().empty() ? "" : m->errors()[0]));
}

void StaticMembership(Checker& c, const std::string& bs) {
  const std::string topic = SetupTopic(c, bs, "static");
  const std::string group = UniqueTopic("static-group");
  auto conf = [&](int i) {
    return std::map<std::string, std::string>{
        {"group.instance.id", group + "-instance-" + std::to_string(i)},
        {"session.timeout.ms", "10000"},
        {"partition.assignment.strategy", "range"}};
  };
  std::string err;
  auto s1 = std::make_unique<Member>(bs, group, topic, "static-1", conf(1), &err);
  auto s2 = std::make_unique<Member>(bs, group, topic, "static-2", conf(2), &err);
  c.Expect(err.empty(), err);
  if (!err.empty()) return;
  Members both = {s1.get(), s2.get()};
  if (!c.Expect(PollUntil(both, 30000, [&] { return Balanced(both); }),
                "two static members never balanced:" + Describe(both)))
    return;
  PollUntil(both, 1500, [] { return false; });  // settle
  const size_t calls = s1->changes().size();
  const std::set<int32_t> owned1 = s1->owned(), owned2 = s2->owned();
  std::vector<const Member*> all_members = {s1.get(), s2.get()};

  // Restart s2 with the same group.instance.id (close sends no LeaveGroup for a static member).
  s2->Close();
  auto s2b = std::make_unique<Member>(bs, group, topic, "static-2", conf(2), &err);
  Members again = {s1.get(), s2b.get()};
  c.Expect(PollUntil(again, 20000, [&] { return !s2b->owned().empty(); }),
           "the restarted static member got no assignment:" + Describe(again));
  PollUntil(again, 3000, [&] {
    return s1->reads().size() + s2->reads().size() + s2b->reads().size() >=
           static_cast<size_t>(kPartitions * kPerPartition);
  });
  PollUntil(again, 1500, [] { return false; });  // heartbeats: a rebalance would show now
  c.Expect(s2b->owned() == owned2,
           "the restarted static member got " + Join(s2b->owned()) + ", it had " + Join(owned2));
  c.Expect(s1->changes().size() == calls && s1->owned() == owned1,
           "the other member was rebalanced when a static member restarted:" + Describe(again));
  all_members.push_back(s2b.get());
  ExpectReadOnce(c, all_members);
}

// --- admin -------------------------------------------------------------------------

struct RkDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using RkPtr = std::unique_ptr<rd_kafka_t, RkDeleter>;

RkPtr AdminHandle(const std::string& bs) {
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", bs.c_str(), errstr, sizeof errstr);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!rk) rd_kafka_conf_destroy(conf);
  return RkPtr(rk);
}

// Runs one admin call and hands its result event to `read`; returns a request-level error.
std::string AdminCall(rd_kafka_t* rk, rd_kafka_admin_op_t op,
                      const std::function<void(rd_kafka_AdminOptions_t*)>& opts,
                      const std::function<void(rd_kafka_AdminOptions_t*, rd_kafka_queue_t*)>& call,
                      const std::function<void(rd_kafka_event_t*)>& read) {
  char errstr[512];
  rd_kafka_AdminOptions_t* o = rd_kafka_AdminOptions_new(rk, op);
  rd_kafka_AdminOptions_set_request_timeout(o, 15000, errstr, sizeof errstr);
  if (opts) opts(o);
  rd_kafka_queue_t* q = rd_kafka_queue_new(rk);
  call(o, q);
  rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 30000);
  std::string out;
  if (!ev) {
    out = "no admin result within 30 s";
  } else if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    out = rd_kafka_err2name(rd_kafka_event_error(ev));
  } else {
    read(ev);
  }
  if (ev) rd_kafka_event_destroy(ev);
  rd_kafka_queue_destroy(q);
  rd_kafka_AdminOptions_destroy(o);
  return out;
}

std::string ErrName(const rd_kafka_error_t* e) {
  return e ? rd_kafka_err2name(rd_kafka_error_code(e)) : "";
}

// group id -> state name, for the groups ListConsumerGroups returns (optionally filtered).
std::map<std::string, std::string> ListGroups(Checker& c, rd_kafka_t* rk,
                                              std::vector<rd_kafka_consumer_group_state_t> states) {
  std::map<std::string, std::string> out;
  std::string err = AdminCall(
      rk, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPS,
      [&](rd_kafka_AdminOptions_t* o) {
        if (states.empty()) return;
        rd_kafka_error_t* e =
            rd_kafka_AdminOptions_set_match_consumer_group_states(o, states.data(), states.size());
        if (e) rd_kafka_error_destroy(e);
      },
      [&](rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
        rd_kafka_ListConsumerGroups(rk, o, q);
      },
      [&](rd_kafka_event_t* ev) {
        const auto* res = rd_kafka_event_ListConsumerGroups_result(ev);
        size_t n = 0;
        const rd_kafka_ConsumerGroupListing_t** gs =
            rd_kafka_ListConsumerGroups_result_valid(res, &n);
        for (size_t i = 0; i < n; ++i)
          out[rd_kafka_ConsumerGroupListing_group_id(gs[i])] =
              rd_kafka_consumer_group_state_name(rd_kafka_ConsumerGroupListing_state(gs[i]));
        size_t ne = 0;
        rd_kafka_ListConsumerGroups_result_errors(res, &ne);
        c.Expect(ne == 0, std::to_string(ne) + " errors in ListConsumerGroups");
      });
  c.Expect(err.empty(), "ListConsumerGroups: " + err);
  return out;
}

// group -> error name ("" for success)
std::map<std::string, std::string> DeleteGroups(rd_kafka_t* rk, const std::vector<std::string>& ids,
                                                std::string* err) {
  std::map<std::string, std::string> out;
  std::vector<rd_kafka_DeleteGroup_t*> dg;
  for (const auto& id : ids) dg.push_back(rd_kafka_DeleteGroup_new(id.c_str()));
  *err = AdminCall(
      rk, RD_KAFKA_ADMIN_OP_DELETEGROUPS, nullptr,
      [&](rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
        rd_kafka_DeleteGroups(rk, dg.data(), dg.size(), o, q);
      },
      [&](rd_kafka_event_t* ev) {
        size_t n = 0;
        const rd_kafka_group_result_t** gs =
            rd_kafka_DeleteGroups_result_groups(rd_kafka_event_DeleteGroups_result(ev), &n);
        for (size_t i = 0; i < n; ++i)
          out[rd_kafka_group_result_name(gs[i])] = ErrName(rd_kafka_group_result_error(gs[i]));
      });
  rd_kafka_DeleteGroup_destroy_array(dg.data(), dg.size());
  return out;
}

struct Committed {
  int64_t offset;
  std::string metadata;
  std::string error;
};

std::map<int32_t, Committed> PartitionsOf(const rd_kafka_group_result_t* g) {
  std::map<int32_t, Committed> out;
  const rd_kafka_topic_partition_list_t* l = rd_kafka_group_result_partitions(g);
  for (int i = 0; l && i < l->cnt; ++i) {
    const auto& tp = l->elems[i];
    out[tp.partition] = {
        tp.offset,
        tp.metadata ? std::string(static_cast<const char*>(tp.metadata), tp.metadata_size) : "",
        tp.err ? rd_kafka_err2name(tp.err) : ""};
  }
  return out;
}

std::map<int32_t, Committed> ListOffsets(Checker& c, rd_kafka_t* rk, const std::string& group,
                                         const std::string& topic) {
  std::map<int32_t, Committed> out;
  rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(kPartitions);
  for (int32_t p = 0; p < kPartitions; ++p)
    rd_kafka_topic_partition_list_add(parts, topic.c_str(), p);
  rd_kafka_ListConsumerGroupOffsets_t* req =
      rd_kafka_ListConsumerGroupOffsets_new(group.c_str(), parts);
  std::string err = AdminCall(
      rk, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS, nullptr,
      [&](rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
        rd_kafka_ListConsumerGroupOffsets(rk, &req, 1, o, q);
      },
      [&](rd_kafka_event_t* ev) {
        size_t n = 0;
        const rd_kafka_group_result_t** gs = rd_kafka_ListConsumerGroupOffsets_result_groups(
            rd_kafka_event_ListConsumerGroupOffsets_result(ev), &n);
        if (n == 1) {
          c.Expect(rd_kafka_group_result_error(gs[0]) == nullptr,
                   "ListConsumerGroupOffsets: " + ErrName(rd_kafka_group_result_error(gs[0])));
          out = PartitionsOf(gs[0]);
        }
      });
  c.Expect(err.empty(), "ListConsumerGroupOffsets: " + err);
  rd_kafka_ListConsumerGroupOffsets_destroy(req);
  rd_kafka_topic_partition_list_destroy(parts);
  return out;
}

void GroupAdmin(Checker& c, const std::string& bs) {
  const std::string topic = SetupTopic(c, bs, "gadmin");
  const std::string group = UniqueTopic("gadmin-group");
  RkPtr rk = AdminHandle(bs);
  if (!c.Expect(rk != nullptr, "admin handle")) return;
  std::string err;
  auto m = std::make_unique<Member>(bs, group, topic, "gadmin-member",
                                    std::map<std::string, std::string>{}, &err);
  c.Expect(err.empty(), err);
  if (!c.Expect(PollUntil({m.get()}, 30000,
                          [&] {
                            return m->owned().size() == kPartitions &&
                                   m->reads().size() >= kPartitions * kPerPartition;
                          }),
                "the member never read the topic:" + Describe({m.get()})))
    return;

  auto stable = ListGroups(c, rk.get(), {RD_KAFKA_CONSUMER_GROUP_STATE_STABLE});
  c.Expect(stable.count(group) && stable[group] == "Stable",
           "group missing from the Stable filter");
  auto empties = ListGroups(c, rk.get(), {RD_KAFKA_CONSUMER_GROUP_STATE_EMPTY});
  c.Expect(!empties.count(group), "a Stable group listed under the Empty filter");

  // DescribeConsumerGroups
  const char* gid = group.c_str();
  bool described = false;
  err = AdminCall(
      rk.get(), RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS, nullptr,
      [&](rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
        rd_kafka_DescribeConsumerGroups(rk.get(), &gid, 1, o, q);
      },
      [&](rd_kafka_event_t* ev) {
        size_t n = 0;
        const rd_kafka_ConsumerGroupDescription_t** ds =
            rd_kafka_DescribeConsumerGroups_result_groups(
                rd_kafka_event_DescribeConsumerGroups_result(ev), &n);
        if (!c.Expect(n == 1, "DescribeConsumerGroups returned " + std::to_string(n) + " groups"))
          return;
        const auto* d = ds[0];
        described = true;
        c.Expect(rd_kafka_ConsumerGroupDescription_error(d) == nullptr,
                 "describe error " + ErrName(rd_kafka_ConsumerGroupDescription_error(d)));
        c.Expect(rd_kafka_ConsumerGroupDescription_state(d) == RD_KAFKA_CONSUMER_GROUP_STATE_STABLE,
                 "state");
        c.Expect(
            std::string(rd_kafka_ConsumerGroupDescription_partition_assignor(d)) == "range",
            std::string("assignor ") + rd_kafka_ConsumerGroupDescription_partition_assignor(d));
        c.Expect(!rd_kafka_ConsumerGroupDescription_is_simple_consumer_group(d), "simple group?");
        if (!c.Expect(rd_kafka_ConsumerGroupDescription_member_count(d) == 1, "member count"))
          return;
        const auto* mem = rd_kafka_ConsumerGroupDescription_member(d, 0);
        c.Expect(std::string(rd_kafka_MemberDescription_client_id(mem)) == "gadmin-member",
                 "client id");
        c.Expect(std::string(rd_kafka_MemberDescription_host(mem)) == "/127.0.0.1",
                 std::string("host ") + rd_kafka_MemberDescription_host(mem));
        c.Expect(std::string(rd_kafka_MemberDescription_consumer_id(mem)).size() > 0, "member id");
        const auto* parts =
            rd_kafka_MemberAssignment_partitions(rd_kafka_MemberDescription_assignment(mem));
        c.Expect(parts && parts->cnt == kPartitions, "assignment of the member");
      });
  c.Expect(err.empty() && described, "DescribeConsumerGroups: " + err);

  const std::string unknown = UniqueTopic("gadmin-none");
  auto del = DeleteGroups(rk.get(), {group, unknown}, &err);
  c.Expect(err.empty(), "DeleteGroups: " + err);
  c.Expect(del[group] == "NON_EMPTY_GROUP", "delete of a live group: '" + del[group] + "'");
  c.Expect(del[unknown] == "GROUP_ID_NOT_FOUND",
           "delete of an unknown group: '" + del[unknown] + "'");

  auto offs = ListOffsets(c, rk.get(), group, topic);
  for (int32_t p = 0; p < kPartitions; ++p)
    c.Expect(offs[p].offset == kPerPartition, "committed offset of partition " + std::to_string(p) +
                                                  ": " + std::to_string(offs[p].offset));
  m->Close();
  auto empty_now = ListGroups(c, rk.get(), {RD_KAFKA_CONSUMER_GROUP_STATE_EMPTY});
  c.Expect(empty_now.count(group) == 1, "group not Empty after its member left");

  // AlterConsumerGroupOffsets with metadata, then read back.
  rd_kafka_topic_partition_list_t* alter = rd_kafka_topic_partition_list_new(2);
  for (int32_t p : {0, 1}) {
    rd_kafka_topic_partition_t* tp = rd_kafka_topic_partition_list_add(alter, topic.c_str(), p);
    tp->offset = p + 3;
    const std::string md = "reset-" + std::to_string(p);
    tp->metadata = strdup(md.c_str());
    tp->metadata_size = md.size();
  }
  rd_kafka_AlterConsumerGroupOffsets_t* areq =
      rd_kafka_AlterConsumerGroupOffsets_new(group.c_str(), alter);
  std::map<int32_t, Committed> altered;
  err = AdminCall(
      rk.get(), RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS, nullptr,
      [&](rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
        rd_kafka_AlterConsumerGroupOffsets(rk.get(), &areq, 1, o, q);
      },
      [&](rd_kafka_event_t* ev) {
        size_t n = 0;
        const auto** gs = rd_kafka_AlterConsumerGroupOffsets_result_groups(
            rd_kafka_event_AlterConsumerGroupOffsets_result(ev), &n);
        if (n == 1) altered = PartitionsOf(gs[0]);
      });
  c.Expect(err.empty(), "AlterConsumerGroupOffsets: " + err);
  c.Expect(
      altered.size() == 2 && altered[0].error.empty() && altered[1].error.empty(),
      "AlterConsumerGroupOffsets partition errors " + altered[0].error + " " + altered[1].error);
  rd_kafka_AlterConsumerGroupOffsets_destroy(areq);
  rd_kafka_topic_partition_list_destroy(alter);
  offs = ListOffsets(c, rk.get(), group, topic);
  for (int32_t p : {0, 1})
    c.Expect(offs[p].offset == p + 3 && offs[p].metadata == "reset-" + std::to_string(p),
             "after alter, partition " + std::to_string(p) + ": " + std::to_string(offs[p].offset) +
                 " '" + offs[p].metadata + "'");
  c.Expect(offs[2].offset == kPerPartition, "alter changed another partition");

  // DeleteConsumerGroupOffsets of partition 0.
  rd_kafka_topic_partition_list_t* dl = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(dl, topic.c_str(), 0);
  rd_kafka_DeleteConsumerGroupOffsets_t* dreq =
      rd_kafka_DeleteConsumerGroupOffsets_new(group.c_str(), dl);
  std::map<int32_t, Committed> deleted;
  err = AdminCall(
      rk.get(), RD_KAFKA_ADMIN_OP_DELETECONSUMERGROUPOFFSETS, nullptr,
      [&](rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
        rd_kafka_DeleteConsumerGroupOffsets(rk.get(), &dreq, 1, o, q);
      },
      [&](rd_kafka_event_t* ev) {
        size_t n = 0;
        const auto** gs = rd_kafka_DeleteConsumerGroupOffsets_result_groups(
            rd_kafka_event_DeleteConsumerGroupOffsets_result(ev), &n);
        if (n == 1) deleted = PartitionsOf(gs[0]);
      });
  c.Expect(err.empty(), "DeleteConsumerGroupOffsets: " + err);
  c.Expect(deleted.size() == 1 && deleted[0].error.empty(),
           "DeleteConsumerGroupOffsets partition error '" + deleted[0].error + "'");
  rd_kafka_DeleteConsumerGroupOffsets_destroy(dreq);
  rd_kafka_topic_partition_list_destroy(dl);
  offs = ListOffsets(c, rk.get(), group, topic);
  c.Expect(offs[0].offset < 0, "partition 0 still has offset " + std::to_string(offs[0].offset));
  c.Expect(offs[1].offset == 4, "partition 1 lost its offset");

  del = DeleteGroups(rk.get(), {group}, &err);
  c.Expect(err.empty() && del[group].empty(),
           "delete of the empty group: '" + del[group] + err + "'");
  c.Expect(ListGroups(c, rk.get(), {}).count(group) == 0, "deleted group still listed");
}

}  // namespace

void RunGroupChecks(Checker& c, const std::string& bootstrap) {
  c.Run("groups/cooperative-sticky incremental rebalances",
        [&](Checker& k) { CooperativeSticky(k, bootstrap); });
  c.Run("groups/static member restarts without a rebalance",
        [&](Checker& k) { StaticMembership(k, bootstrap); });
  c.Run("groups/admin list, describe, offsets, delete",
        [&](Checker& k) { GroupAdmin(k, bootstrap); });
}

}  // namespace gregor::it
