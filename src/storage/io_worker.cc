#include "storage/io_worker.h"

#include <pthread.h>

#include "base/assert.h"

namespace gregor::storage {

IoWorker::IoWorker(std::string name, FileIo& io)
    : name_(std::move(name)),
      io_(io),
      fd_caches_(SegmentFdCaches::with_budget(segment_fd_budget(0))) {}

void IoWorker::set_fd_budget(size_t total) {
  const SegmentFdCaches split = SegmentFdCaches::with_budget(total);
  fd_caches_.read->set_capacity(split.read->capacity());
  fd_caches_.write->set_capacity(split.write->capacity());
}

IoWorker::~IoWorker() {
  stop();
}

void IoWorker::start() {
  std::lock_guard lock(mu_);
  GREGOR_ASSERT(!thread_.joinable(), "IoWorker started twice");
  running_ = true;
  thread_ = std::thread([this] { run(); });
  // Linux limits thread names to 15 characters.
  pthread_setname_np(thread_.native_handle(), name_.substr(0, 15).c_str());
}

void IoWorker::stop() {
  {
    std::lock_guard lock(mu_);
    if (!running_) return;
    running_ = false;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool IoWorker::running() const {
  std::lock_guard lock(mu_);
  return running_;
}

bool IoWorker::submit(std::function<void()> job) {
  {
    std::lock_guard lock(mu_);
    if (!running_) return false;
    queue_.push_back(std::move(job));
  }
  cv_.notify_one();
  return true;
}

void IoWorker::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return !queue_.empty() || !running_; });
    if (queue_.empty()) return;  // stopped and drained
    auto job = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    job();
    lock.lock();
  }
}

}  // namespace gregor::storage
