// gregor topic trim-prefix (alias delete-records): Kafka's DeleteRecords,
// rpk's `topic trim-prefix`. Moves the log start offset of partitions forward
// so that the records before it are no longer readable; -o end (or -1) trims
// everything up to the high watermark.
#include <CLI/CLI.hpp>
#include <set>

#include "cli/admin.h"
#include "cli/commands.h"
#include "cli/metadata.h"
#include "cli/output.h"
#include "cli/table.h"

namespace gregor::cli {
namespace {

using DeleteRecordsPtr =
    std::unique_ptr<rd_kafka_DeleteRecords_t,
                    RdDeleter<rd_kafka_DeleteRecords_t, rd_kafka_DeleteRecords_destroy>>;

struct TrimArgs {
  ClientOptions client;
  std::string topic;
  std::string offset;
  std::vector<int> partitions;
};

// "end" or -1 for the high watermark, otherwise a non-negative offset.
int64_t parse_trim_offset(const std::string& text) {
  if (text == "end" || text == "-1") return RD_KAFKA_OFFSET_END;
  size_t used = 0;
  int64_t offset = -1;
  try {
    offset = std::stoll(text, &used);
  } catch (const std::logic_error&) {
    used = 0;
  }
  if (used != text.size() || offset < 0)
    usage_error("--offset: expected an offset, -1 or end, got '" + text + "'");
  return offset;
}

// The partitions to trim: those named (each must exist), or all.
std::vector<int> chosen_partitions(const TopicMetadata& topic, const std::vector<int>& named) {
  std::set<int> existing;
  for (const auto& p : topic.partitions) existing.insert(p.id);
  if (named.empty()) return {existing.begin(), existing.end()};
  std::set<int> out;
  for (int p : named) {
    if (!existing.contains(p)) fail("unknown partition " + topic.name + "/" + std::to_string(p));
    out.insert(p);
  }
  return {out.begin(), out.end()};
}

struct Trimmed {
  int partition = -1;
  int64_t log_start_offset = -1;
  std::string error;  // empty on success
};

std::vector<Trimmed> delete_records(Admin& admin, const std::string& topic,
                                    const std::vector<int>& partitions, int64_t offset) {
  PartitionListPtr before = new_partition_list(static_cast<int>(partitions.size()));
  for (int p : partitions)
    rd_kafka_topic_partition_list_add(before.get(), topic.c_str(), p)->offset = offset;
  DeleteRecordsPtr request(rd_kafka_DeleteRecords_new(before.get()));
  rd_kafka_DeleteRecords_t* raw = request.get();
  EventPtr event =
      admin.run(RD_KAFKA_ADMIN_OP_DELETERECORDS, "trim " + topic,
                [&raw](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) {
                  rd_kafka_DeleteRecords(rk, &raw, 1, o, q);
                });
  const rd_kafka_topic_partition_list_t* result =
      rd_kafka_DeleteRecords_result_offsets(rd_kafka_event_DeleteRecords_result(event.get()));
  std::vector<Trimmed> out;
  for (int i = 0; result != nullptr && i < result->cnt; ++i) {
    const auto& p = result->elems[i];
    Trimmed t{p.partition, p.offset, ""};
    if (p.err != RD_KAFKA_RESP_ERR_NO_ERROR) t = {p.partition, -1, rd_kafka_err2str(p.err)};
    out.push_back(t);
  }
  std::sort(out.begin(), out.end(),
            [](const Trimmed& a, const Trimmed& b) { return a.partition < b.partition; });
  return out;
}

void report(const ClientOptions& options, const std::string& topic,
            const std::vector<Trimmed>& rows) {
  if (options.output() == OutputFormat::kJson) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : rows) {
      nlohmann::json row = {{"topic", topic}, {"partition", r.partition}};
      if (r.error.empty()) {
        row["log_start_offset"] = r.log_start_offset;
      } else {
        row["error"] = r.error;
      }
      out.push_back(row);
    }
    return print_json(out);
  }
  Table table({"topic", "partition", "log-start-offset", "error"});
  for (const auto& r : rows) {
    table.add_row({topic, std::to_string(r.partition),
                   r.error.empty() ? std::to_string(r.log_start_offset) : "-",
                   r.error.empty() ? "-" : r.error});
  }
  print_text(table.render());
}

void trim_prefix(const TrimArgs& args) {
  int64_t offset = parse_trim_offset(args.offset);
  Admin admin(args.client);
  ClusterMetadata md = fetch_metadata(admin.client());
  std::vector<int> partitions = chosen_partitions(md.topic(args.topic), args.partitions);
  std::vector<Trimmed> rows = delete_records(admin, args.topic, partitions, offset);
  report(args.client, args.topic, rows);
  size_t failed = 0;
  const Trimmed* first_failure = nullptr;
  for (const auto& r : rows) {
    if (r.error.empty()) continue;
    ++failed;
    if (first_failure == nullptr) first_failure = &r;
  }
  if (first_failure != nullptr) {
    fail("trim " + args.topic + ": " + std::to_string(failed) + " of " +
         std::to_string(rows.size()) + " partition(s) failed, first " + args.topic + "/" +
         std::to_string(first_failure->partition) + ": " + first_failure->error);
  }
}

}  // namespace

void add_topic_trim_command(CLI::App* topic, CommandSet& commands) {
  auto& args = commands.hold<TrimArgs>();
  auto* cmd = topic->add_subcommand("trim-prefix",
                                    "Delete the records before an offset (Kafka's DeleteRecords)");
  cmd->alias("delete-records");
  cmd->add_option("topic", args.topic, "Topic name")->required();
  cmd->add_option("-o,--offset", args.offset,
                  "New log start offset of each partition; -1 or end: the high watermark")
      ->required();
  cmd->add_option("-p,--partitions", args.partitions, "Partitions to trim (default: all)")
      ->delimiter(',');
  add_client_options(cmd, args.client);
  cmd->footer(
      "Examples:\n  gregor topic trim-prefix orders -o 1000 -p 0\n"
      "  gregor topic trim-prefix orders -o end --format json\n\n"
      "An offset beyond a partition's high watermark fails that partition "
      "(OFFSET_OUT_OF_RANGE).");
  commands.bind(cmd, [&args] { trim_prefix(args); });
}

}  // namespace gregor::cli
