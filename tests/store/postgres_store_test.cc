// PostgresStore: the shared StoreSuite on a throwaway PostgreSQL 15 cluster
// (one per test binary, one fresh database per test), plus what only
// PostgreSQL has: several stores (servers) on one database, concurrent
// migrations, and connection errors that never show the password.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "postgres_harness.h"
#include "store/postgres_store.h"
#include "store_suite.h"

using srclink::CommitUpload;
using srclink::OpenPostgresStore;
using srclink::Result;
using srclink::Status;
using srclink::Store;
using srclink::testing::PostgresHarness;

namespace {

PostgresHarness* g_postgres = nullptr;
std::string g_start_error;

// One cluster for the whole binary; stopped (and deleted) at the end, also
// when tests failed.
class PostgresEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    Result<std::unique_ptr<PostgresHarness>> h = PostgresHarness::Start();
    if (!h.ok()) {
      // Not fatal: the tests still run, and each one fails with this message.
      g_start_error = h.status().ToString();
      ADD_FAILURE() << g_start_error;
      return;
    }
    harness_ = std::move(h).value();
    g_postgres = harness_.get();
    std::printf("[ postgres ] cluster on 127.0.0.1:%d started in %.2f s\n", harness_->port(),
                harness_->startup_seconds());
  }
  void TearDown() override {
    g_postgres = nullptr;
    harness_.reset();
  }

 private:
  std::unique_ptr<PostgresHarness> harness_;
};

const ::testing::Environment* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new PostgresEnvironment);

// A fatal failure (so that a fixture's SetUp that calls this does not go on
// to the test body).
void FailFatally(const std::string& message) { FAIL() << message; }

// A fresh database; "" (and a test failure) when there is no cluster.
std::string FreshDatabaseUrl() {
  if (g_postgres == nullptr) {
    FailFatally("PostgreSQL test cluster is not running: " + g_start_error);
    return "";
  }
  Result<std::string> url = g_postgres->CreateDatabase();
  if (!url.ok()) {
    FailFatally(url.status().ToString());
    return "";
  }
  return *url;
}

std::unique_ptr<Store> OpenOrFail(const std::string& url) {
  if (url.empty()) return nullptr;
  Result<std::unique_ptr<Store>> store = OpenPostgresStore(url);
  if (!store.ok()) {
    FailFatally(store.status().ToString());
    return nullptr;
  }
  return std::move(store).value();
}

}  // namespace

// A missing cluster fails every test (a fatal failure in `open`) before the suite
// skips it for the nullptr.
INSTANTIATE_TEST_SUITE_P(Postgres, StoreSuite,
                         ::testing::Values(StoreBackend{
                             "postgres", [] { return OpenOrFail(FreshDatabaseUrl()); }}),
                         [](const auto& info) { return info.param.name; });

namespace {

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(g_postgres, nullptr) << "PostgreSQL test cluster is not running: " << g_start_error;
    url_ = FreshDatabaseUrl();
    ASSERT_FALSE(url_.empty());
  }
  std::string url_;
};

std::string Sha(int n) {
  char buf[41];
  std::snprintf(buf, sizeof buf, "%040x", n);
  return buf;
}

CommitUpload Upload(int n, int parent, int files) {
  CommitUpload u;
  u.repository_id = "github.com/acme/shared";
  u.repository_url = "https://github.com/acme/shared";
  u.provider = "github";
  u.commit_sha = Sha(n);
  u.parent_sha = parent > 0 ? Sha(parent) : "";
  u.source = "srclink";
  u.uploaded_at = 1700000000 + n;
  for (int i = 0; i < files; ++i) {
    char blob[41];
    std::snprintf(blob, sizeof blob, "%08x%032x", n, i);
    u.files.push_back({"src/file_" + std::to_string(i) + ".cc", blob});
  }
  return u;
}

TEST_F(PostgresStoreTest, TwoStoresOnOneDatabaseSeeEachOthersWrites) {
  std::unique_ptr<Store> a = OpenOrFail(url_);
  std::unique_ptr<Store> b = OpenOrFail(url_);
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(a->Migrate().ok());
  ASSERT_TRUE(b->Migrate().ok());

  ASSERT_TRUE(a->PutCommit(Upload(1, 0, 50)).ok());
  Result<srclink::CommitStored> second = b->PutCommit(Upload(2, 1, 50));
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->encoding, "delta");  // b found a's commit as the parent

  Result<srclink::CommitInfo> info = b->GetCommit("github.com/acme/shared", Sha(1));
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->file_count, 50);
  Result<std::vector<srclink::TrackedPath>> files =
      a->GetCommitFiles("github.com/acme/shared", Sha(2));
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  EXPECT_EQ(files->size(), 50u);

  ASSERT_TRUE(b->PutBlob(std::string(40, 'a'), "zstd", 4, 100).ok());
  Result<srclink::StoredBlob> blob = a->GetBlob(std::string(40, 'a'), 200);
  ASSERT_TRUE(blob.ok()) << blob.status().ToString();
  EXPECT_EQ(blob->compressed, "zstd");

  // The same commit uploaded through both at once is stored once.
  std::thread t1([&] { EXPECT_TRUE(a->PutCommit(Upload(3, 2, 50)).ok()); });
  std::thread t2([&] { EXPECT_TRUE(b->PutCommit(Upload(3, 2, 50)).ok()); });
  t1.join();
  t2.join();
  Result<std::vector<srclink::RepositoryInfo>> repos = a->ListRepositories();
  ASSERT_TRUE(repos.ok());
  ASSERT_EQ(repos->size(), 1u);
  EXPECT_EQ((*repos)[0].commit_count, 3);
}

TEST_F(PostgresStoreTest, ConcurrentMigrationsFromSeveralServers) {
  constexpr int kServers = 4;
  std::vector<std::unique_ptr<Store>> stores;
  for (int i = 0; i < kServers; ++i) {
    stores.push_back(OpenOrFail(url_));
    ASSERT_NE(stores.back(), nullptr);
    EXPECT_NE(stores.back()->Describe().find("(schema 0)"), std::string::npos);
  }
  std::vector<Status> results(kServers);
  std::vector<std::thread> threads;
  for (int i = 0; i < kServers; ++i) {
    threads.emplace_back([&, i] { results[i] = stores[i]->Migrate(); });
  }
  for (std::thread& t : threads) t.join();
  for (const Status& s : results) EXPECT_TRUE(s.ok()) << s.ToString();
  for (const auto& store : stores) {
    EXPECT_EQ(store->Describe().find("(schema 0)"), std::string::npos) << store->Describe();
  }
  // Each migration was applied once.
  Status s = g_postgres->Execute(url_.substr(url_.rfind('/') + 1),
                                 "DO $$ BEGIN IF (SELECT count(*) FROM schema_migrations) <> "
                                 "(SELECT count(DISTINCT version) FROM schema_migrations) "
                                 "THEN RAISE EXCEPTION 'duplicate migration'; END IF; END $$");
  EXPECT_TRUE(s.ok()) << s.ToString();
  ASSERT_TRUE(stores[0]->PutCommit(Upload(1, 0, 3)).ok());
}

TEST_F(PostgresStoreTest, WrongPasswordIsAClearErrorWithoutThePassword) {
  const std::string secret = "Wr0ngSecret-42";
  std::string url = "postgresql://postgres:" + secret +
                    "@127.0.0.1:" + std::to_string(g_postgres->port()) + "/srclink";
  Result<std::unique_ptr<Store>> store = OpenPostgresStore(url);
  ASSERT_FALSE(store.ok());
  const std::string msg = store.status().ToString();
  EXPECT_EQ(store.status().code(), Status::Code::kUnavailable) << msg;
  EXPECT_NE(msg.find("password authentication failed"), std::string::npos) << msg;
  EXPECT_NE(msg.find("127.0.0.1:" + std::to_string(g_postgres->port()) + "/srclink"),
            std::string::npos)
      << msg;
  EXPECT_EQ(msg.find(secret), std::string::npos) << msg;
  // The real password never appears either.
  EXPECT_EQ(msg.find(g_postgres->password()), std::string::npos) << msg;
}

TEST_F(PostgresStoreTest, UnreachableServerIsAClearErrorWithoutThePassword) {
  // A port nothing listens on: the cluster's port + 1 is very likely free; a
  // closed port on 127.0.0.1 answers at once.
  const std::string secret = "S3cretPassw0rd";
  std::string url = "postgresql://srclink:" + secret + "@127.0.0.1:1/srclink?connect_timeout=5";
  Result<std::unique_ptr<Store>> store = OpenPostgresStore(url);
  ASSERT_FALSE(store.ok());
  const std::string msg = store.status().ToString();
  EXPECT_EQ(store.status().code(), Status::Code::kUnavailable) << msg;
  EXPECT_NE(msg.find("cannot connect to postgres 127.0.0.1:1/srclink"), std::string::npos) << msg;
  EXPECT_EQ(msg.find(secret), std::string::npos) << msg;
}

TEST_F(PostgresStoreTest, InvalidUriIsAnInvalidArgument) {
  Result<std::unique_ptr<Store>> store =
      OpenPostgresStore("postgresql://u:pw-not-shown@127.0.0.1:5432/db?nosuchoption=1");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Status::Code::kInvalidArgument) << store.status().ToString();
  EXPECT_EQ(store.status().message().find("pw-not-shown"), std::string::npos);
}

TEST_F(PostgresStoreTest, DescribeHidesCredentials) {
  std::unique_ptr<Store> store = OpenOrFail(url_);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Migrate().ok());
  const std::string db = url_.substr(url_.rfind('/') + 1);
  EXPECT_EQ(store->Describe(),
            "postgres 127.0.0.1:" + std::to_string(g_postgres->port()) + "/" + db + " (schema 2)");
  EXPECT_EQ(store->Describe().find(g_postgres->password()), std::string::npos);
  EXPECT_EQ(store->Describe().find("postgres:"), std::string::npos);
}

TEST_F(PostgresStoreTest, LargeCommitIsFast) {
  std::unique_ptr<Store> store = OpenOrFail(url_);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Migrate().ok());
  auto start = std::chrono::steady_clock::now();
  Result<srclink::CommitStored> first = store->PutCommit(Upload(1, 0, 100000));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  double first_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CommitUpload next = Upload(2, 1, 100000);
  next.files = Upload(1, 0, 100000).files;
  for (int i = 0; i < 10; ++i) next.files[i * 997].blob_id = std::string(40, 'e');
  start = std::chrono::steady_clock::now();
  Result<srclink::CommitStored> second = store->PutCommit(next);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  double second_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(second->encoding, "delta");
  EXPECT_EQ(second->new_versions, 10);
  EXPECT_LT(second->encoded_bytes, 500);
  std::printf(
      "[ postgres ] 100,000-file commit: %.2f s; child changing 10 files: %.2f s (%lld bytes)\n",
      first_s, second_s, static_cast<long long>(second->encoded_bytes));
  EXPECT_LT(first_s, 60.0);  // generous: CI machines are loaded
  Result<std::vector<srclink::TrackedPath>> files =
      store->GetCommitFiles("github.com/acme/shared", Sha(2));
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  EXPECT_EQ(files->size(), 100000u);
}

}  // namespace
