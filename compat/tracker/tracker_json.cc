#include "compat/tracker/tracker_json.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <utility>
#include <vector>

namespace modelwarden {

bool ParseBoundedJson(std::string_view text, rapidjson::Document& doc) {
  doc.Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
  if (doc.HasParseError()) return false;
  // Depth by an explicit stack: a recursive walk is what this guards against.
  std::vector<std::pair<const rapidjson::Value*, size_t>> pending = {{&doc, 1}};
  while (!pending.empty()) {
    auto [value, depth] = pending.back();
    pending.pop_back();
    if (depth > kMaxJsonDepth) return false;
    if (value->IsArray()) {
      for (const rapidjson::Value& item : value->GetArray()) pending.emplace_back(&item, depth + 1);
    } else if (value->IsObject()) {
      for (const auto& member : value->GetObject()) {
        pending.emplace_back(&member.value, depth + 1);
      }
    }
  }
  return true;
}

const rapidjson::Value* JsonAt(const rapidjson::Value& value,
                               std::initializer_list<const char*> path) {
  const rapidjson::Value* at = &value;
  for (const char* key : path) {
    if (!at->IsObject()) return nullptr;
    auto it = at->FindMember(key);
    if (it == at->MemberEnd()) return nullptr;
    at = &it->value;
  }
  return at;
}

std::optional<std::string> JsonId(const rapidjson::Value& value) {
  if (value.IsString()) return std::string(value.GetString(), value.GetStringLength());
  if (value.IsInt64()) return std::to_string(value.GetInt64());
  if (value.IsUint64()) return std::to_string(value.GetUint64());
  return std::nullopt;
}

std::string JsonIdAt(const rapidjson::Value& value, std::initializer_list<const char*> path) {
  const rapidjson::Value* at = JsonAt(value, path);
  return at != nullptr ? JsonId(*at).value_or("") : "";
}

std::string WriteJson(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace modelwarden
