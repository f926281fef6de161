#include "storage/clean_swap.h"

#include <cerrno>
#include <filesystem>
#include <sstream>

#include "base/log.h"
#include "storage/cleaned_segment_writer.h"
#include "storage/segment_file.h"

namespace gregor::storage {
namespace {

constexpr std::string_view kSuffixes[] = {".timeindex", ".index", ".log"};

std::string format_plan(const SwapPlan& plan) {
  std::ostringstream out;
  out << "0\n";
  for (int64_t b : plan.old_bases) out << b << ' ';
  out << "\n";
  for (int64_t b : plan.new_bases) out << b << ' ';
  out << "\n";
  return out.str();
}

std::optional<SwapPlan> parse_plan(const std::string& text) {
  std::istringstream in(text);
  std::string version, old_line, new_line;
  if (!std::getline(in, version) || version != "0" || !std::getline(in, old_line) ||
      !std::getline(in, new_line)) {
    return std::nullopt;
  }
  SwapPlan plan;
  auto read_list = [](const std::string& line, std::vector<int64_t>& out) {
    std::istringstream items(line);
    int64_t v = 0;
    while (items >> v) out.push_back(v);
    return items.eof();
  };
  if (!read_list(old_line, plan.old_bases) || !read_list(new_line, plan.new_bases))
    return std::nullopt;
  if (plan.new_bases.empty()) return std::nullopt;
  return plan;
}

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Renames `from` to `to`; a missing `from` counts as done (a redo after a crash).
int rename_if_present(FileIo& io, const std::string& from, const std::string& to) {
  int r = io.rename(from, to);
  return r == -ENOENT ? 0 : r;
}

void remove_swap_files(FileIo& io, const std::string& dir, const std::vector<int64_t>& bases) {
  for (int64_t b : bases) {
    for (std::string_view s : kSuffixes) io.unlink(swap_path(dir, b, s));
  }
}

}  // namespace

void discard_cleaned(FileIo& io, const std::string& dir, const std::vector<int64_t>& new_bases) {
  for (int64_t b : new_bases) {
    for (std::string_view s : kSuffixes) io.unlink(cleaned_path(dir, b, s));
  }
}

Result<Ok, StorageError> commit_swap(FileIo& io, const std::string& dir, const SwapPlan& plan) {
  const std::string record = dir + "/" + kCleanerSwapFile;
  int r = 0;
  for (auto it = plan.new_bases.rbegin(); r == 0 && it != plan.new_bases.rend(); ++it) {
    for (std::string_view s : kSuffixes) {
      if (r == 0) r = io.rename(cleaned_path(dir, *it, s), swap_path(dir, *it, s));
    }
  }
  if (r == 0) r = io.fsync_dir(dir);
  if (r == 0) {
    const std::string text = format_plan(plan);
    r = io.write_file_atomic(record, text.data(), text.size());
  }
  if (r != 0) {
    io.unlink(record);
    remove_swap_files(io, dir, plan.new_bases);
    discard_cleaned(io, dir, plan.new_bases);
    io.fsync_dir(dir);
    return Err(error_from_errno(-r));
  }
  return Ok{};
}

Result<Ok, StorageError> finish_swap(FileIo& io, const std::string& dir, const SwapPlan& plan) {
  int r = 0;
  for (int64_t old : plan.old_bases) {
    if (std::find(plan.new_bases.begin(), plan.new_bases.end(), old) != plan.new_bases.end())
      continue;
    for (std::string_view s : kSuffixes) io.unlink(dir + "/" + segment_file_name(old, s));
  }
  for (int64_t b : plan.new_bases) {
    for (std::string_view s : kSuffixes) {
      if (r == 0)
        r = rename_if_present(io, swap_path(dir, b, s), dir + "/" + segment_file_name(b, s));
    }
  }
  if (r == 0) r = io.fsync_dir(dir);
  if (r == 0) {
    io.unlink(dir + "/" + kCleanerSwapFile);
    r = io.fsync_dir(dir);
  }
  if (r != 0) {
    log::error("{}: could not finish swapping in cleaned segments: {}", dir, std::strerror(-r));
    return Err(error_from_errno(-r));
  }
  return Ok{};
}

Result<Ok, StorageError> recover_interrupted_clean(FileIo& io, const std::string& dir) {
  const std::string record = dir + "/" + kCleanerSwapFile;
  std::string text;
  if (io.read_file(record, text) == 0) {
    if (auto plan = parse_plan(text)) {
      log::info("{}: completing an interrupted swap of cleaned segments", dir);
      if (auto r = finish_swap(io, dir, *plan); !r.ok()) return r;
    } else {
      log::warn("{}: ignoring a damaged {}", dir, kCleanerSwapFile);
      io.unlink(record);
    }
  }
  std::error_code ec;
  bool removed = false;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (ends_with(name, ".cleaned") || ends_with(name, ".swap")) {
      io.unlink(entry.path().string());
      removed = true;
    }
  }
  if (removed) io.fsync_dir(dir);
  return Ok{};
}

}  // namespace gregor::storage
