#include "compat/importer/registry_backup.h"

#include <rapidjson/document.h>

#include <cstdio>
#include <fstream>
#include <utility>
#include <vector>

#include "compat/importer/registry_json.h"
#include "compat/json_output.h"

namespace modelwarden {
namespace {

namespace rj = rapidjson;

std::string Line(const std::function<void(JsonOutput&)>& write) {
  rj::StringBuffer buffer;
  JsonOutput writer(buffer);
  write(writer);
  return Finish(buffer) + "\n";
}

// One parsed line: which kind, and its object.
struct ParsedLine {
  enum class Kind { kHeader, kModel, kVersion, kEnd } kind;
  rj::Document doc;
  const rj::Value* body = nullptr;
};

Result<ParsedLine> Parse(const std::string& text, const std::string& where) {
  ParsedLine line;
  line.doc.Parse(text.data(), text.size());
  if (line.doc.HasParseError() || !line.doc.IsObject() || line.doc.MemberCount() == 0) {
    return Status::InvalidArgument(where + ": expected a JSON object");
  }
  const auto first = line.doc.MemberBegin();
  const std::string key(first->name.GetString(), first->name.GetStringLength());
  line.body = &first->value;
  if (key == "modelwarden_export") {
    line.kind = ParsedLine::Kind::kHeader;
  } else if (key == "registered_model" && line.doc.MemberCount() == 1) {
    line.kind = ParsedLine::Kind::kModel;
  } else if (key == "model_version" && line.doc.MemberCount() == 1) {
    line.kind = ParsedLine::Kind::kVersion;
  } else if (key == "end" && line.doc.MemberCount() == 1) {
    line.kind = ParsedLine::Kind::kEnd;
  } else {
    return Status::InvalidArgument(where + ": expected one of {\"registered_model\": ...}, " +
                                   "{\"model_version\": ...} or {\"end\": ...}");
  }
  return line;
}

int64_t Count(const rj::Value& end, const char* key) {
  auto it = end.IsObject() ? end.FindMember(key) : end.MemberEnd();
  return it != end.MemberEnd() && it->value.IsInt64() ? it->value.GetInt64() : -1;
}

class BackupSource final : public RegistrySource {
 public:
  BackupSource(std::string path, std::string description, int64_t models)
      : path_(std::move(path)), description_(std::move(description)), models_(models) {}

  Status Open() {
    file_.open(path_, std::ios::binary);
    std::string header;
    if (!file_ || !std::getline(file_, header)) {
      return Status::InvalidArgument("cannot read " + path_);
    }
    line_number_ = 1;
    return Status::Ok();
  }

  std::string Describe() const override { return description_; }
  std::optional<int64_t> ModelCount() const override { return models_; }

  // CheckBackup read the file whole when it was opened: every line here is well-formed and in
  // its place.
  Result<std::vector<ModelSnapshot>> Next(size_t max) override {
    std::vector<ModelSnapshot> batch;
    std::string text;
    while (ReadLine(text)) {
      const std::string where = path_ + ":" + std::to_string(line_number_);
      ASSIGN_OR_RETURN(ParsedLine line, Parse(text, where));
      if (line.kind == ParsedLine::Kind::kEnd) break;
      if (line.kind == ParsedLine::Kind::kModel) {
        if (batch.size() == max) {
          lookahead_ = std::move(text);  // The first model of the next batch.
          break;
        }
        batch.emplace_back();
        ASSIGN_OR_RETURN(batch.back().model, ReadRegisteredModel(*line.body, where));
      } else if (line.kind == ParsedLine::Kind::kVersion && !batch.empty()) {
        ASSIGN_OR_RETURN(VersionSnapshot version, ReadModelVersion(*line.body, where));
        batch.back().versions.push_back(std::move(version));
      }
    }
    return batch;
  }

 private:
  bool ReadLine(std::string& text) {
    if (lookahead_) {
      text = std::move(*lookahead_);
      lookahead_.reset();
      return true;
    }
    if (!std::getline(file_, text)) return false;
    ++line_number_;
    return true;
  }

  const std::string path_;
  const std::string description_;
  const int64_t models_;
  std::ifstream file_;
  int64_t line_number_ = 0;
  std::optional<std::string> lookahead_;
};

// Reads the whole file once, checking every line and its place; returns the number of models
// and the header's source.
Result<std::pair<int64_t, std::string>> CheckBackup(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open " + path);
  std::string text;
  if (!std::getline(in, text)) return Status::InvalidArgument(path + ": the file is empty");
  Result<ParsedLine> header = Parse(text, path + ":1");
  if (!header.ok() || header->kind != ParsedLine::Kind::kHeader || !header->body->IsInt64()) {
    return Status::InvalidArgument(path +
                                   ":1: expected the header {\"modelwarden_export\": 1, ...}; "
                                   "is this a file of `modelwarden export`?");
  }
  if (header->body->GetInt64() != kBackupFormatVersion) {
    return Status::InvalidArgument(
        path + ":1: format version " + std::to_string(header->body->GetInt64()) +
        " is not one this modelwarden reads (" + std::to_string(kBackupFormatVersion) + ")");
  }
  std::string source;
  if (auto it = header->doc.FindMember("source");
      it != header->doc.MemberEnd() && it->value.IsString()) {
    source = it->value.GetString();
  }
  int64_t models = 0, versions = 0, number = 1, last_version = 0;
  std::string model;
  bool ended = false;
  while (std::getline(in, text)) {
    const std::string where = path + ":" + std::to_string(++number);
    if (ended) return Status::InvalidArgument(where + ": nothing may follow the end line");
    ASSIGN_OR_RETURN(ParsedLine line, Parse(text, where));
    switch (line.kind) {
      case ParsedLine::Kind::kHeader:
        return Status::InvalidArgument(where + ": a second header");
      case ParsedLine::Kind::kModel: {
        ASSIGN_OR_RETURN(RegisteredModel m, ReadRegisteredModel(*line.body, where));
        model = m.name;
        last_version = 0;
        ++models;
        break;
      }
      case ParsedLine::Kind::kVersion: {
        ASSIGN_OR_RETURN(VersionSnapshot v, ReadModelVersion(*line.body, where));
        if (model.empty() || v.version.name != model) {
          return Status::InvalidArgument(where + ": a version of '" + v.version.name +
                                         "' that does not follow its registered_model line");
        }
        if (v.version.version <= last_version) {
          return Status::InvalidArgument(where + ": versions must ascend");
        }
        last_version = v.version.version;
        ++versions;
        break;
      }
      case ParsedLine::Kind::kEnd:
        if (Count(*line.body, "registered_models") != models ||
            Count(*line.body, "model_versions") != versions) {
          return Status::InvalidArgument(where +
                                         ": the end line counts other models or "
                                         "versions than the file holds");
        }
        ended = true;
        break;
    }
  }
  if (!ended) {
    return Status::InvalidArgument(path +
                                   ": the file ends without its end line: it is "
                                   "incomplete (was it cut short?)");
  }
  return std::make_pair(models, source);
}

}  // namespace

Result<ExportSummary> ExportRegistry(
    RegistrySource& source, const std::string& path, int64_t exported_at,
    const std::function<void(int64_t done, std::optional<int64_t> total)>& progress) {
  const std::string temporary = path + ".tmp";
  std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
  if (!out) return Status::InvalidArgument("cannot write " + temporary);
  out << Line([&](JsonOutput& w) {
    w.StartObject();
    WriteInt64Field(w, "modelwarden_export", kBackupFormatVersion);
    WriteInt64Field(w, "exported_at", exported_at);
    WriteStringField(w, "source", source.Describe());
    w.EndObject();
  });
  ExportSummary summary;
  const std::optional<int64_t> total = source.ModelCount();
  while (true) {
    ASSIGN_OR_RETURN(std::vector<ModelSnapshot> batch, source.Next(500));
    if (batch.empty()) break;
    for (const ModelSnapshot& model : batch) {
      out << Line([&](JsonOutput& w) {
        w.StartObject();
        w.Key("registered_model");
        WriteRegisteredModelObject(w, model.model);
        w.EndObject();
      });
      for (const VersionSnapshot& version : model.versions) {
        out << Line([&](JsonOutput& w) {
          w.StartObject();
          w.Key("model_version");
          WriteModelVersionObject(w, version);
          w.EndObject();
        });
      }
      ++summary.models;
      summary.versions += static_cast<int64_t>(model.versions.size());
      if (progress) progress(summary.models, total);
    }
  }
  out << Line([&](JsonOutput& w) {
    w.StartObject();
    w.Key("end");
    w.StartObject();
    WriteInt64Field(w, "registered_models", summary.models);
    WriteInt64Field(w, "model_versions", summary.versions);
    w.EndObject();
    w.EndObject();
  });
  out.flush();
  out.close();
  if (!out || std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::remove(temporary.c_str());
    return Status::InvalidArgument("cannot write " + path);
  }
  return summary;
}

Result<std::unique_ptr<RegistrySource>> OpenRegistryBackup(const std::string& path) {
  ASSIGN_OR_RETURN(auto checked, CheckBackup(path));
  std::string description = "backup file " + path;
  if (!checked.second.empty()) description += " (exported from " + checked.second + ")";
  auto source = std::make_unique<BackupSource>(path, std::move(description), checked.first);
  RETURN_IF_ERROR(source->Open());
  return std::unique_ptr<RegistrySource>(std::move(source));
}

}  // namespace modelwarden
