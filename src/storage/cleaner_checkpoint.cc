#include "storage/cleaner_checkpoint.h"

#include "storage/offset_checkpoint.h"

namespace gregor::storage {

std::optional<int64_t> read_cleaner_checkpoint(FileIo& io, const std::string& dir) {
  std::string text;
  if (io.read_file(dir + "/" + kCleanerCheckpointFile, text) != 0) return std::nullopt;
  auto parsed = parse_offset_checkpoint(text);
  if (!parsed || parsed->size() != 1) return std::nullopt;
  return parsed->begin()->second;
}

int write_cleaner_checkpoint(FileIo& io, const std::string& dir, const std::string& topic,
                             int32_t partition, int64_t offset) {
  const std::string text = format_offset_checkpoint({{{topic, partition}, offset}});
  return io.write_file_atomic(dir + "/" + kCleanerCheckpointFile, text.data(), text.size());
}

}  // namespace gregor::storage
