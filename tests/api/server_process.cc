#include "tests/api/server_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>
#include <utility>

namespace modelwarden::testing {
namespace {

using Clock = std::chrono::steady_clock;

// Generous: a MariaDB store migrates its schema at start-up, on a machine shared with others.
constexpr auto kStartTimeout = std::chrono::seconds(60);
constexpr auto kStopTimeout = std::chrono::seconds(10);
constexpr auto kPollInterval = std::chrono::milliseconds(20);
constexpr int kPortAttempts = 5;

// A port the kernel just handed out for 127.0.0.1; free unless someone takes it meanwhile,
// which StartOnPort() detects.
int PickFreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

bool AcceptsConnections(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  const bool connected = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  close(fd);
  return connected;
}

std::string ReadFrom(const std::string& path, size_t offset) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return "";
  file.seekg(static_cast<std::streamoff>(offset));
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

size_t FileSize(const std::string& path) {
  struct stat info {};
  return stat(path.c_str(), &info) == 0 ? static_cast<size_t>(info.st_size) : 0;
}

std::string Tail(const std::string& text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  return "...\n" + text.substr(text.size() - max_bytes);
}

// What AddressSanitizer, LeakSanitizer and UBSan write on stderr when they find something
// (scripts/sanitize builds the server with them). A leak or a UBSan report need not stop the
// server, so the log is read for them whenever the process ends.
// UBSan's lines read "file.cc:12:34: runtime error: ..."; a path in an access log line could hold
// the words, not the position before them.
constexpr const char* kSanitizerReports[] = {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                                             "SUMMARY: UndefinedBehaviorSanitizer"};
constexpr char kUbsanError[] = ": runtime error: ";

size_t FindUbsanError(const std::string& log) {
  for (size_t at = log.find(kUbsanError); at != std::string::npos;
       at = log.find(kUbsanError, at + 1)) {
    if (at > 0 && std::isdigit(static_cast<unsigned char>(log[at - 1]))) return at;
  }
  return std::string::npos;
}

void AppendToLog(const std::string& path, const std::string& line) {
  std::ofstream(path, std::ios::app | std::ios::binary) << line << "\n";
}

}  // namespace

ServerProcess::ServerProcess(std::string binary, std::vector<std::string> args,
                             std::string log_path, std::vector<std::string> env)
    : binary_(std::move(binary)),
      args_(std::move(args)),
      log_path_(std::move(log_path)),
      env_(std::move(env)) {}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) Kill();
}

::testing::AssertionResult ServerProcess::Start() {
  if (IsRunning()) return ::testing::AssertionFailure() << "the server is already running";
  ::testing::AssertionResult result = ::testing::AssertionFailure() << "no free port found";
  for (int attempt = 0; attempt < kPortAttempts; ++attempt) {
    const int port = PickFreePort();
    if (port == 0) continue;
    bool port_taken = false;
    result = StartOnPort(port, &port_taken);
    if (result || !port_taken) return result;
  }
  return result;
}

::testing::AssertionResult ServerProcess::StartOnPort(int port, bool* port_taken) {
  std::vector<std::string> args = {binary_, "server"};
  args.insert(args.end(), args_.begin(), args_.end());
  for (const char* extra : {"--host", "127.0.0.1", "--port"}) args.push_back(extra);
  args.push_back(std::to_string(port));
  std::string command;
  for (const std::string& arg : args) command += (command.empty() ? "" : " ") + arg;
  AppendToLog(log_path_, "==== start " + std::to_string(++starts_) + ": " + command);
  const size_t log_offset = FileSize(log_path_);
  start_offset_ = log_offset;

  // Everything the child needs is prepared before fork(): after it only async-signal-safe
  // calls are allowed, the test process having other threads.
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_strings = env_;
  std::vector<char*> envp;
  // An entry given replaces the inherited one of its name (getenv() finds the first).
  const auto given = [&env_strings](const char* inherited) {
    for (const std::string& entry : env_strings) {
      const size_t equals = entry.find('=');
      if (equals == std::string::npos) continue;
      if (std::strncmp(inherited, entry.c_str(), equals + 1) == 0) return true;
    }
    return false;
  };
  for (char** entry = environ; *entry != nullptr; ++entry) {
    if (!given(*entry)) envp.push_back(*entry);
  }
  for (std::string& entry : env_strings) envp.push_back(entry.data());
  envp.push_back(nullptr);
  const int log_fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    return ::testing::AssertionFailure()
           << "cannot open " << log_path_ << ": " << std::strerror(errno);
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    close(log_fd);
    return ::testing::AssertionFailure() << "fork failed: " << std::strerror(errno);
  }
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    const int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd < 0 || dup2(null_fd, STDIN_FILENO) < 0 || dup2(log_fd, STDOUT_FILENO) < 0 ||
        dup2(log_fd, STDERR_FILENO) < 0) {
      _exit(127);
    }
    // Sockets of the test's clients must not stay open in the server.
    for (int fd = STDERR_FILENO + 1; fd < 1024; ++fd) close(fd);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  close(log_fd);
  pid_ = pid;
  port_ = port;

  const std::string listening = "listening on http://127.0.0.1:" + std::to_string(port);
  const auto deadline = Clock::now() + kStartTimeout;
  while (Clock::now() < deadline) {
    Reap(/*block=*/false);
    const std::string log = ReadFrom(log_path_, log_offset);
    if (pid_ < 0) {
      *port_taken = log.find("cannot listen on") != std::string::npos;
      return ::testing::AssertionFailure() << "modelwarden exited during start-up:\n"
                                           << Tail(log, 4096);
    }
    // The log line proves that this process owns the port; the connect that it serves.
    if (log.find(listening) != std::string::npos && AcceptsConnections(port)) {
      return ::testing::AssertionSuccess();
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  Kill();
  return ::testing::AssertionFailure()
         << "modelwarden did not listen on port " << port << " in time:\n"
         << Tail(ReadFrom(log_path_, log_offset), 4096);
}

void ServerProcess::Reap(bool block) {
  if (pid_ <= 0) return;
  int status = 0;
  pid_t done;
  do {
    done = waitpid(pid_, &status, block ? 0 : WNOHANG);
  } while (done < 0 && errno == EINTR);
  if (done == pid_ || (done < 0 && errno == ECHILD)) {
    if (done == pid_ && WIFSIGNALED(status)) {
      AppendToLog(log_path_, "==== killed by signal " + std::to_string(WTERMSIG(status)));
    } else if (done == pid_ && WIFEXITED(status)) {
      AppendToLog(log_path_, "==== exited with status " + std::to_string(WEXITSTATUS(status)));
    }
    pid_ = -1;
    ReportSanitizerFindings();
  }
}

void ServerProcess::ReportSanitizerFindings() const {
  const std::string log = ReadFrom(log_path_, start_offset_);
  size_t at = FindUbsanError(log);
  for (const char* report : kSanitizerReports) at = std::min(at, log.find(report));
  if (at == std::string::npos) return;
  ADD_FAILURE() << "a sanitizer reported in modelwarden (" << log_path_ << "):\n"
                << log.substr(at > 2048 ? at - 2048 : 0, 16 * 1024);
}

bool ServerProcess::IsRunning() {
  Reap(/*block=*/false);
  return pid_ > 0;
}

void ServerProcess::Stop() {
  if (!IsRunning()) return;
  kill(pid_, SIGTERM);
  const auto deadline = Clock::now() + kStopTimeout;
  while (Clock::now() < deadline) {
    Reap(/*block=*/false);
    if (pid_ < 0) return;
    std::this_thread::sleep_for(kPollInterval);
  }
  AppendToLog(log_path_, "==== did not stop on SIGTERM; sending SIGKILL");
  Kill();
}

void ServerProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  Reap(/*block=*/true);
}

::testing::AssertionResult ServerProcess::Restart() {
  Stop();
  return Start();
}

std::string ServerProcess::ReadLog(size_t max_bytes) const {
  return Tail(ReadFrom(log_path_, 0), max_bytes);
}

}  // namespace modelwarden::testing
