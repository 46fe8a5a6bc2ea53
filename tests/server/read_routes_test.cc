// The read routes over HTTP: an httplib::Server on 127.0.0.1 with
// RegisterReadRoutes over a FakeStore, driven by httplib::Client.
#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "read_fake_store.h"
#include "server/blob_cache.h"
#include "server/commit_cache.h"
#include "server/server_context.h"

namespace srclink::server {
namespace {

using json = nlohmann::json;
using readtest::FakeStore;

const std::string kRepo = "github.com/acme/shop";
const std::string kSha = "3f2c1ab000000000000000000000000000000001";
const std::string kOtherSha = "3f2c1ab000000000000000000000000000000002";
const std::string kKey = "sk_test_secret";

std::string NumberedLines(int n) {
  std::string text;
  for (int i = 1; i <= n; ++i) text += "line " + std::to_string(i) + "\n";
  return text;
}

class ReadRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CommitUpload u;
    u.repository_id = kRepo;
    u.repository_url = "https://github.com/acme/shop";
    u.provider = "github";
    u.commit_sha = kSha;
    u.uploaded_at = 100;
    u.files = {{"services/api/src/views.py", "1111111111111111111111111111111111111111"},
               {"services/web/src/views.py", "2222222222222222222222222222222222222222"},
               {"lib/a/utils.py", ""},
               {"lib/b/utils.py", ""},
               {"README.md", ""},
               {"docs/gone.md", "3333333333333333333333333333333333333333"}};
    ASSERT_TRUE(store_.PutCommit(u).ok());
    u.commit_sha = kOtherSha;
    u.uploaded_at = 200;
    ASSERT_TRUE(store_.PutCommit(u).ok());
    store_.PutText("1111111111111111111111111111111111111111", NumberedLines(20));
    store_.PutText("2222222222222222222222222222222222222222", "web\r\n");

    options_.no_auth = false;
    ctx_.options = &options_;
    ctx_.store = &store_;
    ctx_.commits = &commits_;
    ctx_.blobs = &blobs_;
    ctx_.now = [] { return int64_t{1000}; };
    ctx_.authorize = [this](const httplib::Request& req, httplib::Response& res, ApiScope scope) {
      ++authorize_calls_;
      if (req.get_header_value("Authorization") == "Bearer " + kKey && scope == kScopeRead) {
        return true;
      }
      SendError(res, 401, "unauthenticated", "no valid key");
      return false;
    };
    RegisterReadRoutes(http_, ctx_);
    port_ = http_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { http_.listen_after_bind(); });
    while (!http_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
    client_->set_default_headers({{"Authorization", "Bearer " + kKey}});
  }

  void TearDown() override {
    http_.stop();
    if (thread_.joinable()) thread_.join();
  }

  httplib::Result Resolve(const json& body) {
    return client_->Post("/api/v1/resolve", body.dump(), "application/json");
  }

  static json Body(const httplib::Result& r) { return json::parse(r->body, nullptr, false); }

  // Expects a JSON error answer naming `field`.
  static void ExpectError(const httplib::Result& r, int status, const std::string& code,
                          const std::string& field, const std::string& message_part) {
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, status) << r->body;
    json b = Body(r);
    ASSERT_TRUE(b.contains("error")) << r->body;
    EXPECT_EQ(b["error"]["code"], code) << r->body;
    if (field.empty()) {
      EXPECT_FALSE(b["error"].contains("field")) << r->body;
    } else {
      EXPECT_EQ(b["error"].value("field", ""), field) << r->body;
    }
    EXPECT_NE(b["error"]["message"].get<std::string>().find(message_part), std::string::npos)
        << r->body;
  }

  FakeStore store_;
  ServerOptions options_;
  CommitCache commits_{&store_, 8};
  BlobCache blobs_{&store_, 1 << 20};
  ServerContext ctx_;
  int authorize_calls_ = 0;
  httplib::Server http_;
  int port_ = 0;
  std::thread thread_;
  std::unique_ptr<httplib::Client> client_;
};

json SampleRequest() {
  return {{"repository_url", "git@github.com:acme/shop.git"},
          {"commit_sha", kSha},
          {"root_path", "services/api"},
          {"mappings", {{{"stack_root", "/app"}, {"source_root", "services/api"}}}},
          {"frames",
           {{{"file", "/app/src/views.py"}, {"line", 5}, {"function", "get"}},
            {{"file", "utils.py"}, {"line", 3}},
            {{"file", "nothere.py"}, {"line", 1}},
            {{"file", "README.md"}, {"line", 1}},
            {{"file", "/app/src/views.py"}, {"line", 99}},
            {{"file", "/app/src/views.py"}},
            {{"file", "docs/gone.md"}, {"line", 1}}}}};
}

TEST_F(ReadRoutesTest, ResolveWithoutSnippets) {
  auto r = Resolve(SampleRequest());
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json b = Body(r);
  EXPECT_EQ(b["repository_url"], "https://github.com/acme/shop");
  EXPECT_EQ(b["repository_id"], kRepo);
  EXPECT_EQ(b["commit_sha"], kSha);
  ASSERT_EQ(b["frames"].size(), 7u);
  const json& f0 = b["frames"][0];
  EXPECT_EQ(f0["status"], "resolved");
  EXPECT_EQ(f0["path"], "services/api/src/views.py");
  EXPECT_EQ(f0["user_code"], true);
  EXPECT_EQ(f0["rule"], "mapping");
  EXPECT_FALSE(f0["explanation"].get<std::string>().empty());
  EXPECT_EQ(f0["links"]["file"],
            "https://github.com/acme/shop/blob/" + kSha + "/services/api/src/views.py#L5");
  EXPECT_EQ(f0["links"]["blame"],
            "https://github.com/acme/shop/blame/" + kSha + "/services/api/src/views.py#L5");
  EXPECT_EQ(f0["links"]["commit"], "https://github.com/acme/shop/commit/" + kSha);
  EXPECT_FALSE(f0.contains("snippet"));
  EXPECT_FALSE(f0.contains("snippet_error"));

  const json& f1 = b["frames"][1];
  EXPECT_EQ(f1["status"], "ambiguous");
  EXPECT_EQ(f1["candidate_count"], 2);
  EXPECT_EQ(f1["candidates"], json({"lib/a/utils.py", "lib/b/utils.py"}));
  EXPECT_FALSE(f1.contains("links"));

  EXPECT_EQ(b["frames"][2]["status"], "unknown");
  EXPECT_FALSE(b["frames"][2]["explanation"].get<std::string>().empty());
  EXPECT_EQ(b["frames"][5]["links"]["file"],
            "https://github.com/acme/shop/blob/" + kSha + "/services/api/src/views.py");
}

TEST_F(ReadRoutesTest, ResolveWithSnippets) {
  json req = SampleRequest();
  req["snippets"] = true;
  req["context"] = 2;
  auto r = Resolve(req);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json b = Body(r);
  const json& s = b["frames"][0]["snippet"];
  EXPECT_EQ(s["start_line"], 3);
  EXPECT_EQ(s["line"], 5);
  EXPECT_EQ(s["lines"], json({"line 3", "line 4", "line 5", "line 6", "line 7"}));
  EXPECT_NE(b["frames"][1]["snippet_error"].get<std::string>().find("ambiguous"),
            std::string::npos);
  EXPECT_FALSE(b["frames"][2]["snippet_error"].get<std::string>().empty());
  EXPECT_NE(b["frames"][3]["snippet_error"].get<std::string>().find("contents not uploaded"),
            std::string::npos);
  EXPECT_NE(b["frames"][4]["snippet_error"].get<std::string>().find("which has 20 lines"),
            std::string::npos);
  EXPECT_NE(b["frames"][5]["snippet_error"].get<std::string>().find("no line"), std::string::npos);
  EXPECT_NE(b["frames"][6]["snippet_error"].get<std::string>().find(
                "contents not uploaded: run srclink upload without --no-contents"),
            std::string::npos);
  EXPECT_EQ(store_.blob_reads.load(), 2);  // views.py once (then cached), gone.md once
}

TEST_F(ReadRoutesTest, ShortShaAndEmptyFrames) {
  json req = {{"repository_url", "https://github.com/acme/shop"},
              {"commit_sha", "3F2C1AB000000000000000000000000000000002"},
              {"frames", json::array()}};
  auto r = Resolve(req);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Body(r)["commit_sha"], kOtherSha);
  EXPECT_EQ(Body(r)["frames"], json::array());

  req["commit_sha"] = "3f2c1ab";  // matches both
  ExpectError(Resolve(req), 400, "invalid_argument", "commit_sha", kSha);
}

TEST_F(ReadRoutesTest, UnknownCommitIs404Json) {
  json req = SampleRequest();
  req["commit_sha"] = "ffffffffffffffffffffffffffffffffffffffff";
  ExpectError(Resolve(req), 404, "not_found", "commit_sha",
              "commit ffffffffffffffffffffffffffffffffffffffff of github.com/acme/shop was not "
              "uploaded: run `srclink upload` in CI for each commit");
  req["repository_url"] = "github.com/acme/other";
  req["commit_sha"] = "abcdef1";
  ExpectError(Resolve(req), 404, "not_found", "commit_sha", "was not uploaded");
}

TEST_F(ReadRoutesTest, BadFieldsAreNamed) {
  json req = SampleRequest();
  req["frames"][2]["line"] = "ten";
  ExpectError(Resolve(req), 400, "invalid_argument", "frames[2].line", "frames[2].line");
  req = SampleRequest();
  req["frames"][2]["line"] = -3;
  ExpectError(Resolve(req), 400, "invalid_argument", "frames[2].line", "negative");
  req = SampleRequest();
  req["frames"][1]["file"] = 7;
  ExpectError(Resolve(req), 400, "invalid_argument", "frames[1].file", "string");
  req = SampleRequest();
  req["context"] = 51;
  ExpectError(Resolve(req), 400, "invalid_argument", "context", "at most 50");
  req = SampleRequest();
  req["frames"] = json::array();
  for (int i = 0; i < 1001; ++i) req["frames"].push_back({{"file", "a.py"}});
  ExpectError(Resolve(req), 400, "invalid_argument", "frames", "at most 1000");
  req = SampleRequest();
  req.erase("commit_sha");
  ExpectError(Resolve(req), 400, "invalid_argument", "commit_sha", "missing");
  req = SampleRequest();
  req["commit_sha"] = "x y";
  ExpectError(Resolve(req), 400, "invalid_argument", "commit_sha", "at least 7");
  req["commit_sha"] = "xyz";  // a ref name no upload recorded
  ExpectError(Resolve(req), 404, "not_found", "commit_sha", "recorded the ref xyz");
  req = SampleRequest();
  req["repository_url"] = "/local/path/repo";
  ExpectError(Resolve(req), 400, "invalid_argument", "repository_url", "");
  req = SampleRequest();
  req["mappings"][0]["source_root"] = 1;
  ExpectError(Resolve(req), 400, "invalid_argument", "mappings[0].source_root", "string");
  req = SampleRequest();
  req.erase("repository_url");
  req.erase("commit_sha");
  req["service"] = "checkout";
  ExpectError(Resolve(req), 400, "invalid_argument", "service", "keeps no telemetry");
  ExpectError(client_->Post("/api/v1/resolve", "{not json", "application/json"), 400,
              "invalid_argument", "", "not valid JSON");
  ExpectError(client_->Post("/api/v1/resolve", "[1]", "application/json"), 400, "invalid_argument",
              "", "JSON object");
}

TEST_F(ReadRoutesTest, SnippetEndpoint) {
  auto r = client_->Get("/api/v1/snippet?repo=github.com/acme/shop&commit=" + kSha +
                        "&path=services/api/src/views.py&line=2&context=1");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json b = Body(r);
  EXPECT_EQ(b["path"], "services/api/src/views.py");
  EXPECT_EQ(b["start_line"], 1);
  EXPECT_EQ(b["line"], 2);
  EXPECT_EQ(b["lines"], json::parse(R"([{"number":1,"text":"line 1"},{"number":2,"text":"line 2"},
                                         {"number":3,"text":"line 3"}])"));
  r = client_->Get("/api/v1/snippet?repo=github.com/acme/shop&commit=" + kSha +
                   "&path=services/web/src/views.py&line=1");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Body(r)["lines"][0]["text"], "web");

  const std::string base = "/api/v1/snippet?repo=github.com/acme/shop&commit=" + kSha;
  ExpectError(client_->Get(base + "&path=services/api/src/views.py&line=21"), 400,
              "invalid_argument", "line", "which has 20 lines");
  ExpectError(client_->Get(base + "&path=services/api/src/views.py&line=0"), 400,
              "invalid_argument", "line", "line");
  ExpectError(client_->Get(base + "&path=services/api/src/views.py&line=2&context=99"), 400,
              "invalid_argument", "context", "from 0 to 50");
  ExpectError(client_->Get(base + "&path=nope.py&line=2"), 404, "not_found", "path", "not tracked");
  ExpectError(client_->Get(base + "&path=README.md&line=1"), 404, "not_found", "path",
              "without --no-contents");
  ExpectError(client_->Get(base + "&line=1"), 400, "invalid_argument", "path", "missing");
}

TEST_F(ReadRoutesTest, GoRedirects) {
  httplib::Client c("127.0.0.1", port_);  // no default key: pass it as ?key=
  const std::string q =
      "?repo=github.com%2Facme%2Fshop&commit=" + kSha.substr(0, 40) + "&key=" + kKey;
  auto r = c.Get("/go/file" + q + "&file=%2Fsrv%2Fservices%2Fapi%2Fsrc%2Fviews.py&line=12");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 302) << r->body;
  EXPECT_EQ(r->get_header_value("Location"),
            "https://github.com/acme/shop/blob/" + kSha + "/services/api/src/views.py#L12");
  r = c.Get("/go/blame" + q + "&file=services/api/src/views.py&line=3-4");
  EXPECT_EQ(r->status, 302);
  EXPECT_EQ(r->get_header_value("Location"),
            "https://github.com/acme/shop/blame/" + kSha + "/services/api/src/views.py#L3-L4");
  r = c.Get(
      "/go/commit?repo=github.com/acme/shop&commit=3f2c1ab000000000000000000000000000000002&key=" +
      kKey);
  EXPECT_EQ(r->status, 302);
  EXPECT_EQ(r->get_header_value("Location"), "https://github.com/acme/shop/commit/" + kOtherSha);

  r = c.Get("/go/file" + q + "&file=utils.py");
  EXPECT_EQ(r->status, 404);
  EXPECT_NE(r->get_header_value("Content-Type").find("text/html"), std::string::npos);
  EXPECT_NE(r->body.find("ambiguous"), std::string::npos);
  EXPECT_NE(r->body.find("lib/a/utils.py"), std::string::npos);
  EXPECT_NE(r->body.find("lib/b/utils.py"), std::string::npos);

  r = c.Get("/go/file" + q + "&file=nothere%3Cscript%3E.py");
  EXPECT_EQ(r->status, 404);
  EXPECT_NE(r->body.find("unknown file"), std::string::npos);
  EXPECT_EQ(r->body.find("<script>"), std::string::npos);  // escaped

  r = c.Get(
      "/go/file?repo=github.com/acme/"
      "shop&commit=ffffffffffffffffffffffffffffffffffffffff&file=a.py&key=" +
      kKey);
  EXPECT_EQ(r->status, 404);
  EXPECT_NE(r->body.find("was not uploaded"), std::string::npos);

  // Without a key.
  r = c.Get("/go/file?repo=github.com/acme/shop&commit=" + kSha + "&file=a.py");
  EXPECT_EQ(r->status, 401);
  ExpectError(c.Get("/go/file?repo=github.com/acme/shop&commit=" + kSha + "&key=" + kKey), 400,
              "invalid_argument", "file", "missing");
}

TEST_F(ReadRoutesTest, Listings) {
  auto r = client_->Get("/api/v1/repositories");
  ASSERT_EQ(r->status, 200) << r->body;
  json b = Body(r);
  ASSERT_EQ(b["repositories"].size(), 1u);
  EXPECT_EQ(b["repositories"][0]["repository_id"], kRepo);
  EXPECT_EQ(b["repositories"][0]["commit_count"], 2);

  r = client_->Get("/api/v1/repositories/github.com%2Facme%2Fshop/commits");
  ASSERT_EQ(r->status, 200) << r->body;
  b = Body(r);
  EXPECT_EQ(b["repository_id"], kRepo);
  ASSERT_EQ(b["commits"].size(), 2u);
  EXPECT_EQ(b["commits"][0]["commit_sha"], kOtherSha);  // newest first
  EXPECT_EQ(b["commits"][0]["file_count"], 6);
  EXPECT_EQ(b["commits"][1]["uploaded_at"], 100);

  r = client_->Get("/api/v1/repositories/github.com%2Facme%2Fshop/commits?limit=1");
  EXPECT_EQ(Body(r)["commits"].size(), 1u);
  ExpectError(client_->Get("/api/v1/repositories/github.com%2Facme%2Fnone/commits"), 404,
              "not_found", "id", "no uploaded commits");
}

// A commit whose contents were all uploaded, with branches and tags, and one
// uploaded without contents (blob ids the server does not have).
class CommitDetailTest : public ReadRoutesTest {
 protected:
  static constexpr const char* kFull = "abcdef0000000000000000000000000000000001";
  static constexpr const char* kBare = "bbcdef0000000000000000000000000000000002";

  void SetUp() override {
    ReadRoutesTest::SetUp();
    CommitUpload u;
    u.repository_id = kRepo;
    u.repository_url = "https://github.com/acme/shop";
    u.provider = "github";
    u.commit_sha = kFull;
    u.parent_sha = kSha;
    u.source = "srclink";
    u.uploaded_at = 300;
    // Two files with one content: counted per file.
    u.files = {{"a.py", "4444444444444444444444444444444444444444"},
               {"b.py", "5555555555555555555555555555555555555555"},
               {"copy/a.py", "4444444444444444444444444444444444444444"}};
    u.refs = {"refs/heads/main", "refs/tags/v1.0", "refs/heads/commits",
              "refs/heads/feature/commits/x"};
    ASSERT_TRUE(store_.PutCommit(u).ok());
    store_.PutText("4444444444444444444444444444444444444444", "a\n");
    store_.PutText("5555555555555555555555555555555555555555", "b\n");
    u.commit_sha = kBare;
    u.parent_sha = kFull;
    u.source = "datadog-ci";
    u.uploaded_at = 400;
    u.files = {{"a.py", "6666666666666666666666666666666666666666"},
               {"b.py", "7777777777777777777777777777777777777777"}};
    u.refs = {};
    ASSERT_TRUE(store_.PutCommit(u).ok());
  }

  json GetCommit(const std::string& id, const std::string& commit) {
    auto r = client_->Get("/api/v1/repositories/" + id + "/commits/" + commit);
    if (!r) {
      ADD_FAILURE() << "no answer for " << commit;
      return json();
    }
    EXPECT_EQ(r->status, 200) << commit << ": " << r->body;
    return Body(r);
  }
};

TEST_F(CommitDetailTest, ContentsUploadedCountEveryFile) {
  json b = GetCommit("github.com%2Facme%2Fshop", kFull);
  EXPECT_EQ(b, json({{"repository_id", kRepo},
                     {"commit_sha", kFull},
                     {"parent_sha", kSha},
                     {"source", "srclink"},
                     {"uploaded_at", 300},
                     {"file_count", 3},
                     {"has_blob_ids", true},
                     {"files_with_contents", 3},
                     {"refs",
                      {"refs/heads/commits", "refs/heads/feature/commits/x", "refs/heads/main",
                       "refs/tags/v1.0"}}}));
}

TEST_F(CommitDetailTest, NoContentsAndPartialContents) {
  json bare = GetCommit("github.com%2Facme%2Fshop", kBare);
  EXPECT_EQ(bare["file_count"], 2);
  EXPECT_EQ(bare["has_blob_ids"], true);
  EXPECT_EQ(bare["files_with_contents"], 0);
  EXPECT_EQ(bare["refs"], json::array());
  // The fixture's commit: 2 of its 6 files have contents; 3 have no blob id
  // and 1 a blob id whose contents never came.
  json partial = GetCommit("github.com%2Facme%2Fshop", kSha);
  EXPECT_EQ(partial["file_count"], 6);
  EXPECT_EQ(partial["has_blob_ids"], false);
  EXPECT_EQ(partial["files_with_contents"], 2);
}

TEST_F(CommitDetailTest, RefsAndPrefixesNameTheCommit) {
  for (const std::string& ref :
       {std::string("main"), std::string("v1.0"), std::string("refs%2Fheads%2Fmain"),
        std::string("abcdef0"),  // a unique prefix
        std::string("ABCDEF0000000000000000000000000000000001"),
        // Refs named like the route's parts, percent-encoded as documented.
        std::string("commits"), std::string("feature%2Fcommits%2Fx")}) {
    EXPECT_EQ(GetCommit("github.com%2Facme%2Fshop", ref)["commit_sha"], kFull) << ref;
  }
  // The id in any URL form, slashes and all.
  EXPECT_EQ(GetCommit("github.com/acme/shop", "main")["commit_sha"], kFull);
  EXPECT_EQ(GetCommit("https:%2F%2Fgithub.com%2Facme%2Fshop.git", "v1.0")["commit_sha"], kFull);
  // The listing is still the listing.
  auto r = client_->Get("/api/v1/repositories/github.com%2Facme%2Fshop/commits?limit=1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Body(r)["commits"][0]["commit_sha"], kBare);
}

TEST_F(CommitDetailTest, UnknownOrMalformedCommitsAreJsonErrors) {
  ExpectError(client_->Get("/api/v1/repositories/github.com%2Facme%2Fshop/commits/"
                           "fedcba9876543210fedcba9876543210fedcba98"),
              404, "not_found", "sha",
              "commit fedcba9876543210fedcba9876543210fedcba98 of github.com/acme/shop was not "
              "uploaded");
  ExpectError(client_->Get("/api/v1/repositories/github.com%2Facme%2Fshop/commits/release"), 404,
              "not_found", "sha", "no upload of github.com/acme/shop recorded the ref release");
  ExpectError(
      client_->Get("/api/v1/repositories/github.com%2Facme%2Fnone/commits/" + std::string(kFull)),
      404, "not_found", "sha", "of github.com/acme/none was not uploaded");
  ExpectError(client_->Get("/api/v1/repositories/github.com%2Facme%2Fshop/commits/a..b"), 400,
              "invalid_argument", "sha", "is not a commit SHA");
  // 3f2c1ab is the start of two commits.
  ExpectError(client_->Get("/api/v1/repositories/github.com%2Facme%2Fshop/commits/3f2c1ab"), 400,
              "invalid_argument", "sha", "3f2c1ab");
  ExpectError(client_->Get("/api/v1/repositories/not%20a%20url/commits/main"), 400,
              "invalid_argument", "id", "");
  httplib::Client anonymous("127.0.0.1", port_);
  auto r = anonymous.Get("/api/v1/repositories/github.com%2Facme%2Fshop/commits/main");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
}

TEST_F(ReadRoutesTest, AuthorizationIsHonoured) {
  httplib::Client anonymous("127.0.0.1", port_);
  auto r = anonymous.Post("/api/v1/resolve", SampleRequest().dump(), "application/json");
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(anonymous.Get("/api/v1/repositories")->status, 401);
  EXPECT_EQ(anonymous.Get("/api/v1/snippet?repo=github.com/acme/shop")->status, 401);
  // ?key= is only for /go/.
  EXPECT_EQ(anonymous.Get("/api/v1/repositories?key=" + kKey)->status, 401);
  const int calls = authorize_calls_;
  options_.no_auth = true;
  EXPECT_EQ(anonymous.Get("/api/v1/repositories")->status, 200);
  EXPECT_EQ(authorize_calls_, calls);
}

TEST_F(ReadRoutesTest, InvalidUtf8InContentsStaysValidJson) {
  CommitUpload u;
  u.repository_id = kRepo;
  u.commit_sha = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  u.files = {{"latin1.txt", "4444444444444444444444444444444444444444"}};
  ASSERT_TRUE(store_.PutCommit(u).ok());
  store_.PutText("4444444444444444444444444444444444444444", "caf\xe9 \"q\" \t\x01 \xc3\xa9\n");
  auto r = client_->Get(
      "/api/v1/snippet?repo=github.com/acme/shop&commit=aaaaaaa&path=latin1.txt&line=1");
  ASSERT_EQ(r->status, 200) << r->body;
  json b = Body(r);
  ASSERT_FALSE(b.is_discarded()) << r->body;
  EXPECT_EQ(b["lines"][0]["text"], "caf\xef\xbf\xbd \"q\" \t\x01 \xc3\xa9");
}

}  // namespace
}  // namespace srclink::server
