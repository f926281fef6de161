// Producer state on PartitionLog (Kafka's UnifiedLog.analyzeAndValidateProducerState
// and its callers): idempotent and transactional appends, markers, the last
// stable offset, aborted transactions, producer snapshots.
#include <algorithm>

#include "base/log.h"
#include "protocol/record/batch_builder.h"
#include "protocol/record/batch_header.h"
#include "storage/partition_log.h"
#include "storage/producer_snapshot.h"
#include "storage/txn_index.h"

namespace gregor::storage {

Result<AppendResult, StorageError> PartitionLog::append_with_producer(
    std::span<const uint8_t> batch, const AppendOptions& options) {
  const ProducerBatch info = ProducerBatch::from_header(batch.data());
  if (info.control) {
    auto marker = parse_txn_marker(batch);
    if (!marker) return append_batch(batch);  // not a transaction marker
    return append_txn_marker(batch, *marker);
  }
  auto checked = producers_.check_data(info, options.verification_guard,
                                       options.origin == AppendOrigin::kClient);
  if (!checked.ok()) return Err(checked.error());
  if (const auto& dup = *checked) {
    return AppendResult{dup->first_offset(), dup->last_offset, dup->timestamp, true};
  }
  auto appended = append_batch(batch);
  if (appended.ok()) producers_.on_data(info, appended->base_offset, appended->last_offset);
  return appended;
}

Result<AppendResult, StorageError> PartitionLog::append_txn_marker(std::span<const uint8_t> batch,
                                                                   const TxnMarker& marker) {
  record::BatchHeaderView h(batch.data());
  if (auto ok =
          producers_.check_marker(h.producer_id(), h.producer_epoch(), marker.coordinator_epoch);
      !ok.ok()) {
    return Err(ok.error());
  }
  auto appended = append_batch(batch);
  if (!appended.ok()) return appended;
  producers_.on_marker(h.producer_id(), h.producer_epoch(), marker.commit, marker.coordinator_epoch,
                       appended->base_offset, h.max_timestamp(), high_watermark());
  return appended;
}

Result<AppendResult, StorageError> PartitionLog::append_marker(int64_t producer_id,
                                                               int16_t producer_epoch, bool commit,
                                                               int32_t coordinator_epoch,
                                                               int64_t timestamp_ms) {
  const auto batch =
      record::build_txn_marker(producer_id, producer_epoch,
                               commit ? record::ControlType::kCommit : record::ControlType::kAbort,
                               coordinator_epoch, timestamp_ms);
  if (auto ok = check_batch(batch); !ok.ok()) return Err(ok.error());
  return append_txn_marker(batch, TxnMarker{commit, coordinator_epoch});
}

uint64_t PartitionLog::begin_txn_verification(int64_t producer_id) {
  return producers_.begin_verification(producer_id, clock_.now_ms());
}

bool PartitionLog::in_transaction(int64_t producer_id) const {
  return producers_.in_transaction(producer_id);
}

int64_t PartitionLog::last_stable_offset() const {
  const int64_t hw = high_watermark();
  return std::min(hw, producers_.first_unstable_offset(hw).value_or(hw));
}

std::vector<AbortedTxn> PartitionLog::aborted_transactions(int64_t start_offset,
                                                           int64_t upper_bound) const {
  return producers_.aborted_transactions(start_offset, upper_bound);
}

std::vector<ProducerInfo> PartitionLog::active_producers() const {
  return producers_.active_producers();
}

void PartitionLog::expire_producers(int64_t now_ms, int64_t expiration_ms) {
  producers_.expire(now_ms, expiration_ms);
}

void PartitionLog::snapshot_producers(int64_t offset, bool now) {
  if (failure_) return;
  auto bytes = encode_producer_snapshot(producers_, offset);
  std::erase(snapshots_, offset);
  snapshots_.push_back(offset);
  std::sort(snapshots_.begin(), snapshots_.end());
  std::vector<int64_t> remove;
  while (snapshots_.size() > kSnapshotsKept) {
    remove.push_back(snapshots_.front());
    snapshots_.erase(snapshots_.begin());
  }
  if (now) {
    if (write_snapshot_now(io_.io(), dir_, offset, bytes, remove) < 0)
      std::erase(snapshots_, offset);
    return;
  }
  // A lost snapshot only lengthens the replay at the next open.
  auto weak = std::weak_ptr<PartitionLog*>(self_);
  submit_snapshot(io_, post_, dir_, offset, std::move(bytes), std::move(remove),
                  [weak, offset](int r) {
                    if (auto self = weak.lock(); self && r < 0)
                      std::erase((*self)->snapshots_, offset);
                  });
}

void PartitionLog::trim_producers() {
  const int64_t first_base = segments_.begin()->first;
  producers_.on_log_start(log_start_offset_, first_base);
  // Snapshots below the first segment describe deleted data; the newest one
  // stays, whatever its offset, since the next open starts from it.
  std::vector<int64_t> remove;
  while (snapshots_.size() > 1 && snapshots_.front() < first_base) {
    remove.push_back(snapshots_.front());
    snapshots_.erase(snapshots_.begin());
  }
  if (remove.empty()) return;
  FileIo* io = &io_.io();
  auto task = [io, dir = dir_, remove] {
    for (int64_t offset : remove) io->unlink(snapshot_path(dir, offset));
  };
  if (io_.running()) {
    io_.submit(std::move(task));
  } else {
    task();
  }
}

std::vector<uint8_t> PartitionLog::txn_index_bytes(const Segment& segment) const {
  auto next = segments_.upper_bound(segment.base_offset());
  const int64_t end = next == segments_.end() ? log_end_offset() + 1 : next->first;
  const auto entries = producers_.aborted_between(segment.base_offset(), end);
  return encode_txn_index(entries);
}

}  // namespace gregor::storage
