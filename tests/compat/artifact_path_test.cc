#include "compat/artifacts/artifact_path.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace modelwarden {
namespace {

TEST(ArtifactPathTest, PathsInsideTheVersionAreKeptDecoded) {
  EXPECT_EQ(*SafeArtifactPath("MLmodel"), "MLmodel");
  EXPECT_EQ(*SafeArtifactPath("sub dir/w\xc3\xa9.bin"), "sub dir/w\xc3\xa9.bin");
  EXPECT_EQ(*SafeArtifactPath("a%20b"), "a b");
  EXPECT_EQ(*SafeArtifactPath("a..b/..c"), "a..b/..c");
}

TEST(ArtifactPathTest, PathsThatLeaveTheVersionAreInvalid) {
  for (const std::string& path :
       std::vector<std::string>{"", "../x", "a/../../x", "/etc/passwd", "a//b", "a/", "a#b",
                                "a%23b", "%2E%2E/x", "%252E%252E/x", "a\\b", "C:x", "c:/x",
                                std::string("a\0b", 3), "a\nb", "a\x7f", "%2Fetc/passwd"}) {
    Result<std::string> checked = SafeArtifactPath(path);
    ASSERT_FALSE(checked.ok()) << path;
    EXPECT_EQ(checked.status().code(), ErrorCode::kInvalidParameterValue) << path;
    EXPECT_EQ(checked.status().message(), "Invalid path") << path;
  }
}

TEST(ArtifactPathTest, EndlessEncodingIsInvalid) {
  // "%2E" encoded again and again: MLflow decodes ten times, then gives up.
  std::string path = "%2E";
  for (int i = 0; i < 12; ++i) path = "%25" + path.substr(1);
  EXPECT_FALSE(SafeArtifactPath(path).ok()) << path;
  path = "%2E";
  for (int i = 0; i < 3; ++i) path = "%25" + path.substr(1);
  EXPECT_EQ(*SafeArtifactPath(path), ".") << path;
}

TEST(ArtifactPathTest, MimeTypesAsMlflowGuessesThem) {
  EXPECT_EQ(MimeTypeOf("MLmodel"), "text/plain");
  EXPECT_EQ(MimeTypeOf("conda.yaml"), "text/plain");
  EXPECT_EQ(MimeTypeOf("requirements.txt"), "text/plain");
  EXPECT_EQ(MimeTypeOf("input_example.json"), "text/plain");
  EXPECT_EQ(MimeTypeOf("plot.png"), "image/png");
  EXPECT_EQ(MimeTypeOf("model.pkl"), "application/octet-stream");
  EXPECT_EQ(MimeTypeOf("noextension"), "application/octet-stream");
}

}  // namespace
}  // namespace modelwarden
