// LineProfile: tables of profiles (built root first, tests/core/profile_builder.h)
// and the per-line dump, following `go tool pprof -list`'s flat and cum:
// recursion counted once per sample, inlined lines as frames of their own
// functions; queries, Merge, and the binary form.
#include "core/line_profile.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/profile_builder.h"

namespace srclink {
namespace {

using testing::ProfileBuilder;

using Samples = std::vector<std::pair<std::string, int64_t>>;

LineProfile LinesOf(const Samples& samples) {
  ProfileBuilder b({"samples/count"});
  for (const auto& [stack, v] : samples) b.Sample(stack, {v});
  LineProfile lp;
  EXPECT_TRUE(lp.AddProfile(b.profile(), 0).ok());
  return lp;
}

TEST(LineProfileTest, Table) {
  const struct {
    Samples samples;
    std::string dump;
  } cases[] = {
      {{}, ""},
      {{{"main@m.go:5;f@a.go:12", 10}, {"main@m.go:6;f@a.go:13", 5}},
       "f=15/15 [a.go {12=10/10 13=5/5}] main=15/0 [m.go {5=10/0 6=5/0}]"},
      // Recursion: a line (and a function) counts once per sample in total.
      {{{"main@m.go:5;f@a.go:3;f@a.go:3;f@a.go:7", 4}, {"main@m.go:5;f@a.go:3", 1}},
       "f=5/5 [a.go {3=5/1 7=4/4}] main=5/0 [m.go {5=5/0}]"},
      // The same function at two lines of one stack: both lines, the function once.
      {{{"f@a.go:1;f@a.go:2", 2}}, "f=2/2 [a.go {1=2/0 2=2/2}]"},
      // Inlining: each line counts for its own function; self goes to lines[0].
      {{{"main@m.go:5;handle@h.go:20+parse@p.go:12", 3}, {"main@m.go:5;handle@h.go:21", 1}},
       "handle=4/1 [h.go {20=3/0 21=1/1}] main=4/0 [m.go {5=4/0}] parse=3/3 [p.go {12=3/3}]"},
      // One location inlining a function into itself (recursion inside a location).
      {{{"main@m.go:1;f@a.go:4+f@a.go:4", 6}}, "f=6/6 [a.go {4=6/6}] main=6/0 [m.go {1=6/0}]"},
      // One name in two files.
      {{{"init@a.go:1;init@b.go:2", 1}}, "init=1/1 [a.go {1=1/0} b.go {2=1/1}]"},
      // No function, no lines: no self anywhere, the other frames still count.
      {{{"main@m.go:1;0x99", 5}, {"main@m.go:1;?:3", 2}}, "main=7/0 [m.go {1=7/0}]"},
      // Zero values add nothing; negative ones add.
      {{{"main@m.go:1", 0}, {"g@g.go:2", -3}}, "g=-3/-3 [g.go {2=-3/-3}]"},
      // No file, no line.
      {{{"main", 1}}, "main=1/1 [ {0=1/1}]"},
  };
  for (const auto& c : cases) EXPECT_EQ(LinesOf(c.samples).Dump(), c.dump) << c.dump;
}

TEST(LineProfileTest, FunctionLinesAndStartLines) {
  ProfileBuilder b({"samples/count", "cpu/nanoseconds"});
  b.Sample("main@m.go:5;f@a.go:12;f@a.go:9", {1, 100})
      .Sample("main@m.go:5;f@b.go:3", {1, 50})
      .StartLine("f", "a.go", 7);
  LineProfile lp;
  ASSERT_TRUE(lp.AddProfile(b.profile(), 1).ok());
  auto files = lp.FunctionLines("f");
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].file, "a.go");
  EXPECT_EQ(files[0].start_line, 7);
  ASSERT_EQ(files[0].lines.size(), 2u);
  EXPECT_EQ(files[0].lines[0].line, 9);
  EXPECT_EQ(files[0].lines[0].self, 100);
  EXPECT_EQ(files[0].lines[0].total, 100);
  EXPECT_EQ(files[0].lines[1].line, 12);
  EXPECT_EQ(files[0].lines[1].self, 0);
  EXPECT_EQ(files[0].lines[1].total, 100);
  EXPECT_EQ(files[1].file, "b.go");
  EXPECT_EQ(files[1].start_line, 0);
  EXPECT_TRUE(lp.FunctionLines("nope").empty());
  EXPECT_TRUE(lp.FunctionLines("a.go").empty());  // a file name, not a function
  EXPECT_EQ(lp.Dump(),
            "f=150/150 [a.go@7 {9=100/100 12=100/0} b.go {3=50/50}] main=150/0 [m.go {5=150/0}]");
  EXPECT_EQ(lp.AddProfile(b.profile(), 2).message(),
            "line profile: value index 2 is out of range: the profile has 2 sample types");
}

TEST(LineProfileTest, HottestFunctions) {
  LineProfile lp = LinesOf({{"main@m.go:1;a@a.go:1", 5},
                            {"main@m.go:1;b@b.go:1;c@c.go:1", 7},
                            {"main@m.go:1;b@b.go:2", 1},
                            {"main@m.go:1;d@d.go:1", 5}});
  auto dump = [](const std::vector<LineProfile::FunctionStat>& fs) {
    std::string out;
    for (const auto& f : fs)
      out += f.name + "=" + std::to_string(f.total) + "/" + std::to_string(f.self) + " ";
    return out;
  };
  EXPECT_EQ(dump(lp.HottestFunctions(3)), "main=18/0 b=8/1 c=7/7 ");
  EXPECT_EQ(dump(lp.HottestFunctions(10, LineProfile::Order::kBySelf)),
            "c=7/7 a=5/5 d=5/5 b=8/1 main=18/0 ");
  EXPECT_EQ(dump(lp.HottestFunctions(0)), "");
}

TEST(LineProfileTest, MergeIsAdditive) {
  Samples a = {{"main@m.go:1;f@a.go:3;f@a.go:3", 2}, {"main@m.go:2", 1}};
  Samples b = {{"main@m.go:1;f@a.go:3", 5}, {"main@m.go:1;g@g.go:9", 4}};
  Samples both = a;
  both.insert(both.end(), b.begin(), b.end());
  LineProfile merged = LinesOf(a);
  merged.Merge(LinesOf(b));
  EXPECT_EQ(merged.Dump(), LinesOf(both).Dump());
  EXPECT_EQ(merged.Dump(),
            "f=7/7 [a.go {3=7/7}] g=4/4 [g.go {9=4/4}] main=12/1 [m.go {1=11/0 2=1/1}]");
}

TEST(LineProfileTest, SerializeRoundTrips) {
  ProfileBuilder b({"samples/count"});
  b.Sample("main@m.go:5;handle@h.go:20+parse@p.go:12", {3})
      .Sample("main@m.go:5;f@a.go:-1", {-2})
      .StartLine("handle", "h.go", 18);
  LineProfile lp;
  ASSERT_TRUE(lp.AddProfile(b.profile(), 0).ok());
  for (const LineProfile& p : {LineProfile(), lp}) {
    std::string bytes = p.Serialize();
    auto back = LineProfile::Deserialize(bytes);
    ASSERT_TRUE(back.ok()) << back.status().message();
    EXPECT_EQ(back->Dump(), p.Dump());
    EXPECT_EQ(back->Serialize(), bytes);
  }
}

TEST(LineProfileTest, DeserializeRefusesCorruptedBytes) {
  const std::string good = LinesOf({{"f@a.go:3", 2}}).Serialize();
  // "SLLP" 1 | strings: f a.go | functions: (0, 2, 2) | files: (0, 1, 0) | lines: (0, 3, 2, 2)
  ASSERT_EQ(good, std::string("SLLP\x01\x02\x01"
                              "f\x04"
                              "a.go\x01\x00\x04\x04\x01\x00\x01\x00"
                              "\x01\x00\x06\x04\x04",
                              26));
  const struct {
    std::string bytes;
    std::string message;
  } cases[] = {
      {"SLCT\x01", "line profile: not a serialized line profile (no \"SLLP\" header)"},
      {"SLLP", "line profile: truncated version at byte 4"},
      {"SLLP\x09", "line profile: format version 9 is not supported (this build reads version 1)"},
      {"SLLP\x01\x05"
       "ab",
       "line profile: bad string count at byte 6"},
      {"SLLP\x01\x02\x01"
       "a\x01"
       "a\x00\x00\x00",
       "line profile: duplicate string at byte 9"},
      {good.substr(0, 25) + '\x84', "line profile: truncated line at byte 26"},
      {good.substr(0, 25), "line profile: bad line count at byte 22"},
      {good + '\x00', "line profile: trailing bytes at byte 26"},
      {std::string("SLLP\x01\x01\x01"
                   "f\x01\x05\x00\x00\x00\x00",
                   14),
       "line profile: function name out of range at byte 12"},
      {std::string("SLLP\x01\x01\x01"
                   "f\x02\x00\x00\x00\x00\x00\x00\x00\x00",
                   17),
       "line profile: duplicate function at byte 15"},
      {std::string("SLLP\x01\x01\x01"
                   "f\x01\x00\x00\x00\x01\x01\x00\x00\x00",
                   17),
       "line profile: file index out of range at byte 16"},
      {std::string("SLLP\x01\x01\x01"
                   "f\x01\x00\x00\x00\x02\x00\x00\x00\x00\x00\x00\x00",
                   20),
       "line profile: duplicate file at byte 19"},
      {std::string("SLLP\x01\x01\x01"
                   "f\x01\x00\x00\x00\x01\x00\x00\x00\x01\x03\x00\x00\x00",
                   21),
       "line profile: line's file out of range at byte 21"},
      {std::string("SLLP\x01\x01\x01"
                   "f\x01\x00\x00\x00\x01\x00\x00\x00\x02\x00\x02\x00\x00"
                   "\x00\x02\x00\x00",
                   25),
       "line profile: duplicate line at byte 25"},
  };
  for (const auto& c : cases) {
    auto lp = LineProfile::Deserialize(c.bytes);
    ASSERT_FALSE(lp.ok()) << c.message;
    EXPECT_EQ(lp.status().message(), c.message);
  }
}

}  // namespace
}  // namespace srclink
