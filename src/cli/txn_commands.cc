// gregor transaction list|describe and gregor producer describe: Kafka's
// ListTransactions, DescribeTransactions and DescribeProducers, which
// librdkafka 2.0 has no admin call for, sent with WireClient to the brokers
// Metadata names (every broker, the transaction coordinator, each partition's
// leader).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <ctime>
#include <map>
#include <set>
#include <thread>

#include "base/error_code.h"
#include "cli/commands.h"
#include "cli/metadata.h"
#include "cli/output.h"
#include "cli/table.h"
#include "cli/wire_client.h"
#include "cli/wire_cluster.h"
#include "protocol/messages/describe_producers.h"
#include "protocol/messages/describe_transactions.h"
#include "protocol/messages/find_coordinator.h"
#include "protocol/messages/list_transactions.h"

namespace gregor::cli {
namespace {

constexpr int8_t kTransactionKeyType = 1;
constexpr auto kCoordinatorLoadInProgress =
    static_cast<int16_t>(ErrorCode::kCoordinatorLoadInProgress);
constexpr auto kCoordinatorNotAvailable = static_cast<int16_t>(ErrorCode::kCoordinatorNotAvailable);
constexpr auto kTransactionalIdNotFound = static_cast<int16_t>(ErrorCode::kTransactionalIdNotFound);

std::string format_time_ms(int64_t ms) {
  if (ms < 0) return "-";
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char millis[8];
  std::snprintf(millis, sizeof millis, ".%03dZ", static_cast<int>(ms % 1000));
  return std::string(buf) + millis;
}

nlohmann::json nullable(int64_t value) {
  return value < 0 ? nlohmann::json() : nlohmann::json(value);
}

std::string optional_number(int64_t value) {
  return value < 0 ? "-" : std::to_string(value);
}

// ---- transaction list ----

struct ListArgs {
  ClientOptions client;
  std::vector<std::string> states;
  std::vector<int64_t> producer_ids;
};

struct ListedTransaction {
  std::string transactional_id;
  int64_t producer_id = -1;
  std::string state;
  int coordinator = -1;
};

void list(const ListArgs& args) {
  ClusterMetadata md = plaintext_cluster_metadata(args.client);
  protocol::ListTransactionsRequest request;
  request.state_filters = args.states;
  request.producer_id_filters = args.producer_ids;
  std::map<std::string, ListedTransaction> merged;
  for (const auto& b : md.brokers) {
    WireClient wire(b.host, b.port, args.client.timeout_ms());
    auto response = wire.call<protocol::ListTransactionsApi>(request, 0);
    if (!response.unknown_state_filters.empty())
      usage_error("unknown transaction state " + response.unknown_state_filters.front());
    if (response.error_code != 0) {
      fail("list transactions at broker " + std::to_string(b.id) + ": " +
           error_code_name(response.error_code));
    }
    for (const auto& t : response.transaction_states) {
      merged[t.transactional_id] = {t.transactional_id, t.producer_id, t.transaction_state, b.id};
    }
  }
  if (args.client.output() == OutputFormat::kJson) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& [id, t] : merged) {
      out.push_back({{"transactional_id", t.transactional_id},
                     {"producer_id", t.producer_id},
                     {"state", t.state},
                     {"coordinator", t.coordinator}});
    }
    return print_json(out);
  }
  Table table({"transactional-id", "producer-id", "state"});
  for (const auto& [id, t] : merged)
    table.add_row({t.transactional_id, std::to_string(t.producer_id), t.state});
  print_text(table.render());
}

// ---- transaction describe ----

struct DescribeArgs {
  ClientOptions client;
  std::vector<std::string> ids;
};

struct Coordinator {
  int node_id = -1;
  std::string host;
  int port = 0;
};

bool coordinator_busy(int16_t error_code) {
  return error_code == kCoordinatorLoadInProgress || error_code == kCoordinatorNotAvailable;
}

// The coordinator of each id, one FindCoordinator per id: v4 (a one-key
// batch) where the broker has it, otherwise v1. A coordinator that is
// loading or not yet available (the transaction log being created) is asked
// again every 200 ms until the command's timeout.
std::map<std::string, Coordinator> find_coordinators(WireClient& wire,
                                                     const std::vector<std::string>& ids,
                                                     int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  const bool batched = wire.supports(protocol::FindCoordinatorApi::key, 4);
  std::map<std::string, Coordinator> out;
  for (const auto& id : ids) {
    if (out.contains(id)) continue;
    protocol::FindCoordinatorRequest request;
    request.key_type = kTransactionKeyType;
    request.key = id;
    request.coordinator_keys = {id};
    while (true) {
      Coordinator found;
      int16_t error_code = 0;
      if (batched) {
        auto response = wire.call<protocol::FindCoordinatorApi>(request, 4);
        if (response.coordinators.size() != 1) fail("no coordinator found for transaction " + id);
        const auto& c = response.coordinators.front();
        found = {c.node_id, c.host, c.port};
        error_code = c.error_code;
      } else {
        auto response = wire.call<protocol::FindCoordinatorApi>(request, 1);
        found = {response.node_id, response.host, response.port};
        error_code = response.error_code;
      }
      if (error_code == 0) {
        out[id] = found;
        break;
      }
      if (!coordinator_busy(error_code) || std::chrono::steady_clock::now() >= deadline)
        fail("find coordinator of transaction " + id + ": " + error_code_name(error_code));
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
  return out;
}

nlohmann::json describe_json(const protocol::DescribeTransactionsResponse::TransactionState& t,
                             int coordinator) {
  nlohmann::json partitions = nlohmann::json::array();
  for (const auto& topic : t.topics) {
    for (int32_t p : topic.partitions)
      partitions.push_back({{"topic", topic.topic}, {"partition", p}});
  }
  return {{"transactional_id", t.transactional_id},
          {"coordinator", coordinator},
          {"state", t.transaction_state},
          {"timeout_ms", t.transaction_timeout_ms},
          {"start_time_ms", nullable(t.transaction_start_time_ms)},
          {"producer_id", t.producer_id},
          {"producer_epoch", t.producer_epoch},
          {"partitions", partitions}};
}

std::string describe_text(const protocol::DescribeTransactionsResponse::TransactionState& t,
                          int coordinator) {
  std::string text = "TRANSACTIONAL-ID  " + t.transactional_id + "\nCOORDINATOR       " +
                     std::to_string(coordinator) + "\nSTATE             " + t.transaction_state +
                     "\nTIMEOUT-MS        " + std::to_string(t.transaction_timeout_ms) +
                     "\nSTART-TIME        " + format_time_ms(t.transaction_start_time_ms) +
                     "\nPRODUCER-ID       " + std::to_string(t.producer_id) +
                     "\nPRODUCER-EPOCH    " + std::to_string(t.producer_epoch) + "\n";
  Table table({"topic", "partition"});
  for (const auto& topic : t.topics) {
    for (int32_t p : topic.partitions) table.add_row({topic.topic, std::to_string(p)});
  }
  if (table.empty()) return text + "PARTITIONS        -\n";
  return text + "\n" + table.render();
}

void describe(const DescribeArgs& args) {
  ClusterMetadata md = plaintext_cluster_metadata(args.client);
  if (md.brokers.empty()) fail("the cluster metadata lists no brokers");
  std::map<std::string, Coordinator> coordinators;
  {
    const BrokerMetadata& first = md.brokers.front();
    WireClient wire(first.host, first.port, args.client.timeout_ms());
    coordinators = find_coordinators(wire, args.ids, args.client.timeout_ms());
  }
  std::map<int, std::vector<std::string>> by_coordinator;
  for (const auto& id : args.ids) by_coordinator[coordinators[id].node_id].push_back(id);
  std::map<std::string, protocol::DescribeTransactionsResponse::TransactionState> found;
  for (const auto& [node, ids] : by_coordinator) {
    const Coordinator& c = coordinators[ids.front()];
    WireClient wire(c.host, c.port, args.client.timeout_ms());
    protocol::DescribeTransactionsRequest request;
    request.transactional_ids = ids;
    auto response = wire.call<protocol::DescribeTransactionsApi>(request, 0);
    for (auto& t : response.transaction_states) found[t.transactional_id] = std::move(t);
  }
  nlohmann::json all = nlohmann::json::array();
  std::string text;
  for (const auto& id : args.ids) {
    auto it = found.find(id);
    if (it == found.end()) fail("describe transaction " + id + ": no answer from the coordinator");
    const auto& t = it->second;
    if (t.error_code == kTransactionalIdNotFound) fail("unknown transactional id " + id);
    if (t.error_code != 0)
      fail("describe transaction " + id + ": " + error_code_name(t.error_code));
    all.push_back(describe_json(t, coordinators[id].node_id));
    text += (text.empty() ? "" : "\n") + describe_text(t, coordinators[id].node_id);
  }
  if (args.client.output() == OutputFormat::kJson)
    return print_json(all.size() == 1 ? all[0] : all);
  print_text(text);
}

// ---- producer describe ----

struct ProducersArgs {
  ClientOptions client;
  std::string topic;
  std::vector<int> partitions;
};

struct ProducerRow {
  int partition = -1;
  protocol::DescribeProducersResponse::ProducerState state;
};

void describe_producers(const ProducersArgs& args) {
  ClusterMetadata md = plaintext_cluster_metadata(args.client);
  const TopicMetadata& topic = md.topic(args.topic);
  std::set<int> wanted(args.partitions.begin(), args.partitions.end());
  std::map<int, std::vector<int32_t>> by_leader;
  for (const auto& p : topic.partitions) {
    if (!wanted.empty() && !wanted.contains(p.id)) continue;
    if (p.leader < 0)
      fail("partition " + args.topic + "/" + std::to_string(p.id) + " has no leader");
    by_leader[p.leader].push_back(p.id);
    wanted.erase(p.id);
  }
  if (!args.partitions.empty() && !wanted.empty())
    fail("unknown partition " + args.topic + "/" + std::to_string(*wanted.begin()));
  std::vector<ProducerRow> rows;
  for (const auto& [leader, partitions] : by_leader) {
    const BrokerMetadata& b = find_broker(md, leader);
    WireClient wire(b.host, b.port, args.client.timeout_ms());
    protocol::DescribeProducersRequest request;
    request.topics.push_back({args.topic, partitions});
    auto response = wire.call<protocol::DescribeProducersApi>(request, 0);
    for (const auto& t : response.topics) {
      for (const auto& p : t.partitions) {
        if (p.error_code != 0) {
          fail("describe producers of " + args.topic + "/" + std::to_string(p.partition_index) +
               ": " + error_code_name(p.error_code) +
               (p.error_message && !p.error_message->empty() ? " (" + *p.error_message + ")" : ""));
        }
        for (const auto& s : p.active_producers) rows.push_back({p.partition_index, s});
      }
    }
  }
  std::sort(rows.begin(), rows.end(), [](const ProducerRow& a, const ProducerRow& b) {
    return std::make_pair(a.partition, a.state.producer_id) <
           std::make_pair(b.partition, b.state.producer_id);
  });
  if (args.client.output() == OutputFormat::kJson) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : rows) {
      out.push_back({{"topic", args.topic},
                     {"partition", r.partition},
                     {"producer_id", r.state.producer_id},
                     {"producer_epoch", r.state.producer_epoch},
                     {"last_sequence", r.state.last_sequence},
                     {"last_timestamp", nullable(r.state.last_timestamp)},
                     {"coordinator_epoch", r.state.coordinator_epoch},
                     {"current_txn_start_offset", nullable(r.state.current_txn_start_offset)}});
    }
    return print_json(out);
  }
  Table table({"partition", "producer-id", "epoch", "last-sequence", "last-timestamp",
               "coordinator-epoch", "txn-start-offset"});
  for (const auto& r : rows) {
    table.add_row({std::to_string(r.partition), std::to_string(r.state.producer_id),
                   std::to_string(r.state.producer_epoch), std::to_string(r.state.last_sequence),
                   format_time_ms(r.state.last_timestamp),
                   std::to_string(r.state.coordinator_epoch),
                   optional_number(r.state.current_txn_start_offset)});
  }
  print_text(table.render());
}

}  // namespace

void add_transaction_commands(CLI::App& app, CommandSet& commands) {
  auto* txn = app.add_subcommand("transaction", "List and describe transactions");
  txn->alias("txn");
  txn->require_subcommand(1);

  auto& list_args = commands.hold<ListArgs>();
  auto* list_cmd =
      txn->add_subcommand("list", "Transactional ids on every broker, with producer id and state");
  list_cmd->alias("ls");
  list_cmd->add_option("--state", list_args.states,
                       "Only transactions in this state (repeatable), e.g. Ongoing, "
                       "CompleteCommit, CompleteAbort, Empty");
  list_cmd->add_option("--producer-id", list_args.producer_ids,
                       "Only this producer id (repeatable)");
  add_client_options(list_cmd, list_args.client);
  list_cmd->footer(
      "Examples:\n  gregor transaction list\n  gregor transaction list --state Ongoing\n"
      "  gregor transaction list --producer-id 1000 --format json\n\n"
      "The requests use plaintext connections; -X applies to the Metadata lookup only.");
  commands.bind(list_cmd, [&list_args] { list(list_args); });

  auto& describe_args = commands.hold<DescribeArgs>();
  auto* describe_cmd = txn->add_subcommand(
      "describe", "State, timeout, start time, producer and partitions of transactions");
  describe_cmd->add_option("ids", describe_args.ids, "Transactional ids")->required();
  add_client_options(describe_cmd, describe_args.client);
  describe_cmd->footer(
      "Examples:\n  gregor transaction describe payments-1\n"
      "  gregor transaction describe payments-1 payments-2 --format json\n\n"
      "The requests use plaintext connections; -X applies to the Metadata lookup only.");
  commands.bind(describe_cmd, [&describe_args] { describe(describe_args); });
}

void add_producer_commands(CLI::App& app, CommandSet& commands) {
  auto* producer = app.add_subcommand("producer", "Show the producers writing to partitions");
  producer->require_subcommand(1);
  auto& args = commands.hold<ProducersArgs>();
  auto* describe_cmd = producer->add_subcommand(
      "describe", "Active idempotent and transactional producers of a topic's partitions");
  describe_cmd->add_option("topic", args.topic, "Topic")->required();
  describe_cmd->add_option("-p,--partition", args.partitions,
                           "Partition (repeatable; default all)");
  add_client_options(describe_cmd, args.client);
  describe_cmd->footer(
      "Examples:\n  gregor producer describe orders\n"
      "  gregor producer describe orders -p 0 -p 1 --format json\n\n"
      "The requests use plaintext connections; -X applies to the Metadata lookup only.");
  commands.bind(describe_cmd, [&args] { describe_producers(args); });
}

}  // namespace gregor::cli
