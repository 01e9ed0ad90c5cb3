// RequestHandler: what the HTTP edge (compat/edge/http_edge.h) asks about each request. The
// edge owns the sockets and reads; the handler decides, and does the blocking work on a worker.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compat/edge/http_message.h"

namespace modelwarden {

// How the edge is to deal with one request, decided from its head alone.
struct Disposition {
  enum class Kind {
    kAnswer,   // Send `answer`, without a worker.
    kServe,    // Read the body (within the limit), then Serve() it on a worker.
    kForward,  // Relay it to the upstream (compat/edge/forward_policy.h), body streamed.
  };
  Kind kind = Kind::kServe;
  // kAnswer: the response. Its body is read (within the limit) and dropped first, unless the
  // answer closes the connection, in which case nothing more is read.
  Response answer;
  // kServe: which route, for Serve(). kForward: what Admit() is told.
  int route = -1;
  // kServe: the values of the route's {placeholders}, in order, as Classify matched them.
  std::vector<std::string> path_values;
  // kForward: call Admit() on a worker before anything is sent upstream.
  bool admit_first = false;
  // kForward with admit_first: read the body first (within the limit, as for kServe) and give
  // it to Admit(); the body Admit() leaves is what is sent upstream.
  bool admit_reads_body = false;
};

// AdmitWithoutBlocking's answer.
struct Admission {
  enum class Kind {
    kUndecided,  // Deciding needs a read that may block: Admit() on a worker decides.
    kAllowed,    // Forward it.
    kAnswered,   // Send `answer` instead.
  };
  Kind kind = Kind::kUndecided;
  Response answer;
};

class RequestHandler {
 public:
  virtual ~RequestHandler() = default;

  // On an I/O thread, once the head is read: must be quick and must not block.
  virtual Disposition Classify(const RequestHead& head) = 0;

  // On a worker thread: the response to a kServe request (`route` from Classify). Must not
  // throw. For HEAD the edge sends the head of the response only, with its Content-Length.
  virtual Response Serve(int route, Request& request) = 0;

  // On a worker thread, for a kForward request with admit_first: nullopt lets it through, a
  // response answers it instead (e.g. 401, 403). `route` is Disposition::route. `body` is the
  // request body when Disposition::admit_reads_body (Admit may change it), else null.
  virtual std::optional<Response> Admit(const RequestHead& head, int route, std::string* body) = 0;

  // On an I/O thread, before Admit(): the same decision when it can be made from what is at
  // hand (caches), without blocking; kUndecided leaves it to Admit() on a worker. Must be
  // quick: it runs on the thread that serves other connections.
  virtual Admission AdmitWithoutBlocking(const RequestHead&, int, std::string*) { return {}; }
};

}  // namespace modelwarden
