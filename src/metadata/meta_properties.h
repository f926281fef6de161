// Kafka's meta.properties, kept in each log directory so that operators (and
// Kafka's tooling habits) find the cluster and node ids where they expect them:
//
//   #
//   #Tue Mar 12 10:00:00 UTC 2024
//   cluster.id=<22-character base64 id>
//   directory.id=<22-character base64 id>
//   node.id=1
//   version=1
//
// Version 1 is the KRaft-era layout; version 0 (ZooKeeper era) used broker.id,
// which is read as the node id.
//
// Stateless functions; safe from any thread (concurrent writers of one
// directory are the caller's problem).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/result.h"

namespace gregor::metadata {

struct MetaProperties {
  int version = 1;
  std::string cluster_id;
  std::optional<int32_t> node_id;
  std::string directory_id;  // empty if the file has none
};

inline constexpr const char* kMetaPropertiesFile = "meta.properties";

// nullopt if `dir`/meta.properties does not exist; an error if it cannot be read or parsed.
Result<std::optional<MetaProperties>, std::string> read_meta_properties(const std::string& dir);

// Writes `dir`/meta.properties atomically (temporary file, fsync, rename, directory fsync),
// stamped with `now_ms` in the comment line as Java's Properties.store does.
Result<Ok, std::string> write_meta_properties(const std::string& dir, const MetaProperties& meta,
                                              int64_t now_ms);

}  // namespace gregor::metadata
