#include "compat/importer/rename_map.h"

#include <fstream>
#include <set>
#include <sstream>

namespace modelwarden {
namespace {

struct Record {
  int line = 0;  // Where it starts.
  std::vector<std::string> fields;
};

// RFC 4180 records; a line break inside quotes belongs to the field.
Result<std::vector<Record>> ParseCsv(std::string_view text, const std::string& where) {
  std::vector<Record> records;
  Record record;
  record.line = 1;
  std::string field;
  bool quoted = false;
  bool at_field_start = true;
  bool any = false;  // The record has begun: a character, a comma or a quote.
  int line = 1;
  const auto end_record = [&] {
    if (any) {
      record.fields.push_back(std::move(field));
      records.push_back(std::move(record));
    }
    field.clear();
    record = Record{};
    record.line = line;
    at_field_start = true;
    any = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        if (c == '\n') ++line;
        field += c;
      }
    } else if (c == '"' && at_field_start) {
      quoted = true;
      at_field_start = false;
      any = true;
    } else if (c == ',') {
      record.fields.push_back(std::move(field));
      field.clear();
      at_field_start = true;
      any = true;
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      continue;
    } else if (c == '\n') {
      ++line;
      end_record();
    } else {
      field += c;
      at_field_start = false;
      any = true;
    }
  }
  if (quoted) {
    return Status::InvalidArgument(where + ":" + std::to_string(record.line) +
                                   ": a quoted field is not closed");
  }
  end_record();
  return records;
}

bool NeedsQuotes(const std::string& field) {
  return field.find_first_of(",\"\r\n") != std::string::npos || field.empty() ||
         field.front() == ' ' || field.back() == ' ';
}

std::string CsvField(const std::string& field) {
  if (!NeedsQuotes(field)) return field;
  std::string out = "\"";
  for (char c : field) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

Result<std::map<std::string, std::string>> ParseRenameMap(std::string_view csv,
                                                          const std::string& where) {
  ASSIGN_OR_RETURN(std::vector<Record> records, ParseCsv(csv, where));
  std::map<std::string, std::string> renames;
  std::map<std::string, std::string> old_of_new;
  for (size_t i = 0; i < records.size(); ++i) {
    const Record& r = records[i];
    const std::string at = where + ":" + std::to_string(r.line) + ": ";
    if (i == 0 && r.fields == std::vector<std::string>{"old", "new"}) continue;
    if (r.fields.size() != 2 || r.fields[0].empty() || r.fields[1].empty()) {
      return Status::InvalidArgument(at + "expected old,new (two non-empty names)");
    }
    const std::string& from = r.fields[0];
    const std::string& to = r.fields[1];
    if (!renames.emplace(from, to).second) {
      return Status::InvalidArgument(at + "'" + from + "' is renamed twice");
    }
    auto [it, added] = old_of_new.emplace(to, from);
    if (!added) {
      return Status::InvalidArgument(at + "'" + from + "' and '" + it->second +
                                     "' would both be named '" + to + "'");
    }
  }
  return renames;
}

Result<std::map<std::string, std::string>> ReadRenameMap(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read the rename map " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return ParseRenameMap(text.str(), path);
}

std::string FormatRenameMap(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::string out = "old,new\n";
  for (const auto& [from, to] : pairs) out += CsvField(from) + "," + CsvField(to) + "\n";
  return out;
}

}  // namespace modelwarden
