// The policy file is checked in one pass that keeps going after a problem, so an admin sees
// every mistake at once. Every value's type is checked before it is read: RapidJSON's getters
// assert (and are undefined behaviour under NDEBUG) on the wrong type.
#include "enforcement/policy_loader.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace modelwarden {
namespace {

namespace rj = rapidjson;

// Full precision so a threshold written 0.85 is the same double strtod gives for a tag value
// "0.85"; NaN/Infinity are parsed only to be reported with their path; iterative so a deeply
// nested file cannot exhaust the stack.
constexpr unsigned kParseFlags = rj::kParseFullPrecisionFlag | rj::kParseNanAndInfFlag |
                                 rj::kParseValidateEncodingFlag | rj::kParseIterativeFlag;

// A file with hundreds of problems is better fixed from the first ones.
constexpr size_t kMaxReportedProblems = 100;
constexpr size_t kMaxQuotedLength = 80;

std::string_view ViewOf(const rj::Value& v) { return {v.GetString(), v.GetStringLength()}; }

// JSON-style quoting, shortened, so a message stays on one line whatever the file holds.
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

std::string FormatNumber(const rj::Value& v) {
  if (v.IsUint64()) return std::to_string(v.GetUint64());
  if (v.IsInt64()) return std::to_string(v.GetInt64());
  return FormatNumber(v.GetDouble());
}

// What a value is, for the "got ..." half of a message.
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
      return FormatNumber(v);
  }
  return "an unknown value";
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

// $.a.b for plain keys, $.a["blue-green"] for the rest (alias names, stage keys).
std::string Child(const std::string& path, std::string_view key) {
  if (IsIdentifier(key)) return path + "." + std::string(key);
  return path + "[" + Quote(key) + "]";
}

std::string Index(const std::string& path, size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
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

// MLflow's alias rules (mlflow/utils/validation.py, _validate_model_alias_name and
// _validate_model_alias_name_reserved): ^[\w\-]+$, at most 255, not "latest" nor v<digits>.
std::optional<std::string> AliasNameProblem(std::string_view alias) {
  if (alias.empty()) return "an alias name, got an empty name";
  for (char c : alias) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) {
      return "an alias name of letters, digits, \"_\" and \"-\", got " + Quote(alias);
    }
  }
  if (alias.size() > 255) return "an alias name of at most 255 characters, got a longer one";
  if (Lower(alias) == "latest") {
    return "an alias MLflow lets clients set, got the reserved alias " + Quote(alias) +
           " (it always resolves to the newest version)";
  }
  if (alias.size() >= 2 && (alias[0] == 'v' || alias[0] == 'V') &&
      alias.find_first_not_of("0123456789", 1) == std::string_view::npos) {
    return "an alias MLflow lets clients set, got the reserved alias " + Quote(alias) +
           " (v<digits> names a version number)";
  }
  return std::nullopt;
}

bool Matches(const std::regex& regex, const std::string& name) {
  try {
    return std::regex_match(name, regex);
  } catch (const std::regex_error&) {
    return false;  // Too complex to evaluate on this probe: not proof that it accepts it.
  }
}

// A name the pattern accepts that contains "/", or nullopt. MLflow clients resolve
// models:/<name>/<version> by splitting on "/" (mlflow/store/artifact/utils/models.py,
// _parse_model_uri), so such a name can be registered but never loaded by URI. A regex cannot be
// inspected for this in general, so it is probed: fixed names first, then every way of putting
// a "/" into a name the pattern accepts.
std::optional<std::string> AcceptedNameWithSlash(const std::regex& regex) {
  static const char* const kProbes[] = {"a/b",     "proj/model", "proj.a/b", "x/y.z",
                                        "A/B",     "1/2",        "a-b/c-d",  "a_b/c_d",
                                        "a.b/c.d", "/a",         "a/",       "a.b.c/d"};
  for (const char* probe : kProbes) {
    if (Matches(regex, probe)) return probe;
  }
  // Names in the shapes admins ask for; the ones the pattern accepts seed the "/" probes.
  constexpr std::string_view kSeeds =
      "proj.model fraud.detector project.model-name my-project.my-model my_project.my_model "
      "team.project.model abc.def ab.cd a.b a1.b2 Proj.Model PROJ.MODEL proj-model proj_model "
      "projmodel model1 abc ab a 1";
  for (size_t start = 0; start < kSeeds.size();) {
    const size_t end = std::min(kSeeds.find(' ', start), kSeeds.size());
    const std::string name(kSeeds.substr(start, end - start));
    start = end + 1;
    if (!Matches(regex, name)) continue;
    for (size_t i = 0; i < name.size(); ++i) {
      std::string replaced = name;
      replaced[i] = '/';
      if (Matches(regex, replaced)) return replaced;
      std::string inserted = name;
      inserted.insert(i + 1, "/");
      if (Matches(regex, inserted)) return inserted;
      if (Matches(regex, inserted + "x")) return inserted + "x";
    }
  }
  return std::nullopt;
}

const char* TargetName(MetadataTarget target) {
  switch (target) {
    case MetadataTarget::kModelTag:
      return "model_tag";
    case MetadataTarget::kVersionTag:
      return "version_tag";
    case MetadataTarget::kModelDescription:
      return "model_description";
    case MetadataTarget::kVersionDescription:
      return "version_description";
  }
  return "model_tag";
}

struct Word {
  const char* text;
  int value;
};

class PolicyParser {
 public:
  PolicyParser(std::string source, const PolicyLoadOptions& options)
      : source_(std::move(source)), options_(options) {}

  Result<Policy> Parse(std::string_view text) {
    Policy policy;
    policy.source = source_;
    rj::Document doc;
    doc.Parse<kParseFlags>(text.data(), text.size());
    if (doc.HasParseError()) {
      ReportParseError(text, doc.GetErrorOffset(), rj::GetParseError_En(doc.GetParseError()));
    } else {
      ParseRoot(doc, policy);
    }
    if (problems_.empty()) return policy;
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

 private:
  void Problem(const std::string& where, const std::string& expected, const std::string& got) {
    problems_.push_back(source_ + ": " + where + ": expected " + expected + ", got " + got);
  }

  void ReportParseError(std::string_view text, size_t offset, const char* what) {
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
    Problem(
        "line " + std::to_string(line) + ", column " + std::to_string(column), "valid JSON",
        std::string("a syntax error: ") + what + " (byte offset " + std::to_string(offset) + ")");
  }

  // Checks that `v` is an object whose keys are all in `allowed`, each at most once.
  bool CheckObject(const rj::Value& v, const std::string& path,
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

  static const rj::Value* Member(const rj::Value& object, const char* key) {
    auto it = object.FindMember(key);
    return it == object.MemberEnd() ? nullptr : &it->value;
  }

  std::optional<std::string> ReadString(const rj::Value& v, const std::string& path,
                                        bool non_empty = false) {
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

  std::optional<bool> ReadBool(const rj::Value& v, const std::string& path) {
    if (!v.IsBool()) {
      Problem(path, "true or false", Describe(v));
      return std::nullopt;
    }
    return v.GetBool();
  }

  std::optional<double> ReadNumber(const rj::Value& v, const std::string& path) {
    if (!v.IsNumber() || !std::isfinite(v.GetDouble())) {
      Problem(path, "a finite number", Describe(v));
      return std::nullopt;
    }
    return v.GetDouble();
  }

  std::optional<size_t> ReadLength(const rj::Value& v, const std::string& path) {
    if (!v.IsUint64() || v.GetUint64() > static_cast<uint64_t>(SIZE_MAX)) {
      Problem(path, "a non-negative integer", Describe(v));
      return std::nullopt;
    }
    return static_cast<size_t>(v.GetUint64());
  }

  // nullopt when `v` is not an array or any element is not a (non-empty) string.
  std::optional<std::vector<std::string>> ReadStrings(const rj::Value& v, const std::string& path,
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

  std::optional<int> ReadWord(const rj::Value& v, const std::string& path,
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
      if (text == word.text || (ignore_case && Lower(text) == Lower(word.text))) return word.value;
    }
    Problem(path, expected, Describe(v));
    return std::nullopt;
  }

  std::optional<RuleMode> ReadMode(const rj::Value& v, const std::string& path) {
    std::optional<int> w = ReadWord(v, path,
                                    {{"off", static_cast<int>(RuleMode::kOff)},
                                     {"warn", static_cast<int>(RuleMode::kWarn)},
                                     {"enforce", static_cast<int>(RuleMode::kEnforce)}},
                                    /*ignore_case=*/false);
    if (!w) return std::nullopt;
    return static_cast<RuleMode>(*w);
  }

  // Stage names are case-insensitive, as in MLflow's API.
  std::optional<Stage> ReadStage(const rj::Value& v, const std::string& path, bool promotion_only) {
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

  std::optional<Checkpoint> ReadCheckpoint(const rj::Value& v, const std::string& path) {
    std::optional<int> w = ReadWord(v, path,
                                    {{"registration", static_cast<int>(Checkpoint::kRegistration)},
                                     {"staging", static_cast<int>(Checkpoint::kStaging)},
                                     {"production", static_cast<int>(Checkpoint::kProduction)}},
                                    /*ignore_case=*/true);
    if (!w) return std::nullopt;
    return static_cast<Checkpoint>(*w);
  }

  std::optional<Pattern> ReadPattern(const rj::Value& v, const std::string& path) {
    std::optional<std::string> text = ReadString(v, path, /*non_empty=*/true);
    if (!text) return std::nullopt;
    try {
      return Pattern{*text, std::regex(*text, std::regex::ECMAScript)};
    } catch (const std::regex_error& e) {
      Problem(path, "an ECMAScript regular expression", Quote(*text) + " (" + e.what() + ")");
      return std::nullopt;
    }
  }

  void ReadDescription(const rj::Value& object, const std::string& path) {
    if (const rj::Value* v = Member(object, "description")) {
      ReadString(*v, Child(path, "description"));
    }
  }

  std::optional<std::string> ReadRuleId(const rj::Value& object, const std::string& path) {
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
      Problem(id_path, "a rule id used once across requirements and gates",
              Quote(id) + ", already the id of " + it->second);
    }
    return id;
  }

  void ParseRoot(const rj::Value& root, Policy& policy) {
    const std::string path = "$";
    if (!CheckObject(root, path,
                     {"description", "naming", "requirements", "model_card", "lifecycle", "gates",
                      "runs"})) {
      return;
    }
    ReadDescription(root, path);
    if (const rj::Value* v = Member(root, "naming")) {
      ParseNaming(*v, Child(path, "naming"), policy.naming);
    }
    if (const rj::Value* v = Member(root, "requirements")) {
      const std::string list_path = Child(path, "requirements");
      if (!v->IsArray()) {
        Problem(list_path, "an array of requirement objects", Describe(*v));
      } else {
        for (rj::SizeType i = 0; i < v->Size(); ++i) {
          MetadataRequirement requirement;
          ParseRequirement((*v)[i], Index(list_path, i), requirement);
          policy.requirements.push_back(std::move(requirement));
        }
      }
    }
    if (const rj::Value* v = Member(root, "model_card")) {
      ParseModelCard(*v, Child(path, "model_card"), policy.model_card);
    }
    if (const rj::Value* v = Member(root, "lifecycle")) {
      ParseLifecycle(*v, Child(path, "lifecycle"), policy.lifecycle);
    }
    if (const rj::Value* v = Member(root, "gates")) {
      const std::string list_path = Child(path, "gates");
      if (!v->IsArray()) {
        Problem(list_path, "an array of gate objects", Describe(*v));
      } else {
        for (rj::SizeType i = 0; i < v->Size(); ++i) {
          QualityGate gate;
          ParseGate((*v)[i], Index(list_path, i), gate);
          policy.gates.push_back(std::move(gate));
        }
      }
    }
    if (const rj::Value* v = Member(root, "runs")) {
      ParseRuns(*v, Child(path, "runs"), policy.runs);
    }
  }

  void ParseRuns(const rj::Value& v, const std::string& path, RunPolicy& runs) {
    if (!CheckObject(v, path, {"description", "mode", "require_run"})) return;
    ReadDescription(v, path);
    runs.mode = RuleMode::kEnforce;  // A section that is present is meant to apply.
    if (const rj::Value* m = Member(v, "mode")) {
      if (auto mode = ReadMode(*m, Child(path, "mode"))) runs.mode = *mode;
    }
    if (const rj::Value* r = Member(v, "require_run")) {
      if (auto require = ReadBool(*r, Child(path, "require_run"))) runs.require_run = *require;
    }
    if (runs.mode != RuleMode::kOff && !options_.tracker_configured) {
      Problem(path,
              "a tracking server to check runs on (start the server with --tracking-upstream)",
              "no tracking upstream configured");
    }
  }

  void ParseNaming(const rj::Value& v, const std::string& path, NamingPolicy& naming) {
    if (!CheckObject(v, path,
                     {"description", "mode", "pattern", "min_length", "max_length",
                      "reserved_prefixes", "hint", "exempt_prompts"})) {
      return;
    }
    ReadDescription(v, path);
    naming.mode = RuleMode::kEnforce;  // A naming section that is present is meant to apply.
    if (const rj::Value* m = Member(v, "mode")) {
      if (auto mode = ReadMode(*m, Child(path, "mode"))) naming.mode = *mode;
    }
    if (const rj::Value* p = Member(v, "pattern")) {
      const std::string pattern_path = Child(path, "pattern");
      naming.pattern = ReadPattern(*p, pattern_path);
      if (naming.pattern) {
        if (std::optional<std::string> name = AcceptedNameWithSlash(naming.pattern->regex)) {
          Problem(pattern_path,
                  "a pattern that rejects \"/\" in names (MLflow clients load models:/<name>/"
                  "<version> by splitting on \"/\", so such a model could never be loaded by URI)",
                  Quote(naming.pattern->text) + ", which accepts " + Quote(*name));
        }
      }
    }
    bool lengths_ok = true;
    if (const rj::Value* n = Member(v, "min_length")) {
      auto length = ReadLength(*n, Child(path, "min_length"));
      lengths_ok = lengths_ok && length.has_value();
      if (length) naming.min_length = *length;
    }
    if (const rj::Value* n = Member(v, "max_length")) {
      auto length = ReadLength(*n, Child(path, "max_length"));
      lengths_ok = lengths_ok && length.has_value();
      if (length) naming.max_length = *length;
    }
    if (lengths_ok && naming.min_length > naming.max_length) {
      Problem(Child(path, "min_length"),
              "at most max_length (" + std::to_string(naming.max_length) + ")",
              std::to_string(naming.min_length));
    }
    if (const rj::Value* p = Member(v, "reserved_prefixes")) {
      if (auto prefixes = ReadStrings(*p, Child(path, "reserved_prefixes"),
                                      /*non_empty_list=*/false)) {
        naming.reserved_prefixes = std::move(*prefixes);
      }
    }
    if (const rj::Value* h = Member(v, "hint")) {
      if (auto hint = ReadString(*h, Child(path, "hint"))) naming.hint = std::move(*hint);
    }
    if (const rj::Value* b = Member(v, "exempt_prompts")) {
      if (auto exempt = ReadBool(*b, Child(path, "exempt_prompts"))) {
        naming.exempt_prompts = *exempt;
      }
    }
  }

  void ParseRequirement(const rj::Value& v, const std::string& path, MetadataRequirement& req) {
    if (!CheckObject(v, path,
                     {"description", "id", "mode", "target", "key", "applies_at", "allowed_values",
                      "pattern", "min", "max", "hint"})) {
      return;
    }
    ReadDescription(v, path);
    if (auto id = ReadRuleId(v, path)) req.id = std::move(*id);
    if (const rj::Value* m = Member(v, "mode")) {
      if (auto mode = ReadMode(*m, Child(path, "mode"))) req.mode = *mode;
    }
    bool target_ok = true;
    if (const rj::Value* t = Member(v, "target")) {
      std::optional<int> w =
          ReadWord(*t, Child(path, "target"),
                   {{"model_tag", static_cast<int>(MetadataTarget::kModelTag)},
                    {"version_tag", static_cast<int>(MetadataTarget::kVersionTag)},
                    {"model_description", static_cast<int>(MetadataTarget::kModelDescription)},
                    {"version_description", static_cast<int>(MetadataTarget::kVersionDescription)}},
                   /*ignore_case=*/false);
      target_ok = w.has_value();
      if (w) req.target = static_cast<MetadataTarget>(*w);
    }
    const bool is_tag =
        req.target == MetadataTarget::kModelTag || req.target == MetadataTarget::kVersionTag;
    const std::string target_name = TargetName(req.target);
    if (const rj::Value* k = Member(v, "key")) {
      if (auto key = ReadString(*k, Child(path, "key"), /*non_empty=*/true)) req.key = *key;
      if (target_ok && !is_tag) {
        Problem(Child(path, "key"),
                "no \"key\" for target \"" + target_name +
                    "\" (keys name tags: use target \"model_tag\" or \"version_tag\")",
                Describe(*k));
      }
    } else if (target_ok && is_tag) {
      Problem(Child(path, "key"),
              "the tag key the requirement checks (target \"" + target_name + "\")", "nothing");
    }
    if (const rj::Value* a = Member(v, "applies_at")) {
      const std::string a_path = Child(path, "applies_at");
      if (!a->IsArray() || a->Empty()) {
        Problem(a_path,
                "a non-empty array of checkpoints (\"registration\", \"staging\", \"production\")",
                a->IsArray() ? "[]" : Describe(*a));
      } else {
        for (rj::SizeType i = 0; i < a->Size(); ++i) {
          if (auto checkpoint = ReadCheckpoint((*a)[i], Index(a_path, i))) {
            req.applies_at.push_back(*checkpoint);
          }
        }
      }
    } else {
      Problem(Child(path, "applies_at"),
              "the checkpoints the requirement applies at (a non-empty array of \"registration\", "
              "\"staging\", \"production\")",
              "nothing");
    }
    if (const rj::Value* a = Member(v, "allowed_values")) {
      if (auto values = ReadStrings(*a, Child(path, "allowed_values"), /*non_empty_list=*/true)) {
        req.allowed_values = std::move(*values);
      }
    }
    if (const rj::Value* p = Member(v, "pattern")) {
      req.pattern = ReadPattern(*p, Child(path, "pattern"));
    }
    bool range_ok = true;
    if (const rj::Value* n = Member(v, "min")) {
      req.min = ReadNumber(*n, Child(path, "min"));
      range_ok = range_ok && req.min.has_value();
    }
    if (const rj::Value* n = Member(v, "max")) {
      req.max = ReadNumber(*n, Child(path, "max"));
      range_ok = range_ok && req.max.has_value();
    }
    if (range_ok && req.min && req.max && *req.min > *req.max) {
      Problem(Child(path, "min"), "at most max (" + FormatNumber(*req.max) + ")",
              FormatNumber(*req.min));
    }
    if (target_ok && !is_tag) {
      // A description is free text: only a pattern makes sense on it.
      for (const char* key : {"allowed_values", "min", "max"}) {
        if (const rj::Value* value = Member(v, key)) {
          Problem(Child(path, key),
                  "no \"" + std::string(key) + "\" for target \"" + target_name +
                      "\" (descriptions take only \"pattern\")",
                  Describe(*value));
        }
      }
    }
    if (const rj::Value* h = Member(v, "hint")) {
      if (auto hint = ReadString(*h, Child(path, "hint"))) req.hint = std::move(*hint);
    }
  }

  void ParseModelCard(const rj::Value& v, const std::string& path, ModelCardPolicy& card) {
    if (!CheckObject(v, path,
                     {"description", "mode", "staging_sections", "production_sections",
                      "accept_description", "high_risk"})) {
      return;
    }
    ReadDescription(v, path);
    card.mode = RuleMode::kEnforce;  // A model_card section that is present is meant to apply.
    if (const rj::Value* m = Member(v, "mode")) {
      if (auto mode = ReadMode(*m, Child(path, "mode"))) card.mode = *mode;
    }
    if (const rj::Value* s = Member(v, "staging_sections")) {
      if (auto sections = ReadStrings(*s, Child(path, "staging_sections"),
                                      /*non_empty_list=*/false)) {
        card.staging_sections = std::move(*sections);
      }
    }
    if (const rj::Value* s = Member(v, "production_sections")) {
      if (auto sections = ReadStrings(*s, Child(path, "production_sections"),
                                      /*non_empty_list=*/false)) {
        card.production_sections = std::move(*sections);
      }
    }
    if (const rj::Value* b = Member(v, "accept_description")) {
      if (auto accept = ReadBool(*b, Child(path, "accept_description"))) {
        card.accept_description = *accept;
      }
    }
    if (const rj::Value* h = Member(v, "high_risk")) {
      const std::string h_path = Child(path, "high_risk");
      if (!CheckObject(*h, h_path, {"description", "tag", "values", "extra_sections"})) return;
      ReadDescription(*h, h_path);
      ModelCardPolicy::RiskRule rule;
      bool ok = true;
      if (const rj::Value* t = Member(*h, "tag")) {
        auto tag = ReadString(*t, Child(h_path, "tag"), /*non_empty=*/true);
        ok = ok && tag.has_value();
        if (tag) rule.tag_key = std::move(*tag);
      } else {
        Problem(Child(h_path, "tag"), "the registered-model tag that holds the risk level",
                "nothing");
        ok = false;
      }
      for (auto [key, field] :
           {std::pair{"values", &rule.values}, std::pair{"extra_sections", &rule.extra_sections}}) {
        if (const rj::Value* list = Member(*h, key)) {
          auto strings = ReadStrings(*list, Child(h_path, key), /*non_empty_list=*/true);
          ok = ok && strings.has_value();
          if (strings) *field = std::move(*strings);
        } else {
          Problem(Child(h_path, key), "a non-empty array of strings", "nothing");
          ok = false;
        }
      }
      if (ok) card.high_risk = std::move(rule);
    }
  }

  void ParseLifecycle(const rj::Value& v, const std::string& path, LifecyclePolicy& lifecycle) {
    if (!CheckObject(v, path, {"description", "mode", "allowed_transitions", "alias_stages"})) {
      return;
    }
    ReadDescription(v, path);
    lifecycle.mode = RuleMode::kEnforce;  // A lifecycle section that is present is meant to apply.
    if (const rj::Value* m = Member(v, "mode")) {
      if (auto mode = ReadMode(*m, Child(path, "mode"))) lifecycle.mode = *mode;
    }
    if (const rj::Value* t = Member(v, "allowed_transitions")) {
      const std::string t_path = Child(path, "allowed_transitions");
      if (!t->IsObject()) {
        Problem(t_path, "an object from stage to the stages it may move to", Describe(*t));
      } else {
        std::map<Stage, std::string> seen;  // Stage -> key path, to report "None" and "none".
        for (auto it = t->MemberBegin(); it != t->MemberEnd(); ++it) {
          const std::string key_path = Child(t_path, ViewOf(it->name));
          std::optional<Stage> from = StageFromString(ViewOf(it->name));
          if (!from) {
            Problem(key_path, "a stage name (\"None\", \"Staging\", \"Production\", \"Archived\")",
                    "key " + Quote(ViewOf(it->name)));
            continue;
          }
          if (auto [prev, inserted] = seen.emplace(*from, key_path); !inserted) {
            Problem(
                key_path, "each stage once (stage names are case-insensitive)",
                "a second entry for " + std::string(StageName(*from)) + " after " + prev->second);
            continue;
          }
          std::vector<Stage>& targets = lifecycle.allowed_transitions[*from];
          if (!it->value.IsArray()) {
            Problem(key_path, "an array of stage names (empty: the stage may not be left)",
                    Describe(it->value));
            continue;
          }
          for (rj::SizeType i = 0; i < it->value.Size(); ++i) {
            if (auto to = ReadStage(it->value[i], Index(key_path, i), /*promotion_only=*/false)) {
              targets.push_back(*to);
            }
          }
        }
      }
    }
    if (const rj::Value* a = Member(v, "alias_stages")) {
      const std::string a_path = Child(path, "alias_stages");
      if (!a->IsObject()) {
        Problem(a_path, "an object from alias to \"Staging\" or \"Production\"", Describe(*a));
      } else {
        std::set<std::string_view> seen;
        for (auto it = a->MemberBegin(); it != a->MemberEnd(); ++it) {
          const std::string_view alias = ViewOf(it->name);
          const std::string key_path = Child(a_path, alias);
          if (!seen.insert(alias).second) {
            Problem(key_path, "each alias once", "a duplicate key " + Quote(alias));
            continue;
          }
          if (std::optional<std::string> problem = AliasNameProblem(alias)) {
            problems_.push_back(source_ + ": " + key_path + ": expected " + *problem);
            continue;
          }
          if (auto stage = ReadStage(it->value, key_path, /*promotion_only=*/true)) {
            lifecycle.alias_stages[std::string(alias)] = *stage;
          }
        }
      }
    }
  }

  void ParseGate(const rj::Value& v, const std::string& path, QualityGate& gate) {
    if (!CheckObject(v, path,
                     {"description", "id", "mode", "stage", "metric", "op", "threshold",
                      "max_regression", "higher_is_better"})) {
      return;
    }
    ReadDescription(v, path);
    if (auto id = ReadRuleId(v, path)) gate.id = std::move(*id);
    if (const rj::Value* m = Member(v, "mode")) {
      if (auto mode = ReadMode(*m, Child(path, "mode"))) gate.mode = *mode;
    }
    if (const rj::Value* s = Member(v, "stage")) {
      if (auto stage = ReadStage(*s, Child(path, "stage"), /*promotion_only=*/true)) {
        gate.stage = *stage;
      }
    }
    if (const rj::Value* m = Member(v, "metric")) {
      if (auto metric = ReadString(*m, Child(path, "metric"), /*non_empty=*/true)) {
        gate.metric = std::move(*metric);
        if (ReadsRunMetric(gate.metric) && gate.metric.size() == kRunMetricsPrefix.size()) {
          Problem(Child(path, "metric"), "run.metrics.<key> with a metric key", Quote(gate.metric));
        } else if (ReadsRunMetric(gate.metric) && !options_.tracker_configured) {
          Problem(Child(path, "metric"),
                  "a version tag key (run.metrics.<key> reads the run on the tracking server: "
                  "start the server with --tracking-upstream)",
                  Quote(gate.metric) + " with no tracking upstream configured");
        }
      }
    } else {
      Problem(Child(path, "metric"), "the version tag that holds the metric, e.g. \"metrics.auc\"",
              "nothing");
    }
    const rj::Value* op = Member(v, "op");
    const rj::Value* threshold = Member(v, "threshold");
    const rj::Value* regression = Member(v, "max_regression");
    if (op != nullptr) {
      std::optional<int> w = ReadWord(*op, Child(path, "op"),
                                      {{">=", static_cast<int>(GateComparator::kGreaterEqual)},
                                       {">", static_cast<int>(GateComparator::kGreater)},
                                       {"<=", static_cast<int>(GateComparator::kLessEqual)},
                                       {"<", static_cast<int>(GateComparator::kLess)},
                                       {"==", static_cast<int>(GateComparator::kEqual)}},
                                      /*ignore_case=*/false);
      if (w) gate.comparator = static_cast<GateComparator>(*w);
    }
    if (threshold != nullptr) {
      if (auto t = ReadNumber(*threshold, Child(path, "threshold"))) gate.threshold = *t;
    }
    if (regression != nullptr) {
      const std::string r_path = Child(path, "max_regression");
      gate.max_regression = ReadNumber(*regression, r_path);
      if (gate.max_regression && *gate.max_regression < 0) {
        Problem(r_path, "a number >= 0 (the largest allowed drop)",
                FormatNumber(*gate.max_regression));
      }
    }
    const bool is_threshold = op != nullptr || threshold != nullptr;
    if (is_threshold && regression != nullptr) {
      Problem(path,
              "either \"op\" with \"threshold\" (a threshold gate) or \"max_regression\" (a "
              "regression gate); write two gates for two checks",
              "both");
    } else if (!is_threshold && regression == nullptr) {
      Problem(path,
              "either \"op\" with \"threshold\" (a threshold gate) or \"max_regression\" (a "
              "regression gate)",
              "neither");
    } else if (is_threshold && op == nullptr) {
      Problem(Child(path, "op"),
              "a comparison for the threshold (\">=\", \">\", \"<=\", \"<\", \"==\")", "nothing");
    } else if (is_threshold && threshold == nullptr) {
      Problem(Child(path, "threshold"), "the number \"op\" compares the metric with", "nothing");
    }
    if (const rj::Value* b = Member(v, "higher_is_better")) {
      if (auto higher = ReadBool(*b, Child(path, "higher_is_better"))) {
        gate.higher_is_better = *higher;
      }
      if (is_threshold && regression == nullptr) {
        Problem(Child(path, "higher_is_better"),
                "no \"higher_is_better\" on a threshold gate (\"op\" already says which way is "
                "better)",
                Describe(*b));
      }
    }
  }

  const std::string source_;
  const PolicyLoadOptions options_;
  std::vector<std::string> problems_;
  std::map<std::string, std::string> rule_ids_;  // id -> path of its first use.
};

}  // namespace

Result<Policy> ParsePolicy(std::string_view json_text, const std::string& source_name,
                           const PolicyLoadOptions& options) {
  return PolicyParser(source_name, options).Parse(json_text);
}

Result<Policy> LoadPolicyFile(const std::string& path, const PolicyLoadOptions& options) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    return Status::InvalidArgument(path + ": expected a readable policy file, got " +
                                   std::generic_category().message(errno));
  }
  std::string text;
  char buffer[8192];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file)) > 0) text.append(buffer, n);
  const bool failed = std::ferror(file) != 0;
  const int error = errno;
  std::fclose(file);
  if (failed) {
    return Status::InvalidArgument(path + ": expected a readable policy file, got " +
                                   std::generic_category().message(error));
  }
  return ParsePolicy(text, path, options);
}

}  // namespace modelwarden
