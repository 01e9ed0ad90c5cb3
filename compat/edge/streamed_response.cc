// Responses whose body a worker produces while the connection sends it (declared in
// compat/edge/connection.h): Beast's serializer on buffer_body writes each piece the worker put
// into the BodyPipe as it is taken, as relay.cc does with an upstream's body; framing is the
// response's own (Content-Length, or chunked). Runs on the connection's shard thread; the only
// thread that waits is the producing worker, and only for room in the pipe.
#include <utility>

#include "compat/edge/connection.h"

namespace modelwarden::edge {
namespace {

class Streamer : public std::enable_shared_from_this<Streamer> {
 public:
  Streamer(Shard& shard, beast::tcp_stream& client, http::response<http::buffer_body>&& response,
           std::optional<uint64_t> size, std::shared_ptr<BodyPipe> pipe,
           std::function<void(bool)> done)
      : shard_(shard),
        client_(client),
        response_(std::move(response)),
        size_(size),
        pipe_(std::move(pipe)),
        done_(std::move(done)) {}

  void Start() {
    serializer_.emplace(response_);
    Pump();
  }

 private:
  void Pump() {
    // The callback may run on the producing worker: it only posts to the shard.
    pipe_->WhenReadable([self = shared_from_this()] {
      net::io_context& ioc = self->shard_.ioc;
      net::post(ioc, [self = std::move(self)] { self->OnReadable(); });
    });
  }

  void OnReadable() {
    bool complete = false;
    const bool last = pipe_->Take(piece_, &complete);
    sent_ += piece_.size();
    const bool broken = last && !complete;
    // A file that grew or shrank while it was read must not be sent under the wrong length.
    const bool wrong_length = size_ && (sent_ > *size_ || (last && sent_ != *size_));
    if (broken || wrong_length) return End(false);
    auto& body = response_.body();
    // No bytes are handed over as no buffer: an empty buffer would end a chunked body.
    body.data = piece_.empty() ? nullptr : piece_.data();
    body.size = piece_.size();
    body.more = !last;
    client_.expires_after(shard_.shared.options.idle_timeout);
    http::async_write(client_, *serializer_,
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        if (ec == http::error::need_buffer) ec = {};
                        if (ec) return self->End(false);  // Gone, or not reading (timeout).
                        if (!self->serializer_->is_done()) return self->Pump();
                        self->End(true);
                      });
  }

  void End(bool sent) {
    if (ended_) return;
    ended_ = true;
    if (!sent) pipe_->Cancel();
    done_(sent);
  }

  Shard& shard_;
  beast::tcp_stream& client_;
  http::response<http::buffer_body> response_;
  const std::optional<uint64_t> size_;
  std::shared_ptr<BodyPipe> pipe_;
  std::function<void(bool)> done_;
  std::optional<http::response_serializer<http::buffer_body>> serializer_;
  std::string piece_;  // What is being written; swapped with the pipe's buffer.
  uint64_t sent_ = 0;
  bool ended_ = false;
};

}  // namespace

void StartStreamedResponse(Shard& shard, beast::tcp_stream& client,
                           http::response<http::buffer_body>&& response,
                           std::optional<uint64_t> size, std::shared_ptr<BodyPipe> pipe,
                           std::function<void(bool)> done) {
  std::make_shared<Streamer>(shard, client, std::move(response), size, std::move(pipe),
                             std::move(done))
      ->Start();
}

void EdgeShared::AddStream(BodyPipe* pipe) {
  std::lock_guard<std::mutex> lock(streams_mu_);
  if (streams_abandoned_) {
    pipe->Cancel();
    return;
  }
  streams_.insert(pipe);
}

void EdgeShared::RemoveStream(BodyPipe* pipe) {
  std::lock_guard<std::mutex> lock(streams_mu_);
  streams_.erase(pipe);
}

void EdgeShared::AbandonStreams() {
  std::lock_guard<std::mutex> lock(streams_mu_);
  streams_abandoned_ = true;
  for (BodyPipe* pipe : streams_) pipe->Cancel();
}

}  // namespace modelwarden::edge
