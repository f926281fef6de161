#include "metadata/cluster_image.h"

#include <algorithm>

#include "base/assert.h"
#include "metadata/topic_names.h"

namespace gregor::metadata {

std::shared_ptr<const ClusterImage> ClusterImage::build(const std::vector<TopicRecord>& topics) {
  auto image = std::make_shared<ClusterImage>();
  image->topics_ = topics;
  std::sort(image->topics_.begin(), image->topics_.end(),
            [](const TopicRecord& a, const TopicRecord& b) { return a.name < b.name; });
  for (size_t i = 0; i < image->topics_.size(); ++i) {
    const TopicRecord& t = image->topics_[i];
    // The stores never hold two topics with one name or one id; a caller passing such a
    // list has a bug that would make lookups ambiguous.
    GREGOR_ASSERT(image->by_name_.emplace(t.name, i).second,
                  "duplicate topic name in ClusterImage");
    GREGOR_ASSERT(image->by_id_.emplace(t.id, i).second, "duplicate topic id in ClusterImage");
    image->by_collision_key_.emplace(collision_key(t.name), i);
  }
  return image;
}

const TopicRecord* ClusterImage::find(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : &topics_[it->second];
}

const TopicRecord* ClusterImage::find(const Uuid& id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &topics_[it->second];
}

const TopicRecord* ClusterImage::find_colliding(std::string_view name) const {
  auto it = by_collision_key_.find(collision_key(name));
  return it == by_collision_key_.end() ? nullptr : &topics_[it->second];
}

int32_t ClusterImage::partition_count(std::string_view name) const {
  const TopicRecord* t = find(name);
  return t ? t->partitions : -1;
}

}  // namespace gregor::metadata
