#include "compat/edge/body_pipe.h"

#include <algorithm>
#include <utility>

namespace modelwarden {

BodyPipe::BodyPipe(size_t capacity) : capacity_(std::max<size_t>(1, capacity)) {
  buffer_.reserve(capacity_);
}

bool BodyPipe::Write(const char* data, size_t size) {
  while (size > 0) {
    std::function<void()> ready;
    {
      std::unique_lock<std::mutex> lock(mu_);
      room_.wait(lock, [this] { return cancelled_ || buffer_.size() < capacity_; });
      if (cancelled_) return false;
      const size_t n = std::min(size, capacity_ - buffer_.size());
      buffer_.append(data, n);
      data += n;
      size -= n;
      ready = std::move(pending_);
      pending_ = nullptr;
    }
    // Outside the lock: the callback may take the bytes at once.
    if (ready) ready();
  }
  return true;
}

void BodyPipe::Finish(bool complete) {
  std::function<void()> ready;
  {
    std::lock_guard<std::mutex> lock(mu_);
    finished_ = true;
    complete_ = complete;
    ready = std::move(pending_);
    pending_ = nullptr;
  }
  if (ready) ready();
}

void BodyPipe::WhenReadable(std::function<void()> ready) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (cancelled_) return;
    if (buffer_.empty() && !finished_) {
      pending_ = std::move(ready);
      return;
    }
  }
  ready();
}

bool BodyPipe::Take(std::string& out, bool* complete) {
  bool last = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    out.clear();
    out.swap(buffer_);
    last = finished_;
    *complete = complete_;
  }
  room_.notify_all();
  return last;
}

void BodyPipe::Cancel() {
  std::function<void()> dropped;
  {
    std::lock_guard<std::mutex> lock(mu_);
    cancelled_ = true;
    // Released outside the lock: it may hold the last reference to its connection.
    dropped = std::move(pending_);
    pending_ = nullptr;
  }
  room_.notify_all();
}

}  // namespace modelwarden
