// gregor group list|describe|delete|delete-offsets (reset-offsets is in
// group_reset_command.cc).
#include <CLI/CLI.hpp>
#include <map>

#include "cli/commands.h"
#include "cli/group_reset.h"
#include "cli/groups.h"
#include "cli/metadata.h"
#include "cli/output.h"
#include "cli/table.h"

namespace gregor::cli {

void add_group_reset_command(CLI::App* group, CommandSet& commands);

namespace {

struct ListArgs {
  ClientOptions client;
};

void list(const ListArgs& args) {
  Admin admin(args.client);
  auto groups = list_groups(admin);
  if (args.client.output() == OutputFormat::kJson) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& g : groups)
      out.push_back({{"group", g.group}, {"state", g.state}, {"simple", g.simple}});
    return print_json(out);
  }
  Table table({"group", "state"});
  for (const auto& g : groups) table.add_row({g.group, g.state});
  print_text(table.render());
}

// One row per partition the group has a committed offset for or a member
// assigned: the lag view of kafka-consumer-groups.sh --describe.
struct LagRow {
  CommittedOffset committed;
  int64_t log_end = -1;
  std::string member_id;
  std::string client_id;
  std::string host;

  int64_t lag() const {
    return committed.offset < 0 || log_end < 0 ? -1 : log_end - committed.offset;
  }
};

std::vector<LagRow> lag_rows(Admin& admin, const GroupDescription& group) {
  std::map<std::pair<std::string, int>, LagRow> rows;
  for (const auto& c : committed_offsets(admin, group.group))
    rows[{c.topic, c.partition}].committed = c;
  for (const auto& m : group.members) {
    for (const auto& [topic, partition] : m.assignment) {
      LagRow& row = rows[{topic, partition}];
      row.committed.topic = topic;
      row.committed.partition = partition;
      row.member_id = m.member_id;
      row.client_id = m.client_id;
      row.host = m.host;
    }
  }
  std::vector<LagRow> out;
  for (auto& [key, row] : rows) {
    row.log_end = query_watermarks(admin.client(), key.first, key.second).high;
    out.push_back(row);
  }
  return out;
}

std::string optional_number(int64_t value) {
  return value < 0 ? "-" : std::to_string(value);
}

nlohmann::json describe_json(const GroupDescription& g, const std::vector<LagRow>& rows) {
  nlohmann::json members = nlohmann::json::array();
  for (const auto& m : g.members) {
    nlohmann::json assignment = nlohmann::json::array();
    for (const auto& [topic, partition] : m.assignment)
      assignment.push_back({{"topic", topic}, {"partition", partition}});
    members.push_back({{"member_id", m.member_id},
                       {"client_id", m.client_id},
                       {"host", m.host},
                       {"instance_id", m.instance_id},
                       {"assignment", assignment}});
  }
  nlohmann::json offsets = nlohmann::json::array();
  for (const auto& r : rows) {
    auto nullable = [](int64_t v) { return v < 0 ? nlohmann::json() : nlohmann::json(v); };
    offsets.push_back({{"topic", r.committed.topic},
                       {"partition", r.committed.partition},
                       {"current_offset", nullable(r.committed.offset)},
                       {"log_end_offset", nullable(r.log_end)},
                       {"lag", nullable(r.lag())},
                       {"member_id", r.member_id}});
  }
  return {{"group", g.group},       {"state", g.state},
          {"assignor", g.assignor}, {"coordinator", g.coordinator},
          {"members", members},     {"offsets", offsets}};
}

std::string describe_text(const GroupDescription& g, const std::vector<LagRow>& rows) {
  std::string text = "GROUP        " + g.group + "\nSTATE        " + g.state + "\nASSIGNOR     " +
                     g.assignor + "\nCOORDINATOR  " + std::to_string(g.coordinator) +
                     "\nMEMBERS      " + std::to_string(g.members.size()) + "\n\n";
  Table table({"topic", "partition", "current-offset", "log-end-offset", "lag", "member-id",
               "client-id", "host"});
  for (const auto& r : rows) {
    table.add_row({r.committed.topic, std::to_string(r.committed.partition),
                   optional_number(r.committed.offset), optional_number(r.log_end),
                   optional_number(r.lag()), r.member_id, r.client_id, r.host});
  }
  return text + table.render();
}

struct DescribeArgs {
  ClientOptions client;
  std::vector<std::string> groups;
};

void describe(const DescribeArgs& args) {
  Admin admin(args.client);
  nlohmann::json all = nlohmann::json::array();
  std::string text;
  for (const auto& name : args.groups) {
    GroupDescription g = describe_group(admin, name);
    auto rows = lag_rows(admin, g);
    all.push_back(describe_json(g, rows));
    text += (text.empty() ? "" : "\n") + describe_text(g, rows);
  }
  if (args.client.output() == OutputFormat::kJson)
    return print_json(all.size() == 1 ? all[0] : all);
  print_text(text);
}

struct DeleteArgs {
  ClientOptions client;
  std::vector<std::string> groups;
};

void report(const ClientOptions& client, const std::vector<std::string>& names, const char* key,
            const std::string& status) {
  if (client.output() == OutputFormat::kJson) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& n : names) out.push_back({{key, n}, {"status", status}});
    return print_json(out);
  }
  Table table({key, "status"});
  for (const auto& n : names) table.add_row({n, status});
  print_text(table.render());
}

void remove(const DeleteArgs& args) {
  Admin admin(args.client);
  delete_groups(admin, args.groups);
  report(args.client, args.groups, "group", "deleted");
}

struct DeleteOffsetsArgs {
  ClientOptions client;
  std::string group;
  std::vector<std::string> topics;
};

void delete_offsets(const DeleteOffsetsArgs& args) {
  Admin admin(args.client);
  auto partitions = select_partitions(admin, args.topics);
  delete_committed_offsets(admin, args.group, partitions);
  std::vector<std::string> names;
  for (const auto& p : partitions) names.push_back(p.topic + "/" + std::to_string(p.partition));
  report(args.client, names, "partition", "offset deleted");
}

}  // namespace

void add_group_commands(CLI::App& app, CommandSet& commands) {
  auto* group = app.add_subcommand("group", "List, describe and change consumer groups");
  group->require_subcommand(1);

  auto& list_args = commands.hold<ListArgs>();
  auto* list_cmd = group->add_subcommand("list", "List consumer groups");
  list_cmd->alias("ls");
  add_client_options(list_cmd, list_args.client);
  list_cmd->footer("Examples:\n  gregor group list\n  gregor group list --format json");
  commands.bind(list_cmd, [&list_args] { list(list_args); });

  auto& describe_args = commands.hold<DescribeArgs>();
  auto* describe_cmd =
      group->add_subcommand("describe", "Members, assignments, committed offsets and lag");
  describe_cmd->add_option("groups", describe_args.groups, "Group ids")->required();
  add_client_options(describe_cmd, describe_args.client);
  describe_cmd->footer(
      "Examples:\n  gregor group describe billing\n  gregor group describe billing --format json");
  commands.bind(describe_cmd, [&describe_args] { describe(describe_args); });

  auto& delete_args = commands.hold<DeleteArgs>();
  auto* delete_cmd = group->add_subcommand("delete", "Delete groups (they must have no members)");
  delete_cmd->add_option("groups", delete_args.groups, "Group ids")->required();
  add_client_options(delete_cmd, delete_args.client);
  delete_cmd->footer("Examples:\n  gregor group delete billing");
  commands.bind(delete_cmd, [&delete_args] { remove(delete_args); });

  auto& offsets_args = commands.hold<DeleteOffsetsArgs>();
  auto* offsets_cmd =
      group->add_subcommand("delete-offsets", "Delete a group's committed offsets for topics");
  offsets_cmd->add_option("group", offsets_args.group, "Group id")->required();
  offsets_cmd->add_option("-t,--topic", offsets_args.topics, "TOPIC or TOPIC:P1,P2 (repeatable)")
      ->required();
  add_client_options(offsets_cmd, offsets_args.client);
  offsets_cmd->footer(
      "Examples:\n  gregor group delete-offsets billing --topic orders\n"
      "  gregor group delete-offsets billing --topic orders:0,1");
  commands.bind(offsets_cmd, [&offsets_args] { delete_offsets(offsets_args); });

  add_group_reset_command(group, commands);
}

}  // namespace gregor::cli
