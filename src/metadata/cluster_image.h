// An immutable snapshot of the topic metadata, built once per change and
// shared by every shard through std::shared_ptr<const ClusterImage>: readers
// never lock and never see a half-applied change. A newer image replaces the
// pointer; an older one lives until its last reader drops it.
//
// Thread-safety: immutable after build(); any thread may read it.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "metadata/metadata_store.h"

namespace gregor::metadata {

class ClusterImage {
 public:
  static std::shared_ptr<const ClusterImage> build(const std::vector<TopicRecord>& topics);

  // nullptr when absent.
  const TopicRecord* find(std::string_view name) const;
  const TopicRecord* find(const Uuid& id) const;
  // An existing topic whose name collides with `name` ('.' versus '_', or equal), if any.
  const TopicRecord* find_colliding(std::string_view name) const;

  // -1 when the topic does not exist.
  int32_t partition_count(std::string_view name) const;

  // All topics, sorted by name.
  const std::vector<TopicRecord>& topics() const { return topics_; }
  size_t size() const { return topics_.size(); }

 private:
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  using NameIndex = std::unordered_map<std::string, size_t, StringHash, std::equal_to<>>;

  std::vector<TopicRecord> topics_;
  NameIndex by_name_;
  NameIndex by_collision_key_;
  std::unordered_map<Uuid, size_t> by_id_;
};

}  // namespace gregor::metadata
