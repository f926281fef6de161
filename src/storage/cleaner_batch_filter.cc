#include "storage/cleaner_batch_filter.h"

#include <limits>
#include <string>

#include "protocol/record/batch_builder.h"
#include "protocol/record/crc32c.h"
#include "protocol/record/record.h"

namespace gregor::storage {
namespace {

std::string to_string(std::span<const uint8_t> s) {
  return std::string(reinterpret_cast<const char*>(s.data()), s.size());
}

record::RecordSpec to_spec(const record::RecordView& r, int64_t base_offset) {
  record::RecordSpec spec;
  if (r.key) spec.key = to_string(*r.key);
  if (r.value) spec.value = to_string(*r.value);
  spec.timestamp = r.timestamp;
  spec.offset_delta = static_cast<int32_t>(r.offset - base_offset);
  for (const auto& h : r.headers) {
    record::HeaderSpec hs;
    hs.key = to_string(h.key);
    if (h.value) hs.value = to_string(*h.value);
    spec.headers.push_back(std::move(hs));
  }
  return spec;
}

// The header fields every rebuilt batch keeps from the original.
record::BatchSpec spec_like(const record::BatchHeaderView& h) {
  record::BatchSpec spec;
  record::Codec codec = record::Codec::kNone;
  record::codec_from_id(h.compression(), codec);
  spec.codec = codec;
  spec.base_offset = h.base_offset();
  spec.partition_leader_epoch = h.partition_leader_epoch();
  spec.log_append_time = h.log_append_time();
  spec.transactional = h.is_transactional();
  spec.control = h.is_control();
  spec.producer_id = h.producer_id();
  spec.producer_epoch = h.producer_epoch();
  spec.base_sequence = h.base_sequence();
  spec.last_offset_delta = h.last_offset_delta();
  return spec;
}

void set_delete_horizon_bit(std::vector<uint8_t>& batch) {
  record::BatchHeaderView h(batch.data());
  const auto attributes = static_cast<uint16_t>(h.attributes() | kDeleteHorizonBit);
  record::store_be(batch.data() + record::kAttributesPos, attributes, 2);
  const uint32_t crc =
      record::crc32c(batch.data() + record::kAttributesPos, batch.size() - record::kAttributesPos);
  record::store_be(batch.data() + record::kCrcPos, crc, 4);
}

// Kafka's buildRetainedRecordsInto; `horizon` < 0 means none.
std::vector<uint8_t> rebuild(const record::BatchHeaderView& h,
                             std::vector<record::RecordSpec> records, int64_t horizon) {
  record::BatchSpec spec = spec_like(h);
  spec.records = std::move(records);
  if (horizon >= 0) spec.base_timestamp = horizon;
  if (h.log_append_time()) spec.max_timestamp = h.max_timestamp();
  auto out = record::build_batch(spec);
  if (horizon >= 0) set_delete_horizon_bit(out);
  return out;
}

// Kafka's DefaultRecordBatch.writeEmptyHeader.
std::vector<uint8_t> empty_header(const record::BatchHeaderView& h) {
  record::BatchSpec spec = spec_like(h);
  spec.codec = record::Codec::kNone;
  spec.base_timestamp = h.max_timestamp();
  spec.max_timestamp = h.max_timestamp();
  spec.records_count = 0;
  return record::build_batch(spec);
}

// Kafka's Cleaner.shouldRetainRecord for a data record.
bool retain_record(const record::RecordView& r, std::optional<int64_t> horizon,
                   const BatchFilterInput& in) {
  if (r.offset > in.map->latest_offset()) return true;
  if (!r.key) return false;
  const bool newest = r.offset >= in.map->get(*r.key);
  const bool retain_deletes = !horizon || in.now_ms < *horizon;
  return newest && (r.value.has_value() || retain_deletes);
}

int64_t saturating_add(int64_t a, int64_t b) {
  return a > std::numeric_limits<int64_t>::max() - b ? std::numeric_limits<int64_t>::max() : a + b;
}

}  // namespace

std::optional<int64_t> delete_horizon_ms(const record::BatchHeaderView& h) {
  if ((h.attributes() & kDeleteHorizonBit) == 0) return std::nullopt;
  return h.base_timestamp();
}

Result<FilteredBatch, StorageError> filter_batch(std::span<const uint8_t> batch,
                                                 const BatchFilterInput& in) {
  auto records = record::BatchRecords::open(batch);
  if (!records.ok()) return Err(StorageError::kCorrupt);
  const record::BatchHeaderView h = records->header();
  const std::optional<int64_t> horizon = delete_horizon_ms(h);
  const bool control = h.is_control();
  // Kafka's checkBatchRetention: a marker goes once its transaction is gone
  // and its delete horizon passed; data batches of aborted transactions go.
  const bool discard_records =
      (control && in.control_discardable && horizon.has_value() && *horizon <= in.now_ms) ||
      (!control && in.aborted);
  const bool retain_empty = h.producer_id() >= 0 && in.last_of_producer;
  FilteredBatch out;
  if (discard_records && !retain_empty) {
    out.records_dropped = records->records_count();
    return out;
  }
  std::vector<record::RecordSpec> kept;
  bool tombstones = false;
  record::RecordView r;
  for (;;) {
    auto more = records->next(r);
    if (!more.ok()) return Err(StorageError::kCorrupt);
    if (!*more) break;
    const bool keep = !discard_records && (control || retain_record(r, horizon, in));
    if (!keep) {
      ++out.records_dropped;
      continue;
    }
    if (!r.value) tombstones = true;
    kept.push_back(to_spec(r, h.base_offset()));
  }
  out.records_kept = static_cast<int32_t>(kept.size());
  const bool marker_for_empty_txn = control && in.control_discardable;
  const bool set_horizon = (tombstones || marker_for_empty_txn) && !horizon;
  if (!kept.empty()) {
    if (out.records_dropped == 0 && !set_horizon) {
      out.fate = BatchFate::kKept;
      return out;
    }
    const int64_t new_horizon =
        set_horizon ? saturating_add(in.now_ms, in.delete_retention_ms) : horizon.value_or(-1);
    out.fate = BatchFate::kRebuilt;
    out.rebuilt = rebuild(h, std::move(kept), new_horizon);
  } else if (retain_empty) {
    out.fate = BatchFate::kEmptyHeader;
    out.rebuilt = empty_header(h);
  }
  return out;
}

}  // namespace gregor::storage
