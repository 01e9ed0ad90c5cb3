// BodyPipe: a response body handed from the worker that produces it to the connection that sends
// it, through one buffer of at most `capacity` bytes. The worker's Write() blocks while the buffer
// is full, so a client that reads slowly slows the worker down instead of growing the buffer; the
// connection takes what is buffered and is told (via a callback) when there is more or the end.
//
// Thread-safe: one producer thread (Write, Finish), one consumer (WhenReadable, Take, Cancel).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>

namespace modelwarden {

class BodyPipe {
 public:
  explicit BodyPipe(size_t capacity);

  BodyPipe(const BodyPipe&) = delete;
  BodyPipe& operator=(const BodyPipe&) = delete;

  // Producer: appends `data`, waiting for room as long as it takes. False once the consumer
  // cancelled (the client went away): the producer should stop.
  bool Write(const char* data, size_t size);
  // Producer: no more bytes; `complete` false when producing failed part-way. Once only.
  void Finish(bool complete);

  // Consumer: calls `ready` once there are bytes to take or the producer finished: at once (on
  // this thread), or later on the producer's thread. One pending call at a time.
  void WhenReadable(std::function<void()> ready);
  // Consumer: moves the buffered bytes into `out` (replacing its contents; its capacity is
  // reused for the next bytes). Returns true when `out` holds the last bytes, i.e. the producer
  // finished and nothing is left; then `complete` says how it finished.
  bool Take(std::string& out, bool* complete);
  // Consumer: nothing more will be taken. Write() returns false from now on, and a pending
  // WhenReadable callback is dropped unrun.
  void Cancel();

 private:
  const size_t capacity_;
  std::mutex mu_;
  std::condition_variable room_;
  std::string buffer_;             // Guarded by mu_.
  std::function<void()> pending_;  // Guarded by mu_.
  bool finished_ = false;          // Guarded by mu_.
  bool complete_ = false;          // Guarded by mu_.
  bool cancelled_ = false;         // Guarded by mu_.
};

}  // namespace modelwarden
