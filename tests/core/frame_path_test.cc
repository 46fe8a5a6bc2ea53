#include "core/frame_path.h"

#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace srclink {
namespace {

struct FrameCase {
  std::string raw;
  std::string expected;  // FramePath::Dump()
};

std::vector<FrameCase> Cases() {
  std::vector<FrameCase> cases = {
      // Absolute CI and container paths.
      {"/home/runner/work/app/app/src/x.ts", "home/runner/work/app/app/src/x.ts abs"},
      {"/builds/group/proj/src/main.go", "builds/group/proj/src/main.go abs"},
      {"/app/src/server.js", "app/src/server.js abs"},
      {"/usr/src/app/lib/a.rb", "usr/src/app/lib/a.rb abs"},
      // Windows: drive letters, UNC, mixed separators, Win32 namespaces.
      {"C:\\build\\src\\Foo.cs", "build/src/Foo.cs abs win drive=c"},
      {"c:/x/y.cs", "x/y.cs abs win drive=c"},
      {"C:/x/../y.cs", "y.cs abs win drive=c"},
      {"C:\\build/src\\mixed/Foo.cs", "build/src/mixed/Foo.cs abs win drive=c"},
      {"\\\\server\\share\\x.cs", "server/share/x.cs abs win"},
      {"src\\win\\rel.cs", "src/win/rel.cs win"},
      {"\\\\?\\C:\\x\\y.cs", "x/y.cs abs win drive=c"},
      {"\\\\?\\UNC\\srv\\share\\x.cs", "srv/share/x.cs abs win"},
      {"/C:/x/y.cs", "x/y.cs abs win drive=c"},
      {"C:", "<empty> abs win drive=c"},
      {"C:\\", "<empty> abs win drive=c"},
      {"C:foo.cs", "C:foo.cs"},
      // Relative paths.
      {"./a/../b", "b"},
      {"../../src/x.ts", "src/x.ts up=2"},
      {"a/b/../../../c", "c up=1"},
      {"/a/../../b", "b abs"},
      {"a//b///c", "a/b/c"},
      {".", "<empty>"},
      {"..", "<empty> up=1"},
      {"/", "<empty> abs"},
      // file:// URLs.
      {"file:///home/u/x.py", "home/u/x.py abs scheme=file"},
      {"file://host/share/x.py", "host/share/x.py abs scheme=file"},
      {"file://localhost/home/u/x.py", "home/u/x.py abs scheme=file"},
      {"file:///C:/x/y.cs", "x/y.cs abs win drive=c scheme=file"},
      {"file:C:/x/y.cs", "x/y.cs abs win drive=c scheme=file"},
      {"file:///a%20b/c.py", "a b/c.py abs scheme=file"},
      {"FILE:///Home/U/X.py", "Home/U/X.py abs scheme=file"},
      {"file:///a/../../b.py", "b.py abs scheme=file"},
      // Bundler and runtime URLs.
      {"webpack:///./src/x.ts", "src/x.ts scheme=webpack"},
      {"webpack://app/./src/x.ts", "src/x.ts scheme=webpack"},
      {"webpack:///src/x.ts?abc", "src/x.ts scheme=webpack"},
      {"webpack:///../node_modules/x/y.js", "node_modules/x/y.js up=1 scheme=webpack"},
      {"webpack-internal:///./src/x.tsx", "src/x.tsx scheme=webpack-internal"},
      {"app:///src/x.js", "src/x.js scheme=app"},
      {"https://cdn.example.com/static/js/main.js?v=1#x", "static/js/main.js scheme=https"},
      {"http://localhost:3000/src/a.js", "src/a.js scheme=http"},
      {"node:internal/process/task_queues", "internal/process/task_queues scheme=node"},
      {"node:fs", "fs scheme=node"},
      // Not files.
      {"", "<empty>"},
      {"   \t\r\n", "<empty>"},
      {"<anonymous>", "<empty>"},
      {"  <eval>  ", "<empty>"},
      // Odd but harmless: kept as they are.
      {"x.py#L10", "x.py#L10"},
      {"/a/b%20c.py", "a/b%20c.py abs"},
      {" /spaced/ path.ts ", "spaced/path.ts abs"},
      // Text the start of a reference is read for, surfacing after folding.
      {"a/../node:fs/x", "fs/x"},
      {"/ lead/x", "lead/x abs"},
      {"a/../file:C:/x", "x win drive=c"},
      {"/<x>", "<empty> abs"},
      // NUL bytes are kept inside components.
      {std::string("src/a\0b.ts", 10), std::string("src/a\0b.ts", 10)},
      {std::string("\0", 1), std::string("\0", 1)},
  };
  return cases;
}

TEST(NormalizeFramePathTest, Table) {
  for (const FrameCase& c : Cases()) {
    EXPECT_EQ(NormalizeFramePath(c.raw).Dump(), c.expected) << c.raw;
  }
}

// The result has no leading '/', no empty, "." or ".." component, and is a
// fixed point of NormalizeFramePath.
void ExpectNormalised(std::string_view raw, const FramePath& result) {
  const std::string& path = result.path;
  EXPECT_FALSE(!path.empty() && path.front() == '/') << raw << " -> " << path;
  EXPECT_EQ(path.find('\\'), std::string::npos) << raw << " -> " << path;
  size_t start = 0;
  while (!path.empty() && start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    std::string_view component(path.data() + start, end - start);
    EXPECT_FALSE(component.empty() || component == "." || component == "..")
        << raw << " -> " << path << ": component \"" << component << "\"";
    start = end + 1;
  }
  EXPECT_EQ(NormalizeFramePath(path).path, path) << raw;
  EXPECT_GE(result.up_levels, 0) << raw;
  if (result.absolute) {
    EXPECT_EQ(result.up_levels, 0) << raw;
  }
}

TEST(NormalizeFramePathTest, InvariantHoldsForEveryRow) {
  for (const FrameCase& c : Cases()) ExpectNormalised(c.raw, NormalizeFramePath(c.raw));
  const char* const kMore[] = {
      "//",
      "\\\\",
      "./",
      "C:..",
      "file:",
      "file://",
      "node:",
      "a:b",
      "/a/.",
      "../..",
      "webpack://",
      "/node:node:x",
      "/FILE:x",
      "<a>/<b>",
      " / ",
      "x/ ",
      "\\\\?\\",
      "file:////x",
      "https://h/%2e%2e/%2e%2e/x",
      "file:///%2F/x",
  };
  for (const char* raw : kMore) ExpectNormalised(raw, NormalizeFramePath(raw));
}

TEST(NormalizeFramePathTest, Components) {
  FramePath p = NormalizeFramePath("C:\\a\\b\\c.cs");
  EXPECT_EQ(p.Components(), (std::vector<std::string_view>{"a", "b", "c.cs"}));
  EXPECT_TRUE(NormalizeFramePath("").Components().empty());
  std::vector<std::string_view> out;
  SplitComponents("/x//y/", &out);
  EXPECT_EQ(out, (std::vector<std::string_view>{"x", "y"}));
}

// 10,000 components: linear work, no recursion.
TEST(NormalizeFramePathTest, LongPathsAreBounded) {
  std::string deep;
  for (int i = 0; i < 10000; ++i) deep += "d/";
  deep += "x.c";
  std::string ups;
  for (int i = 0; i < 10000; ++i) ups += "../";
  ups += "x.c";
  std::string folded = deep;
  for (int i = 0; i < 10000; ++i) folded += "/..";
  std::string prefixes;
  for (int i = 0; i < 10000; ++i) prefixes += "/node:";
  prefixes += "x";

  auto start = std::chrono::steady_clock::now();
  FramePath a = NormalizeFramePath(deep);
  FramePath b = NormalizeFramePath(ups);
  FramePath c = NormalizeFramePath(folded);
  FramePath d = NormalizeFramePath(prefixes);
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, std::chrono::seconds(1));

  EXPECT_EQ(a.Components().size(), 10001u);
  EXPECT_EQ(b.Dump(), "x.c up=10000");
  EXPECT_EQ(c.Dump(), "d");
  EXPECT_EQ(d.Dump(), "x abs");
  ExpectNormalised("deep", a);
  ExpectNormalised("ups", b);
  ExpectNormalised("prefixes", d);
}

}  // namespace
}  // namespace srclink
