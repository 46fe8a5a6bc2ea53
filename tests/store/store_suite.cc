#include "store_suite.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>
#include <thread>

#include "store/store.h"

namespace srclink {
namespace {

// Deterministic 40-hex-digit SHA-like ids.
std::string Hex40(uint64_t kind, uint64_t n) {
  char buf[41];
  std::snprintf(buf, sizeof(buf), "%08llx%016llx%016llx",
                static_cast<unsigned long long>(kind & 0xffffffff),
                static_cast<unsigned long long>(n * 0x9e3779b97f4a7c15ULL),
                static_cast<unsigned long long>(n));
  return std::string(buf, 40);
}
std::string Sha(uint64_t n) { return Hex40(0xc0331700, n); }
std::string Blob(uint64_t n) { return Hex40(0xb10b0000, n); }

constexpr char kRepo[] = "github.com/acme/shop";

CommitUpload Upload(std::string sha, std::vector<TrackedPath> files, std::string parent = "",
                    int64_t at = 1700000000, std::string repo = kRepo) {
  CommitUpload u;
  u.repository_id = repo;
  u.repository_url = "https://" + repo;
  u.provider = "github";
  u.commit_sha = std::move(sha);
  u.parent_sha = std::move(parent);
  u.files = std::move(files);
  u.source = "srclink";
  u.uploaded_at = at;
  return u;
}

std::vector<TrackedPath> Files(size_t n, bool blobs, uint64_t salt = 0) {
  std::vector<TrackedPath> files;
  for (size_t i = 0; i < n; ++i) {
    files.push_back({"src/dir" + std::to_string(i % 97) + "/file" + std::to_string(i) + ".py",
                     blobs ? Blob(i * 1000003 + salt) : ""});
  }
  return files;
}

std::vector<TrackedPath> Sorted(std::vector<TrackedPath> files) {
  std::sort(files.begin(), files.end(),
            [](const auto& a, const auto& b) { return a.path < b.path; });
  return files;
}

bool SameFiles(const std::vector<TrackedPath>& a, const std::vector<TrackedPath>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto& x, const auto& y) {
    return x.path == y.path && x.blob_id == y.blob_id;
  });
}

// Version ids are dense in upload order, so a first commit's set is one run
// and its snapshot a few bytes. To test deltas on sets shaped like real
// history, an unrelated commit first interns 2n files and the returned n
// (every other one) make a sparse set.
std::vector<TrackedPath> SparseFiles(Store& store, size_t n, bool blobs) {
  std::vector<TrackedPath> all = Files(2 * n, blobs, 77);
  Result<CommitStored> seeded = store.PutCommit(Upload(Hex40(0x5eed, n), all, "", 1));
  EXPECT_TRUE(seeded.ok()) << seeded.status().ToString();
  std::vector<TrackedPath> half;
  for (size_t i = 0; i < all.size(); i += 2) half.push_back(all[i]);
  return half;
}

void ExpectSameFiles(const std::vector<TrackedPath>& got, const std::vector<TrackedPath>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ(got[i].path, want[i].path) << "at " << i;
    ASSERT_EQ(got[i].blob_id, want[i].blob_id) << "at " << i << " " << got[i].path;
  }
}

}  // namespace
}  // namespace srclink

using namespace srclink;  // NOLINT: test file

void StoreSuite::SetUp() {
  store_ = GetParam().open();
  ASSERT_NE(store_, nullptr) << GetParam().name
                             << " backend could not be opened (see the log above)";
  Status s = store_->Migrate();
  ASSERT_TRUE(s.ok()) << s.ToString();
}

void StoreSuite::TearDown() { store_.reset(); }

TEST_P(StoreSuite, MigrateTwiceIsANoOp) {
  std::string before = store_->Describe();
  Status s = store_->Migrate();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(store_->Describe(), before);
  EXPECT_NE(before.find("(schema "), std::string::npos) << before;
  EXPECT_EQ(before.find("(schema 0)"), std::string::npos) << before;
  Result<std::vector<RepositoryInfo>> repos = store_->ListRepositories();
  ASSERT_TRUE(repos.ok()) << repos.status().ToString();
  EXPECT_TRUE(repos->empty());
}

TEST_P(StoreSuite, PutAndGetCommitWithBlobIds) {
  std::vector<TrackedPath> files = {
      {"src/b.py", Blob(2)}, {"README.md", Blob(1)}, {"src/a.py", Blob(3)}};
  Result<CommitStored> stored = store_->PutCommit(Upload(Sha(1), files, Sha(0), 1700000001));
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_TRUE(stored->created);
  EXPECT_EQ(stored->encoding, "snapshot");
  EXPECT_EQ(stored->new_paths, 3);
  EXPECT_EQ(stored->new_versions, 3);
  EXPECT_GT(stored->encoded_bytes, 0);

  Result<CommitInfo> info = store_->GetCommit(kRepo, Sha(1));
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->repository_id, kRepo);
  EXPECT_EQ(info->commit_sha, Sha(1));
  EXPECT_EQ(info->parent_sha, Sha(0));
  EXPECT_EQ(info->source, "srclink");
  EXPECT_EQ(info->uploaded_at, 1700000001);
  EXPECT_EQ(info->file_count, 3);
  EXPECT_TRUE(info->has_blob_ids);

  Result<std::vector<TrackedPath>> got = store_->GetCommitFiles(kRepo, Sha(1));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ExpectSameFiles(*got, Sorted(files));
}

TEST_P(StoreSuite, PutAndGetCommitWithoutBlobIds) {
  std::vector<TrackedPath> files = {{"b/x.go", ""}, {"a/y.go", ""}};
  Result<CommitStored> stored = store_->PutCommit(Upload(Sha(1), files));
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  Result<CommitInfo> info = store_->GetCommit(kRepo, Sha(1));
  ASSERT_TRUE(info.ok());
  EXPECT_FALSE(info->has_blob_ids);
  EXPECT_EQ(info->parent_sha, "");
  Result<std::vector<TrackedPath>> got = store_->GetCommitFiles(kRepo, Sha(1));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ExpectSameFiles(*got, Sorted(files));
}

TEST_P(StoreSuite, PartialBlobIdsAreKeptButCommitHasNoBlobIds) {
  std::vector<TrackedPath> files = {{"a", Blob(1)}, {"b", ""}};
  ASSERT_TRUE(store_->PutCommit(Upload(Sha(1), files)).ok());
  Result<CommitInfo> info = store_->GetCommit(kRepo, Sha(1));
  ASSERT_TRUE(info.ok());
  EXPECT_FALSE(info->has_blob_ids);
  Result<std::vector<TrackedPath>> got = store_->GetCommitFiles(kRepo, Sha(1));
  ASSERT_TRUE(got.ok());
  ExpectSameFiles(*got, files);
}

TEST_P(StoreSuite, EmptyCommit) {
  ASSERT_TRUE(store_->PutCommit(Upload(Sha(1), {})).ok());
  Result<std::vector<TrackedPath>> got = store_->GetCommitFiles(kRepo, Sha(1));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_TRUE(got->empty());
  Result<CommitInfo> info = store_->GetCommit(kRepo, Sha(1));
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->file_count, 0);
}

TEST_P(StoreSuite, ReUploadIsIdempotent) {
  std::vector<TrackedPath> files = Files(50, true);
  Result<CommitStored> first = store_->PutCommit(Upload(Sha(1), files, "", 100));
  ASSERT_TRUE(first.ok());
  Result<CommitStored> second = store_->PutCommit(Upload(Sha(1), files, "", 200));
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_FALSE(second->created);
  EXPECT_EQ(second->new_paths, 0);
  EXPECT_EQ(second->new_versions, 0);
  Result<CommitInfo> info = store_->GetCommit(kRepo, Sha(1));
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->uploaded_at, 100);  // the first upload counts
  Result<std::vector<RepositoryInfo>> repos = store_->ListRepositories();
  ASSERT_TRUE(repos.ok());
  ASSERT_EQ(repos->size(), 1u);
  EXPECT_EQ((*repos)[0].commit_count, 1);
  Result<std::vector<TrackedPath>> got = store_->GetCommitFiles(kRepo, Sha(1));
  ASSERT_TRUE(got.ok());
  ExpectSameFiles(*got, Sorted(files));
}

TEST_P(StoreSuite, SameFilesInASecondCommitAddNoVersions) {
  std::vector<TrackedPath> files = Files(20, true);
  ASSERT_TRUE(store_->PutCommit(Upload(Sha(1), files)).ok());
  Result<CommitStored> second = store_->PutCommit(Upload(Sha(2), files));  // no parent link
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->created);
  EXPECT_EQ(second->new_paths, 0);
  EXPECT_EQ(second->new_versions, 0);
}

TEST_P(StoreSuite, UpgradeFromNoBlobIdsToBlobIds) {
  std::vector<TrackedPath> bare = Files(30, false);
  CommitUpload first = Upload(Sha(1), bare, "", 100);
  first.source = "datadog-ci";
  ASSERT_TRUE(store_->PutCommit(first).ok());

  std::vector<TrackedPath> full = Files(30, true);
  Result<CommitStored> second = store_->PutCommit(Upload(Sha(1), full, "", 200));
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_FALSE(second->created);
  Result<CommitInfo> info = store_->GetCommit(kRepo, Sha(1));
  ASSERT_TRUE(info.ok());
  EXPECT_TRUE(info->has_blob_ids);
  EXPECT_EQ(info->source, "srclink");
  EXPECT_EQ(info->uploaded_at, 100);
  Result<std::vector<TrackedPath>> got = store_->GetCommitFiles(kRepo, Sha(1));
  ASSERT_TRUE(got.ok());
  ExpectSameFiles(*got, Sorted(full));

  // A later upload without blob ids does not take them away.
  Result<CommitStored> third = store_->PutCommit(first);
  ASSERT_TRUE(third.ok());
  EXPECT_FALSE(third->created);
  got = store_->GetCommitFiles(kRepo, Sha(1));
  ASSERT_TRUE(got.ok());
  ExpectSameFiles(*got, Sorted(full));
}

TEST_P(StoreSuite, UpgradeKeepsChildrenStoredAgainstTheCommit) {
  // datadog-ci uploads two commits without contents (the second a delta
  // against the first), then srclink re-uploads the first with blob ids.
  std::vector<TrackedPath> bare = SparseFiles(*store_, 200, false);
  ASSERT_TRUE(store_->PutCommit(Upload(Sha(1), bare, "", 100)).ok());
  std::vector<TrackedPath> full = bare;
  for (size_t i = 0; i < full.size(); ++i) full[i].blob_id = Blob(31337 + i);
  std::vector<TrackedPath> child = bare;
  child[5].path = "renamed.py";
  Result<CommitStored> c2 = store_->PutCommit(Upload(Sha(2), child, Sha(1), 101));
  ASSERT_TRUE(c2.ok());
  EXPECT_EQ(c2->encoding, "delta");
  ASSERT_TRUE(store_->PutCommit(Upload(Sha(1), full, "", 102)).ok());
  Result<std::vector<TrackedPath>> got = store_->GetCommitFiles(kRepo, Sha(2));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ExpectSameFiles(*got, Sorted(child));
  got = store_->GetCommitFiles(kRepo, Sha(1));
  ASSERT_TRUE(got.ok());
  ExpectSameFiles(*got, Sorted(full));
}

TEST_P(StoreSuite, DeltaChainsRoundTripAndAreCapped) {
  std::vector<TrackedPath> files = SparseFiles(*store_, 400, true);
  std::vector<std::vector<TrackedPath>> uploaded;
  std::vector<std::string> encodings;
  for (int i = 0; i < 40; ++i) {
    if (i > 0) {
      for (int k = 0; k < 3; ++k) {
        size_t at = (static_cast<size_t>(i) * 37 + static_cast<size_t>(k) * 101) % files.size();
        files[at].blob_id = Blob(100000 + static_cast<uint64_t>(i) * 10 + static_cast<uint64_t>(k));
      }
      if (i % 7 == 0) files.push_back({"added/in/" + std::to_string(i) + ".txt", Blob(900000 + i)});
      if (i % 11 == 0) files.erase(files.begin() + i);
    }
    Result<CommitStored> stored =
        store_->PutCommit(Upload(Sha(i), files, i == 0 ? "" : Sha(i - 1), 1000 + i));
    ASSERT_TRUE(stored.ok()) << i << ": " << stored.status().ToString();
    EXPECT_TRUE(stored->created);
    encodings.push_back(stored->encoding);
    uploaded.push_back(files);
  }
  EXPECT_EQ(encodings[0], "snapshot");
  EXPECT_EQ(encodings[1], "delta");
  int snapshots_after_first = 0;
  int longest_run = 0;
  int run = 0;
  for (size_t i = 1; i < encodings.size(); ++i) {
    if (encodings[i] == "snapshot") {
      ++snapshots_after_first;
      run = 0;
    } else {
      longest_run = std::max(longest_run, ++run);
    }
  }
  EXPECT_GE(snapshots_after_first, 1) << "the chain depth must be capped";
  EXPECT_LE(longest_run, 32);
  EXPECT_GE(longest_run, 16) << "small changes on a sparse set are stored as deltas";
  for (int i = 0; i < 40; ++i) {
    Result<std::vector<TrackedPath>> got = store_->GetCommitFiles(kRepo, Sha(i));
    ASSERT_TRUE(got.ok()) << i << ": " << got.status().ToString();
    ExpectSameFiles(*got, Sorted(uploaded[i]));
    Result<CommitInfo> info = store_->GetCommit(kRepo, Sha(i));
    ASSERT_TRUE(info.ok());
    EXPECT_EQ(info->file_count, static_cast<int64_t>(uploaded[i].size()));
  }
}

TEST_P(StoreSuite, DeltaIsSmallerThanSnapshot) {
  std::vector<TrackedPath> files = SparseFiles(*store_, 5000, true);
  Result<CommitStored> first = store_->PutCommit(Upload(Sha(1), files));
  ASSERT_TRUE(first.ok());
  files[10].blob_id = Blob(7777777);
  Result<CommitStored> second = store_->PutCommit(Upload(Sha(2), files, Sha(1)));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->encoding, "delta");
  EXPECT_LT(second->encoded_bytes, first->encoded_bytes);
  EXPECT_EQ(second->new_paths, 0);
  EXPECT_EQ(second->new_versions, 1);
}

TEST_P(StoreSuite, ParentNotStoredGivesSnapshot) {
  std::vector<TrackedPath> files = Files(10, true);
  Result<CommitStored> stored = store_->PutCommit(Upload(Sha(2), files, Sha(1)));
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(stored->encoding, "snapshot");
  Result<CommitInfo> info = store_->GetCommit(kRepo, Sha(2));
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->parent_sha, Sha(1));
  Result<std::vector<TrackedPath>> got = store_->GetCommitFiles(kRepo, Sha(2));
  ASSERT_TRUE(got.ok());
  ExpectSameFiles(*got, Sorted(files));
  // The parent uploaded later does not disturb the child.
  ASSERT_TRUE(store_->PutCommit(Upload(Sha(1), Files(12, true))).ok());
  got = store_->GetCommitFiles(kRepo, Sha(2));
  ASSERT_TRUE(got.ok());
  ExpectSameFiles(*got, Sorted(files));
}

TEST_P(StoreSuite, RepositoriesAreSeparate) {
  ASSERT_TRUE(
      store_->PutCommit(Upload(Sha(1), {{"a.py", Blob(1)}}, "", 10, "github.com/acme/one")).ok());
  ASSERT_TRUE(
      store_->PutCommit(Upload(Sha(1), {{"b.py", Blob(2)}}, "", 20, "github.com/acme/two")).ok());
  Result<std::vector<TrackedPath>> one = store_->GetCommitFiles("github.com/acme/one", Sha(1));
  Result<std::vector<TrackedPath>> two = store_->GetCommitFiles("github.com/acme/two", Sha(1));
  ASSERT_TRUE(one.ok() && two.ok());
  ExpectSameFiles(*one, {{"a.py", Blob(1)}});
  ExpectSameFiles(*two, {{"b.py", Blob(2)}});
  EXPECT_EQ(store_->GetCommit("github.com/acme/three", Sha(1)).status().code(),
            Status::Code::kNotFound);
}

TEST_P(StoreSuite, FindCommitsByPrefix) {
  ASSERT_TRUE(store_->PutCommit(Upload("abc1230000000000000000000000000000000001", {})).ok());
  ASSERT_TRUE(store_->PutCommit(Upload("abc1240000000000000000000000000000000002", {})).ok());
  ASSERT_TRUE(store_->PutCommit(Upload("abd0000000000000000000000000000000000003", {})).ok());
  ASSERT_TRUE(store_
                  ->PutCommit(Upload("abc1230000000000000000000000000000000009", {}, "", 1,
                                     "github.com/x/y"))
                  .ok());

  Result<std::vector<std::string>> found = store_->FindCommits(kRepo, "abc12", 10);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  std::vector<std::string> got = *found;
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::string>{"abc1230000000000000000000000000000000001",
                                           "abc1240000000000000000000000000000000002"}));
  found = store_->FindCommits(kRepo, "abc123", 10);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(*found, std::vector<std::string>{"abc1230000000000000000000000000000000001"});
  found = store_->FindCommits(kRepo, "ab", 1);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->size(), 1u);
  found = store_->FindCommits(kRepo, "abd0000000000000000000000000000000000003", 5);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->size(), 1u);
  found = store_->FindCommits(kRepo, "ffff", 5);
  ASSERT_TRUE(found.ok());
  EXPECT_TRUE(found->empty());
  found = store_->FindCommits("github.com/no/such", "ab", 5);
  ASSERT_TRUE(found.ok());
  EXPECT_TRUE(found->empty());
  // Not hex: never matches anything, never a LIKE pattern.
  found = store_->FindCommits(kRepo, "ab%", 5);
  EXPECT_TRUE(!found.ok() || found->empty());
}

TEST_P(StoreSuite, RefsPointAtTheirLatestUpload) {
  CommitUpload first = Upload(Sha(1), Files(3, true), "", 100);
  first.refs = {"refs/heads/main", "refs/tags/v1.0.0"};
  ASSERT_TRUE(store_->PutCommit(first).ok());
  CommitUpload second = Upload(Sha(2), Files(3, true), Sha(1), 200);
  second.refs = {"refs/heads/main"};
  ASSERT_TRUE(store_->PutCommit(second).ok());
  // Uploading the first commit again, later, with a new tag: the tag is
  // recorded; an older upload never moves a ref back.
  CommitUpload again = Upload(Sha(1), Files(3, true), "", 150);
  again.refs = {"refs/heads/main", "refs/tags/v1.0.1"};
  ASSERT_TRUE(store_->PutCommit(again).ok());

  auto ref = [this](std::string_view repo, std::string_view name) {
    Result<std::string> r = store_->FindRef(repo, name);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : "error";
  };
  EXPECT_EQ(ref(kRepo, "refs/heads/main"), Sha(2));
  EXPECT_EQ(ref(kRepo, "refs/tags/v1.0.0"), Sha(1));
  EXPECT_EQ(ref(kRepo, "refs/tags/v1.0.1"), Sha(1));
  EXPECT_EQ(ref(kRepo, "refs/heads/other"), "");
  EXPECT_EQ(ref(kRepo, "main"), "");  // full names only
  EXPECT_EQ(ref("github.com/no/such", "refs/heads/main"), "");

  CommitUpload bad = Upload(Sha(3), {});
  bad.refs = {"main"};
  Result<CommitStored> rejected = store_->PutCommit(bad);
  ASSERT_FALSE(rejected.ok());
  EXPECT_NE(rejected.status().message().find("ref \"main\" of commit"), std::string::npos)
      << rejected.status().ToString();
  bad.refs = {"refs/heads/a..b"};
  EXPECT_FALSE(store_->PutCommit(bad).ok());
  EXPECT_FALSE(store_->GetCommit(kRepo, Sha(3)).ok());  // nothing of a rejected upload is kept
}

TEST_P(StoreSuite, ListRefsNamesTheRefsStillAtACommit) {
  CommitUpload first = Upload(Sha(1), Files(3, true), "", 100);
  first.refs = {"refs/tags/v1.0.0", "refs/heads/main", "refs/heads/Release"};
  ASSERT_TRUE(store_->PutCommit(first).ok());
  CommitUpload second = Upload(Sha(2), Files(3, true), Sha(1), 200);
  second.refs = {"refs/heads/main"};  // main moves on
  ASSERT_TRUE(store_->PutCommit(second).ok());
  CommitUpload elsewhere = Upload(Sha(1), Files(3, true), "", 300, "github.com/x/y");
  elsewhere.refs = {"refs/heads/other"};
  ASSERT_TRUE(store_->PutCommit(elsewhere).ok());

  auto refs = [this](std::string_view repo, std::string_view sha) {
    Result<std::vector<std::string>> r = store_->ListRefs(repo, sha);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : std::vector<std::string>{"error"};
  };
  // Sorted bytewise: upper case first.
  EXPECT_EQ(refs(kRepo, Sha(1)),
            (std::vector<std::string>{"refs/heads/Release", "refs/tags/v1.0.0"}));
  EXPECT_EQ(refs(kRepo, Sha(2)), std::vector<std::string>{"refs/heads/main"});
  EXPECT_EQ(refs("github.com/x/y", Sha(1)), std::vector<std::string>{"refs/heads/other"});
  EXPECT_TRUE(refs(kRepo, Sha(9)).empty());
  EXPECT_TRUE(refs("github.com/no/such", Sha(1)).empty());
}

TEST_P(StoreSuite, ListRepositoriesAndCommits) {
  ASSERT_TRUE(store_->PutCommit(Upload(Sha(1), {{"a", ""}}, "", 300, "github.com/acme/b")).ok());
  ASSERT_TRUE(
      store_->PutCommit(Upload(Sha(2), {{"a", ""}}, Sha(1), 100, "github.com/acme/b")).ok());
  ASSERT_TRUE(
      store_->PutCommit(Upload(Sha(3), {{"a", ""}}, Sha(2), 200, "github.com/acme/b")).ok());
  ASSERT_TRUE(
      store_->PutCommit(Upload(Sha(4), {{"a", Blob(1)}}, "", 50, "github.com/acme/a")).ok());

  Result<std::vector<RepositoryInfo>> repos = store_->ListRepositories();
  ASSERT_TRUE(repos.ok()) << repos.status().ToString();
  ASSERT_EQ(repos->size(), 2u);
  std::map<std::string, RepositoryInfo> by_id;
  for (const RepositoryInfo& r : *repos) by_id[r.repository_id] = r;
  ASSERT_EQ(by_id.count("github.com/acme/b"), 1u);
  EXPECT_EQ(by_id["github.com/acme/b"].commit_count, 3);
  EXPECT_EQ(by_id["github.com/acme/b"].first_upload, 100);
  EXPECT_EQ(by_id["github.com/acme/b"].last_upload, 300);
  EXPECT_EQ(by_id["github.com/acme/b"].repository_url, "https://github.com/acme/b");
  EXPECT_EQ(by_id["github.com/acme/b"].provider, "github");
  EXPECT_EQ(by_id["github.com/acme/a"].commit_count, 1);

  Result<std::vector<CommitInfo>> commits = store_->ListCommits("github.com/acme/b", 10);
  ASSERT_TRUE(commits.ok()) << commits.status().ToString();
  ASSERT_EQ(commits->size(), 3u);
  EXPECT_EQ((*commits)[0].commit_sha, Sha(1));  // newest first
  EXPECT_EQ((*commits)[1].commit_sha, Sha(3));
  EXPECT_EQ((*commits)[2].commit_sha, Sha(2));
  EXPECT_EQ((*commits)[2].parent_sha, Sha(1));
  EXPECT_EQ((*commits)[0].file_count, 1);
  EXPECT_EQ((*commits)[0].repository_id, "github.com/acme/b");

  commits = store_->ListCommits("github.com/acme/b", 2);
  ASSERT_TRUE(commits.ok());
  EXPECT_EQ(commits->size(), 2u);
  commits = store_->ListCommits("github.com/acme/a", 10);
  ASSERT_TRUE(commits.ok());
  ASSERT_EQ(commits->size(), 1u);
  EXPECT_TRUE((*commits)[0].has_blob_ids);
}

TEST_P(StoreSuite, BlobsStoreMissingAndCollect) {
  Result<std::vector<std::string>> missing = store_->MissingBlobs({Blob(1), Blob(2), Blob(3)});
  ASSERT_TRUE(missing.ok()) << missing.status().ToString();
  EXPECT_EQ(*missing, (std::vector<std::string>{Blob(1), Blob(2), Blob(3)}));

  std::string data("\x28\xb5\x2f\xfd\0binary\xff", 12);
  ASSERT_TRUE(store_->PutBlob(Blob(1), data, 100, 1000).ok());
  ASSERT_TRUE(store_->PutBlob(Blob(2), "two", 3, 1000).ok());
  ASSERT_TRUE(store_->PutBlob(Blob(2), "two", 3, 1000).ok());  // idempotent
  missing = store_->MissingBlobs({Blob(1), Blob(2), Blob(3)});
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(*missing, std::vector<std::string>{Blob(3)});
  missing = store_->MissingBlobs({});
  ASSERT_TRUE(missing.ok());
  EXPECT_TRUE(missing->empty());

  Result<StoredBlob> blob = store_->GetBlob(Blob(1), 2000);  // touches blob 1
  ASSERT_TRUE(blob.ok()) << blob.status().ToString();
  EXPECT_EQ(blob->compressed, data);
  EXPECT_EQ(blob->size, 100);

  Result<StoredBlob> absent = store_->GetBlob(Blob(3), 2000);
  ASSERT_FALSE(absent.ok());
  EXPECT_EQ(absent.status().code(), Status::Code::kNotFound);
  EXPECT_NE(absent.status().message().find(Blob(3)), std::string::npos)
      << absent.status().message();

  Result<int64_t> collected = store_->CollectBlobs(1500);  // blob 2 last used at 1000
  ASSERT_TRUE(collected.ok()) << collected.status().ToString();
  EXPECT_EQ(*collected, 1);
  EXPECT_TRUE(store_->GetBlob(Blob(1), 2500).ok());
  EXPECT_EQ(store_->GetBlob(Blob(2), 2500).status().code(), Status::Code::kNotFound);
  collected = store_->CollectBlobs(1500);
  ASSERT_TRUE(collected.ok());
  EXPECT_EQ(*collected, 0);
  collected = store_->CollectBlobs(3000);
  ASSERT_TRUE(collected.ok());
  EXPECT_EQ(*collected, 1);
}

TEST_P(StoreSuite, ApiKeys) {
  ApiKeyInfo a{"3f9a01", std::string(64, 'a'), "ci uploads", kScopeUpload, 100};
  ApiKeyInfo b{"77bc02", std::string(64, 'b'), "grafana", kScopeRead | kScopeAdmin, 200};
  ASSERT_TRUE(store_->PutApiKey(a).ok());
  ASSERT_TRUE(store_->PutApiKey(b).ok());
  ASSERT_TRUE(store_->PutApiKey(b).ok());  // idempotent

  Result<ApiKeyInfo> got = store_->GetApiKey("77bc02");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->key_id, "77bc02");
  EXPECT_EQ(got->secret_hash, std::string(64, 'b'));
  EXPECT_EQ(got->name, "grafana");
  EXPECT_EQ(got->scopes, static_cast<uint32_t>(kScopeRead | kScopeAdmin));
  EXPECT_EQ(got->created_at, 200);

  Result<std::vector<ApiKeyInfo>> keys = store_->ListApiKeys();
  ASSERT_TRUE(keys.ok());
  ASSERT_EQ(keys->size(), 2u);

  ASSERT_TRUE(store_->DeleteApiKey("3f9a01").ok());
  Result<ApiKeyInfo> gone = store_->GetApiKey("3f9a01");
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.status().code(), Status::Code::kNotFound);
  EXPECT_NE(gone.status().message().find("3f9a01"), std::string::npos) << gone.status().message();
  Status again = store_->DeleteApiKey("3f9a01");
  EXPECT_EQ(again.code(), Status::Code::kNotFound) << again.ToString();
  keys = store_->ListApiKeys();
  ASSERT_TRUE(keys.ok());
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ((*keys)[0].key_id, "77bc02");
}

TEST_P(StoreSuite, NotFoundMessagesNameWhatIsMissing) {
  Result<CommitInfo> info = store_->GetCommit(kRepo, Sha(9));
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.status().code(), Status::Code::kNotFound);
  EXPECT_NE(info.status().message().find(Sha(9)), std::string::npos) << info.status().message();
  EXPECT_NE(info.status().message().find(kRepo), std::string::npos) << info.status().message();

  ASSERT_TRUE(store_->PutCommit(Upload(Sha(1), {})).ok());
  Result<std::vector<TrackedPath>> files = store_->GetCommitFiles(kRepo, Sha(9));
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.status().code(), Status::Code::kNotFound);
  EXPECT_NE(files.status().message().find(Sha(9)), std::string::npos) << files.status().message();
}

TEST_P(StoreSuite, InvalidUploadsAreRejected) {
  EXPECT_EQ(store_->PutCommit(Upload("abc", {})).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(store_->PutCommit(Upload(Sha(1), {}, "nothex")).status().code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(store_->PutCommit(Upload(Sha(1), {{"a", "XYZ"}})).status().code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(store_->PutCommit(Upload(Sha(1), {{"a", ""}}, "", 1, "")).status().code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(store_->PutBlob("nothex", "x", 1, 1).code(), Status::Code::kInvalidArgument);
  // Nothing was stored by the failures.
  EXPECT_EQ(store_->GetCommit(kRepo, Sha(1)).status().code(), Status::Code::kNotFound);
}

TEST_P(StoreSuite, ConcurrentUploadsAndReads) {
  constexpr int kThreads = 8;
  constexpr int kCommitsPerThread = 12;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::string repo = "github.com/acme/r" + std::to_string(t % 3);
      std::vector<TrackedPath> files = Files(300, true, static_cast<uint64_t>(t % 3));
      for (int i = 0; i < kCommitsPerThread; ++i) {
        uint64_t n = static_cast<uint64_t>(t) * 1000 + static_cast<uint64_t>(i);
        files[static_cast<size_t>(i)].blob_id = Blob(5000000 + n);
        std::string parent = i == 0 ? "" : Sha(n - 1);
        Result<CommitStored> stored =
            store_->PutCommit(Upload(Sha(n), files, parent, 1000 + i, repo));
        if (!stored.ok()) {
          ADD_FAILURE() << stored.status().ToString();
          ++failures;
          continue;
        }
        Result<std::vector<TrackedPath>> got = store_->GetCommitFiles(repo, Sha(n));
        if (!got.ok() || got->size() != files.size()) {
          ADD_FAILURE() << (got.ok() ? "wrong size" : got.status().ToString());
          ++failures;
        } else if (!SameFiles(*got, Sorted(files))) {
          ADD_FAILURE() << "files differ for " << Sha(n);
          ++failures;
        }
        if (!store_->ListRepositories().ok() ||
            !store_->FindCommits(repo, Sha(n).substr(0, 8), 5).ok()) {
          ++failures;
        }
        std::string blob = Blob(7000000 + n);
        if (!store_->PutBlob(blob, "z", 1, 10).ok() || !store_->GetBlob(blob, 11).ok()) ++failures;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  Result<std::vector<RepositoryInfo>> repos = store_->ListRepositories();
  ASSERT_TRUE(repos.ok());
  int64_t total = 0;
  for (const RepositoryInfo& r : *repos) total += r.commit_count;
  EXPECT_EQ(total, kThreads * kCommitsPerThread);
}

TEST_P(StoreSuite, LargeCommitRoundTrip) {
  std::vector<TrackedPath> files;
  files.reserve(100000);
  for (size_t i = 0; i < 100000; ++i) {
    files.push_back({"services/svc" + std::to_string(i % 251) + "/pkg" + std::to_string(i % 13) +
                         "/f" + std::to_string(i) + ".ts",
                     Blob(i)});
  }
  Result<CommitStored> stored = store_->PutCommit(Upload(Sha(1), files));
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(stored->new_paths, 100000);
  EXPECT_EQ(stored->new_versions, 100000);
  Result<std::vector<TrackedPath>> got = store_->GetCommitFiles(kRepo, Sha(1));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ExpectSameFiles(*got, Sorted(files));
}
