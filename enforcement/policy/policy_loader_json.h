// The policy loader's reading of JSON values (internal to the policy_loader*.cc files): how a
// value at a JSON path is read and how a problem with it becomes a message
//   <file>: <JSON path>: expected <what>, got <what>
// Every reader checks the value's type before reading it (RapidJSON's getters assert, and are
// undefined behaviour under NDEBUG, on the wrong type), records a problem and returns nullopt
// when it does not fit, so the loader keeps going and reports every mistake at once.
// Not thread-safe: one PolicyReader per file being loaded.
#pragma once

#include <rapidjson/document.h>

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "enforcement/policy/policy.h"
#include "enforcement/policy/policy_loader.h"
#include "registry/status.h"

namespace modelwarden {
namespace policy_loader {

namespace rj = rapidjson;

std::string_view ViewOf(const rj::Value& v);

// JSON-style quoting, shortened, so a message stays on one line whatever the file holds.
std::string Quote(std::string_view text);

// A number as the file would write it: integers exactly, others with 15 significant digits.
std::string FormatNumber(double d);

// What a value is, for the "got ..." half of a message.
std::string Describe(const rj::Value& v);

// $.a.b for plain keys, $.a["blue-green"] for the rest (alias names, stage keys).
std::string Child(const std::string& path, std::string_view key);
std::string Index(const std::string& path, size_t i);

// The member `key` of an object, or null when it is absent.
const rj::Value* Member(const rj::Value& object, const char* key);

// A word of a closed vocabulary and the enum value (as int) it stands for.
struct Word {
  const char* text;
  int value;
};

class PolicyReader {
 public:
  PolicyReader(std::string source, const PolicyLoadOptions& options)
      : source_(std::move(source)), options_(options) {}

  const PolicyLoadOptions& options() const { return options_; }

  // Records "<source>: <where>: expected <expected>, got <got>".
  void Problem(const std::string& where, const std::string& expected, const std::string& got);
  // Records "<source>: <where>: expected <expected_and_got>", for messages that say both.
  void ProblemExpecting(const std::string& where, const std::string& expected_and_got);
  // A JSON syntax error at byte `offset` of `text`, reported by line and column.
  void ReportParseError(std::string_view text, size_t offset, const char* what);
  // OK when nothing was recorded, else kInvalidParameterValue with one problem a line.
  Status Finish() const;

  // Checks that `v` is an object whose keys are all in `allowed`, each at most once; false
  // only when it is not an object (unknown or repeated keys are recorded, reading goes on).
  bool CheckObject(const rj::Value& v, const std::string& path,
                   std::initializer_list<const char*> allowed);

  std::optional<std::string> ReadString(const rj::Value& v, const std::string& path,
                                        bool non_empty = false);
  std::optional<bool> ReadBool(const rj::Value& v, const std::string& path);
  std::optional<double> ReadNumber(const rj::Value& v, const std::string& path);
  std::optional<size_t> ReadLength(const rj::Value& v, const std::string& path);
  // nullopt when `v` is not an array or any element is not a (non-empty) string.
  std::optional<std::vector<std::string>> ReadStrings(const rj::Value& v, const std::string& path,
                                                      bool non_empty_list);
  std::optional<int> ReadWord(const rj::Value& v, const std::string& path,
                              std::initializer_list<Word> words, bool ignore_case);

  // The policy's own vocabulary.
  std::optional<RuleMode> ReadMode(const rj::Value& v, const std::string& path);
  // Stage names are case-insensitive, as in MLflow's API.
  std::optional<Stage> ReadStage(const rj::Value& v, const std::string& path, bool promotion_only);
  std::optional<Checkpoint> ReadCheckpoint(const rj::Value& v, const std::string& path);
  std::optional<Pattern> ReadPattern(const rj::Value& v, const std::string& path);
  // "description" is free text wherever it is allowed: only its type is checked.
  void ReadDescription(const rj::Value& object, const std::string& path);
  // The "id" of a requirement or gate; ids are unique across both.
  std::optional<std::string> ReadRuleId(const rj::Value& object, const std::string& path);

 private:
  const std::string source_;
  const PolicyLoadOptions options_;
  std::vector<std::string> problems_;
  std::map<std::string, std::string> rule_ids_;  // id -> path of its first use.
};

}  // namespace policy_loader
}  // namespace modelwarden
