// The transaction index of a segment (Kafka's TransactionIndex):
// `<20-digit base offset>.txnindex`, the aborted transactions whose ABORT
// marker lies in the segment, in marker order. Entries are 34 bytes,
// big-endian, Kafka's layout:
//
//   int16 version (0), int64 producer id, int64 first offset,
//   int64 last offset (the marker), int64 last stable offset
//
// Written once, atomically, when the segment is sealed, before its .index and
// .timeindex (which mark the segment sealed); a segment without the file has
// no aborted transactions. The active segment's entries live in memory only
// (producer_state.h) and are rebuilt from the log after a crash.
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "storage/producer_state.h"

namespace gregor::storage {

inline constexpr size_t kTxnIndexEntrySize = 34;

std::vector<uint8_t> encode_txn_index(std::span<const AbortedTxn> entries);
// nullopt if the size is not a multiple of the entry size or a version is unknown.
std::optional<std::vector<AbortedTxn>> decode_txn_index(std::span<const uint8_t> bytes);

}  // namespace gregor::storage
