#include "registry/audit_record.h"

#include <type_traits>

#include "registry/import_plan.h"

namespace modelwarden {
namespace {

std::string DescribeTags(const std::vector<Tag>& tags) {
  std::string out;
  for (const Tag& tag : tags) out += (out.empty() ? "" : ", ") + tag.key + "=" + tag.value;
  return out;
}

std::string TagState(const std::vector<Tag>& tags, const std::string& key) {
  for (const Tag& tag : tags) {
    if (tag.key == key) return "tag " + key + "=" + tag.value;
  }
  return "tag " + key + " unset";
}

std::string AliasState(const std::string& alias, std::optional<int64_t> version) {
  return "alias " + alias + (version ? " -> version " + std::to_string(*version) : " unset");
}

// What the audit log adds to a move an approval allowed, or a change a retention rule made.
std::string Provenance(const MoveApproval& approval) {
  if (approval.path != MoveApproval::Path::kApproved) return "";
  return " (approval " + std::to_string(approval.approval_id) + ", requested by " +
         approval.requested_by + ")";
}
std::string Provenance(const std::optional<RetentionMark>& retention) {
  if (!retention) return "";
  return " (retention rule " + retention->rule_id + ": " + retention->reason + ")";
}

std::optional<int64_t> AliasTarget(const ChangeState& state, const std::string& alias) {
  if (!state.model) return std::nullopt;
  for (const ModelVersionAlias& a : state.model->aliases) {
    if (a.alias == alias) return a.version;
  }
  return std::nullopt;
}

// Fills `event.before` and `event.after` for each kind of change.
struct Describer {
  const ChangeState& state;
  AuditEvent& event;

  void operator()(const CreateModelChange& c) const {
    event.after = DescribeTags(LastValuePerKey(c.model.tags));
  }
  void operator()(const UpdateModelChange& c) const {
    if (state.model) event.before = "description=" + state.model->description;
    event.after = "description=" + c.description;
  }
  void operator()(const RenameModelChange& c) const {
    event.before = "name=" + c.name;
    event.after = "name=" + c.new_name;
  }
  void operator()(const DeleteModelChange&) const {}
  void operator()(const SetModelTagChange& c) const {
    if (state.model) event.before = TagState(state.model->tags, c.tag.key);
    event.after = "tag " + c.tag.key + "=" + c.tag.value;
  }
  void operator()(const DeleteModelTagChange& c) const {
    if (state.model) event.before = TagState(state.model->tags, c.key);
    event.after = "tag " + c.key + " unset";
  }
  void operator()(const SetAliasChange& c) const {
    event.before = AliasState(c.alias, AliasTarget(state, c.alias));
    event.after = AliasState(c.alias, c.version) + Provenance(c.approval);
  }
  void operator()(const DeleteAliasChange& c) const {
    const std::optional<int64_t> target = AliasTarget(state, c.alias);
    if (target) {
      event.before = AliasState(c.alias, target);
      event.version = target;
    }
    event.after = AliasState(c.alias, std::nullopt);
  }
  void operator()(const CreateVersionChange& c) const {
    const NewModelVersion& v = c.version;
    const bool run_given = !v.run_id.empty() && !c.run_id_from_source;
    event.after = "source=" + v.source + (run_given ? ", run_id=" + v.run_id : "") +
                  (v.tags.empty() ? "" : ", " + DescribeTags(v.tags)) +
                  (c.run_id_from_source ? ", run_id=" + v.run_id + " (from the source)" : "");
  }
  void operator()(const UpdateVersionChange& c) const {
    if (state.version) event.before = "description=" + state.version->description.value_or("");
    event.after = "description=" + c.description.value_or("");
  }
  void operator()(const DeleteVersionChange& c) const {
    if (c.retention) event.after = "deleted" + Provenance(c.retention);
  }
  void operator()(const TransitionStageChange& c) const {
    if (state.version) {
      event.before = "stage=" + std::string(StageName(state.version->current_stage));
    }
    event.after = "stage=" + std::string(StageName(c.stage)) +
                  (c.archive_existing_versions ? ", archive_existing_versions" : "") +
                  Provenance(c.approval) + Provenance(c.retention);
  }
  void operator()(const SetVersionTagChange& c) const {
    if (state.version) event.before = TagState(state.version->tags, c.tag.key);
    event.after = "tag " + c.tag.key + "=" + c.tag.value;
  }
  void operator()(const DeleteVersionTagChange& c) const {
    if (state.version) event.before = TagState(state.version->tags, c.key);
    event.after = "tag " + c.key + " unset";
  }
  void operator()(const ImportModelChange& c) const {
    if (state.snapshot) {
      event.before = std::to_string(state.snapshot->versions.size()) + " versions, last updated " +
                     std::to_string(state.snapshot->model.last_updated_timestamp);
    }
    const ImportPlan plan = PlanImport(c.snapshot, state.snapshot);
    event.after = "from " + c.source + ": " + std::string(ImportActionName(plan.action)) + ", " +
                  DescribePlan(plan, c.snapshot);
  }
};

}  // namespace

AuditEvent DescribeChange(const CallContext& ctx, const Change& change, const ChangeState& state) {
  AuditEvent event;
  event.request_id = ctx.request_id;
  event.principal = ctx.principal.AuditName();
  event.client_address = ctx.client_address;
  event.operation = std::string(OperationName(OperationOf(change)));
  event.model_name = ModelOf(change);
  event.version = VersionOf(change);
  std::visit(Describer{state, event}, change);
  return event;
}

}  // namespace modelwarden
