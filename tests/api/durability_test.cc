// A write answered 200 is durable: `kill -9` of the server right after the answer, then a new
// server on the same store, finds every acknowledged version with its tags.

#include <gmock/gmock.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "tests/api/api_test.h"

namespace modelwarden::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

class DurabilityTest : public ApiTest {
 protected:
  // Every live version number of `model`, ascending.
  std::vector<int> VersionNumbers(const std::string& model) {
    std::vector<int> numbers;
    const ApiResponse found =
        api().Get("/model-versions/search", {{"filter", "name = '" + model + "'"},
                                             {"order_by", "version_number ASC"},
                                             {"max_results", "10000"}});
    EXPECT_TRUE(IsOkJson(found));
    const rapidjson::Value* versions = found.At("/model_versions");
    if (versions == nullptr) return numbers;
    for (const auto& version : versions->GetArray()) {
      numbers.push_back(std::stoi(version["version"].GetString()));
    }
    return numbers;
  }

  void ExpectStored(const std::string& model, const std::string& version, const std::string& seq) {
    const ApiResponse found =
        api().Get("/model-versions/get", {{"name", model}, {"version", version}});
    ASSERT_TRUE(IsOkJson(found)) << model << " version " << version << " was acknowledged";
    EXPECT_EQ(found.StringAt("/model_version/source"), "s3://models/" + model + "/" + seq);
    EXPECT_THAT(TagsAt(found, "/model_version/tags"), ElementsAre(Pair("seq", seq)));
  }
};

TEST_P(DurabilityTest, EveryAcknowledgedVersionSurvivesKill9AndRestart) {
  constexpr int kVersions = 50;
  CreateModel("durable");
  CreateModel("stream");

  // A second client keeps writing until the server dies, so the kill lands mid-stream.
  std::atomic<bool> stop{false};
  std::map<std::string, std::string> stream_acked;  // version -> seq
  std::vector<std::string> stream_failures;
  const int port = server().port();
  std::thread stream([&] {
    ApiClient client(port);
    for (int i = 1; !stop; ++i) {
      const std::string seq = std::to_string(i);
      const CreateOutcome outcome =
          CreateVersionThrough(client, "stream", "s3://models/stream/" + seq, {{"seq", seq}});
      if (outcome.status == 0) break;  // The server is gone.
      if (outcome.status == 200) {
        stream_acked[outcome.version] = seq;
      } else {
        stream_failures.push_back(outcome.detail);
      }
    }
  });

  std::map<std::string, std::string> acked;  // version -> seq
  for (int i = 1; i <= kVersions; ++i) {
    const std::string seq = std::to_string(i);
    const CreateOutcome outcome =
        CreateVersionThrough(api(), "durable", "s3://models/durable/" + seq, {{"seq", seq}});
    EXPECT_EQ(outcome.status, 200) << outcome.detail;
    if (outcome.status == 200) acked[outcome.version] = seq;
  }
  server().Kill();  // SIGKILL right after the last 200.
  stop = true;
  stream.join();
  EXPECT_THAT(stream_failures, ElementsAre());

  ASSERT_TRUE(server().Start());
  ASSERT_EQ(acked.size(), static_cast<size_t>(kVersions));
  for (const auto& [version, seq] : acked) ExpectStored("durable", version, seq);
  std::vector<int> expected(kVersions);
  for (int i = 0; i < kVersions; ++i) expected[i] = i + 1;
  EXPECT_EQ(VersionNumbers("durable"), expected);

  // The other writer's acknowledged versions are all there too; one more may have committed
  // without its answer arriving, but the numbers stay contiguous.
  for (const auto& [version, seq] : stream_acked) ExpectStored("stream", version, seq);
  const std::vector<int> stream_numbers = VersionNumbers("stream");
  EXPECT_GE(stream_numbers.size(), stream_acked.size());
  for (size_t i = 0; i < stream_numbers.size(); ++i) {
    EXPECT_EQ(stream_numbers[i], static_cast<int>(i + 1));
  }

  // And the restarted server carries on numbering after them.
  EXPECT_EQ(CreateVersion("durable", "s3://models/durable/next"), std::to_string(kVersions + 1));
}

MODELWARDEN_INSTANTIATE_API_TESTS(DurabilityTest);

}  // namespace
}  // namespace modelwarden::testing
