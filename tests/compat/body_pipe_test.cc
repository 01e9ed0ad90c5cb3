// BodyPipe: bytes arrive in order and whole, the buffer never holds more than its capacity,
// and Cancel releases a producer waiting for room.
#include "compat/edge/body_pipe.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace modelwarden {
namespace {

// Waits for WhenReadable's callback, which may come from the producer's thread.
class Reader {
 public:
  explicit Reader(BodyPipe& pipe) : pipe_(pipe) {}
  // The next piece; true when it is the last.
  bool Next(std::string& piece, bool* complete) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      ready_ = false;
    }
    pipe_.WhenReadable([this] {
      std::lock_guard<std::mutex> lock(mu_);
      ready_ = true;
      cv_.notify_all();
    });
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return ready_; });
    return pipe_.Take(piece, complete);
  }

 private:
  BodyPipe& pipe_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool ready_ = false;
};

TEST(BodyPipeTest, CarriesEveryByteInOrderWithinItsCapacity) {
  constexpr size_t kCapacity = 4096;
  constexpr size_t kTotal = 3 * 1024 * 1024 + 7;
  BodyPipe pipe(kCapacity);
  std::thread producer([&] {
    std::string block(10000, '\0');
    size_t at = 0;
    while (at < kTotal) {
      const size_t n = std::min(block.size(), kTotal - at);
      for (size_t i = 0; i < n; ++i) block[i] = static_cast<char>((at + i) % 251);
      ASSERT_TRUE(pipe.Write(block.data(), n));
      at += n;
    }
    pipe.Finish(true);
  });
  Reader reader(pipe);
  std::string piece;
  size_t received = 0;
  size_t largest = 0;
  size_t wrong = 0;
  bool complete = false;
  bool last = false;
  while (!last) {
    last = reader.Next(piece, &complete);
    largest = std::max(largest, piece.size());
    for (char c : piece) {
      if (c != static_cast<char>(received % 251)) ++wrong;
      ++received;
    }
  }
  producer.join();
  EXPECT_TRUE(complete);
  EXPECT_EQ(received, kTotal);
  EXPECT_EQ(wrong, 0u);
  EXPECT_LE(largest, kCapacity);
}

TEST(BodyPipeTest, AFailedProducerEndsIncomplete) {
  BodyPipe pipe(16);
  ASSERT_TRUE(pipe.Write("abc", 3));
  pipe.Finish(false);
  Reader reader(pipe);
  std::string piece;
  bool complete = true;
  EXPECT_TRUE(reader.Next(piece, &complete));
  EXPECT_EQ(piece, "abc");
  EXPECT_FALSE(complete);
}

TEST(BodyPipeTest, CancelReleasesAProducerWaitingForRoom) {
  BodyPipe pipe(8);
  std::atomic<bool> returned = false;
  std::atomic<bool> result = true;
  std::thread producer([&] {
    const std::string big(100, 'x');
    result = pipe.Write(big.data(), big.size());  // Fills 8 bytes, then waits.
    returned = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(returned);
  pipe.Cancel();
  producer.join();
  EXPECT_TRUE(returned);
  EXPECT_FALSE(result);
  EXPECT_FALSE(pipe.Write("y", 1));
}

}  // namespace
}  // namespace modelwarden
