// Concurrent clients over HTTP against one server: version numbers of one model must come
// out 1..N, each exactly once, whatever the interleaving.

#include <gmock/gmock.h>

#include <map>
#include <thread>

#include "tests/api/api_test.h"

namespace modelwarden::testing {
namespace {

class ConcurrencyTest : public ApiTest {};

TEST_P(ConcurrencyTest, EightClientsCreatingVersionsOfOneModelGetOneToTwoHundredExactlyOnce) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 25;
  CreateModel("contended");

  StartGate gate;
  std::vector<std::vector<CreateOutcome>> outcomes(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      ApiClient client(server().port());  // Its own keep-alive connection.
      gate.Wait();
      for (int i = 0; i < kPerThread; ++i) {
        const std::string writer = std::to_string(t) + "-" + std::to_string(i);
        outcomes[t].push_back(CreateVersionThrough(
            client, "contended", "s3://models/contended/" + writer, {{"writer", writer}}));
      }
    });
  }
  gate.Open();
  for (std::thread& thread : threads) thread.join();

  // Version number -> the source of the request that was answered with it.
  std::map<int, std::string> answered;
  for (const auto& thread_outcomes : outcomes) {
    for (const CreateOutcome& outcome : thread_outcomes) {
      EXPECT_EQ(outcome.status, 200) << outcome.source << ": " << outcome.detail;
      if (outcome.status != 200) continue;
      const int version = std::stoi(outcome.version);
      EXPECT_TRUE(answered.emplace(version, outcome.source).second)
          << "version " << version << " was handed out twice";
    }
  }
  ASSERT_EQ(answered.size(), static_cast<size_t>(kThreads * kPerThread));
  EXPECT_EQ(answered.begin()->first, 1);
  EXPECT_EQ(answered.rbegin()->first, kThreads * kPerThread) << "numbers have gaps";

  // The server stored each number with the request it answered it to.
  const ApiResponse stored = api().Get("/model-versions/search",
                                       {{"filter", "name = 'contended'"}, {"max_results", "1000"}});
  ASSERT_TRUE(IsOkJson(stored));
  const rapidjson::Value* versions = stored.At("/model_versions");
  ASSERT_NE(versions, nullptr);
  ASSERT_EQ(versions->Size(), static_cast<rapidjson::SizeType>(kThreads * kPerThread));
  for (const auto& version : versions->GetArray()) {
    const int number = std::stoi(version["version"].GetString());
    EXPECT_EQ(answered[number], version["source"].GetString()) << "version " << number;
  }
}

MODELWARDEN_INSTANTIATE_API_TESTS(ConcurrencyTest);

}  // namespace
}  // namespace modelwarden::testing
