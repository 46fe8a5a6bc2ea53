// A tiny in-memory Store for the srcmap route test: PutCommit records the
// uploads; everything else is Status::Internal("not used").
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "store/store.h"

namespace srclink::testing {

class SrcmapFakeStore : public Store {
 public:
  Status Migrate() override { return Status::Ok(); }
  std::string Describe() const override { return "srcmap fake"; }

  Result<CommitStored> PutCommit(const CommitUpload& upload) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!next_error.ok()) return next_error;
    CommitStored stored;
    stored.created = true;
    for (const CommitUpload& previous : uploads_) {
      if (previous.repository_id == upload.repository_id &&
          previous.commit_sha == upload.commit_sha) {
        stored.created = false;
      }
    }
    stored.encoding = "snapshot";
    uploads_.push_back(upload);
    return stored;
  }

  std::vector<CommitUpload> uploads() const {
    std::lock_guard<std::mutex> lock(mu_);
    return uploads_;
  }

  Status next_error;  // returned by PutCommit when not ok

  Result<CommitInfo> GetCommit(std::string_view, std::string_view) override { return NotUsed(); }
  Result<std::vector<TrackedPath>> GetCommitFiles(std::string_view, std::string_view) override {
    return NotUsed();
  }
  Result<std::vector<std::string>> FindCommits(std::string_view, std::string_view,
                                               size_t) override {
    return NotUsed();
  }
  Result<std::string> FindRef(std::string_view, std::string_view) override { return NotUsed(); }
  Result<std::vector<std::string>> ListRefs(std::string_view, std::string_view) override {
    return NotUsed();
  }
  Result<std::vector<RepositoryInfo>> ListRepositories() override { return NotUsed(); }
  Result<std::vector<CommitInfo>> ListCommits(std::string_view, size_t) override {
    return NotUsed();
  }
  Result<std::vector<std::string>> MissingBlobs(const std::vector<std::string>&) override {
    return NotUsed();
  }
  Status PutBlob(std::string_view, std::string_view, int64_t, int64_t) override {
    return NotUsed();
  }
  Result<StoredBlob> GetBlob(std::string_view, int64_t) override { return NotUsed(); }
  Result<int64_t> CollectBlobs(int64_t) override { return NotUsed(); }
  Status PutApiKey(const ApiKeyInfo&) override { return NotUsed(); }
  Result<ApiKeyInfo> GetApiKey(std::string_view) override { return NotUsed(); }
  Result<std::vector<ApiKeyInfo>> ListApiKeys() override { return NotUsed(); }
  Status DeleteApiKey(std::string_view) override { return NotUsed(); }

 private:
  static Status NotUsed() { return Status::Internal("not used"); }

  mutable std::mutex mu_;
  std::vector<CommitUpload> uploads_;
};

}  // namespace srclink::testing
