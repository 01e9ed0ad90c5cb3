#include "compat/retention_command.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>

#include "enforcement/policy/retention_rule.h"

namespace modelwarden {
namespace {

using Steady = std::chrono::steady_clock;

double SecondsSince(Steady::time_point start) {
  return std::chrono::duration<double>(Steady::now() - start).count();
}

std::string Target(const PlannedChange& change) {
  return change.model + " version " + std::to_string(change.version);
}

std::string Rule(const PlannedChange& change) {
  return "[rule " + change.rule_id +
         (change.mode == RuleMode::kWarn ? ", warn: reported only]" : "]");
}

std::string PlanLine(const PlannedChange& change) {
  return std::string(RetentionActionName(change.action)) + " " + Target(change) + " " +
         Rule(change) + " " + change.reason + "\n";
}

std::string ResultLine(const RetentionEvent& event) {
  const PlannedChange& c = event.change;
  switch (event.result) {
    case RetentionResult::kApplied:
      return std::string(RetentionActionDone(c.action)) + " " + Target(c) + " " + Rule(c) + " " +
             c.reason + "\n";
    case RetentionResult::kReported:
      return "would " + std::string(RetentionActionName(c.action)) + " " + Target(c) + " " +
             Rule(c) + " " + c.reason + "\n";
    case RetentionResult::kSkipped:
      return "skipped " + Target(c) + " " + Rule(c) + ": " + event.message + "\n";
    case RetentionResult::kGone:
      return "gone " + Target(c) + " " + Rule(c) + ": deleted meanwhile\n";
    case RetentionResult::kPlanned:
      break;
  }
  return PlanLine(c);
}

std::string Counts(const RetentionSummary& s) {
  return std::to_string(s.deleted) + " deleted, " + std::to_string(s.archived) + " archived, " +
         std::to_string(s.reported) + " reported (warn), " + std::to_string(s.skipped) +
         " skipped, " + std::to_string(s.gone) + " gone";
}

// A one-line bar on a terminal, redrawn at most ten times a second.
class ProgressBar {
 public:
  ProgressBar(std::FILE* err, int64_t total) : err_(err), total_(std::max<int64_t>(total, 1)) {}
  void Clear() { std::fputs("\r\033[K", err_); }
  void Draw(const RetentionSummary& s, bool force) {
    const auto now = Steady::now();
    if (!force && now - drawn_ < std::chrono::milliseconds(100)) return;
    drawn_ = now;
    const int64_t done = s.deleted + s.archived + s.reported + s.skipped + s.gone;
    const int width = 30;
    const int filled = static_cast<int>(std::min<int64_t>(width, done * width / total_));
    const double rate = static_cast<double>(done) / std::max(SecondsSince(start_), 1e-3);
    std::fprintf(err_, "\r\033[K[%s%s] %lld/%lld  %s  %.0f/s", std::string(filled, '#').c_str(),
                 std::string(width - filled, '.').c_str(), static_cast<long long>(done),
                 static_cast<long long>(total_), Counts(s).c_str(), rate);
    std::fflush(err_);
  }

 private:
  std::FILE* err_;
  const int64_t total_;
  const Steady::time_point start_ = Steady::now();
  Steady::time_point drawn_{};
};

}  // namespace

int RunRetentionPlan(RetentionRunner& runner, const RetentionOptions& options, std::FILE* out,
                     std::FILE* err) {
  const auto start = Steady::now();
  int64_t warn = 0;
  Result<RetentionSummary> plan = runner.Plan(options, [&](const RetentionEvent& event) {
    warn += event.change.mode == RuleMode::kWarn;
    std::fputs(PlanLine(event.change).c_str(), out);
  });
  if (!plan.ok()) {
    std::fprintf(err, "modelwarden retention plan: %s\n", plan.status().ToString().c_str());
    return 1;
  }
  std::fprintf(out,
               "retention plan: %lld changes (%lld by rules in warn mode, reported only) in %lld "
               "models, %lld versions; %lld versions protected; %.1f s\n",
               static_cast<long long>(plan->planned), static_cast<long long>(warn),
               static_cast<long long>(plan->models), static_cast<long long>(plan->versions),
               static_cast<long long>(plan->protected_versions), SecondsSince(start));
  return 0;
}

int RunRetentionApply(RetentionRunner& runner, const RetentionOptions& options, std::FILE* out,
                      std::FILE* err, bool terminal) {
  const auto start = Steady::now();
  std::unique_ptr<ProgressBar> bar;
  if (terminal) {
    Result<RetentionSummary> total = runner.Plan(options, nullptr);
    if (!total.ok()) {
      std::fprintf(err, "modelwarden retention apply: %s\n", total.status().ToString().c_str());
      return 1;
    }
    int64_t changes = total->planned;
    if (options.max_changes > 0) changes = std::min(changes, options.max_changes);
    bar = std::make_unique<ProgressBar>(err, changes);
  }
  RetentionSummary tally;  // As the changes come, for the bar.
  int64_t page = 0;
  Result<RetentionSummary> done = runner.Apply(
      options,
      [&](const RetentionEvent& event) {
        const bool archive = event.change.action == RetentionAction::kArchive;
        if (event.result == RetentionResult::kApplied) ++(archive ? tally.archived : tally.deleted);
        tally.reported += event.result == RetentionResult::kReported;
        tally.skipped += event.result == RetentionResult::kSkipped;
        tally.gone += event.result == RetentionResult::kGone;
        if (bar) bar->Clear();
        std::fputs(ResultLine(event).c_str(), out);
        if (bar) {
          std::fflush(out);
          bar->Draw(tally, false);
        }
      },
      [&](const RetentionSummary& so_far) {
        ++page;
        if (bar) {
          bar->Draw(so_far, true);
        } else {
          std::fprintf(err, "retention: page %lld: %lld models read; %s\n",
                       static_cast<long long>(page), static_cast<long long>(so_far.models),
                       Counts(so_far).c_str());
        }
      });
  if (bar) std::fputs("\n", err);
  if (!done.ok()) {
    std::fprintf(err, "modelwarden retention apply: %s\n", done.status().ToString().c_str());
    return 1;
  }
  std::fprintf(out, "retention apply: %s%s in %lld models, %lld versions; %.1f s\n",
               Counts(*done).c_str(),
               done->stopped_at_limit ? " (stopped at --max-changes; run again for more)" : "",
               static_cast<long long>(done->models), static_cast<long long>(done->versions),
               SecondsSince(start));
  return 0;
}

}  // namespace modelwarden
