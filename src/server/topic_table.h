// The broker's view of which topics exist: an immutable snapshot, replaced as a
// whole on every change and shared by all shards (readers take a shared_ptr and
// never see a half-applied change). Each topic carries its resolved config so
// the produce path does not re-resolve settings per request.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/types.h"
#include "config/broker_config.h"
#include "config/topic_config.h"

namespace gregor::server {

struct TopicInfo {
  std::string name;
  Uuid id;
  int32_t partitions = 0;
  std::map<std::string, std::string> overrides;  // topic-level config overrides
  config::TopicConfig config;                    // effective values
  bool internal = false;

  bool has_partition(int32_t p) const { return p >= 0 && p < partitions; }
};

class TopicTable {
 public:
  const TopicInfo* find(std::string_view name) const {
    auto it = by_name_.find(std::string(name));
    return it == by_name_.end() ? nullptr : it->second.get();
  }
  const TopicInfo* find(const Uuid& id) const {
    auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : it->second.get();
  }
  // Topics in name order (Metadata lists them sorted, like Kafka).
  std::vector<const TopicInfo*> sorted() const;
  size_t size() const { return by_name_.size(); }

  // Copy-on-write edits, used by the controller to build the next snapshot.
  std::shared_ptr<TopicTable> with(TopicInfo info) const;
  std::shared_ptr<TopicTable> without(const Uuid& id) const;

 private:
  std::unordered_map<std::string, std::shared_ptr<const TopicInfo>> by_name_;
  std::unordered_map<Uuid, std::shared_ptr<const TopicInfo>> by_id_;
};

}  // namespace gregor::server
