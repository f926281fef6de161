// gregor group reset-offsets GROUP: shows (and with --execute, commits) new
// offsets for a group's partitions: --to-earliest, --to-latest, --to-offset N,
// --to-timestamp MS or --shift-by N, like kafka-consumer-groups.sh. Without
// --execute nothing changes (a dry run), as with Kafka's tool.
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/group_reset.h"
#include "cli/groups.h"
#include "cli/metadata.h"
#include "cli/output.h"
#include "cli/table.h"

namespace gregor::cli {
namespace {

struct ResetArgs {
  ClientOptions client;
  std::string group;
  std::vector<std::string> topics;
  bool all_topics = false;
  bool to_earliest = false;
  bool to_latest = false;
  std::optional<int64_t> to_offset;
  std::optional<int64_t> to_timestamp;
  std::optional<int64_t> shift_by;
  bool execute = false;
};

ResetTarget target_of(const ResetArgs& a) {
  using Kind = ResetTarget::Kind;
  int given = a.to_earliest + a.to_latest + a.to_offset.has_value() + a.to_timestamp.has_value() +
              a.shift_by.has_value();
  if (given != 1)
    usage_error(
        "give exactly one of --to-earliest, --to-latest, --to-offset, --to-timestamp, --shift-by");
  if (a.to_earliest) return {Kind::kEarliest, 0};
  if (a.to_latest) return {Kind::kLatest, 0};
  if (a.to_offset) return {Kind::kOffset, *a.to_offset};
  if (a.to_timestamp) return {Kind::kTimestamp, *a.to_timestamp};
  return {Kind::kShiftBy, *a.shift_by};
}

// The partitions to reset: those named, or with --all-topics every partition
// the group has committed offsets for. Each carries its current offset.
std::vector<CommittedOffset> partitions_of(Admin& admin, const ResetArgs& a) {
  if (a.all_topics == !a.topics.empty())
    usage_error("give either --topic (repeatable) or --all-topics");
  auto committed = committed_offsets(admin, a.group);
  if (a.all_topics) return committed;
  auto selected = select_partitions(admin, a.topics);
  for (auto& s : selected) {
    for (const auto& c : committed) {
      if (c.topic == s.topic && c.partition == s.partition) s.offset = c.offset;
    }
  }
  return selected;
}

// Offsets at the target time for every partition (-1 where none is that recent).
std::vector<int64_t> offsets_at(Client& client, const std::vector<CommittedOffset>& partitions,
                                int64_t ts) {
  PartitionListPtr list = new_partition_list(static_cast<int>(partitions.size()));
  for (const auto& p : partitions)
    rd_kafka_topic_partition_list_add(list.get(), p.topic.c_str(), p.partition)->offset = ts;
  client.check(rd_kafka_offsets_for_times(client.get(), list.get(), client.options().timeout_ms()),
               "look up offsets by timestamp");
  std::vector<int64_t> out;
  for (int i = 0; i < list->cnt; ++i) out.push_back(list->elems[i].offset);
  return out;
}

void reset(const ResetArgs& args) {
  ResetTarget target = target_of(args);
  Admin admin(args.client);
  auto partitions = partitions_of(admin, args);
  if (partitions.empty()) fail("group " + args.group + " has no committed offsets to reset");
  std::vector<int64_t> at_time;
  if (target.kind == ResetTarget::Kind::kTimestamp)
    at_time = offsets_at(admin.client(), partitions, target.value);
  std::vector<CommittedOffset> planned;
  nlohmann::json rows = nlohmann::json::array();
  Table table({"topic", "partition", "current-offset", "new-offset"});
  for (size_t i = 0; i < partitions.size(); ++i) {
    const auto& p = partitions[i];
    Watermarks w = query_watermarks(admin.client(), p.topic, p.partition);
    PartitionOffsets offsets{p.offset, w.low, w.high, at_time.empty() ? -1 : at_time[i]};
    int64_t next = reset_offset(target, offsets);
    planned.push_back({p.topic, p.partition, next});
    rows.push_back({{"topic", p.topic},
                    {"partition", p.partition},
                    {"current_offset", p.offset < 0 ? nlohmann::json() : nlohmann::json(p.offset)},
                    {"new_offset", next}});
    table.add_row({p.topic, std::to_string(p.partition),
                   p.offset < 0 ? "-" : std::to_string(p.offset), std::to_string(next)});
  }
  if (args.execute) alter_committed_offsets(admin, args.group, planned);
  if (args.client.output() == OutputFormat::kJson) {
    return print_json({{"group", args.group}, {"executed", args.execute}, {"partitions", rows}});
  }
  print_text(
      table.render() +
      (args.execute ? "" : "(dry run: nothing changed; add --execute to commit these offsets)\n"));
}

}  // namespace

void add_group_reset_command(CLI::App* group, CommandSet& commands) {
  auto& args = commands.hold<ResetArgs>();
  auto* cmd = group->add_subcommand("reset-offsets",
                                    "Move a group's committed offsets (dry run unless --execute)");
  cmd->add_option("group", args.group, "Group id")->required();
  cmd->add_option("-t,--topic", args.topics, "TOPIC or TOPIC:P1,P2 (repeatable)");
  cmd->add_flag("--all-topics", args.all_topics,
                "Every partition the group has committed offsets for");
  cmd->add_flag("--to-earliest", args.to_earliest, "To the log start offset");
  cmd->add_flag("--to-latest", args.to_latest, "To the high watermark");
  cmd->add_option("--to-offset", args.to_offset, "To this offset (kept within the log)");
  cmd->add_option("--to-timestamp", args.to_timestamp,
                  "To the first record at or after this Unix time in ms");
  cmd->add_option("--shift-by", args.shift_by, "Move by N (negative: back)");
  cmd->add_flag("--execute", args.execute,
                "Commit the new offsets (the group must have no members)");
  add_client_options(cmd, args.client);
  cmd->footer(
      "Examples:\n  gregor group reset-offsets billing --topic orders --to-earliest\n"
      "  gregor group reset-offsets billing --topic orders:0 --shift-by -10 --execute\n"
      "  gregor group reset-offsets billing --all-topics --to-timestamp 1700000000000 --execute");
  commands.bind(cmd, [&args] { reset(args); });
}

}  // namespace gregor::cli
