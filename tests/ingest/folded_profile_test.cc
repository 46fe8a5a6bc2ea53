// DecodeFoldedProfile: tables of folded text and the Profile's one-line dump,
// or the exact error with its line number.
#include "ingest/folded_profile.h"

#include <gtest/gtest.h>

#include <string>

namespace srclink {
namespace {

std::string Decode(std::string_view text, const FoldedProfileLimits& limits = {}) {
  auto p = DecodeFoldedProfile(text, "samples", "count", limits);
  if (!p.ok()) return "error: " + p.status().message();
  return p->Dump();
}

TEST(FoldedProfileTest, Table) {
  const struct {
    std::string text;
    std::string dump;
  } cases[] = {
      {"", "types=[samples/count] samples=[]"},
      {"main;handle;parse 42\nmain;handle 7\n",
       "types=[samples/count] samples=[main:0;handle:0;parse:0=42, main:0;handle:0=7]"},
      // CRLF, trailing spaces and tabs, blank lines, no final newline.
      {"\r\nmain;a 1  \r\n\n   \nmain;b 2\t\r\nc 3",
       "types=[samples/count] samples=[main:0;a:0=1, main:0;b:0=2, c:0=3]"},
      // Spaces inside frame names: the count follows the last space.
      {"main;func (s *Server) Run 5",
       "types=[samples/count] samples=[main:0;func (s *Server) Run:0=5]"},
      // Recursion and repeated stacks stay as they are.
      {"f;f;f 1\nf;f;f 2", "types=[samples/count] samples=[f:0;f:0;f:0=1, f:0;f:0;f:0=2]"},
      {"main 0\nmain 9223372036854775799",
       "types=[samples/count] samples=[main:0=0, main:0=9223372036854775799]"},
      // Errors name the line.
      {"main;a 1\nmain;b\n",
       "error: folded profile line 2: expected \"frame;frame;... count\", got \"main;b\""},
      {" 42", "error: folded profile line 1: expected \"frame;frame;... count\", got \" 42\""},
      {"main;a 4x2", "error: folded profile line 1: count \"4x2\" is not a non-negative integer"},
      {"main;a -1", "error: folded profile line 1: count \"-1\" is not a non-negative integer"},
      {"main;a 99999999999999999999",
       "error: folded profile line 1: count \"99999999999999999999\" is not a non-negative "
       "integer"},
      {"\n\nmain;;a 1", "error: folded profile line 3: empty frame name (frame 2)"},
      {";a 1", "error: folded profile line 1: empty frame name (frame 1)"},
      {"a; 1", "error: folded profile line 1: empty frame name (frame 2)"},
  };
  for (const auto& c : cases) EXPECT_EQ(Decode(c.text), c.dump) << c.text;
}

TEST(FoldedProfileTest, FunctionsAreSharedAndNamesAreViews) {
  std::string text = "main;a 1\nmain;b 2\nmain;a 3\n";
  auto p = DecodeFoldedProfile(text, "cpu", "nanoseconds");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->functions.size(), 3u);
  EXPECT_EQ(p->locations.size(), 3u);
  EXPECT_EQ(p->str(p->functions[1].name), "a");
  EXPECT_EQ(p->functions[1].filename, 0u);
  EXPECT_EQ(p->str(p->functions[0].name).data(), text.data());
  EXPECT_EQ(p->str(p->sample_types[0].type), "cpu");
  auto locs = p->Locations(p->samples[2]);
  ASSERT_EQ(locs.size(), 2u);
  EXPECT_EQ(p->str(p->functions[p->lines[p->locations[locs[0]].lines_begin].function].name), "a");
}

TEST(FoldedProfileTest, Limits) {
  EXPECT_EQ(Decode("a 1\nb 1\n", {.max_bytes = 4}),
            "error: folded profile of 8 bytes is over the limit of 4 bytes");
  EXPECT_EQ(Decode("a 1\nb 1\nc 1", {.max_samples = 2}),
            "error: folded profile line 3: more than 2 samples (the limit)");
  EXPECT_EQ(Decode("a;b 1\na;c 1", {.max_functions = 2}),
            "error: folded profile line 2: more than 2 distinct frames (the limit)");
  EXPECT_EQ(Decode("a;b;c 1", {.max_depth = 2}),
            "error: folded profile line 1: more than 2 frames (the limit)");
}

}  // namespace
}  // namespace srclink
