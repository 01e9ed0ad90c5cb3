// PythonPeerProcess: a Python script of the HTTP tests (a fake tracker, a webhook receiver) run
// as a child process. The script prints "listening on <port>" once it serves; the port is read
// from that line (0 when it never came). The child dies with the test binary, even when that
// crashes (an orphan would hold ctest's output pipe open until ctest's timeout), and is killed
// when the object goes.
#pragma once

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace modelwarden::testing {

class PythonPeerProcess {
 public:
  // Runs `python3 script args...`.
  PythonPeerProcess(const std::string& script, const std::vector<std::string>& args) {
    std::vector<std::string> command = {"python3", script};
    command.insert(command.end(), args.begin(), args.end());
    // Prepared before fork(): the test binary has other threads.
    std::vector<char*> argv;
    for (std::string& arg : command) argv.push_back(arg.data());
    argv.push_back(nullptr);
    int fds[2];
    if (pipe(fds) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      dup2(fds[1], STDOUT_FILENO);
      close(fds[0]);
      execvp("python3", argv.data());
      _exit(127);
    }
    close(fds[1]);
    std::string line;
    char c = 0;
    while (read(fds[0], &c, 1) == 1 && c != '\n') line += c;
    close(fds[0]);
    if (line.rfind("listening on ", 0) == 0) port_ = std::stoi(line.substr(13));
  }
  ~PythonPeerProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  PythonPeerProcess(const PythonPeerProcess&) = delete;
  PythonPeerProcess& operator=(const PythonPeerProcess&) = delete;

  int port() const { return port_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace modelwarden::testing
