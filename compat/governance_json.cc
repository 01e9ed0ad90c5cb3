#include "compat/governance_json.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "compat/utf8.h"

namespace modelwarden {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void StringField(Writer& writer, const char* key, const std::string& value) {
  const std::string text = IsValidUtf8(value) ? value : ToValidUtf8(value);
  writer.Key(key);
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

std::string Finish(const rapidjson::StringBuffer& buffer) {
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

std::string PromotionReportResponse(const PromotionReport& report) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.StartObject();
  writer.Key("check");
  writer.StartObject();
  StringField(writer, "name", report.name);
  StringField(writer, "version", std::to_string(report.version));
  if (report.stage) StringField(writer, "stage", std::string(StageName(*report.stage)));
  if (!report.alias.empty()) StringField(writer, "alias", report.alias);
  writer.Key("allowed");
  writer.Bool(report.allowed);
  writer.Key("checks");
  writer.StartArray();
  for (const CheckResult& check : report.checks) {
    writer.StartObject();
    StringField(writer, "rule_id", check.rule_id);
    StringField(writer, "mode", std::string(RuleModeName(check.mode)));
    StringField(writer, "result", std::string(CheckOutcome(check)));
    StringField(writer, "message", check.message);
    if (!check.fix.empty()) StringField(writer, "fix", check.fix);
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
  StringField(writer, "name", card.name);
  StringField(writer, "version", std::to_string(card.version));
  StringField(writer, "origin", card.origin);
  StringField(writer, "markdown", card.markdown);
  writer.Key("sections");
  writer.StartArray();
  for (const std::string& section : card.sections) {
    const std::string text = IsValidUtf8(section) ? section : ToValidUtf8(section);
    writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
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
      StringField(writer, "request_id", e.request_id);
      StringField(writer, "principal", e.principal);
      StringField(writer, "client_address", e.client_address);
      StringField(writer, "operation", e.operation);
      StringField(writer, "model_name", e.model_name);
      if (e.version) StringField(writer, "version", std::to_string(*e.version));
      StringField(writer, "outcome", e.outcome);
      if (!e.before.empty()) StringField(writer, "before", e.before);
      if (!e.after.empty()) StringField(writer, "after", e.after);
      if (!e.checks.empty()) {
        writer.Key("checks");
        writer.StartArray();
        for (const AuditCheck& c : e.checks) {
          writer.StartObject();
          StringField(writer, "rule_id", c.rule_id);
          StringField(writer, "result", c.result);
          StringField(writer, "message", c.message);
          writer.EndObject();
        }
        writer.EndArray();
      }
      writer.EndObject();
    }
    writer.EndArray();
  }
  if (!page.next_page_token.empty()) StringField(writer, "next_page_token", page.next_page_token);
  writer.EndObject();
  return Finish(buffer);
}

}  // namespace modelwarden
