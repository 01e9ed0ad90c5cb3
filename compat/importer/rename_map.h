// The rename map of `modelwarden import --rename-map FILE` and `--suggest-renames FILE`: CSV
// (RFC 4180), one `old,new` pair per record: the model named `old` in the source is imported
// as `new`. Fields holding a comma, a quote or a line break are quoted ("a,b" and "say ""hi"""
// as in RFC 4180); a first record `old,new` is a header; blank lines are skipped; CRLF line
// ends are accepted. Pure functions but ReadRenameMap, which reads a file; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "registry/status.h"

namespace modelwarden {

// kInvalidParameterValue naming `where` and the line for a record that is not two non-empty
// fields, an unterminated quote, an old name given twice, or two old names mapped to one new.
Result<std::map<std::string, std::string>> ParseRenameMap(std::string_view csv,
                                                          const std::string& where);
// ParseRenameMap of the file's contents; kResourceDoesNotExist when it cannot be read.
Result<std::map<std::string, std::string>> ReadRenameMap(const std::string& path);
// The CSV text of `pairs`, with the header `old,new`, quoting fields that need it.
std::string FormatRenameMap(const std::vector<std::pair<std::string, std::string>>& pairs);

}  // namespace modelwarden
