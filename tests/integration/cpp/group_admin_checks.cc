// Group administration through librdkafka's C admin API: list with a state
// filter, describe, committed offsets list/alter/delete, delete groups.
#include "group_member.h"

namespace gregor::it {
namespace {

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

}  // namespace

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

}  // namespace gregor::it
