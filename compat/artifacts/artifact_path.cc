#include "compat/artifacts/artifact_path.h"

#include <array>
#include <utility>

#include "registry/text.h"

namespace modelwarden {

Result<std::string> SafeArtifactPath(std::string_view path) {
  const Status invalid = Status::InvalidArgument("Invalid path");
  // MLflow decodes at most ten times, then gives up.
  std::string decoded(path);
  for (int round = 0;; ++round) {
    std::string next = Unquote(decoded);
    if (next == decoded) break;
    if (round == 10) return invalid;
    decoded = std::move(next);
  }
  if (decoded.empty() || decoded.front() == '/' ||
      decoded.find_first_of("#\\") != std::string::npos) {
    return invalid;
  }
  if (decoded.size() >= 2 && IsAsciiAlpha(decoded[0]) && decoded[1] == ':') return invalid;
  for (char c : decoded) {
    // MLflow escapes control characters and then finds no such file; they are refused here,
    // before they can reach a file name or a header.
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return invalid;
  }
  for (size_t start = 0; start <= decoded.size();) {
    size_t end = decoded.find('/', start);
    if (end == std::string::npos) end = decoded.size();
    const std::string_view segment = std::string_view(decoded).substr(start, end - start);
    if (segment.empty() || segment == "..") return invalid;
    start = end + 1;
  }
  return decoded;
}

std::string MimeTypeOf(std::string_view filename) {
  const size_t dot = filename.rfind('.');
  // MLmodel and MLproject have no extension: the name stands for it, as in MLflow.
  const std::string extension =
      dot == std::string_view::npos ? std::string(filename) : AsciiLower(filename.substr(dot + 1));
  static constexpr std::array<std::string_view, 25> kText = {
      "txt",  "log",   "err",  "cfg",  "conf", "cnf",     "cf",       "ini", "properties",
      "prop", "hocon", "toml", "yaml", "yml",  "xml",     "json",     "js",  "py",
      "py3",  "csv",   "tsv",  "md",   "rst",  "MLmodel", "MLproject"};
  for (std::string_view text : kText) {
    if (extension == text) return "text/plain";
  }
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 9> kKnown = {{
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"svg", "image/svg+xml"},
      {"html", "text/html"},
      {"htm", "text/html"},
      {"pdf", "application/pdf"},
      {"zip", "application/zip"},
  }};
  for (const auto& [known, type] : kKnown) {
    if (extension == known) return std::string(type);
  }
  return "application/octet-stream";
}

}  // namespace modelwarden
