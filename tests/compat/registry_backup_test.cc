// The backup file of `modelwarden export` / `import --from-file`: every stored field round-trips
// exactly, and a damaged or cut-short file is refused whole, naming its line.

#include "compat/importer/registry_backup.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace modelwarden {
namespace {

using ::testing::HasSubstr;

class ListSource final : public RegistrySource {
 public:
  explicit ListSource(std::vector<ModelSnapshot> models) : models_(std::move(models)) {}
  std::string Describe() const override { return "a list"; }
  std::optional<int64_t> ModelCount() const override {
    return static_cast<int64_t>(models_.size());
  }
  Result<std::vector<ModelSnapshot>> Next(size_t max) override {
    std::vector<ModelSnapshot> batch;
    while (next_ < models_.size() && batch.size() < max) batch.push_back(models_[next_++]);
    return batch;
  }

 private:
  std::vector<ModelSnapshot> models_;
  size_t next_ = 0;
};

// Every field set, in every form it can take: absent and empty descriptions, run ids and
// links, a deleted version, text that needs escaping.
std::vector<ModelSnapshot> Models() {
  ModelSnapshot a;
  a.model.name = "fraud \"detector\", v2\n\xC3\xA9";
  a.model.creation_timestamp = 1;
  a.model.last_updated_timestamp = 1700000000123;
  a.model.description = "line one\nline two \\ \t";
  a.model.tags = {{"team", "fraud"}, {"empty", ""}};
  a.model.aliases = {{"champion", 3}};
  for (int64_t n : {1, 2, 3}) {
    VersionSnapshot v;
    v.version.name = a.model.name;
    v.version.version = n;
    v.version.creation_timestamp = 10 * n;
    v.version.last_updated_timestamp = 10 * n + 1;
    v.version.source = "s3://b/" + std::to_string(n);
    a.versions.push_back(v);
  }
  a.versions[0].version.description = "";
  a.versions[0].version.run_id = "";
  a.versions[0].version.run_link = "";
  a.versions[0].version.current_stage = Stage::kArchived;
  a.versions[1].deleted = true;
  a.versions[1].version.run_id = std::string(kRedactedRunId);
  a.versions[2].version.user_id = "alice";
  a.versions[2].version.current_stage = Stage::kProduction;
  a.versions[2].version.storage_location = "s3://artifacts/x";
  a.versions[2].version.status = VersionStatus::kPendingRegistration;
  a.versions[2].version.status_message = "waiting";
  a.versions[2].version.tags = {{"metrics.auc", "0.9"}};
  ModelSnapshot empty;
  empty.model.name = "no versions";
  return {a, empty};
}

std::vector<std::string> Lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

void WriteLines(const std::string& path, const std::vector<std::string>& lines) {
  std::ofstream out(path);
  for (const std::string& line : lines) out << line << "\n";
}

class RegistryBackupTest : public ::testing::Test {
 protected:
  std::string Path(const std::string& name) {
    const std::string path = ::testing::TempDir() + "modelwarden_backup_" +
                             ::testing::UnitTest::GetInstance()->current_test_info()->name() + "_" +
                             name;
    paths_.push_back(path);
    return path;
  }
  ~RegistryBackupTest() override {
    for (const std::string& path : paths_) std::remove(path.c_str());
  }

  std::vector<ModelSnapshot> ReadBack(const std::string& path) {
    auto source = OpenRegistryBackup(path);
    EXPECT_TRUE(source.ok()) << source.status().ToString();
    std::vector<ModelSnapshot> models;
    if (!source.ok()) return models;
    while (true) {
      auto batch = (*source)->Next(1);
      EXPECT_TRUE(batch.ok()) << batch.status().ToString();
      if (!batch.ok() || batch->empty()) break;
      models.insert(models.end(), batch->begin(), batch->end());
    }
    return models;
  }

  std::vector<std::string> paths_;
};

TEST_F(RegistryBackupTest, EveryFieldRoundTripsExactly) {
  const std::string path = Path("a.jsonl");
  ListSource source(Models());
  auto written = ExportRegistry(source, path, 1767225600000, nullptr);
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_EQ(written->models, 2);
  EXPECT_EQ(written->versions, 3);
  const std::vector<std::string> lines = Lines(path);
  ASSERT_EQ(lines.size(), 1u + 2 + 3 + 1);
  EXPECT_EQ(lines[0], R"({"modelwarden_export":1,"exported_at":1767225600000,"source":"a list"})");
  EXPECT_THAT(lines[3], HasSubstr(R"("current_stage":"Deleted_Internal")"));
  EXPECT_EQ(lines.back(), R"({"end":{"registered_models":2,"model_versions":3}})");

  const std::vector<ModelSnapshot> read = ReadBack(path);
  const std::vector<ModelSnapshot> expected = Models();
  ASSERT_EQ(read.size(), expected.size());
  for (size_t i = 0; i < read.size(); ++i) {
    EXPECT_TRUE(SameModelFields(read[i].model, expected[i].model));
    EXPECT_EQ(read[i].model.tags, expected[i].model.tags);  // In order, too.
    ASSERT_EQ(read[i].versions.size(), expected[i].versions.size());
    for (size_t v = 0; v < read[i].versions.size(); ++v) {
      EXPECT_TRUE(SameVersion(read[i].versions[v], expected[i].versions[v])) << v;
    }
  }
  EXPECT_FALSE(read[0].versions[1].version.description.has_value());
  EXPECT_EQ(read[0].versions[0].version.description, "");

  // What was read writes the same lines again.
  const std::string again = Path("b.jsonl");
  ListSource copy(read);
  ASSERT_TRUE(ExportRegistry(copy, again, 1767225600000, nullptr).ok());
  EXPECT_EQ(Lines(again), lines);
}

TEST_F(RegistryBackupTest, DamagedFilesAreRefusedWholeNamingTheLine) {
  const std::string path = Path("good.jsonl");
  ListSource source(Models());
  ASSERT_TRUE(ExportRegistry(source, path, 1, nullptr).ok());
  const std::vector<std::string> good = Lines(path);

  struct Case {
    std::string what;
    std::vector<std::string> lines;
    std::string message;
  };
  std::vector<std::string> cut(good.begin(), good.end() - 1);
  std::vector<std::string> cut_midline = cut;
  cut_midline.back().resize(cut_midline.back().size() / 2);
  std::vector<std::string> orphan = good;
  std::swap(orphan[1], orphan[2]);  // A version before its model.
  std::vector<std::string> descending = good;
  std::swap(descending[2], descending[4]);
  std::vector<std::string> newer = good;
  newer[0] = R"({"modelwarden_export":2,"exported_at":1,"source":"x"})";
  std::vector<std::string> miscounted = good;
  miscounted.back() = R"({"end":{"registered_models":3,"model_versions":3}})";
  std::vector<std::string> bad_stage = good;
  bad_stage[2].replace(bad_stage[2].find("Archived"), 8, "Retired!");
  std::vector<std::string> after_end = good;
  after_end.push_back(good[1]);
  const std::vector<Case> cases = {
      {"cut at a line end", cut, "ends without its end line"},
      {"cut inside a line", cut_midline, ":6: expected a JSON object"},
      {"orphan version", orphan, ":2: a version"},
      {"versions out of order", descending, "versions must ascend"},
      {"newer format", newer, "format version 2"},
      {"miscounted", miscounted, "counts other models"},
      {"bad stage", bad_stage, "current_stage: expected None, Staging, Production or Archived"},
      {"after the end", after_end, "nothing may follow the end line"},
      {"not a backup", {R"({"registered_models": []})"}, ":1: expected the header"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    const std::string damaged = Path("damaged.jsonl");
    WriteLines(damaged, c.lines);
    auto opened = OpenRegistryBackup(damaged);
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.status().code(), ErrorCode::kInvalidParameterValue);
    EXPECT_THAT(opened.status().message(), HasSubstr(c.message));
  }
  EXPECT_EQ(OpenRegistryBackup(Path("missing.jsonl")).status().code(),
            ErrorCode::kResourceDoesNotExist);
}

// The file at the path is complete or absent: a failed export leaves the previous one.
TEST_F(RegistryBackupTest, AFailedExportLeavesNoPartialFile) {
  class Failing final : public RegistrySource {
   public:
    std::string Describe() const override { return "failing"; }
    std::optional<int64_t> ModelCount() const override { return std::nullopt; }
    Result<std::vector<ModelSnapshot>> Next(size_t) override {
      if (calls_++ == 0) return Models();
      return Status::Unavailable("gone");
    }

   private:
    int calls_ = 0;
  };
  const std::string path = Path("previous.jsonl");
  WriteLines(path, {"previous"});
  Failing failing;
  EXPECT_EQ(ExportRegistry(failing, path, 1, nullptr).status().code(),
            ErrorCode::kTemporarilyUnavailable);
  EXPECT_EQ(Lines(path), std::vector<std::string>{"previous"});
}

}  // namespace
}  // namespace modelwarden
