#include "server/fetch_session.h"

namespace gregor::server {

FetchSession* FetchSessionCache::create(std::vector<FetchTarget> partitions) {
  if (capacity_ == 0) return nullptr;
  if (sessions_.size() >= capacity_) remove(lru_.back());  // evict the least recently used
  int32_t id = next_id_;
  do {
    next_id_ += stride_;
    if (next_id_ <= 0) next_id_ = stride_ > 0 ? (next_id_ % stride_) + stride_ : 1;
  } while (sessions_.count(next_id_) != 0);
  FetchSession& s = sessions_[id];
  s.id = id;
  s.next_epoch = 1;
  s.partitions = std::move(partitions);
  lru_.push_front(id);
  lru_pos_[id] = lru_.begin();
  return &s;
}

FetchSession* FetchSessionCache::find(int32_t id) {
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return nullptr;
  touch(id);
  return &it->second;
}

void FetchSessionCache::remove(int32_t id) {
  sessions_.erase(id);
  if (auto it = lru_pos_.find(id); it != lru_pos_.end()) {
    lru_.erase(it->second);
    lru_pos_.erase(it);
  }
}

void FetchSessionCache::touch(int32_t id) {
  auto it = lru_pos_.find(id);
  if (it == lru_pos_.end()) return;
  lru_.splice(lru_.begin(), lru_, it->second);
}

}  // namespace gregor::server
