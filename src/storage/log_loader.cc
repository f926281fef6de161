#include "storage/log_loader.h"

#include <fcntl.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include "base/log.h"
#include "storage/batch_reader.h"
#include "storage/clean_swap.h"
#include "storage/segment_recovery.h"

namespace gregor::storage {
namespace {

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The base offset of a `<20 digits><suffix>` name, or -1.
int64_t base_of(const std::string& name, std::string_view suffix) {
  if (name.size() != 20 + suffix.size() || !ends_with(name, suffix)) return -1;
  int64_t v = 0;
  for (size_t i = 0; i < 20; ++i) {
    if (name[i] < '0' || name[i] > '9') return -1;
    v = v * 10 + (name[i] - '0');
  }
  return v;
}

// The read descriptor through the shard's cache, logging a failure.
Result<std::shared_ptr<OpenFd>, StorageError> open_read(SegmentFile& file) {
  auto fd = file.open_read();
  if (!fd.ok()) {
    log::error("{}: cannot open: {}", file.log_path(), std::strerror(-fd.error()));
    return Err(StorageError::kIo);
  }
  return std::move(fd).value();
}

}  // namespace

LogLoader::LogLoader(PartitionLog& log, FileIo& io, const OpenOptions& options)
    : log_(log), io_(io), options_(options), now_ms_(log.clock_.now_ms()) {}

Result<std::vector<int64_t>, StorageError> LogLoader::list_segments() {
  std::error_code ec;
  std::vector<int64_t> logs;
  std::vector<std::pair<int64_t, std::string>> indexes;
  for (const auto& entry : std::filesystem::directory_iterator(log_.dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (ends_with(name, ".tmp") || ends_with(name, ".deleted")) {
      io_.unlink(entry.path().string());
    } else if (int64_t b = base_of(name, ".log"); b >= 0) {
      logs.push_back(b);
    } else if (int64_t i = base_of(name, ".index"); i >= 0) {
      indexes.emplace_back(i, entry.path().string());
    } else if (int64_t t = base_of(name, ".timeindex"); t >= 0) {
      indexes.emplace_back(t, entry.path().string());
    }
  }
  if (ec) {
    log::error("{}: cannot list: {}", log_.dir_, ec.message());
    return Err(StorageError::kIo);
  }
  std::sort(logs.begin(), logs.end());
  for (const auto& [base, path] : indexes) {
    if (!std::binary_search(logs.begin(), logs.end(), base)) io_.unlink(path);  // orphan
  }
  return logs;
}

Result<Ok, StorageError> LogLoader::load() {
  std::error_code ec;
  if (std::filesystem::create_directories(log_.dir_, ec)) {
    const auto parent = std::filesystem::path(log_.dir_).parent_path().string();
    io_.fsync_dir(parent.empty() ? "." : parent);
  }
  if (ec) {
    log::error("{}: cannot create: {}", log_.dir_, ec.message());
    return Err(StorageError::kIo);
  }
  // A compaction swap interrupted by a crash is completed or undone first.
  if (auto r = recover_interrupted_clean(io_, log_.dir_); !r.ok()) return Err(r.error());
  auto bases = list_segments();
  if (!bases.ok()) return Err(bases.error());
  for (size_t i = 0; i < bases->size(); ++i) {
    bool dropped = false;
    auto segment = load_segment((*bases)[i], i + 1 == bases->size(), &dropped);
    if (!segment.ok()) return Err(segment.error());
    log_.segments_.emplace((*bases)[i], std::move(segment).value());
    if (dropped && i + 1 < bases->size()) {
      // The log cannot continue past corrupt data: later segments go, as in Kafka.
      for (size_t j = i + 1; j < bases->size(); ++j) delete_segment_files((*bases)[j]);
      log_.stats_.segments_deleted += static_cast<int>(bases->size() - i - 1);
      io_.fsync_dir(log_.dir_);
      break;
    }
  }
  if (log_.segments_.empty()) {
    const int64_t base = options_.log_start_offset.value_or(0);
    auto file = std::make_shared<SegmentFile>(io_, log_.dir_, base, log_.io_.fd_caches());
    log_.segments_.emplace(base, std::make_unique<Segment>(std::move(file), log_.config_));
  }
  if (auto r = prepare_active(); !r.ok()) return r;
  if (auto r = load_producers(); !r.ok()) return r;
  return write_recovered_txn_indexes();
}

Result<std::unique_ptr<Segment>, StorageError> LogLoader::load_segment(int64_t base, bool is_last,
                                                                       bool* dropped) {
  // No descriptor yet: a sealed segment is only opened when first read.
  auto file = std::make_shared<SegmentFile>(io_, log_.dir_, base, log_.io_.fd_caches());
  std::error_code ec;
  const auto size = static_cast<int64_t>(std::filesystem::file_size(file->log_path(), ec));
  if (ec) {
    log::error("{}: cannot open: {}", file->log_path(), ec.message());
    return Err(StorageError::kIo);
  }
  auto segment = std::make_unique<Segment>(std::move(file), log_.config_);
  ++log_.stats_.segments_loaded;
  if (load_indexes(*segment, size)) return segment;
  if (auto r = recover(*segment, size, dropped); !r.ok()) return Err(r.error());
  if (!is_last && !*dropped) {
    if (auto r = seal_recovered(*segment); !r.ok()) return Err(r.error());
    resealed_.push_back(base);
  }
  return segment;
}

bool LogLoader::load_indexes(Segment& segment, int64_t file_size) {
  std::string offsets, times;
  if (io_.read_file(segment.file()->index_path(), offsets) != 0 ||
      io_.read_file(segment.file()->time_index_path(), times) != 0) {
    return false;
  }
  const auto max_offsets =
      static_cast<size_t>(log_.config_.segment_index_bytes) / OffsetIndex::kEntrySize;
  const auto max_times =
      static_cast<size_t>(log_.config_.segment_index_bytes) / TimeIndex::kEntrySize;
  auto as_bytes = [](const std::string& s) {
    return std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  };
  auto offset_index =
      OffsetIndex::parse(as_bytes(offsets), segment.base_offset(), max_offsets, file_size);
  auto time_index = TimeIndex::parse(as_bytes(times), segment.base_offset(), max_times);
  if (!offset_index || !time_index) {
    log::warn("{}: index files damaged, rebuilding", segment.file()->log_path());
    return false;
  }
  // Until prepare_active() finds the exact end, the next segment's base (or
  // this base) stands in for the next offset.
  segment.restore_sealed(file_size, segment.base_offset(), std::move(*offset_index),
                         std::move(*time_index), now_ms_);
  return true;
}

Result<Ok, StorageError> LogLoader::recover(Segment& segment, int64_t file_size, bool* dropped) {
  // Stale index files would mark the segment sealed after the next crash.
  const SegmentFile& file = *segment.file();
  const int a = io_.unlink(file.index_path());
  const int b = io_.unlink(file.time_index_path());
  if (a == 0 || b == 0) io_.fsync_dir(log_.dir_);
  auto scan = scan_segment(io_, segment, file_size, now_ms_);
  if (!scan.ok()) return Err(scan.error());
  ++log_.stats_.segments_scanned;
  log_.stats_.bytes_scanned += scan->scanned_bytes;
  *dropped = scan->dropped_data;
  if (scan->dropped_data) {
    log_.stats_.bytes_truncated += file_size - scan->valid_bytes;
    log::warn("{}: recovery kept {} of {} bytes ({} at position {})", segment.file()->log_path(),
              scan->valid_bytes, file_size, scan->stop_reason, scan->valid_bytes);
  }
  if (scan->valid_bytes != file_size) return truncate_file(*segment.file(), scan->valid_bytes);
  return Ok{};
}

Result<Ok, StorageError> LogLoader::truncate_file(const SegmentFile& file, int64_t size) {
  int fd = io_.open(file.log_path(), O_RDWR, 0);
  if (fd < 0) return Err(StorageError::kIo);
  int r = io_.ftruncate(fd, size);
  if (r == 0) r = io_.fsync(fd);
  io_.close(fd);
  if (r < 0) return Err(error_from_errno(-r));
  return Ok{};
}

Result<Ok, StorageError> LogLoader::seal_recovered(Segment& segment) {
  segment.prepare_seal();
  const auto offsets = segment.offset_index().serialize();
  const auto times = segment.time_index().serialize();
  SegmentFile& file = *segment.file();
  auto fd = open_read(file);
  if (!fd.ok()) return Err(fd.error());
  // Sealed while loading, before the producer replay: a recovered segment's
  // .txnindex follows in write_recovered_txn_indexes().
  std::vector<uint8_t> txns;
  if (log_.segments_.count(segment.base_offset()) > 0) txns = log_.txn_index_bytes(segment);
  int r = io_.fdatasync((*fd)->fd());
  if (r == 0 && !txns.empty()) {
    r = io_.write_file_atomic(file.txn_index_path(), txns.data(), txns.size());
  }
  if (r == 0) r = io_.write_file_atomic(file.index_path(), offsets.data(), offsets.size());
  if (r == 0) r = io_.write_file_atomic(file.time_index_path(), times.data(), times.size());
  if (r < 0) return Err(error_from_errno(-r));
  segment.set_sealed_on_disk(true);
  return Ok{};
}

// Segments recovered and sealed while loading had no aborted transactions
// known yet; the replay has rebuilt them, so their .txnindex is written now.
Result<Ok, StorageError> LogLoader::write_recovered_txn_indexes() {
  for (int64_t base : resealed_) {
    auto it = log_.segments_.find(base);
    if (it == log_.segments_.end()) continue;
    const auto txns = log_.txn_index_bytes(*it->second);
    if (txns.empty()) continue;
    const int r =
        io_.write_file_atomic(it->second->file()->txn_index_path(), txns.data(), txns.size());
    if (r < 0) return Err(error_from_errno(-r));
  }
  return Ok{};
}

void LogLoader::delete_segment_files(int64_t base) {
  for (std::string_view suffix : {".log", ".index", ".timeindex", ".txnindex"}) {
    io_.unlink(log_.dir_ + "/" + segment_file_name(base, suffix));
  }
}

// Finds the exact end of a sealed active segment: the last index entry points
// at most index.interval.bytes (plus one batch) before it.
Result<Ok, StorageError> LogLoader::find_active_end(Segment& active) {
  auto last_entry = active.offset_index().last();
  auto fd = open_read(*active.file());
  if (!fd.ok()) return Err(fd.error());
  FileBatchReader reader(io_, (*fd)->fd(), last_entry ? last_entry->position : 0, active.size());
  int64_t next = active.base_offset();
  for (;;) {
    auto header = reader.next();
    if (!header.ok()) {
      log::warn("{}: sealed segment does not end where its index says, recovering",
                active.file()->log_path());
      bool dropped = false;
      return recover(active, active.size(), &dropped);
    }
    if (!header->has_value()) break;
    next = (*header)->last_offset + 1;
  }
  active.set_next_offset(next);
  return Ok{};
}

Result<Ok, StorageError> LogLoader::prepare_active() {
  auto& segments = log_.segments_;
  for (auto it = segments.begin(); std::next(it) != segments.end(); ++it) {
    if (it->second->sealed_on_disk()) it->second->set_next_offset(std::next(it)->first);
  }
  Segment& active = log_.active();
  if (active.sealed_on_disk() && active.size() > 0) {
    if (auto r = find_active_end(active); !r.ok()) return r;
  }
  const int64_t size = active.size();
  active.set_written_size(size);
  std::shared_ptr<OpenFd> fd;  // the active segment's, if it holds data
  if (size > 0) {
    auto opened = open_read(*active.file());
    if (!opened.ok()) return Err(opened.error());
    fd = std::move(opened).value();
  }
  if (size > 0 && !active.sealed_on_disk()) {
    // Recovered bytes may have been in the page cache only: make them durable
    // before anything is acknowledged on top of them.
    if (int r = io_.fdatasync(fd->fd()); r < 0) return Err(error_from_errno(-r));
  }
  if (size % kPageSize != 0) {
    std::vector<uint8_t> page(static_cast<size_t>(size - align_down(size)));
    ssize_t n = io_.pread_full(fd->fd(), page.data(), page.size(), align_down(size));
    if (n != static_cast<ssize_t>(page.size())) return Err(StorageError::kIo);
    log_.tail_.seed_page(active.base_offset(), size, page);
  }
  const int64_t end = active.next_offset();
  const int64_t first_base = segments.begin()->first;
  log_.log_start_offset_ =
      std::min(std::max(options_.log_start_offset.value_or(first_base), first_base), end);
  log_.written_end_ = log_.durable_end_ = log_.durable_target_ = end;
  if (options_.recovery_point && *options_.recovery_point > end) {
    log::error("{}: log ends at {} but offsets up to {} were durable: data was lost on disk",
               log_.dir_, end, *options_.recovery_point);
  }
  return Ok{};
}

}  // namespace gregor::storage
