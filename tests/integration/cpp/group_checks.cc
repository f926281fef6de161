// Consumer groups through librdkafka's C++ KafkaConsumer: cooperative-sticky
// incremental rebalancing (incremental_assign/unassign) and static membership
// (group.instance.id) across a member restart; the admin calls are in
// group_admin_checks.cc. Every consumer is polled from this one thread, in turn.
#include "group_member.h"

namespace gregor::it {
namespace {

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
