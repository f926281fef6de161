// Consumer groups through librdkafka's admin API: list, describe (members and
// assignments), committed offsets, and the changes (delete a group, set or
// delete its committed offsets). Every call is one admin request.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cli/admin.h"

namespace gregor::cli {

struct GroupListing {
  std::string group;
  std::string state;
  bool simple = false;  // committed offsets without group membership
};

struct GroupMember {
  std::string member_id;
  std::string client_id;
  std::string host;
  std::string instance_id;
  std::vector<std::pair<std::string, int>> assignment;  // topic, partition
};

struct GroupDescription {
  std::string group;
  std::string state;
  std::string assignor;
  int coordinator = -1;
  std::vector<GroupMember> members;
};

struct CommittedOffset {
  std::string topic;
  int partition = -1;
  int64_t offset = -1;  // -1: none committed
};

std::vector<GroupListing> list_groups(Admin& admin);
GroupDescription describe_group(Admin& admin, const std::string& group);
// All of the group's committed offsets, sorted by topic and partition.
std::vector<CommittedOffset> committed_offsets(Admin& admin, const std::string& group);
void alter_committed_offsets(Admin& admin, const std::string& group,
                             const std::vector<CommittedOffset>& offsets);
void delete_committed_offsets(Admin& admin, const std::string& group,
                              const std::vector<CommittedOffset>& partitions);
// The partitions named by --topic TOPIC or TOPIC:P1,P2 arguments, checked
// against the cluster's metadata (offsets left at -1).
std::vector<CommittedOffset> select_partitions(Admin& admin,
                                               const std::vector<std::string>& selections);

// Deletes each group; throws naming those that failed.
void delete_groups(Admin& admin, const std::vector<std::string>& groups);

}  // namespace gregor::cli
