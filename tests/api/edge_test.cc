// The HTTP edge against the real server: idle and slowloris connections do not starve a normal
// client, pipelined requests are answered in order, the connection cap answers 503, a GET takes
// its fields from a JSON body, HEAD and OPTIONS are answered as MLflow's Flask app answers
// them, and SIGTERM under load loses no acknowledged write. Every wait is bounded.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <map>
#include <random>
#include <thread>

#include "tests/api/api_test.h"
#include "tests/api/raw_connection.h"

namespace modelwarden::testing {
namespace {

using Clock = std::chrono::steady_clock;

class EdgeTest : public ApiTest {
 protected:
  std::vector<std::string> ExtraServerArgs() const override {
    return {"--header-timeout-ms", "1500", "--idle-timeout-ms", "30000",
            "--max-connections",   "1000"};
  }

  // Milliseconds a fresh client takes for one get and one search, both expected to succeed.
  std::pair<double, double> TimeGetAndSearch() {
    ApiClient client(server().port());
    const auto started = Clock::now();
    EXPECT_TRUE(IsOkJson(client.Get("/registered-models/get", {{"name", "seed"}})));
    const auto got = Clock::now();
    EXPECT_TRUE(IsOkJson(client.Get("/registered-models/search", {{"filter", "name LIKE 's%'"}})));
    const auto searched = Clock::now();
    using Ms = std::chrono::duration<double, std::milli>;
    return {Ms(got - started).count(), Ms(searched - got).count()};
  }
};

// 300 idle keep-alive connections and 50 slowloris ones (a head byte every 200 ms) are more than
// the 8 workers the server has; a normal client is still answered at once, and the slow heads
// are cut off after --header-timeout-ms.
TEST_P(EdgeTest, IdleAndSlowlorisConnectionsDoNotStarveANormalClient) {
  CreateModel("seed");
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 300; ++i) {
    idle.push_back(std::make_unique<RawConnection>(server().port()));
    ASSERT_TRUE(idle.back()->ok());
    if (i % 3 == 0) {  // A third of them after one request, as a client pool leaves them.
      ASSERT_TRUE(idle.back()->Send(RawGet("/health")));
      ASSERT_EQ(idle.back()->Read(std::chrono::seconds(10)).status, 200);
    }
  }
  std::vector<std::unique_ptr<RawConnection>> slow;
  for (int i = 0; i < 50; ++i) {
    slow.push_back(std::make_unique<RawConnection>(server().port()));
    ASSERT_TRUE(slow.back()->ok());
  }
  const std::string slow_head = RawGet("/api/2.0/mlflow/registered-models/get?name=seed");
  std::atomic<bool> stop{false};
  std::thread trickle([&] {
    for (size_t byte = 0; byte < slow_head.size() && !stop; ++byte) {
      for (auto& connection : slow) connection->Send(slow_head.substr(byte, 1));
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  for (int round = 0; round < 5; ++round) {
    const auto [get_ms, search_ms] = TimeGetAndSearch();
    // The targets are milliseconds; a starved client waited seconds (a worker per connection).
    EXPECT_LT(get_ms, 1000.0) << "round " << round;
    EXPECT_LT(search_ms, 1000.0) << "round " << round;
  }
  // The slow heads take 200 ms a byte: the 1.5 s header timeout closes them.
  for (auto& connection : slow) EXPECT_TRUE(connection->ClosedWithin(std::chrono::seconds(10)));
  stop = true;
  trickle.join();
  // The idle ones are still open and usable.
  for (size_t i = 0; i < idle.size(); i += 50) {
    ASSERT_TRUE(idle[i]->Send(RawGet("/health")));
    EXPECT_EQ(idle[i]->Read(std::chrono::seconds(10)).status, 200) << "idle connection " << i;
  }
}

TEST_P(EdgeTest, PipelinedRequestsAreAnsweredInOrder) {
  CreateModel("first");
  CreateModel("second");
  RawConnection connection(server().port());
  ASSERT_TRUE(connection.ok());
  // Five requests in one write: reads, an unknown path, and a write between them.
  ASSERT_TRUE(connection.Send(
      RawGet("/api/2.0/mlflow/registered-models/get?name=first") +
      RawPost("/api/2.0/mlflow/registered-models/create", R"({"name":"third"})") +
      RawGet("/api/2.0/mlflow/nope") + RawGet("/api/2.0/mlflow/registered-models/get?name=second") +
      RawGet("/api/2.0/mlflow/registered-models/get?name=third")));
  const std::vector<std::pair<int, std::string>> expected = {
      {200, "first"}, {200, "third"}, {404, ""}, {200, "second"}, {200, "third"}};
  for (const auto& [status, name] : expected) {
    const ApiResponse response = connection.Read(std::chrono::seconds(30));
    ASSERT_EQ(response.status, status) << response.Describe();
    if (!name.empty()) {
      EXPECT_EQ(response.StringAt("/registered_model/name"), name);
    }
  }
}

TEST_P(EdgeTest, GetTakesItsFieldsFromAJsonBodyWithoutAQueryString) {
  CreateModel("from-body");
  RawConnection connection(server().port());
  const std::string body = R"({"name":"from-body"})";
  ASSERT_TRUE(
      connection.Send("GET /api/2.0/mlflow/registered-models/get HTTP/1.1\r\n"
                      "Host: x\r\nContent-Type: application/json\r\nContent-Length: " +
                      std::to_string(body.size()) + "\r\n\r\n" + body));
  ApiResponse response = connection.Read(std::chrono::seconds(30));
  ASSERT_EQ(response.status, 200) << response.Describe();
  EXPECT_EQ(response.StringAt("/registered_model/name"), "from-body");
  // With a query string the query wins and the body is not read as fields (but is consumed:
  // the next request on the connection is answered).
  const std::string other = R"({"name":"nope"})";
  ASSERT_TRUE(
      connection.Send("GET /api/2.0/mlflow/registered-models/get?name=from-body "
                      "HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                      std::to_string(other.size()) + "\r\n\r\n" + other + RawGet("/health")));
  response = connection.Read(std::chrono::seconds(30));
  EXPECT_EQ(response.StringAt("/registered_model/name"), "from-body") << response.Describe();
  EXPECT_EQ(connection.Read(std::chrono::seconds(30)).status, 200);
}

// MLflow (Flask) runs the GET view for HEAD with the fields read from the (empty) body, so a
// get by query string is a 400 there too; the answer's head comes with its length, no body.
TEST_P(EdgeTest, HeadAndOptionsAreAnsweredAsMlflowAnswersThem) {
  CreateModel("headed");
  RawConnection connection(server().port());
  ASSERT_TRUE(
      connection.Send("HEAD /api/2.0/mlflow/registered-models/get?name=headed HTTP/1.1\r\n"
                      "Host: x\r\n\r\n" +
                      RawGet("/api/2.0/mlflow/registered-models/get?name=headed")));
  const ApiResponse head = connection.Read(std::chrono::seconds(30), /*head_only=*/true);
  EXPECT_EQ(head.status, 400);
  EXPECT_TRUE(head.body.empty());
  ASSERT_TRUE(head.Header("content-length").has_value());
  const ApiResponse get = connection.Read(std::chrono::seconds(30));  // Not mistaken for a body.
  EXPECT_EQ(get.StringAt("/registered_model/name"), "headed") << get.Describe();
  ASSERT_TRUE(connection.Send("HEAD /health HTTP/1.1\r\nHost: x\r\n\r\n"));
  const ApiResponse health = connection.Read(std::chrono::seconds(30), true);
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.Header("content-length"), "2");

  const ApiResponse options =
      api().Send("OPTIONS", "/api/2.0/mlflow/registered-models/get", "", "");
  EXPECT_EQ(options.status, 204);
  EXPECT_EQ(options.Header("Allow"), "GET, HEAD, OPTIONS");
  const ApiResponse wrong =
      api().Send("PUT", "/api/2.0/mlflow/registered-models/create", "{}", "application/json");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.Header("Allow"), "OPTIONS, POST");
}

TEST_P(EdgeTest, OversizedAndMalformedHeadsGetAnErrorAndTheServerGoesOn) {
  RawConnection huge(server().port());
  ASSERT_TRUE(huge.Send("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(100000, 'a') +
                        "\r\n\r\n"));
  EXPECT_TRUE(IsMlflowError(huge.Read(std::chrono::seconds(30)), 431, "INVALID_PARAMETER_VALUE"));
  for (const std::string& request :
       {std::string("GARBAGE\r\n\r\n"), std::string("GET /health HTTP/9.9\r\n\r\n"),
        std::string("POST /api/2.0/mlflow/registered-models/create HTTP/1.1\r\nHost: x\r\n"
                    "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"),
        std::string("POST /api/2.0/mlflow/registered-models/create HTTP/1.1\r\nHost: x\r\n"
                    "Transfer-Encoding: gzip\r\n\r\n")}) {
    RawConnection connection(server().port());
    ASSERT_TRUE(connection.Send(request));
    const ApiResponse response = connection.Read(std::chrono::seconds(30));
    EXPECT_TRUE(response.status == 400 || response.status == 501) << request;
    EXPECT_TRUE(response.json != nullptr && response.StringAt("/error_code").has_value())
        << request << ": " << response.Describe();
    EXPECT_TRUE(connection.ClosedWithin(std::chrono::seconds(10))) << request;
  }
  EXPECT_EQ(api().Send("GET", "/health", "", "").status, 200);
}

// A body announced over the limit is refused from its head: the client that waits for 100
// Continue gets the 413 instead and uploads nothing; nothing is written.
TEST_P(EdgeTest, OversizedBodiesAreRefusedFromTheirHeadWithAnMlflowError) {
  for (const std::string& expect : {std::string(""), std::string("Expect: 100-continue\r\n")}) {
    RawConnection connection(server().port());
    ASSERT_TRUE(
        connection.Send("POST /api/2.0/mlflow/registered-models/create HTTP/1.1\r\nHost: x\r\n"
                        "Content-Type: application/json\r\nContent-Length: 1073741824\r\n" +
                        expect + "\r\n"));
    const ApiResponse refused = connection.Read(std::chrono::seconds(30));
    EXPECT_TRUE(IsMlflowError(refused, 413, "INVALID_PARAMETER_VALUE")) << refused.Describe();
    EXPECT_TRUE(connection.ClosedWithin(std::chrono::seconds(10)));
  }
  const ApiResponse search = api().Get("/registered-models/search");
  ASSERT_TRUE(IsOkJson(search));
  EXPECT_EQ(search.At("/registered_models"), nullptr) << search.body;
}

// A body that stops coming is cut off like a slow head, and holds no worker meanwhile: the
// registry answers other clients while 20 such uploads hang.
TEST_P(EdgeTest, StalledBodiesAreCutOffAndHoldNoWorker) {
  std::vector<std::unique_ptr<RawConnection>> stalled;
  for (int i = 0; i < 20; ++i) {
    stalled.push_back(std::make_unique<RawConnection>(server().port()));
    ASSERT_TRUE(stalled.back()->Send(
        "POST /api/2.0/mlflow/registered-models/create HTTP/1.1\r\nHost: x\r\n"
        "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"name\":"));
  }
  CreateModel("still-served");
  EXPECT_TRUE(IsOkJson(api().Get("/registered-models/get", {{"name", "still-served"}})));
  // --header-timeout-ms 1500: a body with no byte for that long is abandoned, unanswered.
  for (auto& connection : stalled) {
    EXPECT_TRUE(connection->ClosedWithin(std::chrono::seconds(10)));
  }
  const ApiResponse search = api().Get("/registered-models/search");
  ASSERT_TRUE(IsOkJson(search));
  ASSERT_NE(search.At("/registered_models"), nullptr) << search.body;
  EXPECT_EQ(search.At("/registered_models")->GetArray().Size(), 1u) << search.body;
}

// Many requests in one write, more than there are workers: answered in the order sent.
TEST_P(EdgeTest, ManyPipelinedRequestsAreAnsweredInOrder) {
  for (const char* name : {"m0", "m1", "m2"}) CreateModel(name);
  constexpr int kRequests = 200;
  std::string batch;
  for (int i = 0; i < kRequests; ++i) {
    batch += RawGet("/api/2.0/mlflow/registered-models/get?name=m" + std::to_string(i % 3));
  }
  RawConnection connection(server().port());
  ASSERT_TRUE(connection.Send(batch));
  for (int i = 0; i < kRequests; ++i) {
    const ApiResponse response = connection.Read(std::chrono::seconds(30));
    ASSERT_EQ(response.status, 200) << "response " << i << ": " << response.Describe();
    ASSERT_EQ(response.StringAt("/registered_model/name"), "m" + std::to_string(i % 3))
        << "response " << i;
  }
}

// Requests mutated at random (fixed seed, bounded count): each gets an answer or a closed
// connection, never a hang; the server stays up and keeps answering.
TEST_P(EdgeTest, MutatedRequestsNeverHangOrStopTheServer) {
  CreateModel("seed");
  const std::string body = R"({"name":"fuzzed","description":"d"})";
  const std::vector<std::string> corpus = {
      RawGet("/api/2.0/mlflow/registered-models/get?name=seed"),
      RawPost("/api/2.0/mlflow/registered-models/create", body),
      RawPost("/api/2.0/mlflow/registered-models/search", R"({"max_results":5})"),
      "POST /api/2.0/mlflow/registered-models/create HTTP/1.1\r\nHost: x\r\n"
      "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":\r\n0\r\n\r\n",
      "POST /api/2.0/mlflow/registered-models/create HTTP/1.1\r\nHost: x\r\n"
      "Expect: 100-continue\r\nContent-Length: " +
          std::to_string(body.size()) + "\r\n\r\n" + body,
      "HEAD /api/2.0/mlflow/registered-models/get HTTP/1.1\r\nHost: x\r\n\r\n",
      "OPTIONS /api/2.0/mlflow/registered-models/get HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /api/2.0/mlflow/registered-models/get HTTP/1.0\r\nContent-Length: 15\r\n\r\n"
      "{\"name\":\"seed\"}",
  };
  const std::vector<std::string> inserts = {"\r",
                                            "\n",
                                            std::string(1, '\0'),
                                            " ",
                                            ":",
                                            "%",
                                            "\xff",
                                            "-1",
                                            "99999999999999999999",
                                            "\r\n\r\n",
                                            "Content-Length: 3\r\n",
                                            "Transfer-Encoding: x\r\n"};
  std::mt19937 rng(20261207);
  const auto below = [&rng](size_t n) {
    return n == 0 ? 0 : std::uniform_int_distribution<size_t>(0, n - 1)(rng);
  };
  for (int i = 0; i < 400; ++i) {
    std::string request = corpus[below(corpus.size())];
    for (size_t m = 0, count = 1 + below(3); m < count; ++m) {
      const size_t at = below(request.size() + 1);
      switch (below(4)) {
        case 0:
          if (at < request.size()) request[at] = static_cast<char>(below(256));
          break;
        case 1:
          request.resize(at);
          break;
        case 2:
          request.insert(at, inserts[below(inserts.size())]);
          break;
        default: {  // A slice repeated, up to past the head limit.
          const size_t length = 1 + below(std::min<size_t>(64, request.size() - at + 1));
          const std::string slice = request.substr(at, length);
          std::string repeated;
          for (size_t r = 0, times = 1 + below(2000); r < times; ++r) repeated += slice;
          request.insert(at, repeated);
        }
      }
    }
    RawConnection connection(server().port());
    ASSERT_TRUE(connection.ok()) << "request " << i;
    connection.Send(request);  // The server may close before all of it is sent.
    connection.FinishSending();
    const ApiResponse response = connection.Read(std::chrono::seconds(10));
    if (response.status != 0) {
      EXPECT_TRUE(response.status >= 100 && response.status < 600) << "request " << i;
    }
    ASSERT_TRUE(connection.ClosedWithin(std::chrono::seconds(10)))
        << "request " << i << " hung: " << request.substr(0, 200);
  }
  ASSERT_TRUE(server().IsRunning());
  EXPECT_TRUE(IsOkJson(api().Get("/registered-models/get", {{"name", "seed"}})));
  EXPECT_EQ(server().ReadLog(64 << 20).find("unhandled"), std::string::npos);
}

TEST_P(EdgeTest, IdleKeepAliveConnectionsAreClosedAfterTheIdleTimeout) {
  // This server's idle timeout is 30 s; another one with 300 ms shows the timer at work.
  ServerProcess& quick = AddServer({"--idle-timeout-ms", "300"});
  ASSERT_TRUE(quick.Start());
  RawConnection connection(quick.port());
  ASSERT_TRUE(connection.Send(RawGet("/health")));
  ASSERT_EQ(connection.Read(std::chrono::seconds(10)).status, 200);
  EXPECT_TRUE(connection.ClosedWithin(std::chrono::seconds(10)));
}

MODELWARDEN_INSTANTIATE_API_TESTS(EdgeTest);

class ConnectionCapTest : public ApiTest {
 protected:
  std::vector<std::string> ExtraServerArgs() const override { return {"--max-connections", "20"}; }
};

TEST_P(ConnectionCapTest, ConnectionsOverTheCapAreAnswered503AndClosed) {
  std::vector<std::unique_ptr<RawConnection>> held;
  for (int i = 0; i < 20; ++i) {
    held.push_back(std::make_unique<RawConnection>(server().port()));
    ASSERT_TRUE(held.back()->Send(RawGet("/health")));
    ASSERT_EQ(held.back()->Read(std::chrono::seconds(10)).status, 200) << "connection " << i;
  }
  RawConnection over(server().port());
  ASSERT_TRUE(over.ok());
  const ApiResponse refused = over.Read(std::chrono::seconds(10));
  EXPECT_TRUE(IsMlflowError(refused, 503, "TEMPORARILY_UNAVAILABLE")) << refused.Describe();
  EXPECT_TRUE(over.ClosedWithin(std::chrono::seconds(10)));
  // One of the held ones goes away: there is room again.
  held.pop_back();
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  int status = 0;
  while (status != 200 && Clock::now() < deadline) {
    status = api().Send("GET", "/health", "", "").status;
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(status, 200);
}

MODELWARDEN_INSTANTIATE_API_TESTS(ConnectionCapTest);

class ShutdownTest : public ApiTest {};

// SIGTERM while eight clients create versions: the server stops accepting, answers what is in
// progress, and exits within 10 s; every version a client got 200 for is there after a restart.
TEST_P(ShutdownTest, SigtermDuringLoadLosesNoAcknowledgedWrite) {
  CreateModel("draining");
  constexpr int kThreads = 8;
  std::vector<std::map<std::string, std::string>> acked(kThreads);  // version -> source
  std::atomic<int> answered{0};
  std::vector<std::thread> threads;
  const int port = server().port();
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      ApiClient client(port);
      for (int i = 0; i < 2000; ++i) {
        const std::string source = "s3://drain/" + std::to_string(t) + "/" + std::to_string(i);
        const CreateOutcome outcome = CreateVersionThrough(client, "draining", source);
        if (outcome.status == 0) break;  // Refused or closed: the server is going.
        if (outcome.status == 200) acked[t][outcome.version] = source;
        ++answered;
      }
    });
  }
  const auto load_deadline = Clock::now() + std::chrono::seconds(30);
  while (answered < 100 && Clock::now() < load_deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_GE(answered, 100);
  const auto signalled = Clock::now();
  kill(server().pid(), SIGTERM);
  while (server().IsRunning() && Clock::now() - signalled < std::chrono::seconds(15)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const double exit_seconds = std::chrono::duration<double>(Clock::now() - signalled).count();
  EXPECT_FALSE(server().IsRunning());
  EXPECT_LT(exit_seconds, 10.0);
  for (std::thread& thread : threads) thread.join();

  ASSERT_TRUE(server().Start());
  size_t total = 0;
  for (const auto& thread_acked : acked) {
    for (const auto& [version, source] : thread_acked) {
      const ApiResponse found =
          api().Get("/model-versions/get", {{"name", "draining"}, {"version", version}});
      ASSERT_TRUE(IsOkJson(found)) << "acknowledged version " << version << " is gone";
      EXPECT_EQ(found.StringAt("/model_version/source"), source);
      ++total;
    }
  }
  EXPECT_GE(total, 100u);
  EXPECT_NE(server().ReadLog(64 << 20).find("stopping"), std::string::npos);
}

MODELWARDEN_INSTANTIATE_API_TESTS(ShutdownTest);

}  // namespace
}  // namespace modelwarden::testing
