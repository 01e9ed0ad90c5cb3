// The policy file is checked in one pass that keeps going after a problem, so an admin sees
// every mistake at once. The reading of values and the messages are in policy_loader_json.cc,
// each section in its own policy_loader_<section>.cc.
#include "enforcement/policy/policy_loader.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <cerrno>
#include <cstdio>
#include <system_error>
#include <utility>

#include "enforcement/policy/policy_loader_json.h"
#include "enforcement/policy/policy_loader_sections.h"

namespace modelwarden {
namespace {

using policy_loader::Child;
using policy_loader::Describe;
using policy_loader::Index;
using policy_loader::Member;
using policy_loader::PolicyReader;
namespace rj = rapidjson;

// Full precision so a threshold written 0.85 is the same double strtod gives for a tag value
// "0.85"; NaN/Infinity are parsed only to be reported with their path; iterative so a deeply
// nested file cannot exhaust the stack.
constexpr unsigned kParseFlags = rj::kParseFullPrecisionFlag | rj::kParseNanAndInfFlag |
                                 rj::kParseValidateEncodingFlag | rj::kParseIterativeFlag;

void ParseRequirements(PolicyReader& in, const rj::Value& v, const std::string& path,
                       std::vector<MetadataRequirement>& requirements) {
  if (!v.IsArray()) {
    in.Problem(path, "an array of requirement objects", Describe(v));
    return;
  }
  for (rj::SizeType i = 0; i < v.Size(); ++i) {
    MetadataRequirement requirement;
    policy_loader::ParseRequirement(in, v[i], Index(path, i), requirement);
    requirements.push_back(std::move(requirement));
  }
}

void ParseGates(PolicyReader& in, const rj::Value& v, const std::string& path,
                std::vector<QualityGate>& gates) {
  if (!v.IsArray()) {
    in.Problem(path, "an array of gate objects", Describe(v));
    return;
  }
  for (rj::SizeType i = 0; i < v.Size(); ++i) {
    QualityGate gate;
    policy_loader::ParseGate(in, v[i], Index(path, i), gate);
    gates.push_back(std::move(gate));
  }
}

void ParseRoot(PolicyReader& in, const rj::Value& root, Policy& policy) {
  const std::string path = "$";
  if (!in.CheckObject(root, path,
                      {"description", "naming", "requirements", "model_card", "lifecycle", "gates",
                       "runs", "approvals", "retention"})) {
    return;
  }
  in.ReadDescription(root, path);
  if (const rj::Value* v = Member(root, "naming")) {
    policy_loader::ParseNaming(in, *v, Child(path, "naming"), policy.naming);
  }
  if (const rj::Value* v = Member(root, "requirements")) {
    ParseRequirements(in, *v, Child(path, "requirements"), policy.requirements);
  }
  if (const rj::Value* v = Member(root, "model_card")) {
    policy_loader::ParseModelCard(in, *v, Child(path, "model_card"), policy.model_card);
  }
  if (const rj::Value* v = Member(root, "lifecycle")) {
    policy_loader::ParseLifecycle(in, *v, Child(path, "lifecycle"), policy.lifecycle);
  }
  if (const rj::Value* v = Member(root, "gates")) {
    ParseGates(in, *v, Child(path, "gates"), policy.gates);
  }
  if (const rj::Value* v = Member(root, "runs")) {
    policy_loader::ParseRuns(in, *v, Child(path, "runs"), policy.runs);
  }
  if (const rj::Value* v = Member(root, "approvals")) {
    policy_loader::ParseApprovals(in, *v, Child(path, "approvals"), policy.approvals);
  }
  if (const rj::Value* v = Member(root, "retention")) {
    policy_loader::ParseRetention(in, *v, Child(path, "retention"), policy.retention);
  }
}

}  // namespace

Result<Policy> ParsePolicy(std::string_view json_text, const std::string& source_name,
                           const PolicyLoadOptions& options) {
  PolicyReader in(source_name, options);
  Policy policy;
  policy.source = source_name;
  rj::Document doc;
  doc.Parse<kParseFlags>(json_text.data(), json_text.size());
  if (doc.HasParseError()) {
    in.ReportParseError(json_text, doc.GetErrorOffset(), rj::GetParseError_En(doc.GetParseError()));
  } else {
    ParseRoot(in, doc, policy);
  }
  RETURN_IF_ERROR(in.Finish());
  return policy;
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
