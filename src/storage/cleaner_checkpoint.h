// The cleaner's progress for one partition (Kafka's cleaner-offset-checkpoint,
// kept per partition instead of per log dir): the first offset not yet
// cleaned, so a restart does not clean everything again. The file
// `<partition dir>/cleaner-offset-checkpoint` uses Kafka's checkpoint text
// format (offset_checkpoint.h) with the partition's single entry, and is
// written atomically after a swap completed.
//
// Thread contract: plain file operations on the calling thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "storage/file_io.h"

namespace gregor::storage {

inline constexpr const char* kCleanerCheckpointFile = "cleaner-offset-checkpoint";

// nullopt when the file is missing or unreadable.
std::optional<int64_t> read_cleaner_checkpoint(FileIo& io, const std::string& dir);
// 0 or -errno.
int write_cleaner_checkpoint(FileIo& io, const std::string& dir, const std::string& topic,
                             int32_t partition, int64_t offset);

}  // namespace gregor::storage
