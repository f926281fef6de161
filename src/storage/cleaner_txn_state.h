// CleanerTxnState: what the log cleaner knows of transactions while it reads
// batches in offset order (Kafka's CleanedTransactionMetadata). Fed with the
// log's aborted transactions of the range, it tells which data batches belong
// to an aborted transaction (the cleaner leaves their records out of the key
// map and drops them) and which markers may go.
//
// Markers: a COMMIT marker may go (once its delete horizon passed) when no
// batch of its transaction was met in this pass. ABORT markers are always
// kept: the aborted-transaction list (.txnindex and the log's copy, which
// read_committed fetches answer from) keeps every aborted transaction, and a
// read_committed client skips a producer's batches from an aborted
// transaction's first offset until it reads that transaction's ABORT marker,
// so a marker gone from under its entry would hide the producer's later
// transactions. Kafka drops both together; here the entries are not rewritten.
#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <unordered_set>
#include <vector>

#include "storage/producer_state.h"

namespace gregor::storage {

class CleanerTxnState {
 public:
  // `aborted`: the log's aborted transactions overlapping the range read,
  // from `start_offset` on (entries whose marker is below it are ignored).
  CleanerTxnState(std::vector<AbortedTxn> aborted, int64_t start_offset);

  // A data batch ending at `last_offset`, of `producer_id` (-1: none): true if
  // it belongs to an aborted transaction.
  bool on_data_batch(int64_t producer_id, bool transactional, int64_t last_offset);
  // A control batch (its bytes): true if the marker may be discarded.
  bool on_control_batch(std::span<const uint8_t> batch);

 private:
  void start_aborted_up_to(int64_t offset);

  std::deque<AbortedTxn> pending_;          // by first offset, not yet reached
  std::unordered_set<int64_t> aborting_;    // producers inside an aborted transaction
  std::unordered_set<int64_t> committing_;  // producers with batches of an open, not aborted one
};

}  // namespace gregor::storage
