// LogLoader, step 4: rebuilding the producer state of a partition at open
// (Kafka's LogLoader/UnifiedLog.rebuildProducerState).
#include <algorithm>
#include <cstring>
#include <filesystem>

#include "base/log.h"
#include "storage/batch_reader.h"
#include "storage/log_loader.h"
#include "storage/producer_snapshot.h"
#include "storage/txn_index.h"

namespace gregor::storage {

Result<Ok, StorageError> LogLoader::load_producers() {
  const int64_t end = log_.log_end_offset();
  const int64_t first_base = log_.segments_.begin()->first;
  const auto snapshot = load_newest_snapshot(end);
  // The snapshot may predate segments deleted since: replay what is left.
  const int64_t from = std::max(snapshot.value_or(first_base), first_base);
  load_txn_indexes(from);
  if (auto r = replay_producers(from); !r.ok()) return r;
  log_.producers_.on_log_start(log_.log_start_offset_, first_base);
  return Ok{};
}

std::optional<int64_t> LogLoader::load_newest_snapshot(int64_t end) {
  std::vector<int64_t> offsets = list_snapshots(log_.dir_);
  std::optional<int64_t> loaded;
  std::vector<int64_t> kept;
  for (auto it = offsets.rbegin(); it != offsets.rend(); ++it) {
    if (*it > end) {
      // Taken before a crash lost the data below it: it describes a future
      // that did not happen.
      io_.unlink(snapshot_path(log_.dir_, *it));
      continue;
    }
    if (!loaded) {
      if (!load_producer_snapshot(io_, log_.dir_, *it, log_.producers_)) {
        log::warn("{}: producer snapshot at {} unreadable, deleted", log_.dir_, *it);
        io_.unlink(snapshot_path(log_.dir_, *it));
        continue;
      }
      loaded = *it;
    }
    kept.push_back(*it);
  }
  std::reverse(kept.begin(), kept.end());
  log_.snapshots_ = std::move(kept);
  return loaded;
}

// Every .txnindex is read, also those of segments a compaction merged into an
// earlier one (their entries are still the log's); files wholly below the
// first segment are leftovers of deleted segments.
void LogLoader::load_txn_indexes(int64_t below) {
  const int64_t first_base = log_.segments_.begin()->first;
  std::vector<AbortedTxn> entries;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(log_.dir_, ec)) {
    const std::string name = entry.path().filename().string();
    constexpr std::string_view kSuffix = ".txnindex";
    if (name.size() != 20 + kSuffix.size() || !name.ends_with(kSuffix) ||
        !std::all_of(name.begin(), name.begin() + 20,
                     [](char c) { return c >= '0' && c <= '9'; })) {
      continue;
    }
    if (std::stoll(name.substr(0, 20)) < first_base) {
      io_.unlink(entry.path().string());
      continue;
    }
    std::string raw;
    if (io_.read_file(entry.path().string(), raw) != 0) continue;
    auto decoded = decode_txn_index({reinterpret_cast<const uint8_t*>(raw.data()), raw.size()});
    if (!decoded) {
      log::warn("{}: damaged, ignored", entry.path().string());
      continue;
    }
    for (const AbortedTxn& a : *decoded) {
      if (a.last_offset >= first_base && a.last_offset < below) entries.push_back(a);
    }
  }
  log_.producers_.add_aborted(std::move(entries));
}

Result<Ok, StorageError> LogLoader::replay_producers(int64_t from) {
  auto& segments = log_.segments_;
  const int64_t end = log_.log_end_offset();
  for (auto it = segments.begin(); it != segments.end(); ++it) {
    auto next = std::next(it);
    const int64_t segment_end = next == segments.end() ? end : next->first;
    if (segment_end <= from || it->second->empty()) continue;
    if (auto r = replay_segment(*it->second, from, segment_end); !r.ok()) return r;
  }
  return Ok{};
}

Result<Ok, StorageError> LogLoader::replay_segment(Segment& segment, int64_t from, int64_t end) {
  auto fd = segment.file()->open_read();
  if (!fd.ok()) {
    log::error("{}: cannot open: {}", segment.file()->log_path(), std::strerror(-fd.error()));
    return Err(StorageError::kIo);
  }
  const int64_t start =
      from > segment.base_offset() ? segment.offset_index().lookup(from).position : 0;
  FileBatchReader reader(io_, (*fd)->fd(), start, segment.size());
  ProducerStateManager& producers = log_.producers_;
  for (;;) {
    auto meta = reader.next();
    if (!meta.ok()) return Err(meta.error());
    if (!meta->has_value() || (*meta)->base_offset >= end) break;
    const BatchMeta m = **meta;
    if (m.base_offset < from) continue;
    const ProducerBatch info = ProducerBatch::from_header(reader.header());
    if (info.producer_id < 0) continue;
    if (!info.control) {
      producers.on_data(info, m.base_offset, m.last_offset);
      continue;
    }
    std::vector<uint8_t> prefix(static_cast<size_t>(std::min<int64_t>(m.size, kMarkerPrefixBytes)));
    if (io_.pread_full((*fd)->fd(), prefix.data(), prefix.size(), m.position) !=
        static_cast<ssize_t>(prefix.size())) {
      return Err(StorageError::kIo);
    }
    if (auto marker = parse_txn_marker(prefix)) {
      producers.on_marker(info.producer_id, info.epoch, marker->commit, marker->coordinator_epoch,
                          m.base_offset, info.max_timestamp, end);
    }
  }
  return Ok{};
}

}  // namespace gregor::storage
