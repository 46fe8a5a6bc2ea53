// ContentFetch (the queue of fetches from git remotes) and its triggers:
// POST/GET /api/v1/fetch, uploads without contents, datadog-ci srcmaps. The
// remote is a FakeRemoteFetcher; the store is SQLite in a temporary directory.
#include "server/content_fetch.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "git/remote_fetch.h"
#include "server/server.h"
#include "store/sqlite_store.h"

namespace srclink::server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;

constexpr char kSha[] = "3f2c3f2c3f2c3f2c3f2c3f2c3f2c3f2c3f2c3f2c";
constexpr char kParent[] = "9a1b9a1b9a1b9a1b9a1b9a1b9a1b9a1b9a1b9a1b";
constexpr char kUrl[] = "https://git.example.com/acme/shop.git";
constexpr char kRepoId[] = "git.example.com/acme/shop";

// A gate a fake fetch waits at until the test opens it.
class Gate {
 public:
  void Open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  void Wait() {
    std::unique_lock<std::mutex> lock(mu_);
    ++waiting_;
    cv_.notify_all();
    cv_.wait(lock, [this] { return open_; });
  }
  // Blocks until `n` fetches wait at the gate.
  void AwaitWaiting(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(10), [&] { return waiting_ >= n; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
  int waiting_ = 0;
};

FetchSource Source(const std::string& url = kUrl) {
  auto parsed = RepositoryUrl::Parse(url);
  EXPECT_TRUE(parsed.ok()) << parsed.status().message();
  auto source = FetchSource::Make(*parsed);
  EXPECT_TRUE(source.ok());
  return *source;
}

class ContentFetchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("srclink-content-fetch-test-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    auto store = OpenSqliteStore((dir_ / "srclink.db").string());
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
    ASSERT_TRUE(store_->Migrate().ok());
    fetcher_.AddCommit(kUrl, kSha, kParent,
                       {{"README.md", "# shop\n"},
                        {"src/app/views.py", "def get():\n    return 42\n"},
                        {"big.bin", std::string(3000, 'b')}});
    options_.hosts = {"git.example.com"};
    options_.limits.max_file_bytes = 1000;
    options_.workers = 1;
  }
  void TearDown() override {
    fetch_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  void StartFetch() {
    fetch_ = std::make_unique<ContentFetch>(options_, store_.get(), &fetcher_,
                                            [] { return int64_t{1700000000}; });
    fetch_->Start();
  }

  // Polls until the job has finished; its last state.
  FetchJob AwaitFinished(const std::string& repo = kRepoId, const std::string& sha = kSha) {
    for (int i = 0; i < 1000; ++i) {
      auto job = fetch_->Job(repo, sha);
      if (job && (job->state == FetchJob::State::kDone || job->state == FetchJob::State::kFailed))
        return *job;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "the fetch of " << sha << " did not finish in 10 s";
    return {};
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  FakeRemoteFetcher fetcher_;
  FetchOptions options_;
  std::unique_ptr<ContentFetch> fetch_;
};

TEST(FetchHostTest, Patterns) {
  struct Case {
    std::string pattern;
    std::string error;  // "" when valid
  };
  const Case cases[] = {
      {"git.example.com", ""},
      {"*.corp.example", ""},
      {"file", ""},
      {"127.0.0.1", ""},
      {"", "fetch host \"\" is not a host name"},
      {"*.", "fetch host \"*.\" is not a host name"},
      {"https://git.example.com", "fetch host \"https://git.example.com\" holds ':'"},
      {"git.example.com:8443", "fetch host \"git.example.com:8443\" holds ':'"},
      {"Git.Example.com", "fetch host \"Git.Example.com\" holds 'G'"},
      {"a..b", "fetch host \"a..b\" is not a host name"},
      {"*example.com", "fetch host \"*example.com\" holds '*'"},
  };
  for (const Case& c : cases) {
    Status s = CheckFetchHostPattern(c.pattern);
    if (c.error.empty()) {
      EXPECT_TRUE(s.ok()) << c.pattern << ": " << s.message();
    } else {
      EXPECT_THAT(s.message(), HasSubstr(c.error)) << c.pattern;
    }
  }

  struct Match {
    std::string host;
    bool allowed;
  };
  const std::vector<std::string> allow = {"git.example.com", "*.corp.example"};
  const Match matches[] = {
      {"git.example.com", true},       {"example.com", false},
      {"evil-git.example.com", false}, {"a.corp.example", true},
      {"a.b.corp.example", true},      {"corp.example", false},
      {"xcorp.example", false},        {"", false},
  };
  for (const Match& m : matches) {
    EXPECT_EQ(FetchHostAllowed(allow, m.host), m.allowed) << m.host;
  }
  EXPECT_TRUE(FetchHostAllowed({"file"}, ""));
  EXPECT_FALSE(FetchHostAllowed({"file"}, "file"));
}

TEST(FetchSourceTest, FromRepositoryUrlAndFetchUrl) {
  auto repo = RepositoryUrl::Parse("git@github.com:Acme/Shop.git");
  ASSERT_TRUE(repo.ok());
  auto s = FetchSource::Make(*repo);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->repository_id, repo->Id());
  EXPECT_EQ(s->url, repo->sanitized);
  EXPECT_EQ(s->host, "github.com");

  s = FetchSource::Make(*repo, "file:///srv/git/shop.git");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->url, "file:///srv/git/shop.git");
  EXPECT_EQ(s->host, "");
  EXPECT_EQ(s->repository_url, repo->sanitized);

  s = FetchSource::Make(*repo, "https://bot:t0ken@mirror.example.com/shop.git");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->url, "https://mirror.example.com/shop.git");
  EXPECT_EQ(s->host, "mirror.example.com");

  s = FetchSource::Make(*repo, "file://relative/shop.git");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(),
            "fetch_url \"file://relative/shop.git\" must be file:///ABSOLUTE/PATH of a repository");
}

TEST_F(ContentFetchTest, FetchStoresBlobIdsAndContentsWithinLimits) {
  // Uploaded by datadog-ci: paths, no blob ids.
  CommitUpload upload{kRepoId,      kUrl,
                      "unknown",    kSha,
                      "",           {{"README.md", ""}, {"big.bin", ""}, {"src/app/views.py", ""}},
                      "datadog-ci", 1,
                      {}};
  ASSERT_TRUE(store_->PutCommit(upload).ok());
  StartFetch();
  auto queued = fetch_->Request(Source(), kSha);
  ASSERT_TRUE(queued.ok()) << queued.status().message();
  FetchJob job = AwaitFinished();
  EXPECT_EQ(job.Dump(),
            std::string("done ") + kRepoId + "@" + kSha + " files=3 stored=2 present=0 skipped=1");
  EXPECT_EQ(job.url, kUrl);

  auto info = store_->GetCommit(kRepoId, kSha);
  ASSERT_TRUE(info.ok());
  EXPECT_TRUE(info->has_blob_ids);
  auto files = store_->GetCommitFiles(kRepoId, kSha);
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files->size(), 3u);
  for (const TrackedPath& f : *files) {
    EXPECT_EQ(f.blob_id.size(), 40u) << f.path;
    auto blob = store_->GetBlob(f.blob_id, 1);
    if (f.path == "big.bin") {
      EXPECT_EQ(blob.status().code(), Status::Code::kNotFound) << "above max_file_bytes";
    } else {
      EXPECT_TRUE(blob.ok()) << f.path;
    }
  }
  EXPECT_EQ(fetcher_.last_request().commit_sha, kSha);
  EXPECT_EQ(fetcher_.last_request().repository_id, kRepoId);

  // Fetched again: everything is present already.
  ASSERT_TRUE(fetch_->Request(Source(), kSha).ok());
  EXPECT_EQ(AwaitFinished().Dump(),
            std::string("done ") + kRepoId + "@" + kSha + " files=3 stored=0 present=2 skipped=1");
}

TEST_F(ContentFetchTest, MaxBytesBudgetSkipsTheRest) {
  options_.limits.max_file_bytes = 10000;
  options_.limits.max_bytes = 3010;
  StartFetch();
  ASSERT_TRUE(fetch_->Request(Source(), kSha).ok());
  FetchJob job = AwaitFinished();
  EXPECT_EQ(job.state, FetchJob::State::kDone);
  EXPECT_EQ(job.blobs_stored + job.blobs_skipped, 3);
  EXPECT_GE(job.blobs_skipped, 1);
}

TEST_F(ContentFetchTest, DuplicateRequestsShareOneJobAndTheQueueIsBounded) {
  options_.max_queue = 1;
  Gate gate;
  fetcher_.SetHook([&](const FetchRequest&) { gate.Wait(); });
  fetcher_.AddCommit(kUrl, kParent, "", {{"a.txt", "a"}});
  StartFetch();
  auto first = fetch_->Request(Source(), kSha);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->state, FetchJob::State::kQueued);
  gate.AwaitWaiting(1);
  EXPECT_EQ(fetch_->Job(kRepoId, kSha)->state, FetchJob::State::kRunning);
  auto again = fetch_->Request(Source(), kSha);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->state, FetchJob::State::kRunning);

  ASSERT_TRUE(fetch_->Request(Source(), kParent).ok());  // queued behind the first
  auto third = fetch_->Request(Source(), "1111111111111111111111111111111111111111");
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.status().code(), Status::Code::kUnavailable);
  EXPECT_EQ(third.status().message(), "the fetch queue is full (1 commits waiting); retry later");

  gate.Open();
  EXPECT_EQ(AwaitFinished().state, FetchJob::State::kDone);
  EXPECT_EQ(AwaitFinished(kRepoId, kParent).state, FetchJob::State::kDone);
  EXPECT_EQ(fetcher_.calls(), 2);
}

TEST_F(ContentFetchTest, HostNotAllowed) {
  StartFetch();
  auto job = fetch_->Request(Source("https://github.com/acme/shop.git"), kSha);
  ASSERT_FALSE(job.ok());
  EXPECT_EQ(job.status().message(),
            "fetching contents from host github.com is not allowed on this server "
            "(https://github.com/acme/shop.git); the operator allows it with `srclink serve "
            "--fetch-host github.com`, SRCLINK_FETCH_HOSTS=github.com or \"fetch\": {\"hosts\": "
            "[\"github.com\"]} in the config file");
  EXPECT_FALSE(fetch_->RequestIfAllowed(Source("https://github.com/acme/shop.git"), kSha));
  EXPECT_EQ(fetcher_.calls(), 0);

  auto repo = RepositoryUrl::Parse(kUrl);
  auto file = FetchSource::Make(*repo, "file:///srv/git/shop.git");
  ASSERT_TRUE(file.ok());
  EXPECT_THAT(fetch_->Allowed(*file).message(),
              HasSubstr("fetching contents from file:// remotes is not allowed on this server"));
  EXPECT_THAT(fetch_->Allowed(*file).message(), HasSubstr("--fetch-host file"));
}

TEST_F(ContentFetchTest, FailureIsKeptWithItsReasonAndCredentialsFollowTheHost) {
  options_.credentials["git.example.com"] = {"srclink", "t0ken", ""};
  options_.credentials["other.example.com"] = {"other", "nope", ""};
  fetcher_.FailUrl(kUrl, Status::Unavailable("cannot fetch commit X from " + std::string(kUrl) +
                                             ": the remote refused"));
  StartFetch();
  ASSERT_TRUE(fetch_->Request(Source(), kSha).ok());
  FetchJob job = AwaitFinished();
  EXPECT_EQ(job.state, FetchJob::State::kFailed);
  EXPECT_EQ(job.error,
            "cannot fetch commit X from https://git.example.com/acme/shop.git: the "
            "remote refused");
  EXPECT_EQ(fetcher_.last_request().credentials.username, "srclink");
  EXPECT_EQ(fetcher_.last_request().credentials.password, "t0ken");
  EXPECT_EQ(fetcher_.last_request().cancel != nullptr, true);
}

TEST_F(ContentFetchTest, AutomaticRequestsSkipRecentlyFetchedCommits) {
  StartFetch();
  EXPECT_TRUE(fetch_->RequestIfAllowed(Source(), kSha));
  EXPECT_EQ(AwaitFinished().state, FetchJob::State::kDone);
  EXPECT_FALSE(fetch_->RequestIfAllowed(Source(), kSha));  // done a moment ago
  auto repo = RepositoryUrl::Parse("git@git.example.com:acme/shop.git");
  ASSERT_TRUE(repo.ok());
  EXPECT_FALSE(fetch_->RequestContents(*repo, kSha));  // same repository id, same commit
  EXPECT_EQ(fetcher_.calls(), 1);
}

TEST_F(ContentFetchTest, StopAbortsAndJoins) {
  Gate gate;
  std::atomic<bool> saw_cancel{false};
  fetcher_.SetHook([&](const FetchRequest& r) {
    for (int i = 0; i < 1000 && !r.cancel->load(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    saw_cancel = r.cancel->load();
  });
  StartFetch();
  ASSERT_TRUE(fetch_->Request(Source(), kSha).ok());
  for (int i = 0; i < 1000 && fetcher_.calls() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  fetch_->Stop();
  fetch_->Wait();
  EXPECT_TRUE(saw_cancel);
  auto after = fetch_->Request(Source(), kParent);
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.status().message(), "the server is stopping; retry later");
}

// ---------------------------------------------------------------------------
// Through the HTTP routes of a real Server.

class FetchRoutesTest : public ContentFetchTest {
 protected:
  void StartServer(bool fetch_on = true) {
    ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.no_auth = true;
    options.data_dir = dir_.string();
    if (fetch_on) options.fetch = options_;
    auto fake = std::make_unique<FakeRemoteFetcher>();
    fake_ = fake.get();
    fake_->AddCommit(
        kUrl, kSha, kParent,
        {{"README.md", "# shop\n"}, {"src/app/views.py", "def get():\n    return 42\n"}});
    server_ = std::make_unique<Server>(
        options, store_.get(), [](std::string_view) {}, std::move(fake));
    ASSERT_TRUE(server_->Start().ok());
  }
  void TearDown() override {
    if (server_) {
      server_->Stop();
      server_->Wait();
      server_.reset();
    }
    ContentFetchTest::TearDown();
  }
  httplib::Client Client() {
    httplib::Client c("127.0.0.1", server_->port());
    c.set_read_timeout(10);
    return c;
  }
  // Polls GET /api/v1/fetch until the job is done or failed.
  json AwaitJob(const std::string& url = kUrl) {
    auto c = Client();
    for (int i = 0; i < 1000; ++i) {
      auto r = c.Get("/api/v1/fetch?repository_url=" + url + "&commit_sha=" + kSha);
      if (r && r->status == 200) {
        json j = json::parse(r->body);
        if (j["status"] == "done" || j["status"] == "failed") return j;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "no finished fetch job";
    return {};
  }

  FakeRemoteFetcher* fake_ = nullptr;
  std::unique_ptr<Server> server_;
};

TEST_F(FetchRoutesTest, PostQueuesAndGetShowsTheJob) {
  StartServer();
  auto c = Client();
  json body{{"repository_url", kUrl}, {"commit_sha", kSha}};
  auto r = c.Post("/api/v1/fetch", body.dump(), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 202) << r->body;
  json answer = json::parse(r->body);
  EXPECT_EQ(answer["repository_id"], kRepoId);
  EXPECT_EQ(answer["commit_sha"], kSha);
  EXPECT_TRUE(answer["status"] == "queued" || answer["status"] == "running") << r->body;

  json job = AwaitJob();
  EXPECT_EQ(job["status"], "done") << job.dump();
  EXPECT_EQ(job["files"], 2);
  EXPECT_EQ(job["blobs_stored"], 2);
  auto info = store_->GetCommit(kRepoId, kSha);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->source, "fetch");
  EXPECT_EQ(info->parent_sha, kParent);
  EXPECT_TRUE(info->has_blob_ids);

  auto metrics = c.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_THAT(metrics->body, HasSubstr("srclink_fetch_jobs_total{result=\"done\"} 1"));
  EXPECT_THAT(metrics->body, HasSubstr("srclink_fetch_blobs_stored_total 2"));
  EXPECT_THAT(metrics->body, HasSubstr("route=\"/api/v1/fetch\""));
}

TEST_F(FetchRoutesTest, Errors) {
  StartServer();
  auto c = Client();
  struct Case {
    json body;
    int status;
    std::string message;
    std::string field;
  };
  const Case cases[] = {
      {{{"commit_sha", kSha}}, 400, "repository_url is required", "repository_url"},
      {{{"repository_url", kUrl}, {"commit_sha", "3f2c"}},
       400,
       "commit_sha must be a full commit SHA of 40 hex digits",
       "commit_sha"},
      {{{"repository_url", kUrl}, {"commit_sha", 7}},
       400,
       "commit_sha must be a string",
       "commit_sha"},
      {{{"repository_url", "file:///srv/shop.git"}, {"commit_sha", kSha}},
       400,
       "is not a remote repository URL",
       "repository_url"},
      {{{"repository_url", "https://github.com/acme/shop"}, {"commit_sha", kSha}},
       403,
       "fetching contents from host github.com is not allowed on this server "
       "(https://github.com/acme/shop); the operator allows it with `srclink serve --fetch-host "
       "github.com`",
       "repository_url"},
      {{{"repository_url", kUrl}, {"commit_sha", kSha}, {"fetch_url", "file:///srv/shop.git"}},
       403,
       "fetching contents from file:// remotes is not allowed",
       "fetch_url"},
      {{{"repository_url", kUrl}, {"commit_sha", kSha}, {"fetch_url", "file://x"}},
       400,
       "fetch_url \"file://x\" must be file:///ABSOLUTE/PATH",
       "fetch_url"},
  };
  for (const Case& tc : cases) {
    auto r = c.Post("/api/v1/fetch", tc.body.dump(), "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, tc.status) << tc.body.dump() << " → " << r->body;
    json e = json::parse(r->body)["error"];
    EXPECT_THAT(e["message"].get<std::string>(), HasSubstr(tc.message)) << tc.body.dump();
    EXPECT_EQ(e.value("field", ""), tc.field) << tc.body.dump();
  }
  auto r = c.Get(std::string("/api/v1/fetch?repository_url=") + kUrl + "&commit_sha=" + kSha);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_THAT(r->body, HasSubstr("no fetch of commit " + std::string(kSha) + " of " + kRepoId +
                                 " is known"));
}

TEST_F(FetchRoutesTest, OffByDefault) {
  StartServer(/*fetch_on=*/false);
  auto c = Client();
  json body{{"repository_url", kUrl}, {"commit_sha", kSha}};
  auto r = c.Post("/api/v1/fetch", body.dump(), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_THAT(r->body, HasSubstr("fetching contents from git remotes is off on this server"));
  EXPECT_EQ(fake_->calls(), 0);
}

TEST_F(FetchRoutesTest, UploadWithoutContentsTriggersAFetch) {
  StartServer();
  auto c = Client();
  // Blob ids, contents coming: no fetch.
  json with_ids{
      {"repository_url", kUrl},
      {"commit_sha", kSha},
      {"files", {{{"path", "README.md"}, {"blob_id", FakeRemoteFetcher::BlobId("# shop\n")}}}}};
  auto r = c.Post("/api/v1/upload/commit", with_ids.dump(), "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_THAT(r->body, Not(HasSubstr("fetching")));
  EXPECT_FALSE(server_->fetch()->Job(kRepoId, kSha).has_value());

  // The client says it will not send them.
  with_ids["no_contents"] = true;
  r = c.Post("/api/v1/upload/commit", with_ids.dump(), "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_THAT(r->body, HasSubstr("\"fetching\":true"));
  EXPECT_EQ(AwaitJob()["status"], "done");

  with_ids["no_contents"] = "yes";
  r = c.Post("/api/v1/upload/commit", with_ids.dump(), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_THAT(r->body, HasSubstr("no_contents must be true or false"));
}

TEST_F(FetchRoutesTest, UploadWithoutBlobIdsTriggersAFetch) {
  StartServer();
  auto c = Client();
  json no_ids{{"repository_url", kUrl},
              {"commit_sha", kSha},
              {"files", {{{"path", "README.md"}}, {{"path", "src/app/views.py"}}}}};
  auto r = c.Post("/api/v1/upload/commit", no_ids.dump(), "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_THAT(r->body, HasSubstr("\"fetching\":true"));
  json job = AwaitJob();
  EXPECT_EQ(job["status"], "done");
  auto snippet = c.Get(std::string("/api/v1/snippet?repo=") + kRepoId + "&commit=" + kSha +
                       "&path=src/app/views.py&line=2&context=0");
  ASSERT_TRUE(snippet);
  EXPECT_EQ(snippet->status, 200) << snippet->body;
  EXPECT_THAT(snippet->body, HasSubstr("return 42"));
}

TEST_F(FetchRoutesTest, DatadogSrcmapTriggersAFetch) {
  StartServer();
  auto c = Client();
  json event{{"cli_version", "5.25.0"},
             {"git_commit_sha", kSha},
             {"git_repository_url", kUrl},
             {"type", "repository"}};
  json repository{
      {"data",
       {{{"files", {"README.md", "src/app/views.py"}}, {"hash", kSha}, {"repository_url", kUrl}}}},
      {"version", 1}};
  httplib::MultipartFormDataItems items = {
      {"event", event.dump(), "event", "application/json"},
      {"repository", repository.dump(), "repository", "application/json"},
  };
  auto r = c.Post("/api/v2/srcmap", items);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 202) << r->body;
  EXPECT_THAT(r->body, HasSubstr("\"fetching\":true"));
  EXPECT_EQ(AwaitJob()["status"], "done");
  auto files = store_->GetCommitFiles(kRepoId, kSha);
  ASSERT_TRUE(files.ok());
  for (const TrackedPath& f : *files) EXPECT_EQ(f.blob_id.size(), 40u) << f.path;
}

}  // namespace
}  // namespace srclink::server
