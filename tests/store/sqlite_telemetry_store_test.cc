// SqliteTelemetryStore: the shared TelemetryStoreSuite on a database file,
// plus what only SQLite has: a Store and a TelemetryStore on one file.
#include "store/sqlite_telemetry_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>

#include "store/sqlite_store.h"
#include "telemetry_store_suite.h"

namespace srclink {
namespace {

namespace fs = std::filesystem;

// A fresh directory per test binary run, removed at exit.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() /
            ("srclink-tstore-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

TempDir& Dir() {
  static TempDir* dir = new TempDir;  // NOLINT: lives for the binary
  return *dir;
}

std::string g_current_db;

std::unique_ptr<TelemetryStore> OpenPath(const std::string& path) {
  Result<std::unique_ptr<TelemetryStore>> s =
      OpenSqliteTelemetryStore(path, TelemetryStoreSuite::kMaxEvents);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(s).value() : nullptr;
}

std::unique_ptr<TelemetryStore> OpenNewFile() {
  static std::atomic<int> n{0};
  g_current_db = (Dir().path() / ("t" + std::to_string(n++) + ".db")).string();
  return OpenPath(g_current_db);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, TelemetryStoreSuite,
                         ::testing::Values(TelemetryStoreBackend{
                             "File", OpenNewFile, [] { return OpenPath(g_current_db); }}),
                         [](const auto& info) { return info.param.name; });

TEST(SqliteTelemetryStoreTest, CoexistsWithTheStoreOnOneFile) {
  TempDir dir;
  const std::string db = (dir.path() / "srclink.db").string();
  Result<std::unique_ptr<Store>> store = OpenSqliteStore(db);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  Result<std::unique_ptr<TelemetryStore>> telemetry = OpenTelemetryStore(db, 5);
  ASSERT_TRUE(telemetry.ok()) << telemetry.status().ToString();
  // Either order of migrations; each keeps its own version table.
  ASSERT_TRUE((*telemetry)->Migrate().ok());
  Status s = (*store)->Migrate();
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_TRUE((*telemetry)->Migrate().ok());
  EXPECT_EQ((*store)->Describe(), "sqlite " + db + " (schema 2)");

  CommitUpload u;
  u.repository_id = "github.com/acme/shop";
  u.repository_url = "https://github.com/acme/shop";
  u.provider = "github";
  u.commit_sha = std::string(40, 'a');
  u.files = {{"app.py", ""}};
  u.source = "srclink";
  u.uploaded_at = 1;
  ASSERT_TRUE((*store)->PutCommit(u).ok());
  ErrorGroupDelta d;
  d.service = "shop";
  d.fingerprint = "0123456789abcdef";
  d.count = 1;
  d.last_seen = 5;
  ASSERT_TRUE((*telemetry)->AddErrors({d}).ok());
  ASSERT_TRUE((*store)->PutApiKey({"sk_1", "hash", "ci", kScopeUpload, 1}).ok());

  // Reopened, both see their data.
  store = OpenSqliteStore(db);
  telemetry = OpenTelemetryStore(db, 5);
  ASSERT_TRUE(store.ok() && telemetry.ok());
  EXPECT_TRUE((*store)->GetCommit("github.com/acme/shop", std::string(40, 'a')).ok());
  Result<std::vector<ErrorGroup>> groups = (*telemetry)->ListErrorGroups({});
  ASSERT_TRUE(groups.ok()) << groups.status().ToString();
  ASSERT_EQ(groups->size(), 1u);
  EXPECT_EQ((*groups)[0].fingerprint, "0123456789abcdef");
}

TEST(SqliteTelemetryStoreTest, MemoryDatabaseWorks) {
  Result<std::unique_ptr<TelemetryStore>> t = OpenTelemetryStore(":memory:");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_TRUE((*t)->Migrate().ok());
  ErrorGroupDelta d;
  d.fingerprint = "x";
  d.count = 2;
  ASSERT_TRUE((*t)->AddErrors({d, d}).ok());
  Result<std::vector<ErrorGroup>> groups = (*t)->ListErrorGroups({});
  ASSERT_TRUE(groups.ok());
  ASSERT_EQ(groups->size(), 1u);
  EXPECT_EQ((*groups)[0].count, 4);
}

TEST(SqliteTelemetryStoreTest, UnmigratedStoreSaysSo) {
  Result<std::unique_ptr<TelemetryStore>> t = OpenTelemetryStore(":memory:");
  ASSERT_TRUE(t.ok());
  Result<std::vector<CodeOrigin>> origins = (*t)->ListCodeOrigins("", 10);
  ASSERT_FALSE(origins.ok());
  EXPECT_NE(origins.status().message().find("run Migrate()"), std::string::npos)
      << origins.status().message();
}

TEST(SqliteTelemetryStoreTest, EmptyPathIsInvalid) {
  Result<std::unique_ptr<TelemetryStore>> t = OpenTelemetryStore("");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace srclink
