#include "server/resolve_request.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace srclink::server {
namespace {

TEST(ResolveRequestTest, ParsesEverything) {
  ResolveRequest r;
  FieldError err;
  ASSERT_TRUE(
      ParseResolveRequest(R"( {"repository_url": "github.com/acme/shop", "commit_sha": "3f2c1ab",
      "root_path": "services/api", "unknown": {"nested": [1, 2.5e3, true, null, "x"]},
      "mappings": [{"stack_root": "/app", "source_root": "services/api", "other": 1}],
      "frames": [{"file": "/app/a\u00e9\ud83d\ude00\n.py", "line": 42, "column": 7, "function": "get",
                  "module": "app.views", "extra": [{}]},
                 {"file": "b.py", "line": null},
                 {}],
      "snippets": true, "context": 0} )",
                          &r, &err))
      << err.field << ": " << err.message;
  EXPECT_EQ(r.repository_url, "github.com/acme/shop");
  EXPECT_EQ(r.commit_sha, "3f2c1ab");
  EXPECT_EQ(r.options.root_path, "services/api");
  ASSERT_EQ(r.options.mappings.size(), 1u);
  EXPECT_EQ(r.options.mappings[0].stack_root, "/app");
  EXPECT_EQ(r.options.mappings[0].source_root, "services/api");
  ASSERT_EQ(r.frames.size(), 3u);
  EXPECT_EQ(r.frames[0].file, "/app/a\xc3\xa9\xf0\x9f\x98\x80\n.py");
  EXPECT_EQ(r.frames[0].line, 42);
  EXPECT_EQ(r.frames[0].column, 7);
  EXPECT_EQ(r.frames[0].function, "get");
  EXPECT_EQ(r.frames[0].module, "app.views");
  EXPECT_EQ(r.frames[1].line, 0);
  EXPECT_EQ(r.frames[2].file, "");
  EXPECT_TRUE(r.snippets);
  EXPECT_EQ(r.context, 0);
}

TEST(ResolveRequestTest, Defaults) {
  ResolveRequest r;
  FieldError err;
  ASSERT_TRUE(
      ParseResolveRequest(R"({"repository_url":"r","commit_sha":"c","frames":[]})", &r, &err));
  EXPECT_FALSE(r.snippets);
  EXPECT_EQ(r.context, kDefaultSnippetContext);
  EXPECT_TRUE(r.frames.empty());
}

TEST(ResolveRequestTest, Errors) {
  struct Case {
    std::string body;
    std::string field;
    std::string message_part;
  };
  const std::string ok = R"("repository_url":"r","commit_sha":"c")";
  std::string many = "{" + ok + R"(,"frames":[)";
  for (int i = 0; i < 1001; ++i) many += std::string(i ? "," : "") + R"({"file":"a.py"})";
  many += "]}";
  for (const Case& c : std::vector<Case>{
           {"", "", "not valid JSON"},
           {"{", "", "not valid JSON"},
           {"[1]", "", "must be a JSON object, not an array"},
           {"{} x", "", "unexpected text"},
           {R"({"a": tru})", "", "not valid JSON"},
           {R"({"a": "\x"})", "", "invalid escape"},
           {R"({"a": 01})", "", "not valid JSON"},
           {"{" + ok + R"(,"frames":[{"file":"a","line":"ten"}]})", "frames[0].line",
            "frames[0].line must be a non-negative integer, not a string"},
           {"{" + ok + R"(,"frames":[{},{},{"line":-3}]})", "frames[2].line",
            "frames[2].line must not be negative (got -3)"},
           {"{" + ok + R"(,"frames":[{"line":4.5}]})", "frames[0].line", "not 4.5"},
           {"{" + ok + R"(,"frames":[{"line":99999999999}]})", "frames[0].line", "at most"},
           {"{" + ok + R"(,"frames":[{"file":7}]})", "frames[0].file",
            "must be a string, not a number"},
           {"{" + ok + R"(,"frames":[{},"x"]})", "frames[1]", "must be an object"},
           {"{" + ok + R"(,"frames":{}})", "frames", "must be an array"},
           {"{" + ok + "}", "frames", "frames is missing"},
           {R"({"commit_sha":"c","frames":[]})", "repository_url", "repository_url is missing"},
           {R"({"repository_url":"r","frames":[]})", "commit_sha", "commit_sha is missing"},
           {"{" + ok + R"(,"frames":[],"context":51})", "context", "context is 51; at most 50"},
           {"{" + ok + R"(,"frames":[],"snippets":"yes"})", "snippets", "true or false"},
           {"{" + ok + R"(,"frames":[],"mappings":[{"source_root":"x"}]})",
            "mappings[0].stack_root", "missing"},
           {"{" + ok + R"(,"frames":[],"mappings":[{"stack_root":"/a","source_root":1}]})",
            "mappings[0].source_root", "must be a string"},
           {"{" + ok + R"(,"frames":[],"service":7})", "service", "must be a string"},
           {many, "frames", "1001 frames; at most 1000 per request"},
       }) {
    ResolveRequest r;
    FieldError err;
    EXPECT_FALSE(ParseResolveRequest(c.body, &r, &err)) << c.body.substr(0, 80);
    EXPECT_EQ(err.field, c.field) << c.body.substr(0, 80);
    EXPECT_NE(err.message.find(c.message_part), std::string::npos)
        << c.body.substr(0, 80) << " → " << err.message;
  }
}

TEST(ResolveRequestTest, DeepNestingIsRefused) {
  std::string body = "{\"x\":" + std::string(10000, '[') + std::string(10000, ']') + "}";
  ResolveRequest r;
  FieldError err;
  EXPECT_FALSE(ParseResolveRequest(body, &r, &err));
  EXPECT_NE(err.message.find("nested too deeply"), std::string::npos) << err.message;
}

TEST(ResolveRequestTest, ServiceInsteadOfTheGitFields) {
  ResolveRequest r;
  FieldError err;
  ASSERT_TRUE(ParseResolveRequest(
      R"({"service": "checkout", "version": "1.4.2", "frames": [{"file": "a.py", "line": 1}]})", &r,
      &err))
      << err.message;
  EXPECT_EQ(r.service, "checkout");
  EXPECT_EQ(r.version, "1.4.2");
  EXPECT_TRUE(r.repository_url.empty());
  ASSERT_EQ(r.frames.size(), 1u);
}

}  // namespace
}  // namespace srclink::server
