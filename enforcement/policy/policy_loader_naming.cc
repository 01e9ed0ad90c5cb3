// $.naming: what registered-model names may look like.
#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

#include "enforcement/policy/policy_loader_sections.h"

namespace modelwarden {
namespace policy_loader {
namespace {

// A name the pattern accepts that contains "/", or nullopt. MLflow clients resolve
// models:/<name>/<version> by splitting on "/" (mlflow/store/artifact/utils/models.py,
// _parse_model_uri), so such a name can be registered but never loaded by URI. A regex cannot be
// inspected for this in general, so it is probed: fixed names first, then every way of putting
// a "/" into a name the pattern accepts.
std::optional<std::string> AcceptedNameWithSlash(const Regex& regex) {
  static const char* const kProbes[] = {"a/b",     "proj/model", "proj.a/b", "x/y.z",
                                        "A/B",     "1/2",        "a-b/c-d",  "a_b/c_d",
                                        "a.b/c.d", "/a",         "a/",       "a.b.c/d"};
  for (const char* probe : kProbes) {
    if (regex.FullMatch(probe)) return probe;
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
    if (!regex.FullMatch(name)) continue;
    for (size_t i = 0; i < name.size(); ++i) {
      std::string replaced = name;
      replaced[i] = '/';
      if (regex.FullMatch(replaced)) return replaced;
      std::string inserted = name;
      inserted.insert(i + 1, "/");
      if (regex.FullMatch(inserted)) return inserted;
      if (regex.FullMatch(inserted + "x")) return inserted + "x";
    }
  }
  return std::nullopt;
}

void ReadNamePattern(PolicyReader& in, const rj::Value& v, const std::string& path,
                     NamingPolicy& naming) {
  naming.pattern = in.ReadPattern(v, path);
  if (!naming.pattern) return;
  if (std::optional<std::string> name = AcceptedNameWithSlash(naming.pattern->regex)) {
    in.Problem(path,
               "a pattern that rejects \"/\" in names (MLflow clients load models:/<name>/"
               "<version> by splitting on \"/\", so such a model could never be loaded by URI)",
               Quote(naming.pattern->text) + ", which accepts " + Quote(*name));
  }
}

void ReadNameLengths(PolicyReader& in, const rj::Value& v, const std::string& path,
                     NamingPolicy& naming) {
  bool lengths_ok = true;
  if (const rj::Value* n = Member(v, "min_length")) {
    auto length = in.ReadLength(*n, Child(path, "min_length"));
    lengths_ok = lengths_ok && length.has_value();
    if (length) naming.min_length = *length;
  }
  if (const rj::Value* n = Member(v, "max_length")) {
    auto length = in.ReadLength(*n, Child(path, "max_length"));
    lengths_ok = lengths_ok && length.has_value();
    if (length) naming.max_length = *length;
  }
  if (lengths_ok && naming.min_length > naming.max_length) {
    in.Problem(Child(path, "min_length"),
               "at most max_length (" + std::to_string(naming.max_length) + ")",
               std::to_string(naming.min_length));
  }
}

}  // namespace

void ParseNaming(PolicyReader& in, const rj::Value& v, const std::string& path,
                 NamingPolicy& naming) {
  if (!in.CheckObject(v, path,
                      {"description", "mode", "pattern", "min_length", "max_length",
                       "reserved_prefixes", "hint", "exempt_prompts"})) {
    return;
  }
  in.ReadDescription(v, path);
  naming.mode = RuleMode::kEnforce;  // A naming section that is present is meant to apply.
  if (const rj::Value* m = Member(v, "mode")) {
    if (auto mode = in.ReadMode(*m, Child(path, "mode"))) naming.mode = *mode;
  }
  if (const rj::Value* p = Member(v, "pattern")) {
    ReadNamePattern(in, *p, Child(path, "pattern"), naming);
  }
  ReadNameLengths(in, v, path, naming);
  if (const rj::Value* p = Member(v, "reserved_prefixes")) {
    if (auto prefixes = in.ReadStrings(*p, Child(path, "reserved_prefixes"),
                                       /*non_empty_list=*/false)) {
      naming.reserved_prefixes = std::move(*prefixes);
    }
  }
  if (const rj::Value* h = Member(v, "hint")) {
    if (auto hint = in.ReadString(*h, Child(path, "hint"))) naming.hint = std::move(*hint);
  }
  if (const rj::Value* b = Member(v, "exempt_prompts")) {
    if (auto exempt = in.ReadBool(*b, Child(path, "exempt_prompts"))) {
      naming.exempt_prompts = *exempt;
    }
  }
}

}  // namespace policy_loader
}  // namespace modelwarden
