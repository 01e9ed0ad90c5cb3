#include "compat/json_output.h"

#include "compat/utf8.h"

namespace modelwarden {

void WriteString(JsonOutput& writer, std::string_view text) {
  if (IsValidUtf8(text)) {
    writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  } else {
    const std::string fixed = ToValidUtf8(text);
    writer.String(fixed.data(), static_cast<rapidjson::SizeType>(fixed.size()));
  }
}

void WriteStringField(JsonOutput& writer, const char* key, std::string_view value) {
  writer.Key(key);
  WriteString(writer, value);
}

void WriteInt64Field(JsonOutput& writer, const char* key, int64_t value) {
  writer.Key(key);
  writer.Int64(value);
}

void WriteBoolField(JsonOutput& writer, const char* key, bool value) {
  writer.Key(key);
  writer.Bool(value);
}

}  // namespace modelwarden
