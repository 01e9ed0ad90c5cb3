#include "registry/webhooks/webhook.h"

#include <algorithm>
#include <set>

#include "registry/python_repr.h"
#include "registry/text.h"

namespace modelwarden {
namespace {

struct EntityInfo {
  WebhookEntity entity;
  std::string_view word;
  bool mlflow;
};

constexpr EntityInfo kEntities[] = {
    {WebhookEntity::kRegisteredModel, "registered_model", true},
    {WebhookEntity::kModelVersion, "model_version", true},
    {WebhookEntity::kModelVersionTag, "model_version_tag", true},
    {WebhookEntity::kModelVersionAlias, "model_version_alias", true},
    {WebhookEntity::kPrompt, "prompt", true},
    {WebhookEntity::kPromptVersion, "prompt_version", true},
    {WebhookEntity::kPromptTag, "prompt_tag", true},
    {WebhookEntity::kPromptVersionTag, "prompt_version_tag", true},
    {WebhookEntity::kPromptAlias, "prompt_alias", true},
    {WebhookEntity::kPolicy, "policy", false},
};

struct ActionInfo {
  WebhookAction action;
  std::string_view word;
  bool mlflow;
};

constexpr ActionInfo kActions[] = {
    {WebhookAction::kCreated, "created", true},
    {WebhookAction::kUpdated, "updated", true},
    {WebhookAction::kDeleted, "deleted", true},
    {WebhookAction::kSet, "set", true},
    {WebhookAction::kRenamed, "renamed", false},
    {WebhookAction::kStageTransitioned, "stage_transitioned", false},
    {WebhookAction::kDenied, "denied", false},
};

struct EventInfo {
  WebhookEvent event;
  bool mlflow;
};

using E = WebhookEntity;
using A = WebhookAction;
// MLflow's VALID_ENTITY_ACTIONS, then modelwarden's events.
constexpr EventInfo kEvents[] = {
    {{E::kRegisteredModel, A::kCreated}, true},
    {{E::kModelVersion, A::kCreated}, true},
    {{E::kModelVersionTag, A::kSet}, true},
    {{E::kModelVersionTag, A::kDeleted}, true},
    {{E::kModelVersionAlias, A::kCreated}, true},
    {{E::kModelVersionAlias, A::kDeleted}, true},
    {{E::kPrompt, A::kCreated}, true},
    {{E::kPromptVersion, A::kCreated}, true},
    {{E::kPromptTag, A::kSet}, true},
    {{E::kPromptTag, A::kDeleted}, true},
    {{E::kPromptVersionTag, A::kSet}, true},
    {{E::kPromptVersionTag, A::kDeleted}, true},
    {{E::kPromptAlias, A::kCreated}, true},
    {{E::kPromptAlias, A::kDeleted}, true},
    {{E::kRegisteredModel, A::kRenamed}, false},
    {{E::kRegisteredModel, A::kDeleted}, false},
    {{E::kModelVersion, A::kStageTransitioned}, false},
    {{E::kModelVersion, A::kDeleted}, false},
    {{E::kPolicy, A::kDenied}, false},
};

const EntityInfo* FindEntity(WebhookEntity entity) {
  for (const EntityInfo& info : kEntities) {
    if (info.entity == entity) return &info;
  }
  return nullptr;
}

const ActionInfo* FindAction(WebhookAction action) {
  for (const ActionInfo& info : kActions) {
    if (info.action == action) return &info;
  }
  return nullptr;
}

bool Offered(bool mlflow, WebhookApi api) { return mlflow || api == WebhookApi::kModelwarden; }

// Proto name, proto number, or (modelwarden's endpoint) the lower-case word.
template <typename Info, typename Enum>
std::optional<Enum> ParseWord(const Info& info, Enum value, std::string_view text, WebhookApi api) {
  if (!Offered(info.mlflow, api)) return std::nullopt;
  if (text == AsciiUpper(info.word) || text == std::to_string(static_cast<int>(value))) {
    return value;
  }
  if (api == WebhookApi::kModelwarden && text == info.word) return value;
  return std::nullopt;
}

bool IsSchemeChar(char c) {
  return IsAsciiAlpha(c) || IsAsciiDigit(c) || c == '+' || c == '-' || c == '.';
}

// urllib.parse.urlsplit's first steps (Python 3.11): leading C0 controls and spaces stripped,
// tabs and newlines removed, then "scheme:" if the text before the first ':' is a scheme.
struct SplitUrl {
  std::string scheme;
  std::string netloc;
  std::string rest;  // Path, query and fragment.
};

SplitUrl SplitLikePython(std::string_view url) {
  while (!url.empty() && static_cast<unsigned char>(url.front()) <= 0x20) url.remove_prefix(1);
  std::string text;
  for (char c : url) {
    if (c != '\t' && c != '\r' && c != '\n') text += c;
  }
  SplitUrl split;
  const size_t colon = text.find(':');
  if (colon != std::string::npos && colon > 0 && IsAsciiAlpha(text[0]) &&
      std::all_of(text.begin(), text.begin() + colon, IsSchemeChar)) {
    split.scheme = AsciiLower(text.substr(0, colon));
    text.erase(0, colon + 1);
  }
  if (StartsWith(text, "//")) {
    const size_t end = text.find_first_of("/?#", 2);
    split.netloc = text.substr(2, end == std::string::npos ? std::string::npos : end - 2);
    text.erase(0, end == std::string::npos ? text.size() : end);
  }
  split.rest = text;
  return split;
}

bool HasUnmatchedBracket(std::string_view netloc) {
  const bool open = netloc.find('[') != std::string_view::npos;
  const bool close = netloc.find(']') != std::string_view::npos;
  return open != close;
}

}  // namespace

std::string_view EntityWord(WebhookEntity entity) {
  const EntityInfo* info = FindEntity(entity);
  return info != nullptr ? info->word : "unknown";
}

std::string_view ActionWord(WebhookAction action) {
  const ActionInfo* info = FindAction(action);
  return info != nullptr ? info->word : "unknown";
}

std::string EntityProtoName(WebhookEntity entity) { return AsciiUpper(EntityWord(entity)); }

std::string ActionProtoName(WebhookAction action) { return AsciiUpper(ActionWord(action)); }

std::string EventName(const WebhookEvent& event) {
  return std::string(EntityWord(event.entity)) + "." + std::string(ActionWord(event.action));
}

bool IsMlflowEvent(const WebhookEvent& event) {
  for (const EventInfo& info : kEvents) {
    if (info.event == event) return info.mlflow;
  }
  return false;
}

bool IsSubscribable(const WebhookEvent& event, WebhookApi api) {
  for (const EventInfo& info : kEvents) {
    if (info.event == event) return Offered(info.mlflow, api);
  }
  return false;
}

std::vector<WebhookEvent> SubscribableEvents(WebhookApi api) {
  std::vector<WebhookEvent> events;
  for (const EventInfo& info : kEvents) {
    if (Offered(info.mlflow, api)) events.push_back(info.event);
  }
  return events;
}

std::optional<WebhookEntity> ParseEntity(std::string_view text, WebhookApi api) {
  for (const EntityInfo& info : kEntities) {
    if (auto parsed = ParseWord(info, info.entity, text, api)) return parsed;
  }
  return std::nullopt;
}

std::optional<WebhookAction> ParseAction(std::string_view text, WebhookApi api) {
  for (const ActionInfo& info : kActions) {
    if (auto parsed = ParseWord(info, info.action, text, api)) return parsed;
  }
  return std::nullopt;
}

Status ValidateWebhookEvent(const WebhookEvent& event, WebhookApi api) {
  if (IsSubscribable(event, api)) return Status::Ok();
  // sorted([a.value for a in valid_actions]), as Python prints a list of str.
  std::vector<std::string> valid;
  for (const WebhookEvent& offered : SubscribableEvents(api)) {
    if (offered.entity == event.entity) valid.emplace_back(ActionWord(offered.action));
  }
  std::sort(valid.begin(), valid.end());
  std::string list = "[";
  for (size_t i = 0; i < valid.size(); ++i) list += (i == 0 ? "" : ", ") + PyRepr(valid[i]);
  list += "]";
  return Status::InvalidArgument("Invalid action '" + std::string(ActionWord(event.action)) +
                                 "' for entity '" + std::string(EntityWord(event.entity)) +
                                 "'. Valid actions are: " + list);
}

std::string_view WebhookStatusName(WebhookStatus status) {
  return status == WebhookStatus::kDisabled ? "DISABLED" : "ACTIVE";
}

std::optional<WebhookStatus> ParseWebhookStatus(std::string_view text) {
  if (text == "ACTIVE" || text == "1") return WebhookStatus::kActive;
  if (text == "DISABLED" || text == "2") return WebhookStatus::kDisabled;
  return std::nullopt;
}

Status ValidateWebhookName(std::string_view name) {
  const auto alnum = [](char c) { return IsAsciiAlpha(c) || IsAsciiDigit(c); };
  bool valid = !name.empty() && name.size() <= 63 && alnum(name.front()) && alnum(name.back());
  for (char c : name) valid = valid && (alnum(c) || c == '.' || c == '_' || c == '-');
  if (valid) return Status::Ok();
  return Status::InvalidArgument(
      "Webhook name " + PyRepr(name) +
      " is invalid. It must start and end with a letter or digit, be less than 63 characters "
      "long, and contain only letters, digits, dots (.), underscores (_), and hyphens (-).");
}

Status ValidateWebhookUrl(std::string_view url, const std::vector<std::string>& allowed_schemes) {
  if (Trim(url).empty()) {
    return Status::InvalidArgument("Webhook URL cannot be empty or just whitespace: " +
                                   PyRepr(url));
  }
  const SplitUrl split = SplitLikePython(url);
  if (HasUnmatchedBracket(split.netloc)) {
    return Status::InvalidArgument("Invalid webhook URL " + PyRepr(url) +
                                   ": ValueError('Invalid IPv6 URL')");
  }
  if (std::find(allowed_schemes.begin(), allowed_schemes.end(), split.scheme) ==
      allowed_schemes.end()) {
    std::string allowed;
    for (const std::string& scheme : allowed_schemes) {
      allowed += (allowed.empty() ? "" : ", ") + scheme;
    }
    return Status::InvalidArgument("Invalid webhook URL scheme: " + PyRepr(split.scheme) +
                                   ". Allowed schemes are: " + allowed + ".");
  }
  if (url.size() > kMaxWebhookUrlLength) {
    return Status::InvalidArgument("Webhook URL is longer than " +
                                   std::to_string(kMaxWebhookUrlLength) + " bytes.");
  }
  return Status::Ok();
}

Status ValidateWebhookEvents(const std::vector<WebhookEvent>& events, WebhookApi api) {
  if (events.empty()) {
    return Status::InvalidArgument(
        "Webhook events must be a non-empty list of WebhookEvent objects: [].");
  }
  std::set<WebhookEvent> seen;
  for (const WebhookEvent& event : events) {
    RETURN_IF_ERROR(ValidateWebhookEvent(event, api));
    if (!seen.insert(event).second) {
      return Status(ErrorCode::kBadRequest,
                    "Webhook event " + EventName(event) + " is listed more than once.");
    }
  }
  return Status::Ok();
}

Status ValidateWebhookDescription(std::string_view description) {
  if (description.size() <= kMaxWebhookDescriptionLength) return Status::Ok();
  return Status::InvalidArgument("Webhook description is longer than " +
                                 std::to_string(kMaxWebhookDescriptionLength) + " bytes.");
}

std::vector<std::string> ParseAllowedSchemes(std::string_view text) {
  std::vector<std::string> schemes;
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    schemes.emplace_back(Trim(text.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return schemes;
}

Result<WebhookUrl> ParseWebhookUrl(std::string_view url) {
  const SplitUrl split = SplitLikePython(url);
  const auto invalid = [&](const std::string& why) {
    return Status::InvalidArgument("Cannot deliver to " + PyRepr(url) + ": " + why + ".");
  };
  if (split.scheme != "http" && split.scheme != "https") {
    return invalid("only http and https URLs can be delivered to");
  }
  WebhookUrl parsed;
  parsed.scheme = split.scheme;
  parsed.port = split.scheme == "https" ? 443 : 80;
  std::string_view hostport = split.netloc;
  if (const size_t at = hostport.rfind('@'); at != std::string_view::npos) {
    hostport.remove_prefix(at + 1);  // Credentials in the URL are not sent.
  }
  std::string_view port_text;
  if (StartsWith(hostport, "[")) {
    const size_t close = hostport.find(']');
    if (close == std::string_view::npos) return invalid("the IPv6 address is not closed");
    parsed.host = std::string(hostport.substr(1, close - 1));
    std::string_view after = hostport.substr(close + 1);
    if (!after.empty() && after.front() != ':') return invalid("unexpected text after ']'");
    if (!after.empty()) port_text = after.substr(1);
  } else {
    const size_t colon = hostport.rfind(':');
    parsed.host = std::string(hostport.substr(0, colon));
    if (colon != std::string_view::npos) port_text = hostport.substr(colon + 1);
  }
  if (parsed.host.empty()) return invalid("the URL has no host");
  if (!port_text.empty()) {
    int port = 0;
    for (char c : port_text) {
      if (!IsAsciiDigit(c) || port > 65535) return invalid("the port is not a number");
      port = port * 10 + (c - '0');
    }
    if (port < 1 || port > 65535) return invalid("the port is out of range");
    parsed.port = port;
  }
  std::string target = split.rest.substr(0, split.rest.find('#'));
  if (target.empty() || target.front() == '?') target = "/" + target;
  parsed.target = target;
  return parsed;
}

}  // namespace modelwarden
