#include "compat/approval_json.h"

#include "compat/json_output.h"

namespace modelwarden {
namespace {

void WriteApproval(JsonOutput& writer, const ApprovalView& view) {
  const Approval& a = view.approval;
  writer.StartObject();
  WriteInt64Field(writer, "id", a.id);
  WriteStringField(writer, "name", a.move.name);
  WriteStringField(writer, "version", std::to_string(a.move.version));
  if (a.move.stage) WriteStringField(writer, "stage", StageName(*a.move.stage));
  if (!a.move.alias.empty()) WriteStringField(writer, "alias", a.move.alias);
  if (a.move.archive_existing_versions) {
    WriteBoolField(writer, "archive_existing_versions", true);
  }
  WriteStringField(writer, "move", DescribeMove(a.move));
  if (!a.rule_id.empty()) WriteStringField(writer, "rule_id", a.rule_id);
  WriteStringField(writer, "status", ApprovalStatusName(view.status));
  WriteStringField(writer, "requested_by", a.requested_by);
  if (!a.request_comment.empty()) WriteStringField(writer, "request_comment", a.request_comment);
  WriteInt64Field(writer, "creation_timestamp", a.creation_timestamp);
  WriteInt64Field(writer, "expiration_timestamp", a.expiration_timestamp);
  if (!a.decided_by.empty()) WriteStringField(writer, "decided_by", a.decided_by);
  if (!a.decision_comment.empty()) {
    WriteStringField(writer, "decision_comment", a.decision_comment);
  }
  if (a.decision_timestamp != 0)
    WriteInt64Field(writer, "decision_timestamp", a.decision_timestamp);
  if (!a.reason.empty()) WriteStringField(writer, "reason", a.reason);
  if (!view.approvers.empty()) {
    writer.Key("approvers");
    writer.StartArray();
    for (const std::string& approver : view.approvers) WriteString(writer, approver);
    writer.EndArray();
  }
  writer.EndObject();
}

}  // namespace

std::string ApprovalResponse(const ApprovalView& view) {
  rapidjson::StringBuffer buffer;
  JsonOutput writer(buffer);
  writer.StartObject();
  writer.Key("approval");
  WriteApproval(writer, view);
  writer.EndObject();
  return Finish(buffer);
}

std::string ApprovalsResponse(const Page<ApprovalView>& page) {
  rapidjson::StringBuffer buffer;
  JsonOutput writer(buffer);
  writer.StartObject();
  if (!page.items.empty()) {
    writer.Key("approvals");
    writer.StartArray();
    for (const ApprovalView& view : page.items) WriteApproval(writer, view);
    writer.EndArray();
  }
  if (!page.next_page_token.empty()) {
    WriteStringField(writer, "next_page_token", page.next_page_token);
  }
  writer.EndObject();
  return Finish(buffer);
}

}  // namespace modelwarden
