// Running `modelwarden <command>` (token, import, export, policy report) from the HTTP tests as
// a user runs it from a shell, and reading what it printed.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace modelwarden::testing {

// `text` single-quoted for /bin/sh.
std::string ShellQuote(const std::string& text);

struct CommandResult {
  int exit_status = -1;  // -1 when it did not exit normally.
  std::string out;       // stdout.
  std::string err;       // stderr.
};

// Runs `modelwarden <args>` (already quoted for the shell) with `env` ("NAME=value", quoted
// here) added to its environment, and waits for it. `scratch` is a file for its stderr.
CommandResult RunModelwarden(const std::string& args, const std::string& scratch,
                             const std::vector<std::string>& env = {});

// `modelwarden` with `args`, running in the background with its stdout readable line by line;
// killed with SIGKILL when destroyed if still running.
class RunningCommand {
 public:
  explicit RunningCommand(const std::vector<std::string>& args);
  ~RunningCommand();
  RunningCommand(const RunningCommand&) = delete;
  RunningCommand& operator=(const RunningCommand&) = delete;

  // The next line of its stdout without the newline; false at the end.
  bool ReadLine(std::string& line);
  // SIGKILL and reap: nothing in the process gets to run.
  void Kill();
  // Waits for it to exit; its exit status, or -1.
  int Wait();

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  std::string buffer_;
};

}  // namespace modelwarden::testing
