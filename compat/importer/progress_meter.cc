#include "compat/importer/progress_meter.h"

#include <unistd.h>

namespace modelwarden {
namespace {

constexpr int kBarWidth = 30;
constexpr auto kTerminalInterval = std::chrono::milliseconds(100);
constexpr auto kLogInterval = std::chrono::seconds(10);

}  // namespace

ProgressMeter::ProgressMeter(std::string what, FILE* out, bool terminal)
    : what_(std::move(what)),
      out_(out),
      terminal_(terminal),
      started_(std::chrono::steady_clock::now()),
      // A log gets its first line after an interval: a short run needs none.
      last_drawn_(terminal ? std::chrono::steady_clock::time_point{} : started_) {}

bool ProgressMeter::IsTerminal(FILE* file) { return isatty(fileno(file)) == 1; }

std::string ProgressMeter::Text(int64_t done, std::optional<int64_t> total) const {
  const auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_)
          .count();
  std::string text = std::to_string(done);
  if (total && *total > 0) {
    text += "/" + std::to_string(*total) + " " + what_ + " (" +
            std::to_string(done * 100 / *total) + "%)";
  } else {
    text += " " + what_;
  }
  return text + ", " + std::to_string(seconds) + " s";
}

void ProgressMeter::Update(int64_t done, std::optional<int64_t> total) {
  done_ = done;
  total_ = total;
  const auto now = std::chrono::steady_clock::now();
  const bool last = total && done >= *total;
  if (!last && now - last_drawn_ < (terminal_ ? kTerminalInterval : kLogInterval)) return;
  last_drawn_ = now;
  if (!terminal_) {
    if (last && !drawn_) return;  // A short run needs no progress lines, only its summary.
    std::fprintf(out_, "progress: %s\n", Text(done, total).c_str());
    drawn_ = true;
    return;
  }
  std::string bar;
  if (total && *total > 0) {
    const int filled = static_cast<int>(done * kBarWidth / *total);
    bar = "[" + std::string(filled, '#') + std::string(kBarWidth - filled, '.') + "] ";
  }
  std::fprintf(out_, "\r\033[K%s%s", bar.c_str(), Text(done, total).c_str());
  std::fflush(out_);
  drawn_ = true;
}

void ProgressMeter::Clear() {
  if (!terminal_ || !drawn_) return;
  std::fprintf(out_, "\r\033[K");
  std::fflush(out_);
  drawn_ = false;
  last_drawn_ = {};
}

void ProgressMeter::Print(const std::string& line) {
  Clear();
  std::fputs(line.c_str(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

}  // namespace modelwarden
