// The read side over the real SQLite store (":memory:"): the caches load what
// an upload stored, and /api/v1/resolve answers with snippets.
#include <gtest/gtest.h>
#include <httplib.h>
#include <zstd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "server/blob_cache.h"
#include "server/commit_cache.h"
#include "server/server_context.h"
#include "store/sqlite_store.h"

namespace srclink::server {
namespace {

const std::string kRepo = "github.com/acme/shop";
const std::string kSha = "0123456789abcdef0123456789abcdef01234567";
const std::string kBlob = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

class ReadSqliteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<Store>> opened = OpenSqliteStore(":memory:");
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(*opened);
    ASSERT_TRUE(store_->Migrate().ok());
    CommitUpload u;
    u.repository_id = kRepo;
    u.repository_url = "https://github.com/acme/shop";
    u.provider = "github";
    u.commit_sha = kSha;
    u.source = "srclink";
    u.uploaded_at = 10;
    u.files = {{"app/views.py", kBlob}, {"app/models.py", ""}, {"lib/views.py", ""}};
    Result<CommitStored> stored = store_->PutCommit(u);
    ASSERT_TRUE(stored.ok()) << stored.status().ToString();
    const std::string text = "a\nb\nc\nd\n";
    std::string frame(ZSTD_compressBound(text.size()), '\0');
    frame.resize(ZSTD_compress(frame.data(), frame.size(), text.data(), text.size(), 1));
    ASSERT_TRUE(store_->PutBlob(kBlob, frame, static_cast<int64_t>(text.size()), 10).ok());
  }
  std::unique_ptr<Store> store_;
};

TEST_F(ReadSqliteTest, CachesLoadFromSqlite) {
  CommitCache commits(store_.get(), 4);
  Result<CommitCache::SnapshotPtr> snap = commits.Lookup(kRepo, kSha.substr(0, 9));
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  EXPECT_EQ((*snap)->info.commit_sha, kSha);
  EXPECT_EQ((*snap)->index.size(), 3u);
  std::string_view blob = (*snap)->BlobId((*snap)->index.Find("app/views.py"));
  EXPECT_EQ(blob, kBlob);
  EXPECT_EQ((*snap)->BlobId((*snap)->index.Find("app/models.py")), "");
  Result<CommitCache::SnapshotPtr> missing =
      commits.Lookup(kRepo, "fedcba9876543210fedcba9876543210fedcba98");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);

  BlobCache blobs(store_.get(), 1 << 20, [] { return int64_t{20}; });
  Result<std::shared_ptr<const FileLines>> lines = blobs.Get(blob);
  ASSERT_TRUE(lines.ok()) << lines.status().ToString();
  ASSERT_EQ((*lines)->size(), 4u);
  EXPECT_EQ((*lines)->line(3), "c");
  EXPECT_EQ(blobs.Get("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb").status().code(),
            Status::Code::kNotFound);
}

TEST_F(ReadSqliteTest, ResolveOverHttp) {
  ServerOptions options;
  options.no_auth = true;
  CommitCache commits(store_.get(), 4);
  BlobCache blobs(store_.get(), 1 << 20);
  ServerContext ctx;
  ctx.options = &options;
  ctx.store = store_.get();
  ctx.commits = &commits;
  ctx.blobs = &blobs;
  httplib::Server http;
  RegisterReadRoutes(http, ctx);
  int port = http.bind_to_any_port("127.0.0.1");
  std::thread thread([&] { http.listen_after_bind(); });
  while (!http.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  httplib::Client client("127.0.0.1", port);
  nlohmann::json body = {{"repository_url", "https://github.com/acme/shop.git"},
                         {"commit_sha", kSha},
                         {"snippets", true},
                         {"context", 1},
                         {"frames", {{{"file", "/srv/app/views.py"}, {"line", 2}}}}};
  auto r = client.Post("/api/v1/resolve", body.dump(), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  nlohmann::json answer = nlohmann::json::parse(r->body, nullptr, false);
  EXPECT_EQ(answer["frames"][0]["status"], "resolved") << r->body;
  EXPECT_EQ(answer["frames"][0]["snippet"]["lines"], nlohmann::json({"a", "b", "c"})) << r->body;
  auto listing = client.Get("/api/v1/repositories/github.com%2Facme%2Fshop/commits");
  ASSERT_TRUE(listing);
  EXPECT_EQ(listing->status, 200) << listing->body;
  EXPECT_NE(listing->body.find(kSha), std::string::npos);
  http.stop();
  thread.join();
}

TEST_F(ReadSqliteTest, CommitDetailOverHttp) {
  // A second commit, every file's contents stored, at a branch and a tag.
  const std::string full = "1123456789abcdef0123456789abcdef01234567";
  CommitUpload u;
  u.repository_id = kRepo;
  u.repository_url = "https://github.com/acme/shop";
  u.provider = "github";
  u.commit_sha = full;
  u.parent_sha = kSha;
  u.source = "srclink";
  u.uploaded_at = 20;
  u.files = {{"app/views.py", kBlob}, {"app/copy.py", kBlob}};
  u.refs = {"refs/tags/v2", "refs/heads/main"};
  ASSERT_TRUE(store_->PutCommit(u).ok());
  ServerOptions options;
  options.no_auth = true;
  CommitCache commits(store_.get(), 4);
  ServerContext ctx;
  ctx.options = &options;
  ctx.store = store_.get();
  ctx.commits = &commits;
  httplib::Server http;
  RegisterReadRoutes(http, ctx);
  int port = http.bind_to_any_port("127.0.0.1");
  std::thread thread([&] { http.listen_after_bind(); });
  while (!http.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  httplib::Client client("127.0.0.1", port);
  auto get = [&](const std::string& commit, int want) {
    auto r = client.Get("/api/v1/repositories/github.com%2Facme%2Fshop/commits/" + commit);
    if (!r) {
      ADD_FAILURE() << "no answer for " << commit;
      return nlohmann::json();
    }
    EXPECT_EQ(r->status, want) << commit << ": " << r->body;
    return nlohmann::json::parse(r->body, nullptr, false);
  };
  nlohmann::json detail = get("main", 200);
  EXPECT_EQ(detail["commit_sha"], full);
  EXPECT_EQ(detail["parent_sha"], kSha);
  EXPECT_EQ(detail["file_count"], 2);
  EXPECT_EQ(detail["has_blob_ids"], true);
  EXPECT_EQ(detail["files_with_contents"], 2);
  EXPECT_EQ(detail["refs"], nlohmann::json({"refs/heads/main", "refs/tags/v2"}));
  detail = get(kSha.substr(0, 7), 200);  // one of three files has a blob id, stored
  EXPECT_EQ(detail["file_count"], 3);
  EXPECT_EQ(detail["has_blob_ids"], false);
  EXPECT_EQ(detail["files_with_contents"], 1);
  EXPECT_EQ(detail["refs"], nlohmann::json::array());
  detail = get("v3", 404);
  EXPECT_EQ(detail["error"]["code"], "not_found");
  http.stop();
  thread.join();
}

}  // namespace
}  // namespace srclink::server
