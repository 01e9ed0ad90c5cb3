#include "registry/python_repr.h"

#include "registry/text.h"

namespace modelwarden {
namespace {

// Python's repr() of a str (prefix "") or of bytes (prefix "b", non-ASCII escaped), close
// enough for error messages.
std::string PyQuoted(std::string_view s, std::string_view prefix, bool escape_non_ascii) {
  const bool has_single = s.find('\'') != std::string_view::npos;
  const bool has_double = s.find('"') != std::string_view::npos;
  const char quote = has_single && !has_double ? '"' : '\'';
  std::string out(prefix);
  out += quote;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\\' || c == quote) {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7f || (escape_non_ascii && u > 0x7f)) {
      out += "\\x" + HexEncode(std::string_view(&c, 1));
    } else {
      out += c;
    }
  }
  out += quote;
  return out;
}

}  // namespace

std::string PyRepr(std::string_view text) { return PyQuoted(text, "", false); }

std::string PyBytesRepr(std::string_view bytes) { return PyQuoted(bytes, "b", true); }

}  // namespace modelwarden
