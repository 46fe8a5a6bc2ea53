// CallTree: tables of profiles (built root first, tests/core/profile_builder.h)
// and the tree's one-line dump; Prune exactness, Merge, JSON, and the binary
// form's round trip and its refusal of corrupted bytes.
#include "core/call_tree.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/profile_builder.h"

namespace srclink {
namespace {

using testing::ProfileBuilder;

struct Case {
  std::vector<std::pair<std::string, int64_t>> samples;  // stack, value of type 0
  std::string dump;
};

CallTree TreeOf(const std::vector<std::pair<std::string, int64_t>>& samples) {
  ProfileBuilder b({"samples/count"});
  for (const auto& [stack, v] : samples) b.Sample(stack, {v});
  CallTree tree;
  EXPECT_TRUE(tree.AddProfile(b.profile(), 0).ok());
  return tree;
}

TEST(CallTreeTest, Table) {
  const Case cases[] = {
      {{}, "total=0/0"},
      {{{"main;a", 3}, {"main;b", 2}, {"main", 1}}, "total=6/0 [main=6/1 [a=3/3 b=2/2]]"},
      // Same names share nodes whatever the location (line) they come from.
      {{{"main:1;a:10", 3}, {"main:2;a:11", 4}}, "total=7/0 [main=7/0 [a=7/7]]"},
      // Recursion is not folded in the tree.
      {{{"main;f;f;f", 5}, {"main;f", 1}}, "total=6/0 [main=6/0 [f=6/1 [f=5/0 [f=5/5]]]]"},
      // Inlined functions are frames of their own: outer first.
      {{{"main;handle@h.go:20+parse@p.go:12", 4}}, "total=4/0 [main=4/0 [handle=4/0 [parse=4/4]]]"},
      // A location without lines, and a line without a function: the address.
      {{{"main;0x4a2f10", 2}, {"main;?:7", 1}}, "total=3/0 [main=3/0 [0x1020=1/1 0x4a2f10=2/2]]"},
      // Zero-valued samples add nothing; negative values (diffs) are fine.
      {{{"main;a", 0}, {"main;b", -2}, {"main;c", 5}}, "total=3/0 [main=3/0 [b=-2/-2 c=5/5]]"},
      // Samples of one stack are summed first: opposite values cancel out.
      {{{"main;a", 5}, {"main;a", -5}, {"main;b", 1}}, "total=1/0 [main=1/0 [b=1/1]]"},
      // A sample without locations counts at the root.
      {{{"", 4}, {"main", 1}}, "total=5/4 [main=1/1]"},
      // Several roots.
      {{{"main;a", 1}, {"runtime.mcall;runtime.park_m", 2}},
       "total=3/0 [main=1/0 [a=1/1] runtime.mcall=2/0 [runtime.park_m=2/2]]"},
  };
  for (const Case& c : cases) {
    CallTree tree = TreeOf(c.samples);
    EXPECT_EQ(tree.Dump(), c.dump) << c.dump;
  }
}

TEST(CallTreeTest, ValueIndexPicksTheSampleType) {
  ProfileBuilder b({"samples/count", "cpu/nanoseconds"});
  b.Sample("main;a", {1, 10}).Sample("main;b", {2, 30});
  CallTree tree;
  ASSERT_TRUE(tree.AddProfile(b.profile(), 1).ok());
  EXPECT_EQ(tree.Dump(), "total=40/0 [main=40/0 [a=10/10 b=30/30]]");
  Status s = tree.AddProfile(b.profile(), 2);
  EXPECT_EQ(s.message(),
            "call tree: value index 2 is out of range: the profile has 2 sample types");
}

TEST(CallTreeTest, FunctionNameFallsBackToSystemName) {
  ProfileBuilder b({"samples/count"});
  b.Sample("_ZN3foo3barEv", {1});
  Profile p = b.profile();
  p.strings.push_back("");
  p.functions[0].system_name = p.functions[0].name;
  p.functions[0].name = 0;
  CallTree tree;
  ASSERT_TRUE(tree.AddProfile(p, 0).ok());
  EXPECT_EQ(tree.Dump(), "total=1/0 [_ZN3foo3barEv=1/1]");
}

TEST(CallTreeTest, AddProfileAndMergeAreAdditive) {
  CallTree a = TreeOf({{"main;a", 1}, {"main;b;c", 2}});
  CallTree b = TreeOf({{"main;b;c", 3}, {"main;d", 4}, {"other;x", 5}});
  CallTree both =
      TreeOf({{"main;a", 1}, {"main;b;c", 2}, {"main;b;c", 3}, {"main;d", 4}, {"other;x", 5}});
  CallTree merged = a;
  merged.Merge(b);
  EXPECT_EQ(merged.Dump(), both.Dump());
  EXPECT_EQ(merged.Dump(), "total=15/0 [main=10/0 [a=1/1 b=5/0 [c=5/5] d=4/4] other=5/0 [x=5/5]]");
  merged.Merge(CallTree());
  EXPECT_EQ(merged.Dump(), both.Dump());
}

// The invariant Prune must keep: every node's total is its self plus its
// children's totals, and kept nodes keep their totals.
void ExpectConsistent(const CallTree& t) {
  for (uint32_t n = 0; n < t.size(); ++n) {
    int64_t sum = t.self(n);
    for (uint32_t c : t.Children(n)) sum += t.total(c);
    EXPECT_EQ(sum, t.total(n)) << t.name(n);
  }
}

TEST(CallTreeTest, PruneFoldsLightChildrenIntoOther) {
  CallTree tree = TreeOf({{"main;a;x", 50},
                          {"main;a;y", 3},
                          {"main;b", 20},
                          {"main;c", 2},
                          {"main;d", 1},
                          {"main", 4}});
  const struct {
    size_t max_nodes;
    std::string dump;
  } cases[] = {
      {100, "total=80/0 [main=80/4 [a=53/0 [x=50/50 y=3/3] b=20/20 c=2/2 d=1/1]]"},
      {8, "total=80/0 [main=80/4 [a=53/0 [x=50/50 y=3/3] b=20/20 c=2/2 d=1/1]]"},
      {7, "total=80/0 [main=80/4 [a=53/0 [x=50/50 y=3/3] b=20/20 other=3/3]]"},
      {6, "total=80/0 [main=80/4 [a=53/0 [other=3/3 x=50/50] other=23/23]]"},
      {5, "total=80/0 [main=80/4 [a=53/0 [other=53/53] other=23/23]]"},
      {4, "total=80/0 [main=80/4 [other=76/76]]"},
      {3, "total=80/0 [main=80/4 [other=76/76]]"},
      {2, "total=80/0 [other=80/80]"},
      {0, "total=80/0 [other=80/80]"},
  };
  for (const auto& c : cases) {
    CallTree pruned = tree;
    pruned.Prune(c.max_nodes);
    EXPECT_EQ(pruned.Dump(), c.dump) << c.max_nodes;
    EXPECT_LE(pruned.size(), std::max<size_t>(c.max_nodes, 2)) << c.max_nodes;
    EXPECT_EQ(pruned.total(CallTree::kRoot), 80);
    ExpectConsistent(pruned);
  }
}

TEST(CallTreeTest, PruneFoldsIntoAKeptChildNamedOther) {
  CallTree tree = TreeOf({{"main;other", 10}, {"main;a", 1}, {"main;b", 1}});
  tree.Prune(4);
  EXPECT_EQ(tree.Dump(), "total=12/0 [main=12/0 [other=12/12]]");
  ExpectConsistent(tree);
}

TEST(CallTreeTest, PruneKeepsTotalsExactOnAWideTree) {
  std::vector<std::pair<std::string, int64_t>> samples;
  for (int i = 0; i < 200; ++i)
    samples.push_back({"main;f" + std::to_string(i % 37) + ";g" + std::to_string(i % 11) + ";h" +
                           std::to_string(i),
                       i % 7 + 1});
  CallTree tree = TreeOf(samples);
  for (size_t max : {2, 3, 10, 50, 100, 500}) {
    CallTree pruned = tree;
    pruned.Prune(max);
    EXPECT_LE(pruned.size(), max);
    EXPECT_EQ(pruned.total(CallTree::kRoot), tree.total(CallTree::kRoot));
    ExpectConsistent(pruned);
  }
}

TEST(CallTreeTest, ToJsonIsAFlameGraph) {
  CallTree tree = TreeOf({{"main;a", 3}, {"main;b\"q", 2}});
  nlohmann::json j = nlohmann::json::parse(tree.ToJson());
  EXPECT_EQ(
      j.dump(),
      R"({"children":[{"children":[{"children":[],"name":"a","self":3,"total":3},)"
      R"({"children":[],"name":"b\"q","self":2,"total":2}],"name":"main","self":0,"total":5}],)"
      R"("name":"total","self":0,"total":5})");
  EXPECT_EQ(CallTree().ToJson(), R"({"name":"total","self":0,"total":0,"children":[]})");
}

TEST(CallTreeTest, DeepTreesNeedNoRecursion) {
  std::string stack = "f0";
  for (int i = 1; i < 20000; ++i) stack += ";f" + std::to_string(i % 3);
  CallTree tree = TreeOf({{stack, 1}});
  EXPECT_EQ(tree.size(), 20001u);
  std::string json = tree.ToJson();
  EXPECT_EQ(json.size(), tree.ToJson().size());
  auto copy = CallTree::Deserialize(tree.Serialize());
  ASSERT_TRUE(copy.ok()) << copy.status().message();
  EXPECT_EQ(copy->Dump(), tree.Dump());
  tree.Prune(100);
  EXPECT_EQ(tree.size(), 100u);
  ExpectConsistent(tree);
}

TEST(CallTreeTest, SerializeRoundTrips) {
  for (const CallTree& tree :
       {CallTree(), TreeOf({{"main;a", 3}, {"main;b;c", -2}, {"", 7}, {"x;y;x;y", 1}})}) {
    std::string bytes = tree.Serialize();
    auto back = CallTree::Deserialize(bytes);
    ASSERT_TRUE(back.ok()) << back.status().message();
    EXPECT_EQ(back->Dump(), tree.Dump());
    EXPECT_EQ(back->Serialize(), bytes);
  }
}

TEST(CallTreeTest, DeserializeRefusesCorruptedBytes) {
  const std::string good = TreeOf({{"main;a", 3}, {"main;b", 2}}).Serialize();
  // "SLCT" 1 | 4 names: total main a b | 4 nodes: root self | (name, distance, self)...
  ASSERT_EQ(good, std::string("SLCT\x01\x04\x05total\x04main\x01"
                              "a\x01"
                              "b\x04\x00"
                              "\x01\x01\x00\x02\x01\x06\x03\x02\x04",
                              32));
  const struct {
    std::string bytes;
    std::string message;
  } cases[] = {
      {"", "call tree: not a serialized call tree (no \"SLCT\" header)"},
      {"SLCX\x01", "call tree: not a serialized call tree (no \"SLCT\" header)"},
      {"SLCT", "call tree: truncated version at byte 4"},
      {"SLCT\x02", "call tree: format version 2 is not supported (this build reads version 1)"},
      {"SLCT\x01\x80", "call tree: truncated name count at byte 6"},
      {"SLCT\x01\x7f", "call tree: name count over the bytes left at byte 6"},
      {"SLCT\x01\x01\x09total", "call tree: name length over the bytes left at byte 7"},
      {good.substr(0, good.size() - 1), "call tree: truncated node at byte 31"},
      {good + "x", "call tree: trailing bytes at byte 32"},
      {std::string("SLCT\x01\x01\x01t\xff\xff\xff\x0f\x00", 13),
       "call tree: node count 33554431 impossible for the bytes left at byte 12"},
      {std::string("SLCT\x01\x01\x01t\x00", 9),
       "call tree: node count 0 impossible for the bytes left at byte 9"},
      // Node 1 named 5 of 1 name; node 1's parent 2 away; a child twice.
      {std::string("SLCT\x01\x01\x01t\x02\x00\x05\x01\x00", 13),
       "call tree: name 5 out of range at byte 13"},
      {std::string("SLCT\x01\x01\x01t\x02\x00\x00\x02\x00", 13),
       "call tree: parent out of range at byte 13"},
      {std::string("SLCT\x01\x01\x01t\x02\x00\x00\x00\x00", 13),
       "call tree: parent out of range at byte 13"},
      {std::string("SLCT\x01\x01\x01t\x03\x00\x00\x01\x00\x00\x02\x00", 16),
       "call tree: duplicate child at byte 16"},
  };
  for (const auto& c : cases) {
    auto tree = CallTree::Deserialize(c.bytes);
    ASSERT_FALSE(tree.ok()) << c.message;
    EXPECT_EQ(tree.status().message(), c.message);
  }
}

}  // namespace
}  // namespace srclink
