#include "compat/governance_json.h"

#include "compat/json_output.h"

namespace modelwarden {
namespace {

using Writer = JsonOutput;

}  // namespace

std::string PromotionReportResponse(const PromotionReport& report) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  writer.Key("check");
  writer.StartObject();
  WriteStringField(writer, "name", report.name);
  WriteStringField(writer, "version", std::to_string(report.version));
  if (report.stage) WriteStringField(writer, "stage", std::string(StageName(*report.stage)));
  if (!report.alias.empty()) WriteStringField(writer, "alias", report.alias);
  WriteBoolField(writer, "allowed", report.allowed);
  if (!report.approval_rule.empty())
    WriteStringField(writer, "approval_rule", report.approval_rule);
  writer.Key("checks");
  writer.StartArray();
  for (const CheckResult& check : report.checks) {
    writer.StartObject();
    WriteStringField(writer, "rule_id", check.rule_id);
    WriteStringField(writer, "mode", std::string(RuleModeName(check.mode)));
    WriteStringField(writer, "result", CheckOutcomeName(OutcomeOf(check)));
    WriteStringField(writer, "message", check.message);
    if (!check.fix.empty()) WriteStringField(writer, "fix", check.fix);
    if (!check.values.empty()) {
      writer.Key("values");
      writer.StartObject();
      for (const auto& [key, value] : check.values) {
        writer.Key(key.c_str(), static_cast<rapidjson::SizeType>(key.size()));
        WriteString(writer, value);
      }
      writer.EndObject();
    }
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
  writer.EndObject();
  return Finish(buffer);
}

std::string ModelCardResponse(const ModelCardView& card) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  writer.Key("model_card");
  writer.StartObject();
  WriteStringField(writer, "name", card.name);
  WriteStringField(writer, "version", std::to_string(card.version));
  WriteStringField(writer, "origin", card.origin);
  WriteStringField(writer, "markdown", card.markdown);
  writer.Key("sections");
  writer.StartArray();
  for (const std::string& section : card.sections) {
    WriteString(writer, section);
  }
  writer.EndArray();
  writer.EndObject();
  writer.EndObject();
  return Finish(buffer);
}

std::string AuditEventsResponse(const Page<AuditEvent>& page) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  if (!page.items.empty()) {
    writer.Key("audit_events");
    writer.StartArray();
    for (const AuditEvent& e : page.items) {
      writer.StartObject();
      writer.Key("id");
      writer.Int64(e.id);
      writer.Key("timestamp");
      writer.Int64(e.timestamp);
      WriteStringField(writer, "request_id", e.request_id);
      WriteStringField(writer, "principal", e.principal);
      WriteStringField(writer, "client_address", e.client_address);
      WriteStringField(writer, "operation", e.operation);
      WriteStringField(writer, "model_name", e.model_name);
      if (e.version) WriteStringField(writer, "version", std::to_string(*e.version));
      WriteStringField(writer, "outcome", AuditOutcomeName(e.outcome));
      if (!e.before.empty()) WriteStringField(writer, "before", e.before);
      if (!e.after.empty()) WriteStringField(writer, "after", e.after);
      if (!e.checks.empty()) {
        writer.Key("checks");
        writer.StartArray();
        for (const AuditCheck& c : e.checks) {
          writer.StartObject();
          WriteStringField(writer, "rule_id", c.rule_id);
          WriteStringField(writer, "result", CheckOutcomeName(c.result));
          WriteStringField(writer, "message", c.message);
          writer.EndObject();
        }
        writer.EndArray();
      }
      writer.EndObject();
    }
    writer.EndArray();
  }
  if (!page.next_page_token.empty())
    WriteStringField(writer, "next_page_token", page.next_page_token);
  writer.EndObject();
  return Finish(buffer);
}

}  // namespace modelwarden
