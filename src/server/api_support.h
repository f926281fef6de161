// The API versions this broker serves and advertises in ApiVersions: one table,
// visible in one place. An API absent here is not advertised; a request for it
// (or for a version outside its range) closes the connection, as Kafka does for
// APIs it does not enable.
#pragma once

#include <cstdint>
#include <span>

namespace gregor::server {

struct ApiSupport {
  int16_t key;
  int16_t min_version;
  int16_t max_version;
};

// Every advertised API, ordered by key.
std::span<const ApiSupport> supported_apis();
const ApiSupport* find_supported(int16_t key);
inline bool is_supported(int16_t key, int16_t version) {
  const ApiSupport* s = find_supported(key);
  return s != nullptr && version >= s->min_version && version <= s->max_version;
}

}  // namespace gregor::server
