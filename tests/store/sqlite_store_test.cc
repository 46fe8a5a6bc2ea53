#include "store/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>

#include "store_suite.h"

namespace srclink {
namespace {

namespace fs = std::filesystem;

// A fresh directory under the system temp dir, removed at exit of scope.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() /
            ("srclink-store-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
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

// A store that owns the temporary directory its database lives in.
class FileStore final : public Store {
 public:
  FileStore() {
    Result<std::unique_ptr<Store>> s = OpenSqliteStore((dir_.path() / "srclink.db").string());
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    if (s.ok()) inner_ = std::move(s).value();
  }
  bool ok() const { return inner_ != nullptr; }
  Status Migrate() override { return inner_->Migrate(); }
  std::string Describe() const override { return inner_->Describe(); }
  Result<CommitStored> PutCommit(const CommitUpload& u) override { return inner_->PutCommit(u); }
  Result<CommitInfo> GetCommit(std::string_view r, std::string_view c) override {
    return inner_->GetCommit(r, c);
  }
  Result<std::vector<TrackedPath>> GetCommitFiles(std::string_view r, std::string_view c) override {
    return inner_->GetCommitFiles(r, c);
  }
  Result<std::vector<std::string>> FindCommits(std::string_view r, std::string_view p,
                                               size_t l) override {
    return inner_->FindCommits(r, p, l);
  }
  Result<std::string> FindRef(std::string_view r, std::string_view name) override {
    return inner_->FindRef(r, name);
  }
  Result<std::vector<std::string>> ListRefs(std::string_view r, std::string_view sha) override {
    return inner_->ListRefs(r, sha);
  }
  Result<std::vector<RepositoryInfo>> ListRepositories() override {
    return inner_->ListRepositories();
  }
  Result<std::vector<CommitInfo>> ListCommits(std::string_view r, size_t l) override {
    return inner_->ListCommits(r, l);
  }
  Result<std::vector<std::string>> MissingBlobs(const std::vector<std::string>& b) override {
    return inner_->MissingBlobs(b);
  }
  Status PutBlob(std::string_view b, std::string_view c, int64_t s, int64_t n) override {
    return inner_->PutBlob(b, c, s, n);
  }
  Result<StoredBlob> GetBlob(std::string_view b, int64_t n) override {
    return inner_->GetBlob(b, n);
  }
  Result<int64_t> CollectBlobs(int64_t u) override { return inner_->CollectBlobs(u); }
  Status PutApiKey(const ApiKeyInfo& k) override { return inner_->PutApiKey(k); }
  Result<ApiKeyInfo> GetApiKey(std::string_view k) override { return inner_->GetApiKey(k); }
  Result<std::vector<ApiKeyInfo>> ListApiKeys() override { return inner_->ListApiKeys(); }
  Status DeleteApiKey(std::string_view k) override { return inner_->DeleteApiKey(k); }

 private:
  TempDir dir_;  // destroyed after inner_
  std::unique_ptr<Store> inner_;
};

std::unique_ptr<Store> OpenFile() {
  auto store = std::make_unique<FileStore>();
  if (!store->ok()) return nullptr;
  return store;
}

std::unique_ptr<Store> OpenMemory() {
  Result<std::unique_ptr<Store>> s = OpenSqliteStore(":memory:");
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(s).value() : nullptr;
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreSuite,
                         ::testing::Values(StoreBackend{"File", OpenFile},
                                           StoreBackend{"Memory", OpenMemory}),
                         [](const ::testing::TestParamInfo<StoreBackend>& info) {
                           return info.param.name;
                         });

std::string Sha(char c) { return std::string(40, c); }

CommitUpload Upload(std::string sha) {
  CommitUpload u;
  u.repository_id = "github.com/acme/shop";
  u.repository_url = "https://github.com/acme/shop";
  u.provider = "github";
  u.commit_sha = std::move(sha);
  u.files = {{"a.py", std::string(40, 'e')}, {"b.py", ""}};
  u.source = "srclink";
  u.uploaded_at = 1;
  return u;
}

std::string JournalMode(const fs::path& db) {
  sqlite3* raw = nullptr;
  EXPECT_EQ(sqlite3_open_v2(db.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  std::string mode;
  if (sqlite3_prepare_v2(raw, "PRAGMA journal_mode", -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    mode = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(raw);
  return mode;
}

TEST(SqliteStoreTest, UsesWal) {
  TempDir dir;
  fs::path db = dir.path() / "srclink.db";
  Result<std::unique_ptr<Store>> store = OpenSqliteStore(db.string());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE((*store)->Migrate().ok());
  EXPECT_EQ(JournalMode(db), "wal");
}

TEST(SqliteStoreTest, DescribeNamesPathAndSchema) {
  TempDir dir;
  fs::path db = dir.path() / "srclink.db";
  Result<std::unique_ptr<Store>> store = OpenSqliteStore(db.string());
  ASSERT_TRUE(store.ok());
  EXPECT_EQ((*store)->Describe(), "sqlite " + db.string() + " (schema 0)");
  ASSERT_TRUE((*store)->Migrate().ok());
  EXPECT_EQ((*store)->Describe(), "sqlite " + db.string() + " (schema 2)");
}

TEST(SqliteStoreTest, ReopeningKeepsData) {
  TempDir dir;
  fs::path db = dir.path() / "srclink.db";
  {
    Result<std::unique_ptr<Store>> store = OpenSqliteStore(db.string());
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Migrate().ok());
    ASSERT_TRUE((*store)->PutCommit(Upload(Sha('a'))).ok());
    ASSERT_TRUE((*store)->PutBlob(std::string(40, 'e'), "zz", 2, 5).ok());
  }
  Result<std::unique_ptr<Store>> store = OpenSqliteStore(db.string());
  ASSERT_TRUE(store.ok());
  EXPECT_NE((*store)->Describe().find("(schema 2)"), std::string::npos) << (*store)->Describe();
  ASSERT_TRUE((*store)->Migrate().ok());
  Result<std::vector<TrackedPath>> files =
      (*store)->GetCommitFiles("github.com/acme/shop", Sha('a'));
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ((*files)[0].path, "a.py");
  EXPECT_EQ((*files)[0].blob_id, std::string(40, 'e'));
  EXPECT_EQ((*files)[1].blob_id, "");
  EXPECT_TRUE((*store)->GetBlob(std::string(40, 'e'), 6).ok());
  // A second upload after reopening interns against the stored ids.
  CommitUpload next = Upload(Sha('b'));
  next.parent_sha = Sha('a');
  Result<CommitStored> stored = (*store)->PutCommit(next);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->new_paths, 0);
  EXPECT_EQ(stored->new_versions, 0);
}

TEST(SqliteStoreTest, TwoStoresOnOneFile) {
  TempDir dir;
  fs::path db = dir.path() / "srclink.db";
  Result<std::unique_ptr<Store>> a = OpenSqliteStore(db.string());
  Result<std::unique_ptr<Store>> b = OpenSqliteStore(db.string());
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE((*a)->Migrate().ok());
  ASSERT_TRUE((*b)->Migrate().ok());
  ASSERT_TRUE((*a)->PutCommit(Upload(Sha('a'))).ok());
  CommitUpload other = Upload(Sha('b'));
  other.files.push_back({"c.py", ""});
  Result<CommitStored> stored = (*b)->PutCommit(other);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(stored->new_paths, 1);
  // `a` caches its interning maps; it must see what `b` added.
  CommitUpload third = Upload(Sha('c'));
  third.files.push_back({"c.py", ""});
  third.files.push_back({"d.py", ""});
  stored = (*a)->PutCommit(third);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(stored->new_paths, 1);
  Result<std::vector<TrackedPath>> files = (*b)->GetCommitFiles("github.com/acme/shop", Sha('c'));
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  EXPECT_EQ(files->size(), 4u);
}

TEST(SqliteStoreTest, FailedUploadLeavesNoTrace) {
  Result<std::unique_ptr<Store>> store = OpenSqliteStore(":memory:");
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Migrate().ok());
  CommitUpload dup = Upload(Sha('a'));
  dup.files.push_back({"a.py", ""});
  Result<CommitStored> bad = (*store)->PutCommit(dup);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("'a.py'"), std::string::npos) << bad.status().message();
  Result<CommitStored> good = (*store)->PutCommit(Upload(Sha('a')));
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  EXPECT_EQ(good->new_paths, 2);
  Result<std::vector<TrackedPath>> files =
      (*store)->GetCommitFiles("github.com/acme/shop", Sha('a'));
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  EXPECT_EQ(files->size(), 2u);
}

TEST(SqliteStoreTest, MissingDirectoryIsAClearError) {
  Result<std::unique_ptr<Store>> store = OpenSqliteStore("/nonexistent-srclink-dir/sub/srclink.db");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Status::Code::kIoError);
  EXPECT_NE(store.status().message().find("/nonexistent-srclink-dir/sub/srclink.db"),
            std::string::npos)
      << store.status().message();
  EXPECT_NE(store.status().message().find("directory"), std::string::npos)
      << store.status().message();
}

TEST(SqliteStoreTest, CorruptFileIsAClearError) {
  TempDir dir;
  fs::path db = dir.path() / "srclink.db";
  {
    std::ofstream out(db, std::ios::binary);
    for (int i = 0; i < 1000; ++i) out << "this is not a database ";
  }
  Result<std::unique_ptr<Store>> store = OpenSqliteStore(db.string());
  Status s = store.ok() ? (*store)->Migrate() : store.status();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find(db.string()), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("not a database"), std::string::npos) << s.message();
}

TEST(SqliteStoreTest, UnmigratedStoreSaysSo) {
  Result<std::unique_ptr<Store>> store = OpenSqliteStore(":memory:");
  ASSERT_TRUE(store.ok());
  Result<CommitInfo> info = (*store)->GetCommit("github.com/acme/shop", Sha('a'));
  ASSERT_FALSE(info.ok());
  EXPECT_NE(info.status().message().find("Migrate"), std::string::npos) << info.status().message();
}

TEST(SqliteStoreTest, EmptyPathIsInvalid) {
  Result<std::unique_ptr<Store>> store = OpenSqliteStore("");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace srclink
