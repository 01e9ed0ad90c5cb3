// FakeTracker: tests/api/fake_tracker.py as a child process, for suites that put modelwarden in
// front of a tracking server. Its port is read from its first line of output; it is killed when
// the object goes. Given a certificate chain and key (PEM files), it serves https.
#pragma once

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

namespace modelwarden::testing {

class FakeTracker {
 public:
  explicit FakeTracker(const std::string& tls_cert = "", const std::string& tls_key = "")
      : scheme_(tls_cert.empty() ? "http" : "https") {
    int fds[2];
    if (pipe(fds) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      // Gone with the test binary, even when it crashes (see ServerProcess).
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      dup2(fds[1], STDOUT_FILENO);
      close(fds[0]);
      const char* script = MODELWARDEN_SOURCE_DIR "/tests/api/fake_tracker.py";
      if (tls_cert.empty()) {
        execlp("python3", "python3", script, nullptr);
      } else {
        execlp("python3", "python3", script, "--tls", tls_cert.c_str(), tls_key.c_str(), nullptr);
      }
      _exit(127);
    }
    close(fds[1]);
    std::string line;
    char c = 0;
    while (read(fds[0], &c, 1) == 1 && c != '\n') line += c;
    close(fds[0]);
    if (line.rfind("listening on ", 0) == 0) port_ = std::stoi(line.substr(13));
  }
  ~FakeTracker() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  int port() const { return port_; }
  std::string url() const { return scheme_ + "://127.0.0.1:" + std::to_string(port_); }

 private:
  std::string scheme_;
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace modelwarden::testing
