// Fetch (key 1), versions 4-17: long polling on max_wait_ms/min_bytes woken by
// new data, Kafka's max_bytes rules, incremental fetch sessions (KIP-227), topic
// ids from v13. Record data goes out as borrowed chunks (cached memory or
// sendfile from the segment file); nothing is copied or re-encoded.
#include <chrono>

#include "protocol/messages/fetch.h"
#include "server/broker.h"
#include "server/fetch_reader.h"
#include "server/handlers/handler.h"

namespace gregor::server {
namespace {

using protocol::FetchRequest;
using protocol::FetchResponse;

bool same_partition(const FetchTarget& a, const FetchTarget& b, bool by_id) {
  if (a.partition != b.partition) return false;
  return by_id ? a.topic_id == b.topic_id : a.topic == b.topic;
}

std::vector<FetchTarget> targets_of(const FetchRequest& request) {
  std::vector<FetchTarget> out;
  for (const auto& t : request.topics) {
    for (const auto& p : t.partitions) {
      FetchTarget target;
      target.topic = t.topic;
      target.topic_id = t.topic_id;
      target.partition = p.partition;
      target.fetch_offset = p.fetch_offset;
      target.partition_max_bytes = p.partition_max_bytes;
      target.current_leader_epoch = p.current_leader_epoch;
      out.push_back(std::move(target));
    }
  }
  return out;
}

// Applies an incremental request to its session (adds, updates, forgets).
void update_session(FetchSession& session, const FetchRequest& request, bool by_id) {
  for (FetchTarget& t : targets_of(request)) {
    auto it = std::find_if(session.partitions.begin(), session.partitions.end(),
                           [&](const FetchTarget& s) { return same_partition(s, t, by_id); });
    if (it == session.partitions.end()) {
      session.partitions.push_back(std::move(t));
    } else {
      it->fetch_offset = t.fetch_offset;
      it->partition_max_bytes = t.partition_max_bytes;
      it->current_leader_epoch = t.current_leader_epoch;
    }
  }
  for (const auto& f : request.forgotten_topics_data) {
    for (int32_t p : f.partitions) {
      FetchTarget gone;
      gone.topic = f.topic;
      gone.topic_id = f.topic_id;
      gone.partition = p;
      std::erase_if(session.partitions,
                    [&](const FetchTarget& s) { return same_partition(s, gone, by_id); });
    }
  }
}

// True if an incremental response must carry this partition.
bool has_news(const FetchTarget& sent, const PartitionRead& read) {
  return read.error != ErrorCode::kNone || read.bytes > 0 ||
         read.high_watermark != sent.sent_high_watermark ||
         read.log_start_offset != sent.sent_log_start_offset ||
         read.last_stable_offset != sent.sent_last_stable_offset;
}

FetchResponse::PartitionData partition_data(const FetchTarget& t, PartitionRead& read,
                                            bool read_committed) {
  FetchResponse::PartitionData p;
  p.partition_index = t.partition;
  p.error_code = to_wire(read.error);
  p.high_watermark = read.high_watermark;
  p.last_stable_offset = read.last_stable_offset;
  p.log_start_offset = read.log_start_offset;
  // Kafka lists aborted transactions only for read_committed fetches; null otherwise.
  if (read_committed) {
    auto& list = p.aborted_transactions.emplace();
    list.reserve(read.aborted.size());
    for (const storage::AbortedTxn& a : read.aborted) {
      auto& out = list.emplace_back();
      out.producer_id = a.producer_id;
      out.first_offset = a.first_offset;
    }
  } else {
    p.aborted_transactions = std::nullopt;
  }
  p.preferred_read_replica = -1;
  p.records = std::move(read.records);
  p.records.is_null = false;
  return p;
}

void add_partition(FetchResponse& resp, const FetchTarget& t, FetchResponse::PartitionData data,
                   bool by_id) {
  if (resp.responses.empty() || (by_id ? resp.responses.back().topic_id != t.topic_id
                                       : resp.responses.back().topic != t.topic)) {
    auto& topic = resp.responses.emplace_back();
    topic.topic = t.topic;
    topic.topic_id = t.topic_id;
  }
  resp.responses.back().partitions.push_back(std::move(data));
}

net::Response session_error(const net::Request& req, ErrorCode code) {
  FetchResponse resp;
  resp.error_code = to_wire(code);
  return respond(resp, req);
}

}  // namespace

asio::awaitable<net::Response> handle_fetch(Broker& broker, net::Request& req) {
  FetchRequest request;
  if (!decode_body(req, request)) co_return close_connection(req, "malformed Fetch request");
  const int16_t version = req.header.api_version;
  const bool by_id = version >= 13;
  FetchSessionCache& sessions = broker.local_fetch_sessions();
  const int32_t epoch = version >= 7 ? request.session_epoch : -1;
  const int32_t requested_id = version >= 7 ? request.session_id : 0;

  std::vector<FetchTarget> targets;
  int32_t session_id = 0;
  bool incremental = false;
  if (epoch <= 0) {
    if (requested_id != 0) sessions.remove(requested_id);
    targets = targets_of(request);
    if (epoch == 0) {
      if (FetchSession* s = sessions.create(targets)) session_id = s->id;
    }
  } else {
    FetchSession* s = sessions.find(requested_id);
    if (s == nullptr) co_return session_error(req, ErrorCode::kFetchSessionIdNotFound);
    if (s->next_epoch != epoch) co_return session_error(req, ErrorCode::kInvalidFetchSessionEpoch);
    update_session(*s, request, by_id);
    targets = s->partitions;
    session_id = s->id;
    incremental = true;
  }

  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(std::max(request.max_wait_ms, 0));
  const bool read_committed = request.isolation_level == 1;
  std::vector<PartitionRead> reads;
  for (;;) {
    reads = co_await read_partitions(broker, targets, request.max_bytes, by_id, read_committed);
    size_t bytes = 0;
    bool errors = false;
    for (const auto& r : reads) {
      bytes += r.bytes;
      errors = errors || r.error != ErrorCode::kNone;
    }
    // A shutting-down broker answers with what it has rather than wait.
    if (errors || bytes >= static_cast<size_t>(std::max(request.min_bytes, 0)) ||
        std::chrono::steady_clock::now() >= deadline || broker.stopping()) {
      break;
    }
    co_await wait_for_data(broker, targets, reads, deadline);
  }

  // The session may have been evicted while this request waited.
  FetchSession* session = session_id != 0 ? sessions.find(session_id) : nullptr;
  FetchResponse resp;
  resp.session_id = session != nullptr ? session_id : 0;
  for (size_t i = 0; i < targets.size(); ++i) {
    FetchTarget* sent = nullptr;
    if (session != nullptr) {
      for (auto& s : session->partitions) {
        if (same_partition(s, targets[i], by_id)) sent = &s;
      }
    }
    if (incremental && sent != nullptr && !has_news(*sent, reads[i])) continue;
    if (sent != nullptr) {
      sent->sent_high_watermark = reads[i].high_watermark;
      sent->sent_log_start_offset = reads[i].log_start_offset;
      sent->sent_last_stable_offset = reads[i].last_stable_offset;
    }
    add_partition(resp, targets[i], partition_data(targets[i], reads[i], read_committed), by_id);
  }
  if (session != nullptr && incremental) ++session->next_epoch;
  co_return respond(resp, req);
}

}  // namespace gregor::server
