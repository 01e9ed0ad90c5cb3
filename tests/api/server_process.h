// ServerProcess: one real `modelwarden server` child process for the HTTP tests. Start() forks
// and execs the binary on a free 127.0.0.1 port with stdin from /dev/null and stdout/stderr
// appended to a log file, and returns once this very process reports that it listens on that
// port and the port accepts connections, or fails after a bounded wait. The child is sent
// SIGKILL if the thread that started it dies, so a crashed test leaves no server behind. When a
// process has ended, a sanitizer's report in its log (scripts/sanitize) fails the current test.
//
// Not thread-safe: drive one instance from one thread (the test's main thread).
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <string>
#include <vector>

namespace modelwarden::testing {

class ServerProcess {
 public:
  // `args` follow `modelwarden server`; Start() appends --host and --port. `env` entries
  // ("NAME=value") are added to the child's environment.
  ServerProcess(std::string binary, std::vector<std::string> args, std::string log_path,
                std::vector<std::string> env = {});
  ~ServerProcess();  // Kill() when still running.

  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts the server on a fresh free port (retrying another port when the one picked was
  // taken meanwhile). Fails when already running, when the process exits, or when it does
  // not listen within the start timeout; the message then holds the tail of the log.
  ::testing::AssertionResult Start();
  // SIGTERM, then SIGKILL when the process has not exited within the stop timeout.
  void Stop();
  // SIGKILL and reap, as `kill -9`: nothing in the server gets to run.
  void Kill();
  // Stop() then Start(): a new process on the same store and arguments, on a new port.
  ::testing::AssertionResult Restart();

  bool IsRunning();
  // The port of the running (or last started) process; 0 before the first Start().
  int port() const { return port_; }
  // The process id of the running (or last started) process; -1 before the first Start().
  pid_t pid() const { return pid_; }
  // How many processes Start() has launched; changes with every (re)start.
  int starts() const { return starts_; }
  const std::string& log_path() const { return log_path_; }
  // The whole log of every start so far, at most its last `max_bytes`.
  std::string ReadLog(size_t max_bytes = 64 * 1024) const;

 private:
  ::testing::AssertionResult StartOnPort(int port, bool* port_taken);
  void Reap(bool block);
  // ADD_FAILURE with the report when the log of the last start holds a sanitizer's report.
  void ReportSanitizerFindings() const;

  const std::string binary_;
  const std::vector<std::string> args_;
  const std::string log_path_;
  const std::vector<std::string> env_;
  pid_t pid_ = -1;
  int port_ = 0;
  int starts_ = 0;
  size_t start_offset_ = 0;  // Where the last start's output begins in the log.
};

}  // namespace modelwarden::testing
