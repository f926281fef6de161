#include "metadata/meta_properties.h"

#include <ctime>
#include <filesystem>

#include <fmt/format.h>

#include "config/config_def.h"
#include "config/properties.h"
#include "metadata/file_io.h"

namespace gregor::metadata {
namespace {

std::string java_date(int64_t now_ms) {
  std::time_t t = static_cast<std::time_t>(now_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  size_t n = std::strftime(buf, sizeof buf, "%a %b %d %H:%M:%S UTC %Y", &tm);
  return std::string(buf, n);
}

std::optional<int32_t> parse_id(const std::string& text) {
  auto n = config::parse_long(text);
  if (!n || *n < 0 || *n > INT32_MAX) return std::nullopt;
  return static_cast<int32_t>(*n);
}

}  // namespace

Result<std::optional<MetaProperties>, std::string> read_meta_properties(const std::string& dir) {
  std::string path = (std::filesystem::path(dir) / kMetaPropertiesFile).string();
  auto bytes = read_file_if_exists(path);
  if (!bytes) return Err(bytes.error());
  if (!bytes->has_value()) return std::optional<MetaProperties>();
  const auto& data = **bytes;
  auto props = config::parse_properties(
      std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
  if (!props) return Err(fmt::format("{}: {}", path, props.error()));

  MetaProperties meta;
  meta.version = -1;
  for (const auto& p : *props) {
    if (p.key == "version") {
      auto v = config::parse_long(p.value);
      meta.version = v ? static_cast<int>(*v) : -1;
    } else if (p.key == "cluster.id") {
      meta.cluster_id = std::string(config::trim(p.value));
    } else if (p.key == "node.id" || p.key == "broker.id") {
      meta.node_id = parse_id(p.value);
      if (!meta.node_id) return Err(fmt::format("{}: invalid {} '{}'", path, p.key, p.value));
    } else if (p.key == "directory.id") {
      meta.directory_id = std::string(config::trim(p.value));
    }
  }
  if (meta.version != 0 && meta.version != 1)
    return Err(fmt::format("{}: unsupported or missing version (expected 0 or 1)", path));
  return std::optional<MetaProperties>(std::move(meta));
}

Result<Ok, std::string> write_meta_properties(const std::string& dir, const MetaProperties& meta,
                                              int64_t now_ms) {
  std::vector<std::pair<std::string, std::string>> entries;
  entries.emplace_back("cluster.id", meta.cluster_id);
  if (!meta.directory_id.empty()) entries.emplace_back("directory.id", meta.directory_id);
  if (meta.node_id) entries.emplace_back("node.id", std::to_string(*meta.node_id));
  entries.emplace_back("version", std::to_string(meta.version));
  std::string text = config::format_properties(entries, "\n" + java_date(now_ms));
  std::string path = (std::filesystem::path(dir) / kMetaPropertiesFile).string();
  return replace_file(path, std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

}  // namespace gregor::metadata
