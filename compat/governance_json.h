// JSON bodies of modelwarden's own endpoints, in the MLflow house style: snake_case,
// versions as strings, timestamps as int64 numbers, empty fields omitted. Thread-safe.
#pragma once

#include <string>

#include "enforcement/governance.h"

namespace modelwarden {

// {"check": {"name", "version", "stage"?, "alias"?, "allowed", "approval_rule"?, "checks":
// [{"rule_id", "mode", "result", "message", "fix"?, "values"?}]}}
std::string PromotionReportResponse(const PromotionReport& report);
// {"model_card": {"name", "version", "origin", "markdown", "sections": [...]}}
std::string ModelCardResponse(const ModelCardView& card);
// {"audit_events": [{"id", "timestamp", "request_id", "principal", "client_address",
// "operation", "model_name", "version"?, "outcome", "before"?, "after"?, "checks"?}],
// "next_page_token"?}; {} when empty.
std::string AuditEventsResponse(const Page<AuditEvent>& page);

}  // namespace modelwarden
