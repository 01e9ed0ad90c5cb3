// ProgressMeter: how far a long command (import, export) has come, on stderr. On a terminal a
// bar redrawn in place at most ten times a second; otherwise (a log, a CI job) a plain line at
// most every ten seconds, so logs stay readable. Lines printed on stdout go above the bar
// (Print). Not thread-safe: used by the command's one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

namespace modelwarden {

class ProgressMeter {
 public:
  // `what` names the units, e.g. "models"; `terminal`: draw a bar (else plain lines).
  ProgressMeter(std::string what, FILE* out, bool terminal);

  // Whether `file` is a terminal.
  static bool IsTerminal(FILE* file);

  void Update(int64_t done, std::optional<int64_t> total);
  // Prints `line` (with its newline) on stdout, above the bar.
  void Print(const std::string& line);
  // Removes the bar; the next Update draws it again.
  void Clear();

 private:
  std::string Text(int64_t done, std::optional<int64_t> total) const;

  const std::string what_;
  FILE* const out_;
  const bool terminal_;
  const std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_drawn_;
  bool drawn_ = false;
  int64_t done_ = 0;
  std::optional<int64_t> total_;
};

}  // namespace modelwarden
