#include "core/path_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "core/frame_path.h"

namespace srclink {
namespace {

PathIndex BuildIndex(const std::vector<std::string>& paths, int hash_bits = 64) {
  PathIndex::Builder b;
  b.SetHashBitsForTesting(hash_bits);
  for (const auto& p : paths) b.Add(p);
  return b.Build();
}

std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> out;
  SplitComponents(path, &out);
  return out;
}

// "matched=2 count=3 [a/x.py b/x.py c/x.py]"
std::string Dump(const PathIndex& index, const PathIndex::Match& m) {
  std::vector<PathId> ids;
  size_t total = index.Candidates(m, 100, &ids);
  std::vector<std::string> names;
  for (PathId id : ids) names.emplace_back(index.path(id));
  std::sort(names.begin(), names.end());
  std::string out = "matched=" + std::to_string(m.matched) + " count=" + std::to_string(m.count);
  if (total != m.count) out += " total=" + std::to_string(total);
  out += " [";
  for (size_t i = 0; i < names.size(); ++i) out += (i ? " " : "") + names[i];
  return out + "]";
}

const std::vector<std::string> kRepo = {
    "README.md",
    "x.py",
    "tools/x.py",
    "src/app/main.py",
    "src/app/views.py",
    "src/lib/views.py",
    "services/api/src/index.js",
    "services/web/src/index.js",
    "packages/ui/src/index.js",
    "services/api/Makefile",
    "services/web/Makefile",
    "Makefile",
    "src/main/java/com/example/Foo.java",
    "Docs/Guide.MD",
    "docs/guide.md",
    "a/b/c/d/e/f/g/h.txt",
};

struct LookupCase {
  const char* frame;
  const char* expected;
};

TEST(PathIndexTest, LongestSuffixOnWholeComponents) {
  PathIndex index = BuildIndex(kRepo);
  const LookupCase cases[] = {
      {"src/app/main.py", "matched=3 count=1 [src/app/main.py]"},
      {"home/runner/work/r/r/src/app/main.py", "matched=3 count=1 [src/app/main.py]"},
      {"app/main.py", "matched=2 count=1 [src/app/main.py]"},
      {"main.py", "matched=1 count=1 [src/app/main.py]"},
      {"opt/svc/views.py", "matched=1 count=2 [src/app/views.py src/lib/views.py]"},
      {"opt/lib/views.py", "matched=2 count=1 [src/lib/views.py]"},
      {"app/src/index.js",
       "matched=2 count=3 [packages/ui/src/index.js services/api/src/index.js "
       "services/web/src/index.js]"},
      {"api/src/index.js", "matched=3 count=1 [services/api/src/index.js]"},
      {"x.py", "matched=1 count=2 [tools/x.py x.py]"},
      {"app/x.py", "matched=1 count=2 [tools/x.py x.py]"},
      {"tools/x.py", "matched=2 count=1 [tools/x.py]"},
      {"Makefile", "matched=1 count=3 [Makefile services/api/Makefile services/web/Makefile]"},
      {"web/Makefile", "matched=2 count=1 [services/web/Makefile]"},
      {"nothing/here.py", "matched=0 count=0 []"},
      {"main.py.bak", "matched=0 count=0 []"},
      {"ain.py", "matched=0 count=0 []"},  // whole components only
      {"com/example/Foo.java", "matched=3 count=1 [src/main/java/com/example/Foo.java]"},
      {"z/a/b/c/d/e/f/g/h.txt", "matched=8 count=1 [a/b/c/d/e/f/g/h.txt]"},
      {"docs/guide.md", "matched=2 count=1 [docs/guide.md]"},
  };
  for (const auto& c : cases) {
    auto comps = Split(c.frame);
    EXPECT_EQ(Dump(index, index.Lookup(comps)), c.expected) << c.frame;
  }
}

TEST(PathIndexTest, CaseInsensitiveForWindowsFrames) {
  PathIndex index = BuildIndex(kRepo);
  const LookupCase cases[] = {
      {"SRC/APP/MAIN.PY", "matched=3 count=1 [src/app/main.py]"},
      {"build/Src/Lib/Views.py", "matched=3 count=1 [src/lib/views.py]"},
      {"docs/GUIDE.md", "matched=2 count=2 [Docs/Guide.MD docs/guide.md]"},
      {"guide.md", "matched=1 count=2 [Docs/Guide.MD docs/guide.md]"},
      {"readme.MD", "matched=1 count=1 [README.md]"},
      {"none.txt", "matched=0 count=0 []"},
  };
  for (const auto& c : cases) {
    auto comps = Split(c.frame);
    EXPECT_EQ(Dump(index, index.Lookup(comps, PathIndex::Case::kInsensitive)), c.expected)
        << c.frame;
  }
  // Case-sensitive lookups do not fold.
  auto comps = Split("SRC/APP/MAIN.PY");
  EXPECT_EQ(index.Lookup(comps).count, 0u);
}

TEST(PathIndexTest, FindIsExact) {
  PathIndex index = BuildIndex(kRepo);
  EXPECT_NE(index.Find("x.py"), kNoPath);
  EXPECT_EQ(index.path(index.Find("x.py")), "x.py");
  EXPECT_EQ(index.path(index.Find("tools/x.py")), "tools/x.py");
  EXPECT_EQ(index.Find("app/x.py"), kNoPath);
  EXPECT_EQ(index.Find("src/app"), kNoPath);  // a directory is not a file
  EXPECT_EQ(index.Find("Makefile"), index.Find("/Makefile"));
  EXPECT_EQ(index.path(index.Find("services/api/Makefile")), "services/api/Makefile");
  EXPECT_EQ(index.Find("src/APP/main.py"), kNoPath);
  EXPECT_EQ(index.path(index.Find("src/APP/main.py", PathIndex::Case::kInsensitive)),
            "src/app/main.py");
  EXPECT_EQ(index.Find(""), kNoPath);
}

TEST(PathIndexTest, DuplicatesAndEmptyComponentsAreIgnored) {
  PathIndex index = BuildIndex({"a/b.py", "a//b.py", "/a/b.py", "", "/", "c.py", "c.py"});
  EXPECT_EQ(index.size(), 2u);
  EXPECT_EQ(index.path(0), "a/b.py");
  EXPECT_EQ(index.path(1), "c.py");
  EXPECT_EQ(index.PathBytes(), 10u);
}

TEST(PathIndexTest, EmptyIndex) {
  PathIndex index = BuildIndex({});
  auto comps = Split("a/b.py");
  EXPECT_EQ(index.Lookup(comps).count, 0u);
  EXPECT_EQ(index.Lookup(comps, PathIndex::Case::kInsensitive).count, 0u);
  EXPECT_EQ(index.Find("a/b.py"), kNoPath);
}

TEST(PathIndexTest, CandidatesRespectLimit) {
  std::vector<std::string> paths;
  for (int i = 0; i < 50; ++i) paths.push_back("pkg" + std::to_string(i) + "/index.js");
  PathIndex index = BuildIndex(paths);
  auto comps = Split("index.js");
  auto m = index.Lookup(comps);
  std::vector<PathId> ids;
  EXPECT_EQ(index.Candidates(m, 5, &ids), 50u);
  // The earliest-added, in order: alphabetical for git's sorted lists.
  EXPECT_EQ(ids, (std::vector<PathId>{0, 1, 2, 3, 4}));
  // Deeper and shallower candidates interleave by when they were added.
  PathIndex mixed = BuildIndex({"a/b/c/index.js", "index.js", "z/index.js", "b/index.js"});
  auto m2 = mixed.Lookup(comps);
  ids.clear();
  EXPECT_EQ(mixed.Candidates(m2, 3, &ids), 4u);
  EXPECT_EQ(ids, (std::vector<PathId>{0, 1, 2}));
}

// Reference: longest common suffix on whole components, by brute force.
struct Reference {
  uint32_t matched = 0;
  std::vector<std::string> paths;
};
Reference BruteForce(const std::vector<std::string>& repo,
                     const std::vector<std::string_view>& frame) {
  Reference ref;
  for (const auto& p : repo) {
    auto comps = Split(p);
    uint32_t n = 0;
    while (n < comps.size() && n < frame.size() &&
           comps[comps.size() - 1 - n] == frame[frame.size() - 1 - n])
      ++n;
    if (n == 0) continue;
    if (n > ref.matched) {
      ref.matched = n;
      ref.paths.clear();
    }
    if (n == ref.matched) ref.paths.push_back(p);
  }
  std::sort(ref.paths.begin(), ref.paths.end());
  return ref;
}

// Random repositories and frames, checked against the brute-force reference,
// with full hashes and with 4-bit hashes (constant collisions force the exact
// fallbacks), through Lookup and LookupBatch.
TEST(PathIndexTest, CrossCheckAgainstBruteForce) {
  std::mt19937 rng(1234);
  const std::vector<std::string> names = {"a",        "b",    "src",      "lib",
                                          "index.js", "x.py", "Makefile", "c"};
  for (int round = 0; round < 30; ++round) {
    std::vector<std::string> repo;
    for (int i = 0; i < 60; ++i) {
      std::string p;
      int depth = 1 + static_cast<int>(rng() % 5);
      for (int d = 0; d < depth; ++d) p += (d ? "/" : "") + names[rng() % names.size()];
      if (std::find(repo.begin(), repo.end(), p) == repo.end()) repo.push_back(p);
    }
    for (int bits : {64, 4}) {
      PathIndex index = BuildIndex(repo, bits);
      std::vector<std::vector<std::string_view>> frames;
      std::vector<std::string> storage;
      for (int f = 0; f < 80; ++f) {
        std::string p = "root";
        int depth = 1 + static_cast<int>(rng() % 6);
        for (int d = 0; d < depth; ++d) p += "/" + names[rng() % names.size()];
        storage.push_back(p);
      }
      for (const auto& s : storage) frames.push_back(Split(s));
      std::vector<std::span<const std::string_view>> spans(frames.begin(), frames.end());
      std::vector<PathIndex::Match> batch(spans.size());
      index.LookupBatch(spans, batch.data());
      for (size_t f = 0; f < frames.size(); ++f) {
        Reference ref = BruteForce(repo, frames[f]);
        for (const auto* m : {&batch[f]}) {
          std::vector<PathId> ids;
          index.Candidates(*m, 1000, &ids);
          std::vector<std::string> got;
          for (PathId id : ids) got.emplace_back(index.path(id));
          std::sort(got.begin(), got.end());
          ASSERT_EQ(m->matched, ref.matched) << storage[f] << " bits=" << bits;
          ASSERT_EQ(got, ref.paths) << storage[f] << " bits=" << bits;
          ASSERT_EQ(m->count, ref.paths.size()) << storage[f];
        }
        PathIndex::Match single = index.Lookup(frames[f]);
        ASSERT_EQ(single.matched, ref.matched) << storage[f];
        ASSERT_EQ(single.count, ref.paths.size()) << storage[f];
      }
    }
  }
}

}  // namespace
}  // namespace srclink
