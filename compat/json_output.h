// The pieces every JSON response body of compat is written with: a RapidJSON writer into a
// string buffer, strings that are always valid UTF-8, and the finished body.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace modelwarden {

using JsonOutput = rapidjson::Writer<rapidjson::StringBuffer>;

// Stored text normally went through RequestReader's UTF-8 check, but a database shared with
// other writers may hold anything, and a body must stay valid JSON: invalid bytes are replaced.
void WriteString(JsonOutput& writer, std::string_view text);
void WriteStringField(JsonOutput& writer, const char* key, std::string_view value);
void WriteInt64Field(JsonOutput& writer, const char* key, int64_t value);
void WriteBoolField(JsonOutput& writer, const char* key, bool value);

inline std::string Finish(const rapidjson::StringBuffer& buffer) {
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace modelwarden
