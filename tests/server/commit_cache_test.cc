#include "server/commit_cache.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "read_fake_store.h"

namespace srclink::server {
namespace {

using readtest::FakeStore;

const std::string kRepo = "github.com/acme/shop";
const std::string kSha1 = "3f2c000000000000000000000000000000000001";
const std::string kSha2 = "3f2c000000000000000000000000000000000002";
const std::string kSha3 = "9abc000000000000000000000000000000000003";

void Upload(FakeStore& store, const std::string& sha, std::vector<TrackedPath> files,
            int64_t at = 1) {
  CommitUpload u;
  u.repository_id = kRepo;
  u.repository_url = "https://github.com/acme/shop";
  u.provider = "github";
  u.commit_sha = sha;
  u.files = std::move(files);
  u.uploaded_at = at;
  ASSERT_TRUE(store.PutCommit(u).ok());
}

class CommitCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Upload(store_, kSha1, {{"src/a.py", "aaaa"}, {"src/b.py", ""}, {"lib/c.py", "cccc"}});
    Upload(store_, kSha2, {{"x.go", ""}});
    Upload(store_, kSha3, {{"y.go", ""}});
  }
  FakeStore store_;
};

TEST_F(CommitCacheTest, LoadsSnapshotWithBlobIds) {
  CommitCache cache(&store_, 4);
  Result<CommitCache::SnapshotPtr> s = cache.Get(kRepo, kSha1);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  const CommitSnapshot& snap = **s;
  EXPECT_EQ(snap.index.size(), 3u);
  EXPECT_EQ(snap.info.commit_sha, kSha1);
  EXPECT_EQ(snap.BlobId(snap.index.Find("src/a.py")), "aaaa");
  EXPECT_EQ(snap.BlobId(snap.index.Find("lib/c.py")), "cccc");
  EXPECT_EQ(snap.BlobId(snap.index.Find("src/b.py")), "");
  EXPECT_EQ(snap.BlobId(kNoPath), "");
  ASSERT_TRUE(cache.Get(kRepo, kSha1).ok());
  EXPECT_EQ(store_.file_reads.load(), 1);
  EXPECT_EQ(cache.hits(), 1u);
}

TEST_F(CommitCacheTest, InvalidateRereadsTheStore) {
  CommitCache cache(&store_, 4);
  ASSERT_TRUE(cache.Get(kRepo, kSha2).ok());
  // A fetch stored blob ids for the commit the cache holds without them.
  Upload(store_, kSha2, {{"x.go", "abab"}});
  cache.Invalidate(kRepo, kSha2);
  cache.Invalidate(kRepo, kSha3);  // not cached: nothing happens
  Result<CommitCache::SnapshotPtr> s = cache.Get(kRepo, kSha2);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->BlobId((*s)->index.Find("x.go")), "abab");
  EXPECT_EQ(store_.file_reads.load(), 2);
  EXPECT_EQ(cache.entries(), 1u);
}

TEST_F(CommitCacheTest, EvictsLeastRecentlyUsed) {
  CommitCache cache(&store_, 2);
  ASSERT_TRUE(cache.Get(kRepo, kSha1).ok());
  ASSERT_TRUE(cache.Get(kRepo, kSha2).ok());
  ASSERT_TRUE(cache.Get(kRepo, kSha1).ok());  // sha1 most recent
  ASSERT_TRUE(cache.Get(kRepo, kSha3).ok());  // evicts sha2
  EXPECT_EQ(cache.entries(), 2u);
  EXPECT_EQ(store_.file_reads.load(), 3);
  ASSERT_TRUE(cache.Get(kRepo, kSha1).ok());
  EXPECT_EQ(store_.file_reads.load(), 3);
  ASSERT_TRUE(cache.Get(kRepo, kSha2).ok());
  EXPECT_EQ(store_.file_reads.load(), 4);
}

TEST_F(CommitCacheTest, ConcurrentMissesLoadOnce) {
  store_.files_delay_ms = 100;
  CommitCache cache(&store_, 4);
  std::vector<std::thread> threads;
  std::vector<const CommitSnapshot*> seen(8);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      auto s = cache.Get(kRepo, kSha1);
      seen[i] = s.ok() ? s->get() : nullptr;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(store_.file_reads.load(), 1);
  EXPECT_EQ(cache.loads(), 1u);
  for (const CommitSnapshot* p : seen) EXPECT_EQ(p, seen[0]);
  EXPECT_NE(seen[0], nullptr);
}

TEST_F(CommitCacheTest, UnknownCommitIsNotFoundAndNotCached) {
  CommitCache cache(&store_, 4);
  const std::string sha = "ffff000000000000000000000000000000000000";
  Result<CommitCache::SnapshotPtr> s = cache.Get(kRepo, sha);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(s.status().message(),
            "commit " + sha + " of " + kRepo +
                " was not uploaded: run `srclink upload` in CI for each commit");
  Upload(store_, sha, {{"late.py", ""}});
  EXPECT_TRUE(cache.Get(kRepo, sha).ok());
}

TEST_F(CommitCacheTest, ResolvesShortShas) {
  CommitCache cache(&store_, 4);
  Result<std::string> full = cache.ResolveSha(kRepo, "9ABC000");
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  EXPECT_EQ(*full, kSha3);
  Result<std::string> same = cache.ResolveSha(kRepo, kSha1);
  EXPECT_EQ(*same, kSha1);

  Result<std::string> ambiguous = cache.ResolveSha(kRepo, "3f2c000");
  ASSERT_FALSE(ambiguous.ok());
  EXPECT_EQ(ambiguous.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(ambiguous.status().message().find(kSha1), std::string::npos);
  EXPECT_NE(ambiguous.status().message().find(kSha2), std::string::npos);

  Result<std::string> unknown = cache.ResolveSha(kRepo, "1234567");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), Status::Code::kNotFound);
  EXPECT_NE(unknown.status().message().find("was not uploaded"), std::string::npos);

  for (const char* bad : {"", "3f2c00", "a b", "3f2c0000000000000000000000000000000000011"}) {
    Result<std::string> r = cache.ResolveSha(kRepo, bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument) << bad;
    EXPECT_NE(r.status().message().find("at least 7"), std::string::npos);
  }
  Result<CommitCache::SnapshotPtr> looked = cache.Lookup(kRepo, "9abc0000");
  ASSERT_TRUE(looked.ok());
  EXPECT_EQ((*looked)->info.commit_sha, kSha3);
}

TEST_F(CommitCacheTest, ResolvesBranchesAndTagsUploadsRecorded) {
  CommitUpload u;
  u.repository_id = kRepo;
  u.commit_sha = kSha3;
  u.refs = {"refs/heads/main", "refs/tags/v1.4.2", "refs/tags/cafe123"};
  u.uploaded_at = 5;
  ASSERT_TRUE(store_.PutCommit(u).ok());
  CommitCache cache(&store_, 4);
  for (const char* name :
       {"main", "v1.4.2", "refs/heads/main", "heads/main", "tags/v1.4.2", "cafe123"}) {
    Result<std::string> r = cache.ResolveSha(kRepo, name);
    ASSERT_TRUE(r.ok()) << name << ": " << r.status().ToString();
    EXPECT_EQ(*r, kSha3) << name;
  }
  Result<std::string> unknown = cache.ResolveSha(kRepo, "release/2.0");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(unknown.status().message(),
            "no upload of github.com/acme/shop recorded the ref release/2.0: `srclink upload` "
            "records the branches and tags at the commit it uploads (and --ref NAME); or give "
            "the commit SHA");
  Result<CommitCache::SnapshotPtr> looked = cache.Lookup(kRepo, "main");
  ASSERT_TRUE(looked.ok()) << looked.status().ToString();
  EXPECT_EQ((*looked)->info.commit_sha, kSha3);
}

TEST_F(CommitCacheTest, ZeroEntriesKeepsNothing) {
  CommitCache cache(&store_, 0);
  ASSERT_TRUE(cache.Get(kRepo, kSha1).ok());
  ASSERT_TRUE(cache.Get(kRepo, kSha1).ok());
  EXPECT_EQ(store_.file_reads.load(), 2);
  EXPECT_EQ(cache.entries(), 0u);
}

}  // namespace
}  // namespace srclink::server
