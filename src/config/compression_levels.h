// Valid compression levels for compression.{gzip,lz4,zstd}.level (KIP-390),
// shared by the broker and topic key tables.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gregor::config {

inline constexpr int64_t kLz4LevelMin = 1;
inline constexpr int64_t kLz4LevelMax = 17;
inline constexpr int64_t kZstdLevelMin = -131072;  // ZSTD_minCLevel()
inline constexpr int64_t kZstdLevelMax = 22;       // ZSTD_maxCLevel()

// gzip accepts 1..9 or -1 (zlib's default level).
std::optional<std::string> check_gzip_level(std::string_view value);

}  // namespace gregor::config
