#include "compat/json_writer.h"

#include <gtest/gtest.h>

#include <string>

namespace modelwarden {
namespace {

ModelVersion MinimalVersion() {
  ModelVersion version;
  version.name = "m";
  version.version = 1;
  version.creation_timestamp = 1733400000000;
  version.last_updated_timestamp = 1733400000001;
  version.description = "";
  version.source = "s3://b/p";
  version.run_id = "";
  version.run_link = "";
  return version;
}

constexpr char kMinimalVersionJson[] =
    R"({"name":"m","version":"1","creation_timestamp":1733400000000,)"
    R"("last_updated_timestamp":1733400000001,"current_stage":"None","description":"",)"
    R"("source":"s3://b/p","run_id":"","status":"READY","run_link":""})";

TEST(JsonWriterTest, ModelVersionAsMlflowCreatesIt) {
  EXPECT_EQ(ModelVersionResponse(MinimalVersion()),
            std::string(R"({"model_version":)") + kMinimalVersionJson + "}");
}

TEST(JsonWriterTest, ModelVersionOmitsUnsetOptionalStrings) {
  ModelVersion version = MinimalVersion();
  version.description.reset();
  version.run_id.reset();
  version.run_link.reset();
  EXPECT_EQ(ModelVersionResponse(version),
            R"({"model_version":{"name":"m","version":"1","creation_timestamp":1733400000000,)"
            R"("last_updated_timestamp":1733400000001,"current_stage":"None",)"
            R"("source":"s3://b/p","status":"READY"}})");
}

TEST(JsonWriterTest, ModelVersionWithEverything) {
  ModelVersion version = MinimalVersion();
  version.version = 12;
  version.user_id = "alice";
  version.current_stage = Stage::kProduction;
  version.status_message = "ok";
  version.storage_location = "s3://secret/location";
  version.tags = {{"k", "v"}};
  version.aliases = {"champion", "prod"};
  const std::string json = ModelVersionResponse(version);
  EXPECT_EQ(json,
            R"({"model_version":{"name":"m","version":"12","creation_timestamp":1733400000000,)"
            R"("last_updated_timestamp":1733400000001,"user_id":"alice",)"
            R"("current_stage":"Production","description":"","source":"s3://b/p","run_id":"",)"
            R"("status":"READY","status_message":"ok","tags":[{"key":"k","value":"v"}],)"
            R"("run_link":"","aliases":["champion","prod"]}})");
  EXPECT_EQ(json.find("storage_location"), std::string::npos);
}

TEST(JsonWriterTest, RegisteredModelOmitsEmptyFields) {
  RegisteredModel model;
  model.name = "churn-model";
  model.creation_timestamp = 1796089475401;
  model.last_updated_timestamp = 1796089475401;
  EXPECT_EQ(RegisteredModelResponse(model),
            R"({"registered_model":{"name":"churn-model","creation_timestamp":1796089475401,)"
            R"("last_updated_timestamp":1796089475401}})");
}

TEST(JsonWriterTest, RegisteredModelWithEverything) {
  RegisteredModel model;
  model.name = "m";
  model.creation_timestamp = 1;
  model.last_updated_timestamp = 2;
  model.description = "d";
  ModelVersion latest = MinimalVersion();
  latest.aliases = {"champion"};  // Never written inside latest_versions.
  model.latest_versions = {latest};
  model.tags = {{"team", "risk"}};
  model.aliases = {{"champion", 1}};
  EXPECT_EQ(RegisteredModelResponse(model),
            std::string(R"({"registered_model":{"name":"m","creation_timestamp":1,)"
                        R"("last_updated_timestamp":2,"description":"d","latest_versions":[)") +
                kMinimalVersionJson +
                R"(],"tags":[{"key":"team","value":"risk"}],)"
                R"("aliases":[{"alias":"champion","version":"1"}]}})");
}

TEST(JsonWriterTest, EmptySearchesAreEmptyObjects) {
  EXPECT_EQ(RegisteredModelSearchResponse({}), "{}");
  EXPECT_EQ(ModelVersionSearchResponse({}), "{}");
  EXPECT_EQ(LatestVersionsResponse({}), "{}");
}

TEST(JsonWriterTest, SearchPageTokenOnlyWhenSet) {
  RegisteredModel model;
  model.name = "a";
  model.creation_timestamp = 1;
  model.last_updated_timestamp = 1;
  Page<RegisteredModel> page;
  page.items = {model};
  EXPECT_EQ(RegisteredModelSearchResponse(page),
            R"({"registered_models":[{"name":"a","creation_timestamp":1,)"
            R"("last_updated_timestamp":1}]})");
  page.next_page_token = "eyJvZmZzZXQiOiAyfQ==";
  EXPECT_EQ(RegisteredModelSearchResponse(page),
            R"({"registered_models":[{"name":"a","creation_timestamp":1,)"
            R"("last_updated_timestamp":1}],"next_page_token":"eyJvZmZzZXQiOiAyfQ=="})");
}

TEST(JsonWriterTest, VersionSearchNeverWritesAliases) {
  ModelVersion version = MinimalVersion();
  version.aliases = {"champion"};
  Page<ModelVersion> page;
  page.items = {version};
  page.next_page_token = "t";
  EXPECT_EQ(
      ModelVersionSearchResponse(page),
      std::string(R"({"model_versions":[)") + kMinimalVersionJson + R"(],"next_page_token":"t"})");
}

TEST(JsonWriterTest, LatestVersionsKeepAliases) {
  ModelVersion version = MinimalVersion();
  version.aliases = {"stable"};
  EXPECT_NE(LatestVersionsResponse({version}).find(R"("aliases":["stable"])"), std::string::npos);
}

TEST(JsonWriterTest, DownloadUriAndEmpty) {
  EXPECT_EQ(DownloadUriResponse("s3://models/m/1"), R"({"artifact_uri":"s3://models/m/1"})");
  EXPECT_EQ(EmptyResponse(), "{}");
}

TEST(JsonWriterTest, EscapesAndKeepsUnicode) {
  ModelVersion version = MinimalVersion();
  version.name = "mod\u00e8le \"q\"";
  EXPECT_NE(ModelVersionResponse(version).find("\"name\":\"mod\u00e8le \\\"q\\\"\""),
            std::string::npos);
}

TEST(JsonWriterTest, ReplacesInvalidUtf8) {
  ModelVersion version = MinimalVersion();
  version.name = "bad\xff";
  EXPECT_NE(ModelVersionResponse(version).find("\"name\":\"bad\xEF\xBF\xBD\""), std::string::npos);
}

}  // namespace
}  // namespace modelwarden
