#include "server/topic_table.h"

#include <algorithm>

namespace gregor::server {

std::vector<const TopicInfo*> TopicTable::sorted() const {
  std::vector<const TopicInfo*> out;
  out.reserve(by_name_.size());
  for (const auto& [name, info] : by_name_) out.push_back(info.get());
  std::sort(out.begin(), out.end(), [](auto* a, auto* b) { return a->name < b->name; });
  return out;
}

std::shared_ptr<TopicTable> TopicTable::with(TopicInfo info) const {
  auto next = std::make_shared<TopicTable>(*this);
  if (auto old = next->by_name_.find(info.name); old != next->by_name_.end()) {
    next->by_id_.erase(old->second->id);
  }
  auto shared = std::make_shared<const TopicInfo>(std::move(info));
  next->by_name_[shared->name] = shared;
  next->by_id_[shared->id] = shared;
  return next;
}

std::shared_ptr<TopicTable> TopicTable::without(const Uuid& id) const {
  auto next = std::make_shared<TopicTable>(*this);
  if (auto it = next->by_id_.find(id); it != next->by_id_.end()) {
    next->by_name_.erase(it->second->name);
    next->by_id_.erase(it);
  }
  return next;
}

}  // namespace gregor::server
