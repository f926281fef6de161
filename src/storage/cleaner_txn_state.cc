#include "storage/cleaner_txn_state.h"

#include <algorithm>

#include "protocol/record/batch_header.h"

namespace gregor::storage {

CleanerTxnState::CleanerTxnState(std::vector<AbortedTxn> aborted, int64_t start_offset) {
  std::erase_if(aborted,
                [start_offset](const AbortedTxn& t) { return t.last_offset < start_offset; });
  std::sort(aborted.begin(), aborted.end(), [](const AbortedTxn& a, const AbortedTxn& b) {
    return a.first_offset < b.first_offset;
  });
  pending_.assign(aborted.begin(), aborted.end());
}

void CleanerTxnState::start_aborted_up_to(int64_t offset) {
  while (!pending_.empty() && pending_.front().first_offset <= offset) {
    aborting_.insert(pending_.front().producer_id);
    pending_.pop_front();
  }
}

bool CleanerTxnState::on_data_batch(int64_t producer_id, bool transactional, int64_t last_offset) {
  start_aborted_up_to(last_offset);
  if (!transactional || producer_id < 0) return false;
  if (aborting_.contains(producer_id)) return true;
  committing_.insert(producer_id);
  return false;
}

bool CleanerTxnState::on_control_batch(std::span<const uint8_t> batch) {
  const record::BatchHeaderView h(batch.data());
  start_aborted_up_to(h.last_offset());
  // An empty control batch is a header kept only for its producer's state.
  if (h.records_count() == 0) return true;
  const std::optional<TxnMarker> marker = parse_txn_marker(batch);
  if (!marker) return false;  // not a marker this cleaner knows: kept
  if (!marker->commit) {
    aborting_.erase(h.producer_id());
    committing_.erase(h.producer_id());
    return false;
  }
  return committing_.erase(h.producer_id()) == 0;
}

}  // namespace gregor::storage
