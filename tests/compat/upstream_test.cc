#include "compat/tracker/upstream.h"

#include <gtest/gtest.h>

namespace modelwarden {
namespace {

TEST(UpstreamPoolTest, ParsesCredentialsAndBasePath) {
  UpstreamOptions options;
  options.url = "http://svc:p%40ss@tracker:5001/mlflow/";
  Result<std::unique_ptr<UpstreamPool>> pool = UpstreamPool::Create(options);
  ASSERT_TRUE(pool.ok()) << pool.status().ToString();
  EXPECT_EQ((*pool)->user(), "svc");
  EXPECT_EQ((*pool)->password(), "p@ss");
  EXPECT_EQ((*pool)->base_path(), "/mlflow");
  EXPECT_EQ((*pool)->display(), "http://tracker:5001/mlflow");
}

// The error goes to the server's log and the terminal: the URL's password must not.
TEST(UpstreamPoolTest, ErrorsDoNotRepeatThePassword) {
  for (const char* url : {"http://svc:s3cret@tracker:5000/x?y=1", "http://svc:s3cret@tracker:99999",
                          "http://svc:s3cret@tracker:5000#f", "http://svc:s3/cret@tracker:5000"}) {
    SCOPED_TRACE(url);
    UpstreamOptions options;
    options.url = url;
    Result<std::unique_ptr<UpstreamPool>> pool = UpstreamPool::Create(options);
    ASSERT_EQ(pool.status().code(), ErrorCode::kInvalidParameterValue);
    EXPECT_EQ(pool.status().message().find("cret"), std::string::npos) << pool.status().message();
  }
}

}  // namespace
}  // namespace modelwarden
