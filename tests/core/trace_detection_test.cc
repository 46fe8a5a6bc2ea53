// DetectTraceLanguage skips parsers whose max_score cannot beat the best
// score so far: that must never change the answer, so every max_score must
// bound its Score function. Checked on the corpus and on its prefixes.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/stack_trace.h"

namespace srclink {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> Texts() {
  std::vector<std::string> out = {"", "hello\nworld\n", "Traceback (most recent call last):\n",
                                  "\tat com.x.Foo.bar(Foo.java:1)\n", "goroutine 1 [running]:\n"};
  fs::path root = fs::path(SRCLINK_TEST_DATA) / "traces";
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".txt") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    // Prefixes too: a trace cut after a few lines scores differently.
    for (size_t cut = text.find('\n'); cut != std::string::npos; cut = text.find('\n', cut + 1)) {
      out.push_back(text.substr(0, cut + 1));
    }
    out.push_back(std::move(text));
  }
  return out;
}

// Detection without skipping: every parser scored, ties to the earlier.
TraceLanguage DetectByScoringAll(std::string_view text) {
  TraceLanguage best = TraceLanguage::kUnknown;
  int best_score = 0;
  for (const auto& parser : TraceParsers()) {
    int score = parser.score(text);
    if (score > best_score) {
      best_score = score;
      best = parser.language;
    }
  }
  return best;
}

TEST(TraceDetectionTest, MaxScoresBoundEveryScore) {
  for (const std::string& text : Texts()) {
    for (const auto& parser : TraceParsers()) {
      EXPECT_LE(parser.score(text), parser.max_score)
          << TraceLanguageName(parser.language) << ": " << text.substr(0, 200);
    }
  }
}

TEST(TraceDetectionTest, SkippingParsersNeverChangesTheLanguage) {
  for (const std::string& text : Texts()) {
    EXPECT_EQ(DetectTraceLanguage(text), DetectByScoringAll(text)) << text.substr(0, 200);
  }
}

}  // namespace
}  // namespace srclink
