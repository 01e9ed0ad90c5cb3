// WorkerPool: a fixed number of threads that run blocking work (the registry, the database,
// password checks) for the HTTP edge, whose I/O threads must never block. Tasks run in the order
// they were submitted. The queue holds at most one task per open connection (a connection
// submits its next request only after the previous one was answered), so it is bounded by the
// connection cap.
//
// Thread-safe. No thread starts before Start() (so that a process can block its signals first,
// and every thread inherits that). The destructor runs every task already submitted, then joins
// the threads.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace modelwarden {

class WorkerPool {
 public:
  explicit WorkerPool(size_t threads) : size_(threads) {}
  ~WorkerPool();

  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Starts the threads; once.
  void Start();

  // Queues `task` for the next free thread (run once Start() was called). A task must not throw.
  void Submit(std::function<void()> task);

  // Tasks queued or running.
  size_t Pending() const;

 private:
  void Run();

  const size_t size_;
  mutable std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_;  // Guarded by mu_.
  size_t running_ = 0;                       // Guarded by mu_.
  bool stopping_ = false;                    // Guarded by mu_.
  std::vector<std::thread> threads_;
};

}  // namespace modelwarden
