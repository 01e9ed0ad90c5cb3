// $.requirements[i]: one mandatory piece of metadata (a tag or a description) at checkpoints.
#include <string>

#include "enforcement/policy/policy_loader_sections.h"

namespace modelwarden {
namespace policy_loader {
namespace {

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

bool IsTag(MetadataTarget target) {
  return target == MetadataTarget::kModelTag || target == MetadataTarget::kVersionTag;
}

// False when "target" is present and not a target (later checks that depend on it are skipped).
bool ReadTarget(PolicyReader& in, const rj::Value& v, const std::string& path,
                MetadataRequirement& req) {
  const rj::Value* t = Member(v, "target");
  if (t == nullptr) return true;
  std::optional<int> w =
      in.ReadWord(*t, Child(path, "target"),
                  {{"model_tag", static_cast<int>(MetadataTarget::kModelTag)},
                   {"version_tag", static_cast<int>(MetadataTarget::kVersionTag)},
                   {"model_description", static_cast<int>(MetadataTarget::kModelDescription)},
                   {"version_description", static_cast<int>(MetadataTarget::kVersionDescription)}},
                  /*ignore_case=*/false);
  if (w) req.target = static_cast<MetadataTarget>(*w);
  return w.has_value();
}

// A tag needs a key; a description has none.
void ReadKey(PolicyReader& in, const rj::Value& v, const std::string& path, bool target_ok,
             MetadataRequirement& req) {
  const std::string target_name = TargetName(req.target);
  if (const rj::Value* k = Member(v, "key")) {
    if (auto key = in.ReadString(*k, Child(path, "key"), /*non_empty=*/true)) req.key = *key;
    if (target_ok && !IsTag(req.target)) {
      in.Problem(Child(path, "key"),
                 "no \"key\" for target \"" + target_name +
                     "\" (keys name tags: use target \"model_tag\" or \"version_tag\")",
                 Describe(*k));
    }
  } else if (target_ok && IsTag(req.target)) {
    in.Problem(Child(path, "key"),
               "the tag key the requirement checks (target \"" + target_name + "\")", "nothing");
  }
}

void ReadAppliesAt(PolicyReader& in, const rj::Value& v, const std::string& path,
                   MetadataRequirement& req) {
  const rj::Value* a = Member(v, "applies_at");
  if (a == nullptr) {
    in.Problem(Child(path, "applies_at"),
               "the checkpoints the requirement applies at (a non-empty array of "
               "\"registration\", \"staging\", \"production\")",
               "nothing");
    return;
  }
  const std::string a_path = Child(path, "applies_at");
  if (!a->IsArray() || a->Empty()) {
    in.Problem(a_path,
               "a non-empty array of checkpoints (\"registration\", \"staging\", \"production\")",
               a->IsArray() ? "[]" : Describe(*a));
    return;
  }
  for (rj::SizeType i = 0; i < a->Size(); ++i) {
    if (auto checkpoint = in.ReadCheckpoint((*a)[i], Index(a_path, i))) {
      req.applies_at.push_back(*checkpoint);
    }
  }
}

// allowed_values, pattern, min and max: what a present value must look like.
void ReadValueRules(PolicyReader& in, const rj::Value& v, const std::string& path,
                    MetadataRequirement& req) {
  if (const rj::Value* a = Member(v, "allowed_values")) {
    if (auto values = in.ReadStrings(*a, Child(path, "allowed_values"), /*non_empty_list=*/true)) {
      req.allowed_values = std::move(*values);
    }
  }
  if (const rj::Value* p = Member(v, "pattern")) {
    req.pattern = in.ReadPattern(*p, Child(path, "pattern"));
  }
  bool range_ok = true;
  if (const rj::Value* n = Member(v, "min")) {
    req.min = in.ReadNumber(*n, Child(path, "min"));
    range_ok = range_ok && req.min.has_value();
  }
  if (const rj::Value* n = Member(v, "max")) {
    req.max = in.ReadNumber(*n, Child(path, "max"));
    range_ok = range_ok && req.max.has_value();
  }
  if (range_ok && req.min && req.max && *req.min > *req.max) {
    in.Problem(Child(path, "min"), "at most max (" + FormatNumber(*req.max) + ")",
               FormatNumber(*req.min));
  }
}

// A description is free text: only a pattern makes sense on it.
void CheckDescriptionRules(PolicyReader& in, const rj::Value& v, const std::string& path,
                           const MetadataRequirement& req) {
  for (const char* key : {"allowed_values", "min", "max"}) {
    if (const rj::Value* value = Member(v, key)) {
      in.Problem(Child(path, key),
                 "no \"" + std::string(key) + "\" for target \"" + TargetName(req.target) +
                     "\" (descriptions take only \"pattern\")",
                 Describe(*value));
    }
  }
}

}  // namespace

void ParseRequirement(PolicyReader& in, const rj::Value& v, const std::string& path,
                      MetadataRequirement& req) {
  if (!in.CheckObject(v, path,
                      {"description", "id", "mode", "target", "key", "applies_at", "allowed_values",
                       "pattern", "min", "max", "hint"})) {
    return;
  }
  in.ReadDescription(v, path);
  if (auto id = in.ReadRuleId(v, path)) req.id = std::move(*id);
  if (const rj::Value* m = Member(v, "mode")) {
    if (auto mode = in.ReadMode(*m, Child(path, "mode"))) req.mode = *mode;
  }
  const bool target_ok = ReadTarget(in, v, path, req);
  ReadKey(in, v, path, target_ok, req);
  ReadAppliesAt(in, v, path, req);
  ReadValueRules(in, v, path, req);
  if (target_ok && !IsTag(req.target)) CheckDescriptionRules(in, v, path, req);
  if (const rj::Value* h = Member(v, "hint")) {
    if (auto hint = in.ReadString(*h, Child(path, "hint"))) req.hint = std::move(*hint);
  }
}

}  // namespace policy_loader
}  // namespace modelwarden
