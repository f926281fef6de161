// Small POSIX file helpers for the embedded metadata store, each returning an
// error message (with the path and strerror) instead of throwing. Durability
// rule they serve: a file's data is synced with fsync/fdatasync, and a new or
// renamed directory entry is made durable by fsync on its directory.
//
// Stateless; safe from any thread (callers own the descriptors they pass).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"

namespace gregor::metadata {

// The whole file, or nullopt if it does not exist.
Result<std::optional<std::vector<uint8_t>>, std::string> read_file_if_exists(
    const std::string& path);

// pwrite of all bytes at `offset`, retrying short writes and EINTR.
Result<Ok, std::string> write_all_at(int fd, std::span<const uint8_t> bytes, int64_t offset,
                                     const std::string& what);

Result<Ok, std::string> sync_directory(const std::string& dir);

// Creates `dir` (and missing parents); when it had to create it, syncs its parent so the
// new entry survives a crash.
Result<Ok, std::string> ensure_directory(const std::string& dir);

// Writes `bytes` to `path` + ".tmp", fsyncs it, renames it over `path` and syncs the
// directory: readers see the old file or the new one, never a mix.
Result<Ok, std::string> replace_file(const std::string& path, std::span<const uint8_t> bytes);

// Removes a file; a missing file is not an error.
Result<Ok, std::string> remove_if_exists(const std::string& path);

}  // namespace gregor::metadata
