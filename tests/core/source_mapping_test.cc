#include "core/source_mapping.h"

#include <gtest/gtest.h>

#include <string>

namespace srclink {
namespace {

// What Map gives for a frame, as one line: MappedSource::Dump() or "none".
std::string MapDump(const SourceMappings& m, std::string_view file,
                    std::string_view function = "") {
  std::optional<MappedSource> s = m.Map(file, function);
  return s ? s->Dump() : "none";
}

SourceMappings MustParse(std::string_view yaml, std::string_view dir = "") {
  Result<SourceMappings> r = SourceMappings::Parse(yaml, dir);
  EXPECT_TRUE(r.ok()) << r.status().ToString() << "\n" << yaml;
  return r.ok() ? std::move(r).value() : SourceMappings();
}

std::string ParseError(std::string_view yaml, std::string_view dir = "") {
  Result<SourceMappings> r = SourceMappings::Parse(yaml, dir);
  return r.ok() ? "ok" : r.status().message();
}

struct Case {
  std::string file;
  std::string function;
  std::string want;
};

void ExpectMaps(const SourceMappings& m, const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    EXPECT_EQ(MapDump(m, c.file, c.function), c.want) << c.file << " " << c.function;
  }
}

// The documentation's examples, one file.
constexpr std::string_view kDocsExample = R"(version: v1
source_code:
  mappings:
    - path:
        - prefix: /app/src
      language: python
      source:
        local:
          path: src
    - path:
        - prefix: vendor/
      language: go
      source:
        local:
          path: vendor
    - path:
        - prefix: /usr/lib/python3.12
      language: python
      source:
        github:
          owner: python
          repo: cpython
          ref: v3.12.0
          path: Lib
    - function_name:
        - prefix: org/example/rideshare
      language: java
      source:
        local:
          path: src/main/java
    - function_name:
        - prefix: java
      language: java
      source:
        github:
          owner: openjdk
          repo: jdk
          ref: jdk-17+0
          path: src/java.base/share/classes
    - path:
        - prefix: $GOROOT/src
      language: go
      source:
        github:
          owner: golang
          repo: go
          ref: go1.24.10
          path: src
)";

TEST(SourceMappingTest, DocumentationExamples) {
  SourceMappings m = MustParse(kDocsExample);
  EXPECT_EQ(m.size(), 6u);
  ExpectMaps(m, {
                    {"/app/src/x/y.py", "", "local src/x/y.py by mapping 1"},
                    {"vendor/a/b.go", "", "local vendor/a/b.go by mapping 2"},
                    {"/usr/lib/python3.12/json/decoder.py", "",
                     "github python/cpython@v3.12.0 Lib/json/decoder.py by mapping 3"},
                    {"", "org/example/rideshare/X.run",
                     "local src/main/java/org/example/rideshare/X.java by mapping 4"},
                    {"", "java/lang/String.indexOf",
                     "github openjdk/jdk@jdk-17+0 "
                     "src/java.base/share/classes/java/lang/String.java by mapping 5"},
                    {"/usr/local/go/src/fmt/print.go", "",
                     "github golang/go@go1.24.10 src/fmt/print.go by mapping 6"},
                    {"/app/other/x.py", "", "none"},
                    {"", "com/acme/X.run", "none"},
                });
}

TEST(SourceMappingTest, ConfigDirPrefixesLocalPaths) {
  SourceMappings m = MustParse(kDocsExample, "services/api");
  ExpectMaps(m, {
                    {"/app/src/x/y.py", "", "local services/api/src/x/y.py by mapping 1"},
                    {"vendor/a/b.go", "", "local services/api/vendor/a/b.go by mapping 2"},
                    {"", "org.example.rideshare.X.run",
                     "local services/api/src/main/java/org/example/rideshare/X.java by mapping 4"},
                    // GitHub paths are in the other repository: no prefix.
                    {"/usr/lib/python3.12/json/decoder.py", "",
                     "github python/cpython@v3.12.0 Lib/json/decoder.py by mapping 3"},
                });
  EXPECT_EQ(m.Map("/app/src/x.py", "")->rule,
            "the services/api/.pyroscope.yaml mapping for path prefix /app/src");
  // A local path may climb out of the config's directory, not out of the repository.
  SourceMappings up = MustParse(R"(source_code:
  mappings:
    - path: [{prefix: /app}]
      language: go
      source: {local: {path: ../../lib}}
)",
                                "services/api/");
  EXPECT_EQ(MapDump(up, "/app/x.go"), "local lib/x.go by mapping 1");
}

TEST(SourceMappingTest, Rules) {
  SourceMappings m = MustParse(kDocsExample);
  EXPECT_EQ(m.Map("/app/src/x.py", "")->rule,
            "the .pyroscope.yaml mapping for path prefix /app/src");
  EXPECT_EQ(m.Map("vendor/x.go", "")->rule, "the .pyroscope.yaml mapping for path prefix vendor/");
  EXPECT_EQ(m.Map("", "java/lang/String.indexOf")->rule,
            "the .pyroscope.yaml mapping for function name prefix java");
  EXPECT_EQ(m.Map("/usr/local/go/src/fmt/print.go", "")->rule,
            "the .pyroscope.yaml mapping for path prefix $GOROOT/src (GOROOT /usr/local/go)");
  EXPECT_EQ(m.Map("net/http/server.go", "")->rule,
            "the .pyroscope.yaml mapping for path prefix $GOROOT/src");
}

TEST(SourceMappingTest, JavaFunctionNames) {
  SourceMappings m = MustParse(R"(source_code:
  mappings:
    - function_name: [{prefix: org/example}]
      language: java
      source: {local: {path: src/main/java}}
)");
  ExpectMaps(
      m,
      {
          {"", "org/example/App$Inner.method",
           "local src/main/java/org/example/App.java by mapping 1"},
          {"", "org.example.App$Inner.method",
           "local src/main/java/org/example/App.java by mapping 1"},
          {"", "org/example/App.method", "local src/main/java/org/example/App.java by mapping 1"},
          {"", "org/example/App.lambda$main$0",
           "local src/main/java/org/example/App.java by mapping 1"},
          {"", "org/example/App$$Lambda$14/0x0000000800c03000.run",
           "local src/main/java/org/example/App.java by mapping 1"},
          {"", "org/example/a/B.<init>(Ljava/lang/String;)V",
           "local src/main/java/org/example/a/B.java by mapping 1"},
          // The file does not matter to a function_name prefix: the whole class file is appended.
          {"App.java", "org/example/App.run",
           "local src/main/java/org/example/App.java by mapping 1"},
          // Boundaries: "org/example" is not a prefix of "org/examples".
          {"", "org/examples/App.run", "none"},
          {"", "org/example", "none"},  // no class: nothing to map to
          {"", "main", "none"},
      });
}

TEST(SourceMappingTest, FunctionNamesOnlyMapInJavaMappings) {
  SourceMappings m = MustParse(R"(source_code:
  mappings:
    - function_name: [{prefix: github.com/acme}]
      language: go
      source: {local: {path: go}}
    - function_name: [{prefix: com/acme}]
      language: Java
      source: {local: {path: java}}
)");
  ExpectMaps(m, {
                    {"x.go", "github.com/acme/svc.Handle", "none"},
                    {"", "com.acme.Svc.handle", "local java/com/acme/Svc.java by mapping 2"},
                });
}

TEST(SourceMappingTest, LongestPrefixWinsAcrossMappings) {
  // Order does not matter: the same prefixes in two orders.
  constexpr std::string_view kA = R"(source_code:
  mappings:
    - path: [{prefix: /app}, {prefix: /srv}]
      language: python
      source: {local: {path: app}}
    - path: [{prefix: /app/lib/vendored}]
      language: python
      source: {github: {owner: psf, repo: requests, ref: v2.31.0, path: src}}
    - path: [{prefix: /app/lib}]
      language: python
      source: {local: {path: lib}}
)";
  constexpr std::string_view kB = R"(source_code:
  mappings:
    - path: [{prefix: /app/lib}]
      language: python
      source: {local: {path: lib}}
    - path: [{prefix: /app/lib/vendored}]
      language: python
      source: {github: {owner: psf, repo: requests, ref: v2.31.0, path: src}}
    - path: [{prefix: /srv}, {prefix: /app}]
      language: python
      source: {local: {path: app}}
)";
  for (std::string_view yaml : {kA, kB}) {
    SourceMappings m = MustParse(yaml);
    bool a = yaml == kA;
    ExpectMaps(
        m, {
               {"/app/x.py", "", std::string("local app/x.py by mapping ") + (a ? "1" : "3")},
               {"/srv/y/x.py", "", std::string("local app/y/x.py by mapping ") + (a ? "1" : "3")},
               {"/app/lib/x.py", "", std::string("local lib/x.py by mapping ") + (a ? "3" : "1")},
               {"/app/lib/vendored/requests/api.py", "",
                "github psf/requests@v2.31.0 src/requests/api.py by mapping 2"},
               {"/app/libx/x.py", "",
                std::string("local app/libx/x.py by mapping ") + (a ? "1" : "3")},
           });
  }
}

TEST(SourceMappingTest, FunctionAgainstPath) {
  SourceMappings m = MustParse(R"(source_code:
  mappings:
    - path: [{prefix: /build/src/main/java}]
      language: java
      source: {local: {path: app/src/main/java}}
    - function_name: [{prefix: org/example}, {prefix: org/example/rideshare/internal}]
      language: java
      source: {local: {path: lib/src/main/java}}
    - path: [{prefix: src}]
      language: java
      source: {local: {path: java}}
)");
  ExpectMaps(m, {
                    // /build/src/main/java (20) is longer than org/example (11).
                    {"/build/src/main/java/org/example/App.java", "org/example/App.run",
                     "local app/src/main/java/org/example/App.java by mapping 1"},
                    // org/example/rideshare/internal (30) is longer.
                    {"/build/src/main/java/org/example/rideshare/internal/X.java",
                     "org/example/rideshare/internal/X.run",
                     "local lib/src/main/java/org/example/rideshare/internal/X.java by mapping 2"},
                    // Only the function matches.
                    {"App.java", "org/example/App.run",
                     "local lib/src/main/java/org/example/App.java by mapping 2"},
                    // A path prefix of the same length as a function prefix wins.
                    {"src/x/Y.java", "src/x/Y.run", "local java/x/Y.java by mapping 3"},
                });
}

TEST(SourceMappingTest, ComponentBoundariesAndSeparators) {
  SourceMappings m = MustParse(R"(source_code:
  mappings:
    - path: [{prefix: src}]
      language: go
      source: {local: {path: code}}
    - path: [{prefix: 'C:\build\app\'}]
      language: python
      source: {local: {path: win}}
    - path: [{prefix: /}]
      language: python
      source: {local: {path: root}}
    - path: [{prefix: lib/x.py}]
      language: python
      source: {local: {path: single.py}}
)");
  ExpectMaps(m,
             {
                 {"src/x.go", "", "local code/x.go by mapping 1"},
                 {"./src/a/b.go", "", "local code/a/b.go by mapping 1"},
                 {"src\\a\\b.go", "", "local code/a/b.go by mapping 1"},
                 {"srcfoo/x.go", "", "none"},
                 {"src", "", "local code by mapping 1"},
                 {"C:\\build\\app\\m\\x.py", "", "local win/m/x.py by mapping 2"},
                 {"c:/build/app/x.py", "", "local win/x.py by mapping 2"},
                 {"C:\\build\\apps\\x.py", "", "none"},
                 // "/" matches every absolute path (on the root's drive only), not relative ones.
                 {"/opt/x.py", "", "local root/opt/x.py by mapping 3"},
                 {"file:///opt/x.py", "", "local root/opt/x.py by mapping 3"},
                 {"opt/x.py", "", "none"},
                 // A prefix naming a file maps that file.
                 {"lib/x.py", "", "local single.py by mapping 4"},
                 {"lib/x.pyc", "", "none"},
                 {"", "", "none"},
             });
}

TEST(SourceMappingTest, TrailingSlashDoesNotMatter) {
  for (std::string_view prefix : {"vendor", "vendor/", "./vendor//"}) {
    for (std::string_view path : {"vendor", "vendor/", "./vendor"}) {
      std::string yaml = "source_code:\n  mappings:\n    - path: [{prefix: \"" +
                         std::string(prefix) +
                         "\"}]\n      language: go\n      source: {local: {path: \"" +
                         std::string(path) + "\"}}\n";
      SourceMappings m = MustParse(yaml);
      EXPECT_EQ(MapDump(m, "vendor/a/b.go"), "local vendor/a/b.go by mapping 1") << yaml;
      EXPECT_EQ(MapDump(m, "vendorx/a/b.go"), "none") << yaml;
    }
  }
}

TEST(SourceMappingTest, PrefixAsOneElementList) {
  SourceMappings m = MustParse(R"(source_code:
  mappings:
    - path:
        - prefix: [a/b]
        - prefix:
            - c/d
      function_name:
        - prefix: [com/acme]
      language: java
      source: {local: {path: x}}
)");
  ExpectMaps(m, {
                    {"a/b/c.java", "", "local x/c.java by mapping 1"},
                    {"c/d/e.java", "", "local x/e.java by mapping 1"},
                    {"", "com/acme/A.run", "local x/com/acme/A.java by mapping 1"},
                });
}

TEST(SourceMappingTest, GorootPrefixMatchesEveryGoRoot) {
  SourceMappings m = MustParse(R"(source_code:
  mappings:
    - path: [{prefix: $GOROOT/src}]
      language: go
      source: {github: {owner: golang, repo: go, ref: go1.24.10, path: src}}
    - path: [{prefix: $GOROOT/src/net/http}]
      language: go
      source: {github: {owner: golang, repo: go, ref: go1.24.10, path: src/net/http}}
    - path: [{prefix: /home/u/src}]
      language: go
      source: {local: {path: ""}}
)");
  ExpectMaps(
      m,
      {
          {"/usr/local/go/src/fmt/print.go", "",
           "github golang/go@go1.24.10 src/fmt/print.go by mapping 1"},
          {"/usr/lib/go-1.19/src/runtime/proc.go", "",
           "github golang/go@go1.24.10 src/runtime/proc.go by mapping 1"},
          {"~/sdk/go1.21.3/src/sync/mutex.go", "",
           "github golang/go@go1.24.10 src/sync/mutex.go by mapping 1"},
          {"/home/u/sdk/go1.21.3/src/sync/mutex.go", "",
           "github golang/go@go1.24.10 src/sync/mutex.go by mapping 1"},
          {"C:\\Go\\src\\fmt\\print.go", "",
           "github golang/go@go1.24.10 src/fmt/print.go by mapping 1"},
          {"/usr/local/go/src/vendor/golang.org/x/net/idna/idna.go", "",
           "github golang/go@go1.24.10 src/vendor/golang.org/x/net/idna/idna.go by mapping 1"},
          // -trimpath: the import path.
          {"fmt/print.go", "", "github golang/go@go1.24.10 src/fmt/print.go by mapping 1"},
          // The longest $GOROOT prefix wins.
          {"/usr/local/go/src/net/http/server.go", "",
           "github golang/go@go1.24.10 src/net/http/server.go by mapping 2"},
          // A GOROOT under a directory called src: the GOROOT is the one holding the std package.
          {"/opt/src/go/src/fmt/print.go", "",
           "github golang/go@go1.24.10 src/fmt/print.go by mapping 1"},
          // Not the standard library: a GOPATH, a module, user code.
          {"/home/u/go/src/github.com/acme/x/y.go", "", "none"},
          {"/root/go/pkg/mod/github.com/acme/x@v1.2.3/y.go", "", "none"},
          {"/app/main.go", "", "none"},
          {"/home/u/src/app/main.go", "", "local app/main.go by mapping 3"},
          // /home/u/src is as long as $GOROOT/src: the literal path wins the tie.
          {"/home/u/src/go/src/fmt/print.go", "", "local go/src/fmt/print.go by mapping 3"},
      });
  EXPECT_EQ(m.Map("/usr/lib/go-1.19/src/runtime/proc.go", "")->rule,
            "the .pyroscope.yaml mapping for path prefix $GOROOT/src (GOROOT /usr/lib/go-1.19)");
  EXPECT_EQ(m.Map("~/sdk/go1.21.3/src/sync/mutex.go", "")->rule,
            "the .pyroscope.yaml mapping for path prefix $GOROOT/src (GOROOT ~/sdk/go1.21.3)");
  EXPECT_EQ(m.Map("/opt/src/go/src/fmt/print.go", "")->rule,
            "the .pyroscope.yaml mapping for path prefix $GOROOT/src (GOROOT /opt/src/go)");
}

TEST(SourceMappingTest, GorootAloneAndLiteralRootsCompete) {
  SourceMappings m = MustParse(R"(source_code:
  mappings:
    - path: [{prefix: $GOROOT}]
      language: go
      source: {github: {owner: golang, repo: go, ref: master}}
    - path: [{prefix: /usr/local/go/src/runtime}]
      language: go
      source: {local: {path: patched/runtime}}
)");
  ExpectMaps(m, {
                    {"/usr/local/go/src/fmt/print.go", "",
                     "github golang/go@master src/fmt/print.go by mapping 1"},
                    {"/usr/local/go/src/runtime/proc.go", "",
                     "local patched/runtime/proc.go by mapping 2"},
                    {"/usr/lib/go-1.19/src/runtime/proc.go", "",
                     "github golang/go@master src/runtime/proc.go by mapping 1"},
                });
}

TEST(SourceMappingTest, EmptyFiles) {
  for (std::string_view yaml :
       {"", "# nothing\n", "version: v1\n", "source_code:\n", "source_code:\n  mappings:\n",
        "source_code: {mappings: []}\n", "---\n...\n"}) {
    Result<SourceMappings> r = SourceMappings::Parse(yaml, "");
    ASSERT_TRUE(r.ok()) << r.status().ToString() << " for " << yaml;
    EXPECT_TRUE(r->empty());
    EXPECT_EQ(MapDump(*r, "/app/x.py", "a.B.c"), "none");
  }
}

// A mapping's body, indented under "source_code:\n  mappings:\n".
std::string WithMappings(std::string_view mappings) {
  return "source_code:\n  mappings:\n" + std::string(mappings);
}

constexpr std::string_view kGood = R"(    - path: [{prefix: /ok}]
      language: go
      source: {local: {path: ok}}
)";

TEST(SourceMappingTest, ValidationErrors) {
  struct ErrorCase {
    std::string mapping;  // the second mapping, after a good one
    std::string want;
  };
  const ErrorCase cases[] = {
      {"    - path: [{prefix: a}]\n      language: go\n"
       "      source: {local: {path: x}, github: {owner: o, repo: r, ref: main}}\n",
       ".pyroscope.yaml: mapping 2: source must be local or github, not both"},
      {"    - path: [{prefix: a}]\n      language: go\n      source: {}\n",
       ".pyroscope.yaml: mapping 2: source must be local or github"},
      {"    - path: [{prefix: a}]\n      language: go\n",
       ".pyroscope.yaml: mapping 2: source must be local or github"},
      {"    - path: [{prefix: a}]\n      source: {local: {path: x}}\n",
       ".pyroscope.yaml: mapping 2: language is missing (go, java, python…)"},
      {"    - path: [{prefix: a}]\n      language: ''\n      source: {local: {path: x}}\n",
       ".pyroscope.yaml: mapping 2: language is missing (go, java, python…)"},
      {"    - path: [{prefix: a}]\n      language: go lang\n      source: {local: {path: x}}\n",
       ".pyroscope.yaml: mapping 2: language must be a word like go, java or python, not \"go "
       "lang\""},
      {"    - path: [{prefix: a}]\n      language: [go]\n      source: {local: {path: x}}\n",
       ".pyroscope.yaml: mapping 2: language must be a word like go, java or python, not a list"},
      {"    - language: go\n      source: {local: {path: x}}\n",
       ".pyroscope.yaml: mapping 2: needs at least one path or function_name prefix"},
      {"    - path: []\n      function_name:\n      language: go\n      source: {local: {path: "
       "x}}\n",
       ".pyroscope.yaml: mapping 2: needs at least one path or function_name prefix"},
      {"    - path: [{prefix: ''}]\n      language: go\n      source: {local: {path: x}}\n",
       ".pyroscope.yaml: mapping 2: path 1: prefix is empty"},
      {"    - path: [{prefix: a}, {prefix: }]\n      language: go\n      source: {local: {path: "
       "x}}\n",
       ".pyroscope.yaml: mapping 2: path 2: prefix is empty"},
      {"    - path: [{prefix: ./}]\n      language: go\n      source: {local: {path: x}}\n",
       ".pyroscope.yaml: mapping 2: path prefix \"./\" names nothing to match"},
      {"    - function_name: [{prefix: ..}]\n      language: java\n      source: {local: {path: "
       "x}}\n",
       ".pyroscope.yaml: mapping 2: function_name prefix \"..\" names nothing to match"},
      {"    - path: [{prefix: [a, b]}]\n      language: go\n      source: {local: {path: x}}\n",
       ".pyroscope.yaml: mapping 2: path 1: prefix must be a string or a one-element list"},
      {"    - path: [{prefix: {a: b}}]\n      language: go\n      source: {local: {path: x}}\n",
       ".pyroscope.yaml: mapping 2: path 1: prefix must be a string or a one-element list"},
      {"    - path: [a/b]\n      language: go\n      source: {local: {path: x}}\n",
       ".pyroscope.yaml: mapping 2: path 1 must be a map with a prefix (- prefix: a/b), not a "
       "string"},
      {"    - path: [{}]\n      language: go\n      source: {local: {path: x}}\n",
       ".pyroscope.yaml: mapping 2: path 1 has no prefix"},
      {"    - path: [{prefx: a}]\n      language: go\n      source: {local: {path: x}}\n",
       ".pyroscope.yaml: mapping 2: unknown key \"prefx\" in path 1 (expected prefix)"},
      {"    - function_name: {prefix: a}\n      language: go\n      source: {local: {path: x}}\n",
       ".pyroscope.yaml: mapping 2: function_name must be a list of prefixes (- prefix: a/b), not "
       "a map"},
      {"    - fuction_name: [{prefix: a}]\n      language: java\n",
       ".pyroscope.yaml: mapping 2: unknown key \"fuction_name\" (expected path, function_name, "
       "language, source)"},
      {"    - path: [{prefix: a}]\n      language: go\n      language: go\n", "ok-or-duplicate"},
      {"    - path: [{prefix: /ok}]\n      language: go\n      source: {local: {path: x}}\n",
       ".pyroscope.yaml: mapping 2: path prefix \"/ok\" is already in mapping 1"},
      {"    - path: [{prefix: '/ok/'}]\n      language: go\n      source: {local: {path: x}}\n",
       ".pyroscope.yaml: mapping 2: path prefix \"/ok/\" is already in mapping 1"},
      {"    - just a string\n",
       ".pyroscope.yaml: mapping 2: must be a map with path or "
       "function_name, language and source, not a string"},
      {"    - path: [{prefix: a}]\n      language: go\n      source: local\n",
       ".pyroscope.yaml: mapping 2: source must be a map with local or github, not a string"},
      {"    - path: [{prefix: a}]\n      language: go\n      source: {gitlab: {}}\n",
       ".pyroscope.yaml: mapping 2: unknown key \"gitlab\" in source (expected local or github)"},
      {"    - path: [{prefix: a}]\n      language: go\n      source: {local: src}\n",
       ".pyroscope.yaml: mapping 2: source.local must be a map, not a string"},
      {"    - path: [{prefix: a}]\n      language: go\n      source: {local: {dir: x}}\n",
       ".pyroscope.yaml: mapping 2: unknown key \"dir\" in source.local (expected path)"},
      {"    - path: [{prefix: a}]\n      language: go\n      source: {local: {path: [x]}}\n",
       ".pyroscope.yaml: mapping 2: source.local.path must be a string, not a list"},
      {"    - path: [{prefix: a}]\n      language: go\n      source: {local: {path: /abs}}\n",
       ".pyroscope.yaml: mapping 2: source.local.path \"/abs\" must be relative to the directory "
       "holding .pyroscope.yaml"},
      {"    - path: [{prefix: a}]\n      language: go\n      source: {local: {path: ../x}}\n",
       ".pyroscope.yaml: mapping 2: source.local.path \"../x\" leaves the repository"},
      {"    - path: [{prefix: a}]\n      language: go\n      source: {github: {repo: r, ref: "
       "main}}\n",
       ".pyroscope.yaml: mapping 2: source.github.owner is missing"},
      {"    - path: [{prefix: a}]\n      language: go\n      source: {github: {owner: o, ref: "
       "main}}\n",
       ".pyroscope.yaml: mapping 2: source.github.repo is missing"},
      {"    - path: [{prefix: a}]\n      language: go\n      source: {github: {owner: o, repo: "
       "r}}\n",
       ".pyroscope.yaml: mapping 2: source.github.ref is missing (a branch, tag or commit)"},
      {"    - path: [{prefix: a}]\n      language: go\n      source: {github: {owner: a/b, repo: "
       "r, ref: main}}\n",
       ".pyroscope.yaml: mapping 2: source.github.owner \"a/b\" is not a GitHub owner"},
      {"    - path: [{prefix: a}]\n      language: go\n      source: {github: {owner: o, repo: "
       "'r s', ref: main}}\n",
       ".pyroscope.yaml: mapping 2: source.github.repo \"r s\" is not a GitHub repository name"},
      {"    - path: [{prefix: a}]\n      language: go\n      source: {github: {owner: o, repo: "
       "r, ref: 'a..b'}}\n",
       ".pyroscope.yaml: mapping 2: source.github.ref \"a..b\" is not a valid branch, tag or "
       "commit"},
      {"    - path: [{prefix: a}]\n      language: go\n      source: {github: {owner: o, repo: "
       "r, ref: main, path: ../x}}\n",
       ".pyroscope.yaml: mapping 2: source.github.path \"../x\" leaves the repository"},
      {"    - path: [{prefix: a}]\n      language: go\n      source: {github: {owner: o, repo: "
       "r, ref: main, branch: x}}\n",
       ".pyroscope.yaml: mapping 2: unknown key \"branch\" in source.github (expected owner, "
       "repo, ref, path)"},
      {"    - path: [{prefix: a}]\n      language: go\n      source: {github: {owner: o, owner: "
       "p, repo: r, ref: main}}\n",
       "ok-or-duplicate"},
  };
  for (const ErrorCase& c : cases) {
    std::string yaml = WithMappings(std::string(kGood) + c.mapping);
    std::string got = ParseError(yaml);
    if (c.want == "ok-or-duplicate") {
      // yaml-cpp may reject a duplicate key itself; either way it is an error.
      EXPECT_NE(got, "ok") << yaml;
      continue;
    }
    EXPECT_EQ(got, c.want) << yaml;
  }
}

TEST(SourceMappingTest, FileErrorsPointAtTheLine) {
  struct ErrorCase {
    std::string yaml;
    std::string want;
  };
  const ErrorCase cases[] = {
      {"version: v2\nsource_code:\n",
       ".pyroscope.yaml:1:10: version \"v2\" is not supported (only v1)"},
      {"version: 1\n", ".pyroscope.yaml:1:10: version \"1\" is not supported (only v1)"},
      {"- a\n- b\n", ".pyroscope.yaml:1:1: expected a map with source_code, found a list"},
      {"hello\n", ".pyroscope.yaml:1:1: expected a map with source_code, found a string"},
      {"source_code:\n  mappings: {}\n",
       ".pyroscope.yaml:2:13: source_code.mappings must be a list, not a map"},
      {"source_code: [1]\n",
       ".pyroscope.yaml:1:14: source_code must be a map with mappings, not a list"},
      {"source_code:\n  mapings: []\n",
       ".pyroscope.yaml:2:3: unknown key \"mapings\" in source_code (expected mappings)"},
      {"version: v1\nsourcecode:\n",
       ".pyroscope.yaml:2:1: unknown key \"sourcecode\" (expected "
       "version, source_code)"},
      {"[a]: b\n", ".pyroscope.yaml:1:1: a key must be a string"},
  };
  for (const ErrorCase& c : cases) EXPECT_EQ(ParseError(c.yaml), c.want) << c.yaml;
  EXPECT_EQ(ParseError("version: v2\n", "svc"),
            "svc/.pyroscope.yaml:1:10: version \"v2\" is not supported (only v1)");
}

TEST(SourceMappingTest, SyntaxErrorsGiveTheLine) {
  struct ErrorCase {
    std::string yaml;
    std::string want_prefix;
  };
  const ErrorCase cases[] = {
      {"source_code:\n  mappings:\n    - path: [{prefix: a}\n", ".pyroscope.yaml:4:1: "},
      {"version: v1\nsource_code:\n  mappings: \"unterminated\n", ".pyroscope.yaml:3:"},
      {"a: b\n c: d\n", ".pyroscope.yaml:2:"},
      {"a: *nope\n", ".pyroscope.yaml:1:"},
      {"a:\n\t- b\n", ".pyroscope.yaml:2:"},
  };
  for (const ErrorCase& c : cases) {
    std::string got = ParseError(c.yaml);
    EXPECT_TRUE(got.starts_with(c.want_prefix)) << got << "\nfor\n" << c.yaml;
    EXPECT_GT(got.size(), c.want_prefix.size()) << got;
  }
}

TEST(SourceMappingTest, HostileInputIsBounded) {
  // Over 1 MiB.
  std::string big = "# " + std::string(kMaxSourceMappingBytes, 'x') + "\n";
  EXPECT_EQ(ParseError(big), ".pyroscope.yaml: 1048579 bytes is over the 1 MiB limit");

  // Deep flow nesting.
  std::string flow = "a: " + std::string(40, '[') + std::string(40, ']') + "\n";
  EXPECT_EQ(ParseError(flow),
            ".pyroscope.yaml:1: nested deeper than 32 levels of lists and maps (a source mapping "
            "needs about 6)");
  std::string deep_flow = std::string(100000, '[');
  EXPECT_EQ(ParseError(deep_flow),
            ".pyroscope.yaml:1: nested deeper than 32 levels of lists and maps (a source mapping "
            "needs about 6)");

  // Deep block nesting.
  std::string block;
  for (int i = 0; i < 40; ++i) block += std::string(i, ' ') + "k:\n";
  EXPECT_EQ(ParseError(block),
            ".pyroscope.yaml:32: nested deeper than 32 levels of lists and maps (a source mapping "
            "needs about 6)");
  std::string dashes;
  for (int i = 0; i < 40; ++i) dashes += "- ";
  EXPECT_EQ(ParseError(dashes + "x\n"),
            ".pyroscope.yaml:1: nested deeper than 32 levels of lists and maps (a source mapping "
            "needs about 6)");

  // Too many mappings; too many prefixes (shared through an alias, not expanded).
  std::string many = "source_code:\n  mappings:\n";
  for (size_t i = 0; i <= kMaxSourceMappings; ++i) {
    many += "    - {path: [{prefix: p" + std::to_string(i) +
            "}], language: go, source: {local: {path: x}}}\n";
  }
  EXPECT_EQ(ParseError(many), ".pyroscope.yaml: more than 10000 mappings");

  std::string list = "[";
  for (int i = 0; i < 2000; ++i) list += "{prefix: p" + std::to_string(i) + "},";
  list += "{prefix: last}]";
  std::string aliased2 = "source_code:\n  mappings:\n    - &m {path: &prefixes " + list +
                         ", language: go, source: {local: {path: x}}}\n";
  for (int i = 0; i < 60; ++i) {
    aliased2 += "    - {function_name: *prefixes, language: java, source: {local: {path: x}}}\n";
  }
  EXPECT_EQ(ParseError(aliased2), ".pyroscope.yaml: more than 100000 prefixes");
  // An aliased mapping repeats its prefixes: rejected, not expanded.
  std::string twice =
      "source_code:\n  mappings:\n    - &m {path: [{prefix: a}], language: go, "
      "source: {local: {path: x}}}\n    - *m\n";
  EXPECT_EQ(ParseError(twice),
            ".pyroscope.yaml: mapping 2: path prefix \"a\" is already in mapping 1");
  // A self-referencing anchor does not loop.
  EXPECT_NE(ParseError("source_code: &a {mappings: [*a]}\n"), "ok");
}

TEST(SourceMappingTest, ConfigDirOutsideTheRepository) {
  EXPECT_EQ(ParseError(kDocsExample, "../x"),
            "the directory of .pyroscope.yaml, \"../x\", is outside the repository");
  SourceMappings m = MustParse(kDocsExample, "/svc/");
  EXPECT_EQ(MapDump(m, "vendor/a.go"), "local svc/vendor/a.go by mapping 2");
}

}  // namespace
}  // namespace srclink
