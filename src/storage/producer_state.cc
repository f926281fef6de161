#include "storage/producer_state.h"

#include <algorithm>
#include <atomic>
#include <limits>

#include "base/assert.h"
#include "protocol/record/batch_header.h"

namespace gregor::storage {
namespace {

// Kafka's inSequence: the next sequence follows the last, wrapping at INT32_MAX.
bool in_sequence(int32_t last_seq, int32_t next_seq) {
  return int64_t{next_seq} == int64_t{last_seq} + 1 ||
         (next_seq == 0 && last_seq == std::numeric_limits<int32_t>::max());
}

// A zig-zag varint (Kafka's record fields) at p, advancing it; nullopt past end.
std::optional<int64_t> read_varlong(const uint8_t*& p, const uint8_t* end) {
  uint64_t raw = 0;
  for (int shift = 0; shift < 64 && p < end; shift += 7) {
    const uint8_t b = *p++;
    raw |= uint64_t{b & 0x7fu} << shift;
    if ((b & 0x80) == 0) return static_cast<int64_t>(raw >> 1) ^ -static_cast<int64_t>(raw & 1);
  }
  return std::nullopt;
}

}  // namespace

ProducerBatch ProducerBatch::from_header(const uint8_t* header) {
  record::BatchHeaderView h(header);
  return {h.producer_id(),   h.producer_epoch(),   h.base_sequence(), h.last_offset_delta(),
          h.max_timestamp(), h.is_transactional(), h.is_control()};
}

int32_t ProducerBatch::last_sequence() const {
  const int64_t last = int64_t{base_sequence} + last_offset_delta;
  const int64_t wrap = int64_t{std::numeric_limits<int32_t>::max()} + 1;
  return static_cast<int32_t>(last >= wrap ? last - wrap : last);
}

std::optional<TxnMarker> parse_txn_marker(std::span<const uint8_t> bytes) {
  if (bytes.size() < record::kHeaderSize) return std::nullopt;
  record::BatchHeaderView h(bytes.data());
  if (!h.is_control() || h.compression() != 0 || h.records_count() < 1) return std::nullopt;
  const uint8_t* p = bytes.data() + record::kHeaderSize;
  const uint8_t* end = bytes.data() + bytes.size();
  if (!read_varlong(p, end) || p >= end) return std::nullopt;               // record length
  ++p;                                                                      // attributes
  if (!read_varlong(p, end) || !read_varlong(p, end)) return std::nullopt;  // deltas
  auto key_len = read_varlong(p, end);
  if (!key_len || *key_len < 4 || end - p < *key_len) return std::nullopt;
  const auto type = static_cast<int16_t>(record::load_be(p + 2, 2));
  if (type != 0 && type != 1) return std::nullopt;
  p += *key_len;
  TxnMarker marker{type == 1, -1};
  auto value_len = read_varlong(p, end);
  if (value_len && *value_len >= 6 && end - p >= 6) {
    marker.coordinator_epoch = static_cast<int32_t>(record::load_be(p + 2, 4));
  }
  return marker;
}

Result<std::optional<ProducerBatchMeta>, StorageError> ProducerStateManager::check_data(
    const ProducerBatch& batch, uint64_t verification_guard, bool from_client) const {
  GREGOR_ASSERT(batch.producer_id >= 0 && !batch.control, "data batches of producers only");
  auto it = producers_.find(batch.producer_id);
  const ProducerStateEntry* entry = it == producers_.end() ? nullptr : &it->second;
  // A retry of a retained batch: same epoch, same sequence range.
  if (from_client && entry != nullptr && entry->epoch == batch.epoch) {
    const int32_t last_seq = batch.last_sequence();
    for (const ProducerBatchMeta& m : entry->batches) {
      if (m.first_seq == batch.base_sequence && m.last_seq == last_seq) return {m};
    }
  }
  // KIP-890: a transactional batch that opens a transaction here needs the
  // guard handed out when the coordinator confirmed the partition is in it.
  if (batch.transactional &&
      !(entry != nullptr && entry->current_txn_first_offset >= 0 && entry->epoch == batch.epoch)) {
    auto g = guards_.find(batch.producer_id);
    if (verification_guard == 0 || g == guards_.end() || g->second.value != verification_guard) {
      return Err(StorageError::kTxnVerificationNeeded);
    }
  }
  if (entry == nullptr) return {std::nullopt};  // unknown producer: any sequence
  if (batch.epoch < entry->epoch) return Err(StorageError::kInvalidProducerEpoch);
  if (!from_client) {
    // No sequence to check.
  } else if (batch.epoch != entry->epoch) {
    // A new epoch restarts the sequence (unless the entry has no epoch yet).
    if (batch.base_sequence != 0 && entry->epoch != -1) {
      return Err(StorageError::kOutOfOrderSequence);
    }
  } else if (entry->epoch != -1 && !in_sequence(entry->last_seq(), batch.base_sequence)) {
    return Err(StorageError::kOutOfOrderSequence);
  }
  if (entry->current_txn_first_offset >= 0 && !batch.transactional) {
    return Err(StorageError::kInvalidTxnState);
  }
  return {std::nullopt};
}

void ProducerStateManager::on_data(const ProducerBatch& batch, int64_t first_offset,
                                   int64_t last_offset) {
  ProducerStateEntry& e = producers_[batch.producer_id];
  e.producer_id = batch.producer_id;
  if (e.epoch != batch.epoch) {
    e.epoch = batch.epoch;
    e.batches.clear();
  }
  e.batches.push_back({batch.base_sequence, batch.last_sequence(), last_offset,
                       static_cast<int32_t>(last_offset - first_offset), batch.max_timestamp});
  if (e.batches.size() > ProducerStateEntry::kBatchesRetained) e.batches.pop_front();
  e.last_timestamp = batch.max_timestamp;
  if (batch.transactional) {
    if (e.current_txn_first_offset < 0) {
      e.current_txn_first_offset = first_offset;
      ongoing_.emplace(first_offset, batch.producer_id);
    }
    // Either the transaction now has a first offset here or it was already
    // open: the guard is spent (Kafka clears it on every transactional append).
    guards_.erase(batch.producer_id);
  }
}

Result<Ok, StorageError> ProducerStateManager::check_marker(int64_t producer_id, int16_t epoch,
                                                            int32_t coordinator_epoch) const {
  auto it = producers_.find(producer_id);
  if (it == producers_.end()) return Ok{};
  if (epoch < it->second.epoch) return Err(StorageError::kInvalidProducerEpoch);
  if (coordinator_epoch < it->second.coordinator_epoch) {
    return Err(StorageError::kCoordinatorFenced);
  }
  return Ok{};
}

std::optional<AbortedTxn> ProducerStateManager::on_marker(int64_t producer_id, int16_t epoch,
                                                          bool commit, int32_t coordinator_epoch,
                                                          int64_t offset, int64_t timestamp_ms,
                                                          int64_t high_watermark) {
  std::erase_if(unreplicated_, [&](const auto& kv) { return kv.second < high_watermark; });
  ProducerStateEntry& e = producers_[producer_id];
  e.producer_id = producer_id;
  std::optional<AbortedTxn> aborted;
  if (e.current_txn_first_offset >= 0) {
    const int64_t first = e.current_txn_first_offset;
    ongoing_.erase(first);
    unreplicated_.emplace(first, offset);
    if (!commit) {
      // The LSO once this transaction is done: the next open transaction of
      // another producer, or just past the marker.
      const int64_t lso = ongoing_.empty() ? offset + 1 : ongoing_.begin()->first;
      aborted = AbortedTxn{producer_id, first, offset, lso};
      aborted_.push_back(*aborted);
    }
  }
  if (e.epoch != epoch) {
    e.epoch = epoch;
    e.batches.clear();
  }
  e.current_txn_first_offset = -1;
  e.coordinator_epoch = coordinator_epoch;
  e.last_timestamp = timestamp_ms;
  guards_.erase(producer_id);
  return aborted;
}

uint64_t ProducerStateManager::begin_verification(int64_t producer_id, int64_t now_ms) {
  // Unique in the process, so a guard never verifies on another log or a
  // reopened one.
  static std::atomic<uint64_t> next{1};
  const uint64_t value = next.fetch_add(1, std::memory_order_relaxed);
  guards_[producer_id] = Guard{value, now_ms};
  return value;
}

bool ProducerStateManager::in_transaction(int64_t producer_id) const {
  auto it = producers_.find(producer_id);
  return it != producers_.end() && it->second.current_txn_first_offset >= 0;
}

std::optional<int64_t> ProducerStateManager::first_unstable_offset(int64_t high_watermark) const {
  std::optional<int64_t> first;
  if (!ongoing_.empty()) first = ongoing_.begin()->first;
  for (const auto& [first_offset, marker] : unreplicated_) {
    if (marker < high_watermark) continue;
    if (!first || first_offset < *first) first = first_offset;
    break;  // ordered by first offset
  }
  return first;
}

std::vector<AbortedTxn> ProducerStateManager::aborted_transactions(int64_t start_offset,
                                                                   int64_t upper_bound) const {
  std::vector<AbortedTxn> out;
  auto it =
      std::lower_bound(aborted_.begin(), aborted_.end(), start_offset,
                       [](const AbortedTxn& a, int64_t offset) { return a.last_offset < offset; });
  for (; it != aborted_.end(); ++it) {
    if (it->first_offset < upper_bound) out.push_back(*it);
    // Every later entry's transaction began at or after this LSO (Kafka's
    // TxnIndexSearchResult.isComplete).
    if (it->last_stable_offset >= upper_bound) break;
  }
  return out;
}

std::vector<AbortedTxn> ProducerStateManager::aborted_between(int64_t from, int64_t to) const {
  std::vector<AbortedTxn> out;
  for (const AbortedTxn& a : aborted_) {
    if (a.last_offset >= from && a.last_offset < to) out.push_back(a);
  }
  return out;
}

void ProducerStateManager::add_aborted(std::vector<AbortedTxn> entries) {
  entries.insert(entries.end(), aborted_.begin(), aborted_.end());
  std::sort(entries.begin(), entries.end(), [](const AbortedTxn& a, const AbortedTxn& b) {
    return a.last_offset != b.last_offset ? a.last_offset < b.last_offset
                                          : a.producer_id < b.producer_id;
  });
  entries.erase(std::unique(entries.begin(), entries.end()), entries.end());
  aborted_ = std::move(entries);
}

std::vector<ProducerInfo> ProducerStateManager::active_producers() const {
  std::vector<ProducerInfo> out;
  out.reserve(producers_.size());
  for (const auto& [id, e] : producers_) {
    out.push_back({id, e.epoch, e.last_seq(), e.last_timestamp, e.coordinator_epoch,
                   e.current_txn_first_offset});
  }
  std::sort(out.begin(), out.end(), [](const ProducerInfo& a, const ProducerInfo& b) {
    return a.producer_id < b.producer_id;
  });
  return out;
}

const ProducerStateEntry* ProducerStateManager::entry(int64_t producer_id) const {
  auto it = producers_.find(producer_id);
  return it == producers_.end() ? nullptr : &it->second;
}

void ProducerStateManager::expire(int64_t now_ms, int64_t expiration_ms) {
  std::erase_if(producers_, [&](const auto& kv) {
    const ProducerStateEntry& e = kv.second;
    return e.current_txn_first_offset < 0 && now_ms - e.last_timestamp >= expiration_ms;
  });
  std::erase_if(guards_,
                [&](const auto& kv) { return now_ms - kv.second.created_ms >= expiration_ms; });
}

void ProducerStateManager::on_log_start(int64_t log_start, int64_t first_segment_base) {
  std::erase_if(aborted_, [&](const AbortedTxn& a) { return a.last_offset < first_segment_base; });
  std::erase_if(producers_, [&](const auto& kv) {
    const ProducerStateEntry& e = kv.second;
    return e.current_txn_first_offset < 0 && e.last_data_offset() < log_start;
  });
  std::erase_if(unreplicated_, [&](const auto& kv) { return kv.second < log_start; });
}

// Snapshot body, big-endian: int32 producer count, then per producer
//   int64 producer id, int16 epoch, int32 coordinator epoch,
//   int64 last timestamp, int64 current txn first offset (-1: none),
//   int8 batch count (<= 5), then per batch (oldest first)
//     int32 first seq, int32 last seq, int64 last offset, int32 offset delta,
//     int64 timestamp.
std::vector<uint8_t> ProducerStateManager::encode_snapshot() const {
  std::vector<uint8_t> out;
  auto put = [&out](uint64_t v, int n) {
    out.resize(out.size() + static_cast<size_t>(n));
    record::store_be(out.data() + out.size() - n, v, n);
  };
  put(static_cast<uint32_t>(producers_.size()), 4);
  for (const auto& [id, e] : producers_) {
    put(static_cast<uint64_t>(id), 8);
    put(static_cast<uint16_t>(e.epoch), 2);
    put(static_cast<uint32_t>(e.coordinator_epoch), 4);
    put(static_cast<uint64_t>(e.last_timestamp), 8);
    put(static_cast<uint64_t>(e.current_txn_first_offset), 8);
    put(e.batches.size(), 1);
    for (const ProducerBatchMeta& m : e.batches) {
      put(static_cast<uint32_t>(m.first_seq), 4);
      put(static_cast<uint32_t>(m.last_seq), 4);
      put(static_cast<uint64_t>(m.last_offset), 8);
      put(static_cast<uint32_t>(m.offset_delta), 4);
      put(static_cast<uint64_t>(m.timestamp), 8);
    }
  }
  return out;
}

bool ProducerStateManager::decode_snapshot(std::span<const uint8_t> body) {
  producers_.clear();
  ongoing_.clear();
  size_t pos = 0;
  bool ok = true;
  auto get = [&](int n) -> uint64_t {
    if (!ok || body.size() - pos < static_cast<size_t>(n)) {
      ok = false;
      return 0;
    }
    const uint64_t v = record::load_be(body.data() + pos, n);
    pos += static_cast<size_t>(n);
    return v;
  };
  const auto count = static_cast<uint32_t>(get(4));
  for (uint32_t i = 0; ok && i < count; ++i) {
    ProducerStateEntry e;
    e.producer_id = static_cast<int64_t>(get(8));
    e.epoch = static_cast<int16_t>(get(2));
    e.coordinator_epoch = static_cast<int32_t>(get(4));
    e.last_timestamp = static_cast<int64_t>(get(8));
    e.current_txn_first_offset = static_cast<int64_t>(get(8));
    const auto batches = get(1);
    if (batches > ProducerStateEntry::kBatchesRetained) ok = false;
    for (uint64_t b = 0; ok && b < batches; ++b) {
      ProducerBatchMeta m{};
      m.first_seq = static_cast<int32_t>(get(4));
      m.last_seq = static_cast<int32_t>(get(4));
      m.last_offset = static_cast<int64_t>(get(8));
      m.offset_delta = static_cast<int32_t>(get(4));
      m.timestamp = static_cast<int64_t>(get(8));
      e.batches.push_back(m);
    }
    if (!ok || e.producer_id < 0 || producers_.count(e.producer_id) != 0) {
      ok = false;
      break;
    }
    if (e.current_txn_first_offset >= 0)
      ongoing_.emplace(e.current_txn_first_offset, e.producer_id);
    producers_.emplace(e.producer_id, std::move(e));
  }
  if (!ok || pos != body.size()) {
    producers_.clear();
    ongoing_.clear();
    return false;
  }
  return true;
}

}  // namespace gregor::storage
