// Incremental fetch sessions (KIP-227). A session remembers the partitions a
// consumer fetches and what the broker last told it about each, so that later
// requests list only changed partitions and responses carry only partitions
// with news (records, an error, or a moved high watermark / log start offset).
//
// Sessions are kept per shard (a connection stays on its shard; a client that
// reconnects elsewhere gets FETCH_SESSION_ID_NOT_FOUND and starts a new full
// session, which every client handles). Touched only on the owning shard.
#pragma once

#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/error_code.h"
#include "base/types.h"

namespace gregor::server {

// One partition a fetch reads. Topics are identified by name (v<13) or id (v13+).
struct FetchTarget {
  std::string topic;
  Uuid topic_id;
  int32_t partition = 0;
  int64_t fetch_offset = 0;
  int32_t partition_max_bytes = 0;
  int32_t current_leader_epoch = -1;
  // Last values sent to the client in this session (incremental responses).
  int64_t sent_high_watermark = -1;
  int64_t sent_log_start_offset = -1;
  int64_t sent_last_stable_offset = -1;
};

struct FetchSession {
  int32_t id = 0;
  int32_t next_epoch = 1;
  std::vector<FetchTarget> partitions;  // in the order the client added them
};

class FetchSessionCache {
 public:
  // `base_id` makes ids unique across shards; `capacity` bounds memory.
  FetchSessionCache(int32_t base_id, int32_t id_stride, size_t capacity)
      : next_id_(base_id), stride_(id_stride), capacity_(capacity) {}

  // Creates a session holding `partitions`; nullopt-equivalent (nullptr) when full.
  FetchSession* create(std::vector<FetchTarget> partitions);
  FetchSession* find(int32_t id);
  void remove(int32_t id);
  size_t size() const { return sessions_.size(); }

 private:
  void touch(int32_t id);

  int32_t next_id_;
  int32_t stride_;
  size_t capacity_;
  std::unordered_map<int32_t, FetchSession> sessions_;
  std::list<int32_t> lru_;  // front = most recently used
  std::unordered_map<int32_t, std::list<int32_t>::iterator> lru_pos_;
};

}  // namespace gregor::server
