#include "enforcement/policy/policy_loader_json.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <set>

#include "enforcement/policy/policy_util.h"

namespace modelwarden {
namespace policy_loader {
namespace {

// A file with hundreds of problems is better fixed from the first ones.
constexpr size_t kMaxReportedProblems = 100;
constexpr size_t kMaxQuotedLength = 80;

std::string FormatJsonNumber(const rj::Value& v) {
  if (v.IsUint64()) return std::to_string(v.GetUint64());
  if (v.IsInt64()) return std::to_string(v.GetInt64());
  return FormatNumber(v.GetDouble());
}

std::string QuotedList(std::initializer_list<const char*> words) {
  std::string out;
  for (const char* word : words) {
    if (!out.empty()) out += ", ";
    out += Quote(word);
  }
  return out;
}

bool IsIdentifier(std::string_view key) {
  if (key.empty()) return false;
  for (size_t i = 0; i < key.size(); ++i) {
    const char c = key[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

// Rule ids appear in denial messages ("[owner-tag] ...") and in the warnings header, so they
// stay to characters that need no quoting in either.
bool IsValidRuleId(std::string_view id) {
  if (id.empty()) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.' || c == ':';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string_view ViewOf(const rj::Value& v) { return {v.GetString(), v.GetStringLength()}; }

std::string Quote(std::string_view text) {
  std::string out = "\"";
  size_t shown = 0;
  for (char c : text) {
    if (shown++ == kMaxQuotedLength) {
      out += "...";
      break;
    }
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string FormatNumber(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.15g", d);
  return buf;
}

std::string Describe(const rj::Value& v) {
  switch (v.GetType()) {
    case rj::kNullType:
      return "null";
    case rj::kFalseType:
      return "false";
    case rj::kTrueType:
      return "true";
    case rj::kObjectType:
      return "an object";
    case rj::kArrayType:
      return "an array";
    case rj::kStringType:
      return Quote(ViewOf(v));
    case rj::kNumberType:
      return FormatJsonNumber(v);
  }
  return "an unknown value";
}

std::string Child(const std::string& path, std::string_view key) {
  if (IsIdentifier(key)) return path + "." + std::string(key);
  return path + "[" + Quote(key) + "]";
}

std::string Index(const std::string& path, size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

const rj::Value* Member(const rj::Value& object, const char* key) {
  auto it = object.FindMember(key);
  return it == object.MemberEnd() ? nullptr : &it->value;
}

// ---------------------------------------------------------------------------------------------
// Problems

void PolicyReader::Problem(const std::string& where, const std::string& expected,
                           const std::string& got) {
  problems_.push_back(source_ + ": " + where + ": expected " + expected + ", got " + got);
}

void PolicyReader::ProblemExpecting(const std::string& where, const std::string& expected_and_got) {
  problems_.push_back(source_ + ": " + where + ": expected " + expected_and_got);
}

void PolicyReader::ReportParseError(std::string_view text, size_t offset, const char* what) {
  size_t line = 1;
  size_t column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++column;  // Columns count characters, not UTF-8 continuation bytes.
    }
  }
  Problem("line " + std::to_string(line) + ", column " + std::to_string(column), "valid JSON",
          std::string("a syntax error: ") + what + " (byte offset " + std::to_string(offset) + ")");
}

Status PolicyReader::Finish() const {
  if (problems_.empty()) return Status::Ok();
  std::string message;
  for (size_t i = 0; i < problems_.size() && i < kMaxReportedProblems; ++i) {
    if (i > 0) message += '\n';
    message += problems_[i];
  }
  if (problems_.size() > kMaxReportedProblems) {
    message += "\n" + source_ + ": ... and " +
               std::to_string(problems_.size() - kMaxReportedProblems) + " more problems";
  }
  return Status::InvalidArgument(std::move(message));
}

// ---------------------------------------------------------------------------------------------
// JSON values

bool PolicyReader::CheckObject(const rj::Value& v, const std::string& path,
                               std::initializer_list<const char*> allowed) {
  if (!v.IsObject()) {
    Problem(path, "an object", Describe(v));
    return false;
  }
  std::set<std::string_view> seen;
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    // Keys are always strings in a parsed document.
    const std::string_view key = ViewOf(it->name);
    const std::string key_path = Child(path, key);
    if (!seen.insert(key).second) {
      Problem(key_path, "each key once", "a duplicate key " + Quote(key));
      continue;
    }
    bool known = false;
    for (const char* word : allowed) known = known || key == word;
    if (!known) {
      Problem(key_path, "one of the keys " + QuotedList(allowed), "unknown key " + Quote(key));
    }
  }
  return true;
}

std::optional<std::string> PolicyReader::ReadString(const rj::Value& v, const std::string& path,
                                                    bool non_empty) {
  if (!v.IsString()) {
    Problem(path, non_empty ? "a non-empty string" : "a string", Describe(v));
    return std::nullopt;
  }
  if (non_empty && v.GetStringLength() == 0) {
    Problem(path, "a non-empty string", "\"\"");
    return std::nullopt;
  }
  return std::string(ViewOf(v));
}

std::optional<bool> PolicyReader::ReadBool(const rj::Value& v, const std::string& path) {
  if (!v.IsBool()) {
    Problem(path, "true or false", Describe(v));
    return std::nullopt;
  }
  return v.GetBool();
}

std::optional<double> PolicyReader::ReadNumber(const rj::Value& v, const std::string& path) {
  if (!v.IsNumber() || !std::isfinite(v.GetDouble())) {
    Problem(path, "a finite number", Describe(v));
    return std::nullopt;
  }
  return v.GetDouble();
}

std::optional<size_t> PolicyReader::ReadLength(const rj::Value& v, const std::string& path) {
  if (!v.IsUint64() || v.GetUint64() > static_cast<uint64_t>(SIZE_MAX)) {
    Problem(path, "a non-negative integer", Describe(v));
    return std::nullopt;
  }
  return static_cast<size_t>(v.GetUint64());
}

std::optional<std::vector<std::string>> PolicyReader::ReadStrings(const rj::Value& v,
                                                                  const std::string& path,
                                                                  bool non_empty_list) {
  if (!v.IsArray() || (non_empty_list && v.Empty())) {
    Problem(path, non_empty_list ? "a non-empty array of strings" : "an array of strings",
            v.IsArray() ? "[]" : Describe(v));
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (rj::SizeType i = 0; i < v.Size(); ++i) {
    std::optional<std::string> item = ReadString(v[i], Index(path, i), /*non_empty=*/true);
    ok = ok && item.has_value();
    if (item) out.push_back(std::move(*item));
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<int> PolicyReader::ReadWord(const rj::Value& v, const std::string& path,
                                          std::initializer_list<Word> words, bool ignore_case) {
  std::string expected = "one of ";
  bool first = true;
  for (const Word& word : words) {
    expected += (first ? "" : ", ") + Quote(word.text);
    first = false;
  }
  if (!v.IsString()) {
    Problem(path, expected, Describe(v));
    return std::nullopt;
  }
  const std::string_view text = ViewOf(v);
  for (const Word& word : words) {
    if (text == word.text || (ignore_case && AsciiLower(text) == AsciiLower(word.text)))
      return word.value;
  }
  Problem(path, expected, Describe(v));
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// The policy's vocabulary

std::optional<RuleMode> PolicyReader::ReadMode(const rj::Value& v, const std::string& path) {
  std::optional<int> w = ReadWord(v, path,
                                  {{"off", static_cast<int>(RuleMode::kOff)},
                                   {"warn", static_cast<int>(RuleMode::kWarn)},
                                   {"enforce", static_cast<int>(RuleMode::kEnforce)}},
                                  /*ignore_case=*/false);
  if (!w) return std::nullopt;
  return static_cast<RuleMode>(*w);
}

std::optional<Stage> PolicyReader::ReadStage(const rj::Value& v, const std::string& path,
                                             bool promotion_only) {
  std::optional<Stage> stage;
  if (v.IsString()) stage = StageFromString(ViewOf(v));
  if (promotion_only && stage && *stage != Stage::kStaging && *stage != Stage::kProduction) {
    stage.reset();
  }
  if (!stage) {
    Problem(path,
            promotion_only ? "\"Staging\" or \"Production\""
                           : "one of \"None\", \"Staging\", \"Production\", \"Archived\"",
            Describe(v));
  }
  return stage;
}

std::optional<Checkpoint> PolicyReader::ReadCheckpoint(const rj::Value& v,
                                                       const std::string& path) {
  std::optional<int> w = ReadWord(v, path,
                                  {{"registration", static_cast<int>(Checkpoint::kRegistration)},
                                   {"staging", static_cast<int>(Checkpoint::kStaging)},
                                   {"production", static_cast<int>(Checkpoint::kProduction)}},
                                  /*ignore_case=*/true);
  if (!w) return std::nullopt;
  return static_cast<Checkpoint>(*w);
}

std::optional<Pattern> PolicyReader::ReadPattern(const rj::Value& v, const std::string& path) {
  std::optional<std::string> text = ReadString(v, path, /*non_empty=*/true);
  if (!text) return std::nullopt;
  Result<Regex> regex = Regex::Compile(*text);
  if (!regex.ok()) {
    Problem(path,
            "a regular expression in RE2 syntax (no backreferences, no lookahead or lookbehind)",
            Quote(*text) + " (" + regex.status().message() + ")");
    return std::nullopt;
  }
  return Pattern{std::move(*text), std::move(*regex)};
}

void PolicyReader::ReadDescription(const rj::Value& object, const std::string& path) {
  if (const rj::Value* v = Member(object, "description")) {
    ReadString(*v, Child(path, "description"));
  }
}

std::optional<std::string> PolicyReader::ReadRuleId(const rj::Value& object,
                                                    const std::string& path) {
  const std::string id_path = Child(path, "id");
  const rj::Value* v = Member(object, "id");
  const char* expected = "a rule id of letters, digits, \"_\", \"-\", \".\" and \":\"";
  if (v == nullptr) {
    Problem(id_path, expected, "nothing (every rule needs an id for its messages)");
    return std::nullopt;
  }
  if (!v->IsString() || !IsValidRuleId(ViewOf(*v))) {
    Problem(id_path, expected, Describe(*v));
    return std::nullopt;
  }
  std::string id(ViewOf(*v));
  auto [it, inserted] = rule_ids_.emplace(id, id_path);
  if (!inserted) {
    Problem(id_path, "a rule id used once across requirements, gates, approvals and retention",
            Quote(id) + ", already the id of " + it->second);
  }
  return id;
}

}  // namespace policy_loader
}  // namespace modelwarden
