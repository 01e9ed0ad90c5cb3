// ConnectionPool: a fixed number of SqlConnections shared by the HTTP worker threads.
//
// Thread-safe. Connections are opened lazily by the factory and replaced when they report
// themselves unhealthy (lost MySQL connection), so the next request reconnects transparently.
// When every connection is leased, Acquire waits up to `wait_timeout_ms` and then answers
// kTemporarilyUnavailable.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "registry/sql/sql_connection.h"

namespace modelwarden {

class ConnectionPool {
 public:
  using Factory = std::function<Result<std::unique_ptr<SqlConnection>>()>;

  ConnectionPool(Factory factory, int size, int wait_timeout_ms);

  // Returns the connection to the pool when destroyed.
  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<SqlConnection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (connection_) pool_->Release(std::move(connection_));
    }
    SqlConnection& operator*() { return *connection_; }
    SqlConnection* operator->() { return connection_.get(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<SqlConnection> connection_;
  };

  Result<Lease> Acquire();

 private:
  void Release(std::unique_ptr<SqlConnection> connection);

  Factory factory_;
  const int size_;
  const std::chrono::milliseconds wait_timeout_;
  std::mutex mu_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<SqlConnection>> idle_;  // Guarded by mu_.
  int open_ = 0;                                      // Guarded by mu_: idle + leased.
};

}  // namespace modelwarden
