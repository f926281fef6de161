#include "server/coordinator_log.h"

#include "base/assert.h"
#include "base/byte_writer.h"
#include "base/log.h"
#include "protocol/record/batch_header.h"
#include "server/handlers/storage_errors.h"
#include "storage/partition_log.h"

namespace gregor::server {

void append_coordinator_batch(storage::PartitionLog* log, const record::BatchSpec& spec,
                              int32_t max_bytes, const std::string& what,
                              const std::function<void(std::function<void()>)>& post,
                              std::function<void(ErrorCode)> done,
                              const storage::AppendOptions& options) {
  auto fail_later = [&post, &done](ErrorCode e) { post([done = std::move(done), e] { done(e); }); };
  if (log == nullptr) return fail_later(ErrorCode::kNotLeaderOrFollower);
  const std::vector<uint8_t> batch = record::build_batch(spec);
  if (batch.size() > static_cast<size_t>(max_bytes)) {
    log::warn("{}: {} bytes of records exceed message.max.bytes", what, batch.size());
    return fail_later(ErrorCode::kRecordListTooLarge);
  }
  auto appended = log->append(batch, options);
  if (!appended.ok()) {
    log::warn("{}: append failed: {}", what, storage::error_name(appended.error()));
    return fail_later(to_error_code(appended.error()));
  }
  GREGOR_ASSERT(!appended->duplicate, "a coordinator batch taken for a retry");
  log->when_durable(appended->last_offset + 1,
                    [done = std::move(done)](std::optional<storage::StorageError> e) {
                      done(e ? to_error_code(*e) : ErrorCode::kNone);
                    });
}

Result<int64_t, std::string> read_coordinator_batches(
    storage::PartitionLog& log, int64_t offset, size_t max_bytes,
    const std::function<void(record::BatchRecords&)>& on_batch) {
  const int64_t end = log.high_watermark();
  if (offset >= end) return offset;
  auto read = log.read(offset, end, max_bytes, true);
  if (!read.ok()) {
    return Err(
        fmt::format("reading at offset {} failed: {}", offset, storage::error_name(read.error())));
  }
  ByteWriter w;
  for (auto& chunk : read->chunks) w.external(std::move(chunk));
  const std::vector<uint8_t> bytes = w.flatten();
  std::span<const uint8_t> rest(bytes);
  int64_t next = offset;
  while (!rest.empty()) {
    auto size = record::batch_size_at(rest);
    if (!size.ok() || *size > rest.size()) break;
    const record::BatchHeaderView header(rest.data());
    auto batch = record::BatchRecords::open(rest.first(*size));
    rest = rest.subspan(*size);
    next = header.last_offset() + 1;
    if (!batch.ok()) {
      log::error("undecodable batch in {}-{} at offset {}", log.topic(), log.partition(),
                 header.base_offset());
      continue;
    }
    on_batch(*batch);
  }
  if (next <= offset) return Err(fmt::format("no progress reading at offset {}", offset));
  return next;
}

std::optional<record::ControlType> marker_type(record::BatchRecords& batch) {
  if (!batch.header().is_control()) return std::nullopt;
  record::RecordView rec;
  auto more = batch.next(rec);
  if (!more.ok() || !*more || !rec.key || rec.key->size() < 4) return std::nullopt;
  const int16_t type = static_cast<int16_t>(record::load_be(rec.key->data() + 2, 2));
  if (type == static_cast<int16_t>(record::ControlType::kAbort)) return record::ControlType::kAbort;
  if (type == static_cast<int16_t>(record::ControlType::kCommit))
    return record::ControlType::kCommit;
  return std::nullopt;
}

}  // namespace gregor::server
