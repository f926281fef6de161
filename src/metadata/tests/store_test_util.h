// Helpers for the embedded store tests: a private temporary directory and raw
// access to the files the store writes.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "metadata/embedded_store.h"

namespace gregor::metadata::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "gregor-meta-test-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_bytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

inline std::string log_path(const std::string& dir) {
  return dir + "/" + EmbeddedMetadataStore::kMetadataDirName + "/" +
         EmbeddedMetadataStore::kLogFileName;
}

inline std::string snapshot_path(const std::string& dir) {
  return dir + "/" + EmbeddedMetadataStore::kMetadataDirName + "/" +
         EmbeddedMetadataStore::kSnapshotFileName;
}

inline std::unique_ptr<EmbeddedMetadataStore> open_ok(const std::string& dir, const Clock& clock,
                                                      const EmbeddedStoreOptions& options = {}) {
  auto r = EmbeddedMetadataStore::open(dir, clock, options);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error());
  return r.ok() ? std::move(r).value() : nullptr;
}

inline TopicRecord topic(const std::string& name, int32_t partitions = 1,
                         std::map<std::string, std::string> configs = {}) {
  return TopicRecord{name, Uuid::random(), partitions, std::move(configs)};
}

}  // namespace gregor::metadata::testing
