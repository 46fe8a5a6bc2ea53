// The stack-trace corpus: every tests/data/traces/<language>/<name>.txt is a
// real trace; <name>.expected is DumpStackTrace() of what it must parse to,
// with the language detected (the folder names the language it must detect).
//
// To add a case: drop the trace in, run
//   SRCLINK_UPDATE_CORPUS=1 build/tests/core_tests --gtest_filter='StackTraceCorpus*'
// and review the .expected it writes before committing it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/stack_trace.h"

namespace srclink {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<fs::path> CorpusTraces() {
  std::vector<fs::path> out;
  fs::path root = fs::path(SRCLINK_TEST_DATA) / "traces";
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file() && entry.path().extension() == ".txt") out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(StackTraceCorpusTest, EveryTraceParsesToItsExpectedDump) {
  bool update = std::getenv("SRCLINK_UPDATE_CORPUS") != nullptr;
  auto traces = CorpusTraces();
  ASSERT_FALSE(traces.empty()) << "no traces under " << SRCLINK_TEST_DATA << "/traces";
  for (const auto& path : traces) {
    SCOPED_TRACE(path.string());
    std::string text = ReadFile(path);
    auto parsed = ParseStackTrace(text);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    std::string folder = path.parent_path().filename().string();
    EXPECT_EQ(TraceLanguageName(parsed->language), folder) << "language detected";
    EXPECT_GT(parsed->FrameCount(), 0u) << "a corpus trace has frames";
    std::string dump = DumpStackTrace(*parsed);
    fs::path expected_path = path;
    expected_path.replace_extension(".expected");
    if (update) {
      std::ofstream(expected_path, std::ios::binary) << dump;
      continue;
    }
    ASSERT_TRUE(fs::exists(expected_path)) << "missing " << expected_path.string();
    EXPECT_EQ(dump, ReadFile(expected_path));
  }
}

}  // namespace
}  // namespace srclink
