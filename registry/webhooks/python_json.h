// JSON text exactly as Python's json.dumps writes it with its default arguments, which is how
// MLflow serialises a webhook delivery (mlflow/webhooks/delivery.py): ", " between items,
// ": " after keys, keys in insertion order, and every non-ASCII character escaped as \uXXXX
// (a surrogate pair beyond the BMP). Receivers verify signatures over these exact bytes; they
// are written once, when the event is recorded. Not thread-safe; a value type.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace modelwarden {

// json.dumps(text) for a str: quoted and escaped (ill-formed UTF-8 becomes U+FFFD).
std::string PyJsonString(std::string_view text);

// A JSON object built field by field.
class PyJsonObject {
 public:
  PyJsonObject& String(std::string_view key, std::string_view value);
  PyJsonObject& Null(std::string_view key);
  PyJsonObject& Int(std::string_view key, int64_t value);
  PyJsonObject& Bool(std::string_view key, bool value);
  // `value` is JSON text already (a nested object or list).
  PyJsonObject& Raw(std::string_view key, std::string_view value);
  // A str -> str dict, in the order given (a repeated key keeps its last value, in the
  // position it first had, as a Python dict does).
  PyJsonObject& StringMap(std::string_view key,
                          const std::vector<std::pair<std::string, std::string>>& entries);
  PyJsonObject& StringList(std::string_view key, const std::vector<std::string>& items);

  std::string Build() const { return "{" + body_ + "}"; }

 private:
  void Key(std::string_view key);

  std::string body_;
};

}  // namespace modelwarden
