#include "storage/txn_index.h"

#include "protocol/record/batch_header.h"

namespace gregor::storage {

std::vector<uint8_t> encode_txn_index(std::span<const AbortedTxn> entries) {
  std::vector<uint8_t> out(entries.size() * kTxnIndexEntrySize);
  uint8_t* p = out.data();
  for (const AbortedTxn& a : entries) {
    record::store_be(p, 0, 2);
    record::store_be(p + 2, static_cast<uint64_t>(a.producer_id), 8);
    record::store_be(p + 10, static_cast<uint64_t>(a.first_offset), 8);
    record::store_be(p + 18, static_cast<uint64_t>(a.last_offset), 8);
    record::store_be(p + 26, static_cast<uint64_t>(a.last_stable_offset), 8);
    p += kTxnIndexEntrySize;
  }
  return out;
}

std::optional<std::vector<AbortedTxn>> decode_txn_index(std::span<const uint8_t> bytes) {
  if (bytes.size() % kTxnIndexEntrySize != 0) return std::nullopt;
  std::vector<AbortedTxn> out;
  out.reserve(bytes.size() / kTxnIndexEntrySize);
  for (size_t pos = 0; pos < bytes.size(); pos += kTxnIndexEntrySize) {
    const uint8_t* p = bytes.data() + pos;
    if (record::load_be(p, 2) != 0) return std::nullopt;
    out.push_back({static_cast<int64_t>(record::load_be(p + 2, 8)),
                   static_cast<int64_t>(record::load_be(p + 10, 8)),
                   static_cast<int64_t>(record::load_be(p + 18, 8)),
                   static_cast<int64_t>(record::load_be(p + 26, 8))});
  }
  return out;
}

}  // namespace gregor::storage
