// FlakyStore: a Store that forwards to a real one and can be switched "down"
// (every call then answers Unavailable), for /healthz and 503 tests.
#pragma once

#include <atomic>

#include "store/store.h"

namespace srclink::testing {

class FlakyStore : public Store {
 public:
  explicit FlakyStore(Store* inner) : inner_(inner) {}
  std::atomic<bool> down{false};

  Status Migrate() override { return Down() ? Fail() : inner_->Migrate(); }
  std::string Describe() const override { return "flaky " + inner_->Describe(); }
  Result<CommitStored> PutCommit(const CommitUpload& u) override {
    if (Down()) return Fail();
    return inner_->PutCommit(u);
  }
  Result<CommitInfo> GetCommit(std::string_view r, std::string_view c) override {
    if (Down()) return Fail();
    return inner_->GetCommit(r, c);
  }
  Result<std::vector<TrackedPath>> GetCommitFiles(std::string_view r, std::string_view c) override {
    if (Down()) return Fail();
    return inner_->GetCommitFiles(r, c);
  }
  Result<std::vector<std::string>> FindCommits(std::string_view r, std::string_view p,
                                               size_t limit) override {
    if (Down()) return Fail();
    return inner_->FindCommits(r, p, limit);
  }
  Result<std::string> FindRef(std::string_view r, std::string_view name) override {
    if (Down()) return Fail();
    return inner_->FindRef(r, name);
  }
  Result<std::vector<std::string>> ListRefs(std::string_view r, std::string_view sha) override {
    if (Down()) return Fail();
    return inner_->ListRefs(r, sha);
  }
  Result<std::vector<RepositoryInfo>> ListRepositories() override {
    if (Down()) return Fail();
    return inner_->ListRepositories();
  }
  Result<std::vector<CommitInfo>> ListCommits(std::string_view r, size_t limit) override {
    if (Down()) return Fail();
    return inner_->ListCommits(r, limit);
  }
  Result<std::vector<std::string>> MissingBlobs(const std::vector<std::string>& ids) override {
    if (Down()) return Fail();
    return inner_->MissingBlobs(ids);
  }
  Status PutBlob(std::string_view id, std::string_view c, int64_t size, int64_t now) override {
    return Down() ? Fail() : inner_->PutBlob(id, c, size, now);
  }
  Result<StoredBlob> GetBlob(std::string_view id, int64_t now) override {
    if (Down()) return Fail();
    return inner_->GetBlob(id, now);
  }
  Result<int64_t> CollectBlobs(int64_t since) override {
    if (Down()) return Fail();
    return inner_->CollectBlobs(since);
  }
  Status PutApiKey(const ApiKeyInfo& k) override { return Down() ? Fail() : inner_->PutApiKey(k); }
  Result<ApiKeyInfo> GetApiKey(std::string_view id) override {
    if (Down()) return Fail();
    return inner_->GetApiKey(id);
  }
  Result<std::vector<ApiKeyInfo>> ListApiKeys() override {
    if (Down()) return Fail();
    return inner_->ListApiKeys();
  }
  Status DeleteApiKey(std::string_view id) override {
    return Down() ? Fail() : inner_->DeleteApiKey(id);
  }

 private:
  bool Down() const { return down.load(); }
  static Status Fail() { return Status::Unavailable("test store is down"); }
  Store* inner_;
};

}  // namespace srclink::testing
