#include "cli/groups.h"

#include <algorithm>

#include "cli/group_reset.h"
#include "cli/metadata.h"

namespace gregor::cli {
namespace {

using DeleteGroupPtr =
    std::unique_ptr<rd_kafka_DeleteGroup_t,
                    RdDeleter<rd_kafka_DeleteGroup_t, rd_kafka_DeleteGroup_destroy>>;
using ListOffsetsPtr = std::unique_ptr<
    rd_kafka_ListConsumerGroupOffsets_t,
    RdDeleter<rd_kafka_ListConsumerGroupOffsets_t, rd_kafka_ListConsumerGroupOffsets_destroy>>;
using AlterOffsetsPtr = std::unique_ptr<
    rd_kafka_AlterConsumerGroupOffsets_t,
    RdDeleter<rd_kafka_AlterConsumerGroupOffsets_t, rd_kafka_AlterConsumerGroupOffsets_destroy>>;
using DeleteOffsetsPtr = std::unique_ptr<
    rd_kafka_DeleteConsumerGroupOffsets_t,
    RdDeleter<rd_kafka_DeleteConsumerGroupOffsets_t, rd_kafka_DeleteConsumerGroupOffsets_destroy>>;

std::string state_name(rd_kafka_consumer_group_state_t state) {
  return rd_kafka_consumer_group_state_name(state);
}

PartitionListPtr to_list(const std::vector<CommittedOffset>& offsets) {
  PartitionListPtr list = new_partition_list(static_cast<int>(offsets.size()));
  for (const auto& o : offsets) {
    rd_kafka_topic_partition_list_add(list.get(), o.topic.c_str(), o.partition)->offset = o.offset;
  }
  return list;
}

// Checks a group result and each of its partitions; returns its partitions.
const rd_kafka_topic_partition_list_t* check_group_result(const rd_kafka_group_result_t** results,
                                                          size_t n, const std::string& what) {
  if (n != 1) fail(what + ": expected one group in the answer, got " + std::to_string(n));
  if (const rd_kafka_error_t* error = rd_kafka_group_result_error(results[0])) {
    fail(what + ": " + rd_kafka_error_string(error));
  }
  const rd_kafka_topic_partition_list_t* partitions = rd_kafka_group_result_partitions(results[0]);
  for (int i = 0; partitions != nullptr && i < partitions->cnt; ++i) {
    const auto& p = partitions->elems[i];
    if (p.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      fail(what + ": " + p.topic + "/" + std::to_string(p.partition) + ": " +
           rd_kafka_err2str(p.err));
    }
  }
  return partitions;
}

GroupMember convert(const rd_kafka_MemberDescription_t* m) {
  GroupMember out;
  out.member_id = rd_kafka_MemberDescription_consumer_id(m);
  out.client_id = rd_kafka_MemberDescription_client_id(m);
  out.host = rd_kafka_MemberDescription_host(m);
  const char* instance = rd_kafka_MemberDescription_group_instance_id(m);
  out.instance_id = instance ? instance : "";
  const auto* list = rd_kafka_MemberAssignment_partitions(rd_kafka_MemberDescription_assignment(m));
  for (int i = 0; list != nullptr && i < list->cnt; ++i) {
    out.assignment.emplace_back(list->elems[i].topic, list->elems[i].partition);
  }
  return out;
}

}  // namespace

std::vector<GroupListing> list_groups(Admin& admin) {
  EventPtr event = admin.run(RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPS, "list groups",
                             [](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* o,
                                rd_kafka_queue_t* q) { rd_kafka_ListConsumerGroups(rk, o, q); });
  const auto* result = rd_kafka_event_ListConsumerGroups_result(event.get());
  size_t n_errors = 0;
  const rd_kafka_error_t** errors = rd_kafka_ListConsumerGroups_result_errors(result, &n_errors);
  if (n_errors > 0) {
    throw admin.client().error(rd_kafka_error_code(errors[0]), "list groups",
                               rd_kafka_error_string(errors[0]));
  }
  size_t n = 0;
  const rd_kafka_ConsumerGroupListing_t** groups =
      rd_kafka_ListConsumerGroups_result_valid(result, &n);
  std::vector<GroupListing> out;
  for (size_t i = 0; i < n; ++i) {
    out.push_back({rd_kafka_ConsumerGroupListing_group_id(groups[i]),
                   state_name(rd_kafka_ConsumerGroupListing_state(groups[i])),
                   rd_kafka_ConsumerGroupListing_is_simple_consumer_group(groups[i]) != 0});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.group < b.group; });
  return out;
}

GroupDescription describe_group(Admin& admin, const std::string& group) {
  const char* name = group.c_str();
  EventPtr event = admin.run(
      RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS, "describe group " + group,
      [name](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) mutable {
        rd_kafka_DescribeConsumerGroups(rk, &name, 1, o, q);
      });
  size_t n = 0;
  const auto** groups = rd_kafka_DescribeConsumerGroups_result_groups(
      rd_kafka_event_DescribeConsumerGroups_result(event.get()), &n);
  if (n != 1) fail("describe group " + group + ": expected one group in the answer");
  const auto* g = groups[0];
  if (const rd_kafka_error_t* error = rd_kafka_ConsumerGroupDescription_error(g)) {
    throw admin.client().error(rd_kafka_error_code(error), "describe group " + group,
                               rd_kafka_error_string(error));
  }
  GroupDescription out;
  out.group = group;
  out.state = state_name(rd_kafka_ConsumerGroupDescription_state(g));
  const char* assignor = rd_kafka_ConsumerGroupDescription_partition_assignor(g);
  out.assignor = assignor ? assignor : "";
  if (const rd_kafka_Node_t* node = rd_kafka_ConsumerGroupDescription_coordinator(g)) {
    out.coordinator = rd_kafka_Node_id(node);
  }
  for (size_t i = 0; i < rd_kafka_ConsumerGroupDescription_member_count(g); ++i) {
    out.members.push_back(
        convert(rd_kafka_ConsumerGroupDescription_member(g, static_cast<int>(i))));
  }
  return out;
}

std::vector<CommittedOffset> committed_offsets(Admin& admin, const std::string& group) {
  const std::string what = "committed offsets of group " + group;
  ListOffsetsPtr request(rd_kafka_ListConsumerGroupOffsets_new(group.c_str(), nullptr));
  rd_kafka_ListConsumerGroupOffsets_t* raw = request.get();
  EventPtr event = admin.run(
      RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS, what,
      [raw](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) mutable {
        rd_kafka_ListConsumerGroupOffsets(rk, &raw, 1, o, q);
      });
  size_t n = 0;
  const auto** results = rd_kafka_ListConsumerGroupOffsets_result_groups(
      rd_kafka_event_ListConsumerGroupOffsets_result(event.get()), &n);
  const auto* partitions = check_group_result(results, n, what);
  std::vector<CommittedOffset> out;
  for (int i = 0; partitions != nullptr && i < partitions->cnt; ++i) {
    const auto& p = partitions->elems[i];
    out.push_back({p.topic, p.partition, p.offset < 0 ? -1 : p.offset});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a.topic, a.partition) < std::tie(b.topic, b.partition);
  });
  return out;
}

void alter_committed_offsets(Admin& admin, const std::string& group,
                             const std::vector<CommittedOffset>& offsets) {
  const std::string what = "set committed offsets of group " + group;
  PartitionListPtr list = to_list(offsets);
  AlterOffsetsPtr request(rd_kafka_AlterConsumerGroupOffsets_new(group.c_str(), list.get()));
  rd_kafka_AlterConsumerGroupOffsets_t* raw = request.get();
  EventPtr event = admin.run(
      RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS, what,
      [raw](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) mutable {
        rd_kafka_AlterConsumerGroupOffsets(rk, &raw, 1, o, q);
      });
  size_t n = 0;
  const auto** results = rd_kafka_AlterConsumerGroupOffsets_result_groups(
      rd_kafka_event_AlterConsumerGroupOffsets_result(event.get()), &n);
  check_group_result(results, n, what);
}

void delete_committed_offsets(Admin& admin, const std::string& group,
                              const std::vector<CommittedOffset>& partitions) {
  const std::string what = "delete committed offsets of group " + group;
  PartitionListPtr list = to_list(partitions);
  DeleteOffsetsPtr request(rd_kafka_DeleteConsumerGroupOffsets_new(group.c_str(), list.get()));
  rd_kafka_DeleteConsumerGroupOffsets_t* raw = request.get();
  EventPtr event = admin.run(
      RD_KAFKA_ADMIN_OP_DELETECONSUMERGROUPOFFSETS, what,
      [raw](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) mutable {
        rd_kafka_DeleteConsumerGroupOffsets(rk, &raw, 1, o, q);
      });
  size_t n = 0;
  const auto** results = rd_kafka_DeleteConsumerGroupOffsets_result_groups(
      rd_kafka_event_DeleteConsumerGroupOffsets_result(event.get()), &n);
  check_group_result(results, n, what);
}

void delete_groups(Admin& admin, const std::vector<std::string>& groups) {
  std::vector<DeleteGroupPtr> owned;
  std::vector<rd_kafka_DeleteGroup_t*> raw;
  for (const auto& g : groups) {
    owned.emplace_back(rd_kafka_DeleteGroup_new(g.c_str()));
    raw.push_back(owned.back().get());
  }
  EventPtr event =
      admin.run(RD_KAFKA_ADMIN_OP_DELETEGROUPS, "delete groups",
                [&raw](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
                  rd_kafka_DeleteGroups(rk, raw.data(), raw.size(), o, q);
                });
  size_t n = 0;
  const auto** results =
      rd_kafka_DeleteGroups_result_groups(rd_kafka_event_DeleteGroups_result(event.get()), &n);
  std::string failures;
  for (size_t i = 0; i < n; ++i) {
    const rd_kafka_error_t* error = rd_kafka_group_result_error(results[i]);
    if (error == nullptr) continue;
    if (!failures.empty()) failures += "; ";
    failures +=
        std::string(rd_kafka_group_result_name(results[i])) + ": " + rd_kafka_error_string(error);
  }
  if (!failures.empty()) fail("cannot delete group " + failures);
}

std::vector<CommittedOffset> select_partitions(Admin& admin,
                                               const std::vector<std::string>& selections) {
  ClusterMetadata md = fetch_metadata(admin.client());
  std::vector<CommittedOffset> out;
  for (const auto& text : selections) {
    TopicSelection s = parse_topic_selection(text);
    const TopicMetadata& topic = md.topic(s.topic);
    for (const auto& p : topic.partitions) {
      if (s.partitions.empty() || std::count(s.partitions.begin(), s.partitions.end(), p.id)) {
        out.push_back({s.topic, p.id, -1});
      }
    }
    for (int p : s.partitions) {
      if (p >= static_cast<int>(topic.partitions.size()))
        fail("topic " + s.topic + " has no partition " + std::to_string(p));
    }
  }
  return out;
}

}  // namespace gregor::cli
