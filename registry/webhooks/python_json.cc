#include "registry/webhooks/python_json.h"

#include <cstdio>

namespace modelwarden {
namespace {

constexpr uint32_t kReplacement = 0xFFFD;

// The code point starting at text[i], advancing i past it; an ill-formed sequence (overlong,
// surrogate, beyond U+10FFFF, truncated) is one byte of U+FFFD.
uint32_t NextCodePoint(std::string_view text, size_t& i) {
  const auto byte = [&](size_t at) { return static_cast<unsigned char>(text[at]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) {
    ++i;
    return lead;
  }
  size_t length = 0;
  uint32_t code = 0;
  uint32_t minimum = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2, code = lead & 0x1F, minimum = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, code = lead & 0x0F, minimum = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, code = lead & 0x07, minimum = 0x10000;
  } else {
    ++i;
    return kReplacement;
  }
  if (i + length > text.size()) {
    ++i;
    return kReplacement;
  }
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) {
      ++i;
      return kReplacement;
    }
    code = (code << 6) | (byte(i + k) & 0x3F);
  }
  if (code < minimum || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
    ++i;
    return kReplacement;
  }
  i += length;
  return code;
}

void AppendEscape(std::string& out, uint32_t unit) {
  char escape[8];
  std::snprintf(escape, sizeof(escape), "\\u%04x", static_cast<unsigned>(unit));
  out += escape;
}

}  // namespace

std::string PyJsonString(std::string_view text) {
  std::string out = "\"";
  for (size_t i = 0; i < text.size();) {
    const uint32_t code = NextCodePoint(text, i);
    switch (code) {
      case '"':
        out += "\\\"";
        continue;
      case '\\':
        out += "\\\\";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\r':
        out += "\\r";
        continue;
      case '\t':
        out += "\\t";
        continue;
      case '\b':
        out += "\\b";
        continue;
      case '\f':
        out += "\\f";
        continue;
      default:
        break;
    }
    // ensure_ascii escapes everything outside ' '..'~' (DEL included).
    if (code < 0x20 || (code >= 0x7F && code < 0x10000)) {
      AppendEscape(out, code);
    } else if (code >= 0x10000) {
      const uint32_t v = code - 0x10000;
      AppendEscape(out, 0xD800 | (v >> 10));
      AppendEscape(out, 0xDC00 | (v & 0x3FF));
    } else {
      out += static_cast<char>(code);
    }
  }
  out += '"';
  return out;
}

void PyJsonObject::Key(std::string_view key) {
  if (!body_.empty()) body_ += ", ";
  body_ += PyJsonString(key) + ": ";
}

PyJsonObject& PyJsonObject::String(std::string_view key, std::string_view value) {
  Key(key);
  body_ += PyJsonString(value);
  return *this;
}

PyJsonObject& PyJsonObject::Null(std::string_view key) {
  Key(key);
  body_ += "null";
  return *this;
}

PyJsonObject& PyJsonObject::Int(std::string_view key, int64_t value) {
  Key(key);
  body_ += std::to_string(value);
  return *this;
}

PyJsonObject& PyJsonObject::Bool(std::string_view key, bool value) {
  Key(key);
  body_ += value ? "true" : "false";
  return *this;
}

PyJsonObject& PyJsonObject::Raw(std::string_view key, std::string_view value) {
  Key(key);
  body_ += value;
  return *this;
}

PyJsonObject& PyJsonObject::StringMap(
    std::string_view key, const std::vector<std::pair<std::string, std::string>>& entries) {
  std::vector<std::pair<std::string, std::string>> dict;
  for (const auto& [k, v] : entries) {
    bool replaced = false;
    for (auto& existing : dict) {
      if (existing.first == k) {
        existing.second = v;
        replaced = true;
      }
    }
    if (!replaced) dict.emplace_back(k, v);
  }
  std::string text = "{";
  for (size_t i = 0; i < dict.size(); ++i) {
    if (i > 0) text += ", ";
    text += PyJsonString(dict[i].first) + ": " + PyJsonString(dict[i].second);
  }
  text += "}";
  return Raw(key, text);
}

PyJsonObject& PyJsonObject::StringList(std::string_view key,
                                       const std::vector<std::string>& items) {
  std::string text = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) text += ", ";
    text += PyJsonString(items[i]);
  }
  text += "]";
  return Raw(key, text);
}

}  // namespace modelwarden
