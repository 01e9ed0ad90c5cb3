#include "registry/sql/connection_pool.h"

namespace modelwarden {

ConnectionPool::ConnectionPool(Factory factory, int size, int wait_timeout_ms)
    : factory_(std::move(factory)), size_(size < 1 ? 1 : size), wait_timeout_(wait_timeout_ms) {}

Result<ConnectionPool::Lease> ConnectionPool::Acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  const auto deadline = std::chrono::steady_clock::now() + wait_timeout_;
  while (true) {
    while (!idle_.empty()) {
      std::unique_ptr<SqlConnection> connection = std::move(idle_.back());
      idle_.pop_back();
      // The health check may be a network round trip (a MySQL ping): never under the lock,
      // or one stalled connection would block every request.
      lock.unlock();
      const bool healthy = connection->IsHealthy();
      if (healthy) return Lease(this, std::move(connection));
      connection.reset();
      lock.lock();
      --open_;  // Dropped: a fresh one is opened below.
    }
    if (open_ < size_) {
      ++open_;
      lock.unlock();
      // Opening may take a network round trip; never hold the lock across it.
      Result<std::unique_ptr<SqlConnection>> opened = factory_();
      if (!opened.ok()) {
        std::lock_guard<std::mutex> relock(mu_);
        --open_;
        available_.notify_one();
        return opened.status();
      }
      return Lease(this, std::move(*opened));
    }
    if (available_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= size_) {
      return Status::Unavailable("All database connections are busy; retry the request.");
    }
  }
}

void ConnectionPool::Release(std::unique_ptr<SqlConnection> connection) {
  const bool healthy = connection->IsHealthy();
  if (!healthy) connection.reset();
  std::lock_guard<std::mutex> lock(mu_);
  if (healthy) {
    idle_.push_back(std::move(connection));
  } else {
    --open_;
  }
  available_.notify_one();
}

}  // namespace modelwarden
