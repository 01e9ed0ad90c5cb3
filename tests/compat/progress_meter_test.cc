#include "compat/importer/progress_meter.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace modelwarden {
namespace {

std::string Contents(FILE* file) {
  std::fflush(file);
  std::rewind(file);
  std::string text;
  char buffer[256];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file)) > 0) text.append(buffer, n);
  return text;
}

// On a terminal: a bar redrawn in place (carriage return, erase line), gone when cleared.
TEST(ProgressMeterTest, DrawsABarInPlaceOnATerminal) {
  FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  ProgressMeter meter("models", out, /*terminal=*/true);
  meter.Update(5, 10);
  const std::string drawn = Contents(out);
  EXPECT_EQ(drawn.rfind("\r\033[K[###############...............] 5/10 models (50%), ", 0), 0u)
      << drawn;
  meter.Clear();
  EXPECT_EQ(Contents(out).substr(drawn.size()), "\r\033[K");
  std::fclose(out);
}

// In a log: nothing for a run that ends within the interval, so short runs print only their
// summary; no control characters ever.
TEST(ProgressMeterTest, PlainLinesOnlyForLongRunsInALog) {
  FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  ProgressMeter meter("models", out, /*terminal=*/false);
  for (int i = 1; i <= 100; ++i) meter.Update(i, 100);
  meter.Clear();
  EXPECT_EQ(Contents(out), "");
  std::fclose(out);
}

}  // namespace
}  // namespace modelwarden
