// FakeTracker: tests/api/fake_tracker.py as a child process (PythonPeerProcess), for suites that
// put modelwarden in front of a tracking server. Given a certificate chain and key (PEM files),
// it serves https.
#pragma once

#include <string>
#include <vector>

#include "tests/api/python_peer_process.h"

namespace modelwarden::testing {

class FakeTracker {
 public:
  explicit FakeTracker(const std::string& tls_cert = "", const std::string& tls_key = "")
      : scheme_(tls_cert.empty() ? "http" : "https"),
        process_(MODELWARDEN_SOURCE_DIR "/tests/api/fake_tracker.py",
                 tls_cert.empty() ? std::vector<std::string>{}
                                  : std::vector<std::string>{"--tls", tls_cert, tls_key}) {}

  int port() const { return process_.port(); }
  std::string url() const { return scheme_ + "://127.0.0.1:" + std::to_string(port()); }

 private:
  std::string scheme_;
  PythonPeerProcess process_;
};

}  // namespace modelwarden::testing
