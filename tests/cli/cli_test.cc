#include "cli/cli.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/cli_runner.h"
#include "cli/frame_input.h"

namespace srclink::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::string kSha = "0123456789abcdef0123456789abcdef01234567";

TEST(CliTest, VersionAndHelp) {
  EXPECT_EQ(RunCli({"--version"}).out, "srclink 0.1.0\n");
  EXPECT_EQ(RunCli({"version"}).code, 0);
  Outcome help = RunCli({"help"});
  EXPECT_EQ(help.code, 0);
  EXPECT_THAT(help.out, HasSubstr("resolve"));
  EXPECT_THAT(help.out, HasSubstr("link"));
  Outcome resolve_help = RunCli({"help", "resolve"});
  EXPECT_EQ(resolve_help.code, 0);
  EXPECT_THAT(resolve_help.out, HasSubstr("--repo-dir"));
  EXPECT_THAT(resolve_help.out, HasSubstr("--map"));
  Outcome unknown = RunCli({"help", "frobnicate"});
  EXPECT_EQ(unknown.code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("unknown command \"frobnicate\""));
  EXPECT_EQ(RunCli({}).code, 2);
  EXPECT_EQ(RunCli({"bogus"}).code, 2);
}

TEST(CliTest, UrlHumanAndJsonNeverRepeatCredentials) {
  Outcome human =
      RunCli({"url", "https://user:s3cret@github.com/org/repo.git", "git@gitlab.com:g/sub/r.git"});
  EXPECT_EQ(human.code, 0) << human.err;
  EXPECT_THAT(human.out, HasSubstr("id         github.com/org/repo\n"));
  EXPECT_THAT(human.out, HasSubstr("provider   gitlab\n"));
  EXPECT_THAT(human.out + human.err, Not(HasSubstr("s3cret")));
  EXPECT_THAT(human.out + human.err, Not(HasSubstr("user")));

  Outcome js = RunCli({"url", "--json", "https://tok3n@github.com/o/r", "ftp://u:pw9@h/x",
                       "git@bitbucket.org:w/r.git"});
  EXPECT_EQ(js.code, 1);  // one was rejected
  auto lines = JsonLines(js.out);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0]["id"], "github.com/o/r");
  EXPECT_EQ(lines[0]["sanitized"], "https://github.com/o/r");
  EXPECT_EQ(lines[0]["provider"], "github");
  EXPECT_TRUE(lines[1].contains("error"));
  EXPECT_FALSE(lines[1].contains("id"));
  EXPECT_EQ(lines[2]["provider"], "bitbucket");
  EXPECT_THAT(js.out + js.err, Not(HasSubstr("tok3n")));
  EXPECT_THAT(js.out + js.err, Not(HasSubstr("pw9")));
}

TEST(CliTest, UrlWithDeclaredHostAndConfigFile) {
  TempDir dir;
  std::string config = dir.Write("srclink.json", R"({"hosts": {"code.internal": {
      "file": "{base}/view/{commit}/{path}", "commit": "{base}/c/{commit}", "line_anchor": "#L{line}"}}})");
  Outcome declared = RunCli(
      {"url", "--json", "--host", "git.corp.example=gitlab", "https://git.corp.example/a/b"});
  EXPECT_EQ(JsonLines(declared.out)[0]["provider"], "gitlab");
  Outcome from_env = RunCli({"link", "--repo", "https://code.internal/team/app", "--commit", kSha,
                             "--path", "x.py", "--line", "7"},
                            "", {{"SRCLINK_CONFIG", config}});
  EXPECT_EQ(from_env.code, 0) << from_env.err;
  EXPECT_EQ(from_env.out, "https://code.internal/team/app/view/" + kSha + "/x.py#L7\n");
  std::string broken = dir.Write("broken.json", "{\"hosts\": [");
  Outcome bad = RunCli({"url", "--config", broken, "github.com/o/r"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_THAT(bad.err, HasSubstr("broken.json: not valid JSON"));
}

TEST(CliTest, LinkPrintsOneUrl) {
  struct Case {
    std::vector<std::string> args;
    std::string out;
  };
  const Case cases[] = {
      {{"--path", "src/a b.py", "--line", "10-20"},
       "https://github.com/o/r/blob/" + kSha + "/src/a%20b.py#L10-L20\n"},
      {{"--path", "src/x.py", "--kind", "blame", "--line", "3"},
       "https://github.com/o/r/blame/" + kSha + "/src/x.py#L3\n"},
      {{"--kind", "commit"}, "https://github.com/o/r/commit/" + kSha + "\n"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"link", "--repo", "git@github.com:o/r.git", "--commit", kSha};
    args.insert(args.end(), c.args.begin(), c.args.end());
    Outcome o = RunCli(args);
    EXPECT_EQ(o.code, 0) << o.err;
    EXPECT_EQ(o.out, c.out);
  }
}

TEST(CliTest, LinkErrorsAreClear) {
  struct Case {
    std::vector<std::string> args;
    std::string err;
  };
  const Case cases[] = {
      {{"--repo", "git@github.com:o/r.git", "--commit", kSha, "--path", "x", "--line", "20-10"},
       "--line: "},
      {{"--repo", "/srv/git/r.git", "--commit", kSha, "--path", "x"},
       "--repo: \"/srv/git/r.git\" is not a remote"},
      {{"--repo", "https://git.unknown.example/o/r", "--commit", kSha, "--path", "x"},
       "git.unknown.example"},
      {{"--repo", "git@github.com:o/r.git", "--commit", kSha}, "--path is required"},
      {{"--repo", "git@github.com:o/r.git", "--commit", kSha, "--path", "x", "--kind", "tree"},
       "--kind"},
      {{"--commit", kSha, "--path", "x"}, "--repo is required"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"link"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    Outcome o = RunCli(args);
    EXPECT_NE(o.code, 0);
    EXPECT_TRUE(o.out.empty()) << o.out;
    EXPECT_THAT(o.err, HasSubstr(c.err));
  }
}

TEST(CliTest, ResolveFromFileListStreamsJsonLinesInOrder) {
  TempDir dir;
  std::string files = dir.Write(
      "files.txt",
      "services/api/src/index.js\r\nservices/web/src/index.js\nservices/web/src/server.js\n"
      "src/main/java/com/acme/Foo.java\nREADME.md\n");
  std::string input =
      "/app/src/index.js:3\n"
      "\n"
      "{\"file\": \"Foo.java\", \"module\": \"com.acme.Foo$Inner\", \"line\": 12}\n"
      "{not json\n"
      "/usr/lib/node_modules/express/lib/router.js:5\n"
      "/app/src/server.js:9\n"
      "/app/src/index.js:4\n";
  Outcome o = RunCli({"resolve", "--files", files, "--repository-url",
                      "https://github.com/acme/shop", "--commit", kSha, "--json"},
                     input);
  EXPECT_EQ(o.code, 1);  // the malformed line
  EXPECT_THAT(o.err, HasSubstr("stdin:4: not valid JSON"));
  auto lines = JsonLines(o.out);
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_EQ(lines[0]["status"], "ambiguous");
  EXPECT_EQ(lines[0]["candidate_count"], 2);
  EXPECT_EQ(lines[0]["candidates"][0], "services/api/src/index.js");
  EXPECT_EQ(lines[1]["status"], "resolved");
  EXPECT_EQ(lines[1]["path"], "src/main/java/com/acme/Foo.java");
  EXPECT_EQ(lines[1]["rule"], "jvm-class");
  EXPECT_EQ(lines[1]["links"]["file"],
            "https://github.com/acme/shop/blob/" + kSha + "/src/main/java/com/acme/Foo.java#L12");
  EXPECT_EQ(lines[2]["status"], "error");
  EXPECT_EQ(lines[3]["status"], "unknown");
  EXPECT_EQ(lines[3]["user_code"], false);
  EXPECT_EQ(lines[3]["rule"], "third-party");
  EXPECT_EQ(lines[4]["path"], "services/web/src/server.js");
  // Learnt from the frame before: /app is services/web.
  EXPECT_EQ(lines[5]["status"], "resolved");
  EXPECT_EQ(lines[5]["path"], "services/web/src/index.js");
  EXPECT_EQ(lines[5]["rule"], "learnt");
}

TEST(CliTest, ResolveRootAndMapArguments) {
  TempDir dir;
  std::string files =
      dir.Write("files.txt", "services/api/src/index.js\nservices/web/src/index.js\n");
  Outcome root = RunCli(
      {"resolve", "--files", files, "--root", "services/web", "--json", "/app/src/index.js"});
  EXPECT_EQ(JsonLines(root.out)[0]["path"], "services/web/src/index.js");
  EXPECT_EQ(JsonLines(root.out)[0]["rule"], "root");
  EXPECT_FALSE(JsonLines(root.out)[0].contains("links"));  // no repository known
  Outcome map = RunCli(
      {"resolve", "--files", files, "--map", "/app=services/api", "--json", "/app/src/index.js"});
  EXPECT_EQ(JsonLines(map.out)[0]["path"], "services/api/src/index.js");
  EXPECT_EQ(JsonLines(map.out)[0]["rule"], "mapping");
  Outcome bad = RunCli({"resolve", "--files", files, "--map", "nomapping", "x.js"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_THAT(bad.err, HasSubstr("--map: code mapping \"nomapping\" has no '='"));
  Outcome missing = RunCli({"resolve", "--files", dir.path() + "/nope.txt", "x.js"});
  EXPECT_EQ(missing.code, 1);
  EXPECT_THAT(missing.err, HasSubstr("nope.txt"));
  Outcome both = RunCli({"resolve", "--files", files, "--repo-dir", ".", "x.js"});
  EXPECT_EQ(both.code, 2);
}

TEST(CliTest, ResolveHumanOutputExplains) {
  TempDir dir;
  std::string files = dir.Write("files.txt", "a/index.js\nb/index.js\nsrc/x.py\n");
  Outcome o = RunCli({"resolve", "--files", files, "index.js:3", "/srv/src/x.py:10"});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_THAT(o.err, HasSubstr("Resolving against 3 tracked files"));
  EXPECT_THAT(o.out, HasSubstr("index.js:3\n  ambiguous  [ambiguous, user code]\n"));
  EXPECT_THAT(o.out, HasSubstr("    a/index.js\n    b/index.js\n"));
  EXPECT_THAT(o.out, HasSubstr("  resolved  src/x.py:10  [suffix, user code]\n"));
}

TEST(FrameInputTest, Lines) {
  struct Case {
    const char* line;
    const char* dump;  // Frame::Dump() or "error: <substring>"
  };
  const Case cases[] = {
      {"src/x.py", "src/x.py"},
      {"src/x.py:42", "src/x.py:42"},
      {"src/x.py:42:7", "src/x.py:42:7"},
      {"C:\\build\\Foo.cs:12", "C:\\build\\Foo.cs:12"},
      {"C:\\build\\Foo.cs", "C:\\build\\Foo.cs"},
      {"webpack:///./src/x.ts:3:9", "webpack:///./src/x.ts:3:9"},
      {"  /app/x.js:1  \r", "/app/x.js:1"},
      {"{\"file\":\"Foo.java\",\"line\":3,\"module\":\"com.x.Foo\",\"function\":\"run\"}",
       "Foo.java:3 module=com.x.Foo function=run"},
      {"{\"module\":\"app.views\"}", " module=app.views"},
      {"{\"file\":\"x\",\"in_app\":true,\"line\":null}", "x"},
      {"{\"file\":3}", "error: \"file\" must be a string"},
      {"{\"file\":\"x\",\"line\":-1}", "error: \"line\" must be a whole number"},
      {"{\"line\":3}", "error: the frame has neither \"file\" nor \"module\""},
      {"[1,2]", "[1,2]"},  // not an object: a (strange) path
      {"{", "error: not valid JSON"},
      {":42", "error: no file before the line number"},
      {"", "error: empty line"},
  };
  for (const Case& c : cases) {
    auto f = ParseFrameLine(c.line);
    std::string got = f.ok() ? f->Dump() : "error: " + f.status().message();
    if (std::string(c.dump).starts_with("error: ")) {
      EXPECT_THAT(got, HasSubstr(c.dump)) << c.line;
    } else {
      EXPECT_EQ(got, c.dump) << c.line;
    }
  }
  EXPECT_FALSE(ParseFrameLine(std::string(70000, 'a')).ok());
}

// The real binary, on a real git checkout made with git.
class BinaryTest : public ::testing::Test {
 protected:
  static std::string Shell(const std::string& cmd, int* code = nullptr) {
    std::string out;
    FILE* p = popen(cmd.c_str(), "r");
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    int status = pclose(p);
    if (code) *code = WEXITSTATUS(status);
    return out;
  }
};

TEST_F(BinaryTest, ResolveAgainstACheckoutsHead) {
  TempDir dir;
  dir.Write("repo/services/api/app/views.py", "x\n");
  dir.Write("repo/services/api/app/__init__.py", "");
  dir.Write("repo/README.md", "r\n");
  std::string empty_config = dir.Write("empty.gitconfig", "");
  std::string git = "cd " + dir.path() + "/repo && export GIT_CONFIG_GLOBAL=" + empty_config +
                    " GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=t "
                    "GIT_AUTHOR_EMAIL=t@x GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@x && ";
  int code = 0;
  Shell(git +
            "git init -q . && git add -A && git commit -qm init && "
            "git remote add origin https://deploy:hunter2@github.com/acme/shop.git",
        &code);
  ASSERT_EQ(code, 0);
  std::string head = Shell(git + "git rev-parse HEAD");
  head.resize(40);
  std::string out = Shell(std::string(SRCLINK_BINARY) + " resolve --repo-dir " + dir.path() +
                              "/repo/services --json /app/app/views.py:7 2>&1",
                          &code);
  EXPECT_EQ(code, 0) << out;
  auto lines = JsonLines(out);
  ASSERT_EQ(lines.size(), 1u) << out;
  EXPECT_EQ(lines[0]["path"], "services/api/app/views.py");
  EXPECT_EQ(lines[0]["links"]["file"],
            "https://github.com/acme/shop/blob/" + head + "/services/api/app/views.py#L7");
  EXPECT_THAT(out, Not(HasSubstr("hunter2")));

  std::string version = Shell(std::string(SRCLINK_BINARY) + " --version", &code);
  EXPECT_EQ(version, "srclink 0.1.0\n");
  Shell(std::string(SRCLINK_BINARY) + " resolve --repo-dir /nonexistent-dir x.py 2>/dev/null",
        &code);
  EXPECT_EQ(code, 1);
}

}  // namespace
}  // namespace srclink::cli
