// The coordinators' side of their internal topics (__consumer_offsets,
// __transaction_state): appending one batch of coordinator records to a
// partition and answering once it is durable, and reading a partition back in
// bounded steps at load time.
//
// Thread contract: call on the shard that owns the partition's log; callbacks
// run there.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/error_code.h"
#include "base/result.h"
#include "protocol/record/batch_builder.h"
#include "protocol/record/record.h"
#include "storage/partition_log.h"

namespace gregor::server {

// The records of one batch with their common timestamp. `Records` is a range
// of structs with `key` (bytes) and `value` (optional bytes, nullopt =
// tombstone).
template <typename Records>
record::BatchSpec coordinator_batch(const Records& records, int64_t timestamp_ms) {
  record::BatchSpec spec;
  spec.records.reserve(records.size());
  for (const auto& r : records) {
    auto& out = spec.records.emplace_back();
    out.key = std::string(r.key.begin(), r.key.end());
    if (r.value) out.value = std::string(r.value->begin(), r.value->end());
    out.timestamp = timestamp_ms;
  }
  return spec;
}

// Appends `spec` as one batch to `log` (null: NOT_LEADER_OR_FOLLOWER) and
// calls `done` later, on the log's shard (through `post`): NONE once durable,
// else the error. A batch above `max_bytes` is refused (RECORD_LIST_TOO_LARGE).
// `what` names the writer and topic for log lines. Coordinator batches are
// never taken for a producer's retry (checked).
void append_coordinator_batch(storage::PartitionLog* log, const record::BatchSpec& spec,
                              int32_t max_bytes, const std::string& what,
                              const std::function<void(std::function<void()>)>& post,
                              std::function<void(ErrorCode)> done,
                              const storage::AppendOptions& options = {});

// How much a load step reads before letting the shard serve requests again.
inline constexpr size_t kCoordinatorLoadStepBytes = size_t{1} << 20;

// Reads the whole batches of `log` from `offset` (at most about `max_bytes`,
// at least one batch) up to the high watermark, calling `on_batch` for each
// one that decodes (undecodable ones are logged and skipped). Returns the
// offset after the last batch read (== offset at the end of the log), or an
// error message when the log cannot be read or no progress is possible.
Result<int64_t, std::string> read_coordinator_batches(
    storage::PartitionLog& log, int64_t offset, size_t max_bytes,
    const std::function<void(record::BatchRecords&)>& on_batch);

// The control type of a transaction marker batch (COMMIT or ABORT), from its
// first record's key; nullopt if it is not a readable marker.
std::optional<record::ControlType> marker_type(record::BatchRecords& batch);

}  // namespace gregor::server
