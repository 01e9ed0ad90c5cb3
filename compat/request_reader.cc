#include "compat/request_reader.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "compat/utf8.h"
#include "registry/text.h"
#include "registry/validation.h"

namespace modelwarden {
namespace {

constexpr std::string_view kApiDocsHint =
    " See the API docs for more information about request parameters.";
// Caps on how much of a rejected value is echoed back in an error message.
constexpr int kMaxEchoDepth = 8;
constexpr size_t kMaxEchoBytes = 256;

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

std::string_view ViewOf(const rapidjson::Value& value) {
  return std::string_view(value.GetString(), value.GetStringLength());
}

// Python's json.dumps(value, sort_keys=True, separators=(",", ":")), as MLflow's
// invalid_value() prints it (mlflow/utils/validation.py).
void WriteSortedJson(const rapidjson::Value& value, int depth, JsonWriter& writer) {
  if (depth > kMaxEchoDepth) {
    writer.String("...");
    return;
  }
  if (value.IsObject()) {
    std::vector<const rapidjson::Value::Member*> members;
    for (auto it = value.MemberBegin(); it != value.MemberEnd(); ++it) members.push_back(&*it);
    std::stable_sort(members.begin(), members.end(), [](const auto* a, const auto* b) {
      return ViewOf(a->name) < ViewOf(b->name);
    });
    writer.StartObject();
    for (const auto* member : members) {
      writer.Key(member->name.GetString(), member->name.GetStringLength());
      WriteSortedJson(member->value, depth + 1, writer);
    }
    writer.EndObject();
  } else if (value.IsArray()) {
    writer.StartArray();
    for (const auto& item : value.GetArray()) WriteSortedJson(item, depth + 1, writer);
    writer.EndArray();
  } else {
    value.Accept(writer);
  }
}

std::string Truncated(std::string text) {
  if (text.size() <= kMaxEchoBytes) return text;
  text.resize(kMaxEchoBytes);
  return text + "...";
}

std::string EchoJson(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  WriteSortedJson(value, 0, writer);
  return Truncated(std::string(buffer.GetString(), buffer.GetSize()));
}

std::string EchoString(std::string_view text) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  return Truncated(std::string(buffer.GetString(), buffer.GetSize()));
}

// The Python type name MLflow reports for a JSON value of the wrong type.
std::string_view PythonTypeName(const rapidjson::Value& value) {
  switch (value.GetType()) {
    case rapidjson::kNullType:
      return "NoneType";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      return "bool";
    case rapidjson::kObjectType:
      return "dict";
    case rapidjson::kArrayType:
      return "list";
    case rapidjson::kStringType:
      return "str";
    case rapidjson::kNumberType:
      return value.IsDouble() ? "float" : "int";
  }
  return "object";
}

// MLflow's message when a value has the wrong type (handlers.py
// _validate_param_against_schema); the double space after "supplied:" is MLflow's.
Status WrongType(std::string_view field, const std::string& echoed, std::string_view type_name) {
  return Status::InvalidArgument("Invalid value " + echoed + " for parameter '" +
                                 std::string(field) + "' supplied:  Hint: Value was of type '" +
                                 std::string(type_name) + "'." + std::string(kApiDocsHint));
}

Status WrongType(std::string_view field, const rapidjson::Value& value) {
  return WrongType(field, EchoJson(value), PythonTypeName(value));
}

Status NotUtf8(std::string_view field) {
  return Status::InvalidArgument("Invalid value for parameter '" + std::string(field) +
                                 "' supplied: it is not valid UTF-8." + std::string(kApiDocsHint));
}

Result<std::string> CheckedString(std::string_view field, std::string_view text) {
  if (!IsValidUtf8(text)) return NotUtf8(field);
  return std::string(text);
}

// Optional sign and decimal digits only, within int64.
std::optional<int64_t> ParseInt64(std::string_view text) {
  size_t pos = 0;
  bool negative = false;
  if (pos < text.size() && (text[pos] == '-' || text[pos] == '+')) {
    negative = text[pos] == '-';
    ++pos;
  }
  if (pos == text.size()) return std::nullopt;
  uint64_t magnitude = 0;
  const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  for (; pos < text.size(); ++pos) {
    const char c = text[pos];
    if (c < '0' || c > '9') return std::nullopt;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (magnitude > (limit - digit) / 10) return std::nullopt;
    magnitude = magnitude * 10 + digit;
  }
  if (negative)
    return magnitude == (uint64_t{1} << 63) ? std::numeric_limits<int64_t>::min()
                                            : -static_cast<int64_t>(magnitude);
  return static_cast<int64_t>(magnitude);
}

// protobuf's JSON mapping accepts an integral double (10.0) for an int64 field.
std::optional<int64_t> IntegralDouble(double value) {
  constexpr double kTwoTo63 = 9223372036854775808.0;
  if (!std::isfinite(value) || std::floor(value) != value) return std::nullopt;
  if (value < -kTwoTo63 || value >= kTwoTo63) return std::nullopt;
  return static_cast<int64_t>(value);
}

// mlflow/server/validation.py _validate_content_type: only POST and PUT are checked, and the
// media type before any ";" must be exactly application/json.
Status ValidateContentType(std::string_view method, const std::optional<std::string>& type) {
  if (method != "POST" && method != "PUT") return Status::Ok();
  if (!type.has_value()) {
    return Status::InvalidArgument("Bad Request. Content-Type header is missing.");
  }
  const std::string_view media_type = std::string_view(*type).substr(0, type->find(';'));
  if (media_type != "application/json") {
    return Status::InvalidArgument(
        "Bad Request. Content-Type must be one of ['application/json'].");
  }
  return Status::Ok();
}

// The iterative parser keeps deeply nested input from exhausting the stack.
constexpr unsigned kParseFlags = rapidjson::kParseIterativeFlag;

// Flask's get_json(force=True, silent=True): anything unparseable is "no body", i.e. {}.
void ParseBody(std::string_view body, rapidjson::Document& document) {
  document.Parse<kParseFlags>(body.data(), body.size());
  if (!document.HasParseError() && document.IsString()) {
    // Older clients post their JSON double-encoded as a string (handlers.py).
    const std::string inner(document.GetString(), document.GetStringLength());
    rapidjson::Document decoded;
    decoded.Parse<kParseFlags>(inner.data(), inner.size());
    document.Swap(decoded);
  }
  if (document.HasParseError() || !document.IsObject()) document.SetObject();
}

}  // namespace

struct RequestReader::Source {
  bool from_query = false;
  QueryParams query;
  rapidjson::Document json;  // An object when !from_query.

  // The value of `field`, or nullptr when absent or null. With duplicate keys the last one
  // wins, as in Python's json module.
  const rapidjson::Value* Find(std::string_view field) const {
    const rapidjson::Value* found = nullptr;
    for (auto it = json.MemberBegin(); it != json.MemberEnd(); ++it) {
      if (ViewOf(it->name) == field) found = &it->value;
    }
    return found != nullptr && found->IsNull() ? nullptr : found;
  }

  // The first value of a query key, as werkzeug's MultiDict.get.
  const std::string* FirstQueryValue(std::string_view field) const {
    auto it = query.lower_bound(std::string(field));
    return it != query.end() && it->first == field ? &it->second : nullptr;
  }
};

Result<RequestReader> RequestReader::Create(std::string_view method, const QueryParams& query,
                                            const std::optional<std::string>& content_type,
                                            std::string_view body) {
  auto source = std::make_unique<Source>();
  // Only GET: MLflow's _get_request_message reads a HEAD's fields from its body, as a POST's.
  if (method == "GET" && !query.empty()) {
    source->from_query = true;
    source->query = query;
  } else {
    RETURN_IF_ERROR(ValidateContentType(method, content_type));
    ParseBody(body, source->json);
  }
  return RequestReader(std::move(source));
}

RequestReader::RequestReader(std::unique_ptr<const Source> source) : source_(std::move(source)) {}
RequestReader::RequestReader(RequestReader&&) noexcept = default;
RequestReader& RequestReader::operator=(RequestReader&&) noexcept = default;
RequestReader::~RequestReader() = default;

Result<std::optional<std::string>> RequestReader::OptionalString(std::string_view field) const {
  if (source_->from_query) {
    const std::string* value = source_->FirstQueryValue(field);
    if (value == nullptr) return std::optional<std::string>();
    ASSIGN_OR_RETURN(std::string text, CheckedString(field, *value));
    return std::optional<std::string>(std::move(text));
  }
  const rapidjson::Value* value = source_->Find(field);
  if (value == nullptr) return std::optional<std::string>();
  if (!value->IsString()) return WrongType(field, *value);
  ASSIGN_OR_RETURN(std::string text, CheckedString(field, ViewOf(*value)));
  return std::optional<std::string>(std::move(text));
}

Result<std::string> RequestReader::RequiredString(std::string_view field) const {
  ASSIGN_OR_RETURN(std::optional<std::string> value, OptionalString(field));
  // MLflow's _assert_required: absent and "" are both missing.
  if (!value.has_value() || value->empty()) return MissingParameterError(field);
  return std::move(*value);
}

Result<std::string> RequestReader::StringOr(std::string_view field,
                                            std::string_view fallback) const {
  ASSIGN_OR_RETURN(std::optional<std::string> value, OptionalString(field));
  if (!value.has_value()) return std::string(fallback);
  return std::move(*value);
}

Result<std::optional<int64_t>> RequestReader::OptionalInt64(std::string_view field) const {
  if (source_->from_query) {
    const std::string* value = source_->FirstQueryValue(field);
    if (value == nullptr) return std::optional<int64_t>();
    std::optional<int64_t> number = ParseInt64(*value);
    if (!number.has_value()) return WrongType(field, EchoString(*value), "str");
    return number;
  }
  const rapidjson::Value* value = source_->Find(field);
  if (value == nullptr) return std::optional<int64_t>();
  std::optional<int64_t> number;
  if (value->IsInt64()) {
    number = value->GetInt64();
  } else if (value->IsDouble()) {
    number = IntegralDouble(value->GetDouble());
  } else if (value->IsString()) {
    number = ParseInt64(ViewOf(*value));
  }
  if (!number.has_value()) return WrongType(field, *value);
  return number;
}

Result<std::optional<bool>> RequestReader::OptionalBool(std::string_view field) const {
  if (source_->from_query) {
    const std::string* value = source_->FirstQueryValue(field);
    if (value == nullptr) return std::optional<bool>();
    if (EqualsIgnoreAsciiCase(*value, "true")) return std::optional<bool>(true);
    if (EqualsIgnoreAsciiCase(*value, "false")) return std::optional<bool>(false);
    // handlers.py _get_request_message words this one differently.
    return Status::InvalidArgument("Invalid boolean value: " + ToValidUtf8(*value) +
                                   ", must be 'true' or 'false'.");
  }
  const rapidjson::Value* value = source_->Find(field);
  if (value == nullptr) return std::optional<bool>();
  if (!value->IsBool()) return WrongType(field, *value);
  return std::optional<bool>(value->GetBool());
}

Result<std::vector<std::string>> RequestReader::StringList(std::string_view field) const {
  std::vector<std::string> items;
  if (source_->from_query) {
    auto [begin, end] = source_->query.equal_range(std::string(field));
    for (auto it = begin; it != end; ++it) {
      ASSIGN_OR_RETURN(std::string item, CheckedString(field, it->second));
      items.push_back(std::move(item));
    }
    return items;
  }
  const rapidjson::Value* value = source_->Find(field);
  if (value == nullptr) return items;
  if (!value->IsArray()) return WrongType(field, *value);
  for (const auto& item : value->GetArray()) {
    if (!item.IsString()) return WrongType(field, *value);
  }
  for (const auto& item : value->GetArray()) {
    ASSIGN_OR_RETURN(std::string text, CheckedString(field, ViewOf(item)));
    items.push_back(std::move(text));
  }
  return items;
}

Result<std::vector<Tag>> RequestReader::Tags(std::string_view field) const {
  std::vector<Tag> tags;
  if (source_->from_query) {
    if (source_->query.count(std::string(field)) == 0) return tags;
    return Status::InvalidArgument("Invalid value for parameter '" + std::string(field) +
                                   "' supplied: tags cannot be passed in a query string." +
                                   std::string(kApiDocsHint));
  }
  const rapidjson::Value* value = source_->Find(field);
  if (value == nullptr) return tags;
  if (!value->IsArray()) return WrongType(field, *value);
  const auto bad_shape = [&] {
    return Status::InvalidArgument("Invalid value " + EchoJson(*value) + " for parameter '" +
                                   std::string(field) +
                                   "' supplied: each tag must be an object with string 'key' "
                                   "and 'value'." +
                                   std::string(kApiDocsHint));
  };
  // A missing or null key/value is protobuf's default, "".
  const auto member = [](const rapidjson::Value& tag, std::string_view name,
                         std::string& out) -> bool {
    const rapidjson::Value key(rapidjson::StringRef(name.data(), name.size()));
    auto it = tag.FindMember(key);
    if (it == tag.MemberEnd() || it->value.IsNull()) return true;
    if (!it->value.IsString()) return false;
    out.assign(it->value.GetString(), it->value.GetStringLength());
    return true;
  };
  for (const auto& item : value->GetArray()) {
    if (!item.IsObject()) return bad_shape();
    Tag tag;
    if (!member(item, "key", tag.key) || !member(item, "value", tag.value)) return bad_shape();
    if (!IsValidUtf8(tag.key) || !IsValidUtf8(tag.value)) return NotUtf8(field);
    tags.push_back(std::move(tag));
  }
  return tags;
}

namespace {

ScalarMap ScalarsOf(const rapidjson::Value& object) {
  ScalarMap scalars;
  for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) {
    std::string value;
    if (it->value.IsString()) {
      value = std::string(ViewOf(it->value));
    } else if (it->value.IsInt64()) {
      value = std::to_string(it->value.GetInt64());
    } else {
      continue;
    }
    scalars[std::string(ViewOf(it->name))] = ToValidUtf8(value);
  }
  return scalars;
}

Status NotInQuery(std::string_view field) {
  return Status::InvalidArgument("Invalid value for parameter '" + std::string(field) +
                                 "' supplied: objects cannot be passed in a query string." +
                                 std::string(kApiDocsHint));
}

}  // namespace

Result<std::optional<std::string>> RequestReader::OptionalScalar(std::string_view field) const {
  if (source_->from_query) return OptionalString(field);
  const rapidjson::Value* value = source_->Find(field);
  if (value == nullptr) return std::optional<std::string>();
  if (value->IsInt64()) return std::optional<std::string>(std::to_string(value->GetInt64()));
  return OptionalString(field);
}

Result<std::optional<ScalarMap>> RequestReader::Object(std::string_view field) const {
  if (source_->from_query) {
    if (source_->query.count(std::string(field)) == 0) return std::optional<ScalarMap>();
    return NotInQuery(field);
  }
  const rapidjson::Value* value = source_->Find(field);
  if (value == nullptr) return std::optional<ScalarMap>();
  if (!value->IsObject()) return WrongType(field, *value);
  return std::optional<ScalarMap>(ScalarsOf(*value));
}

Result<std::optional<std::vector<ScalarMap>>> RequestReader::ObjectList(
    std::string_view field) const {
  using List = std::optional<std::vector<ScalarMap>>;
  if (source_->from_query) {
    if (source_->query.count(std::string(field)) == 0) return List();
    return NotInQuery(field);
  }
  const rapidjson::Value* value = source_->Find(field);
  if (value == nullptr) return List();
  if (!value->IsArray()) return WrongType(field, *value);
  std::vector<ScalarMap> objects;
  for (const auto& item : value->GetArray()) {
    if (!item.IsObject()) {
      return Status::InvalidArgument(
          "Invalid value " + EchoJson(*value) + " for parameter '" + std::string(field) +
          "' supplied: each item must be an object." + std::string(kApiDocsHint));
    }
    objects.push_back(ScalarsOf(item));
  }
  return List(std::move(objects));
}

Result<Stage> ParseStage(std::string_view stage) {
  std::optional<Stage> parsed = StageFromString(stage);
  if (!parsed.has_value()) {
    return Status::InvalidArgument("Invalid Model Version stage: " + ToValidUtf8(stage) +
                                   ". Value must be one of None, Staging, Production, Archived.");
  }
  return *parsed;
}

Result<SearchQuery> ReadSearchQuery(const RequestReader& request) {
  SearchQuery query;
  ASSIGN_OR_RETURN(query.filter, request.StringOr("filter", ""));
  ASSIGN_OR_RETURN(query.max_results, request.OptionalInt64("max_results"));
  ASSIGN_OR_RETURN(query.order_by, request.StringList("order_by"));
  ASSIGN_OR_RETURN(query.page_token, request.StringOr("page_token", ""));
  return query;
}

}  // namespace modelwarden
