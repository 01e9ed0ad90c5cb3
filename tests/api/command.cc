#include "tests/api/command.h"

#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#ifndef MODELWARDEN_BINARY
#error "MODELWARDEN_BINARY must name the modelwarden executable under test"
#endif

namespace modelwarden::testing {

std::string ShellQuote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

CommandResult RunModelwarden(const std::string& args, const std::string& scratch,
                             const std::vector<std::string>& env) {
  CommandResult result;
  std::string command;
  if (!env.empty()) {
    command = "env";
    for (const std::string& variable : env) command += " " + ShellQuote(variable);
    command += " ";
  }
  command += ShellQuote(MODELWARDEN_BINARY) + " " + args + " 2>" + ShellQuote(scratch);
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) result.out.append(buffer, n);
  const int status = pclose(pipe);
  result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream err(scratch);
  std::ostringstream text;
  text << err.rdbuf();
  result.err = text.str();
  return result;
}

RunningCommand::RunningCommand(const std::vector<std::string>& args) {
  int fds[2];
  if (pipe(fds) != 0) return;
  std::vector<std::string> argv_strings = {MODELWARDEN_BINARY};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_strings) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_ = fork();
  if (pid_ == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(fds[1]);
  out_ = fds[0];
}

RunningCommand::~RunningCommand() {
  Kill();
  if (out_ >= 0) close(out_);
}

bool RunningCommand::ReadLine(std::string& line) {
  while (true) {
    const size_t newline = buffer_.find('\n');
    if (newline != std::string::npos) {
      line = buffer_.substr(0, newline);
      buffer_.erase(0, newline + 1);
      return true;
    }
    char chunk[4096];
    const ssize_t n = out_ >= 0 ? read(out_, chunk, sizeof(chunk)) : 0;
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
  }
}

void RunningCommand::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

int RunningCommand::Wait() {
  if (pid_ <= 0) return -1;
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace modelwarden::testing
