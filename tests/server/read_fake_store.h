// FakeStore: an in-memory Store for the read-side server tests. Only what
// the read routes use behaves like a real store; the rest is minimal.
// Thread-safe (one mutex). Counts reads, and can delay GetCommitFiles so
// tests can make concurrent cache misses overlap.
#pragma once

#include <zstd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/store.h"

namespace srclink::server::readtest {

class FakeStore : public Store {
 public:
  Status Migrate() override { return Status::Ok(); }
  std::string Describe() const override { return "fake"; }

  Result<CommitStored> PutCommit(const CommitUpload& upload) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (Status s = CheckRefs(upload); !s.ok()) return s;
    for (const std::string& ref : upload.refs) {
      refs_[Key(upload.repository_id, ref)] = upload.commit_sha;
    }
    Commit& c = commits_[Key(upload.repository_id, upload.commit_sha)];
    c.info.repository_id = upload.repository_id;
    c.info.commit_sha = upload.commit_sha;
    c.info.parent_sha = upload.parent_sha;
    c.info.source = upload.source;
    c.info.uploaded_at = upload.uploaded_at;
    c.info.file_count = static_cast<int64_t>(upload.files.size());
    c.info.has_blob_ids = std::all_of(upload.files.begin(), upload.files.end(),
                                      [](const TrackedPath& f) { return !f.blob_id.empty(); });
    c.files = upload.files;
    std::sort(c.files.begin(), c.files.end(),
              [](const TrackedPath& a, const TrackedPath& b) { return a.path < b.path; });
    RepositoryInfo& r = repos_[upload.repository_id];
    r.repository_id = upload.repository_id;
    r.repository_url = upload.repository_url;
    r.provider = upload.provider;
    r.commit_count++;
    if (r.first_upload == 0) r.first_upload = upload.uploaded_at;
    r.last_upload = upload.uploaded_at;
    CommitStored stored;
    stored.created = true;
    stored.encoding = "snapshot";
    return stored;
  }

  Result<CommitInfo> GetCommit(std::string_view repository_id, std::string_view sha) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = commits_.find(Key(repository_id, sha));
    if (it == commits_.end()) return Status::NotFound("no such commit");
    return it->second.info;
  }

  Result<std::vector<TrackedPath>> GetCommitFiles(std::string_view repository_id,
                                                  std::string_view sha) override {
    file_reads++;
    if (files_delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(files_delay_ms));
    std::lock_guard<std::mutex> lock(mu_);
    auto it = commits_.find(Key(repository_id, sha));
    if (it == commits_.end()) return Status::NotFound("no such commit");
    return it->second.files;
  }

  Result<std::string> FindRef(std::string_view repository_id, std::string_view name) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = refs_.find(Key(repository_id, name));
    return it == refs_.end() ? std::string() : it->second;
  }
  Result<std::vector<std::string>> ListRefs(std::string_view repository_id,
                                            std::string_view sha) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::string> out;  // refs_ is sorted by Key(repository, name)
    const std::string prefix = Key(repository_id, "");
    for (auto it = refs_.lower_bound(prefix); it != refs_.end() && it->first.starts_with(prefix);
         ++it) {
      if (it->second == sha) out.push_back(it->first.substr(prefix.size()));
    }
    return out;
  }
  Result<std::vector<std::string>> FindCommits(std::string_view repository_id,
                                               std::string_view prefix, size_t limit) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::string> out;
    for (const auto& [key, c] : commits_) {
      if (c.info.repository_id == repository_id && c.info.commit_sha.starts_with(prefix) &&
          out.size() < limit) {
        out.push_back(c.info.commit_sha);
      }
    }
    return out;
  }

  Result<std::vector<RepositoryInfo>> ListRepositories() override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<RepositoryInfo> out;
    for (const auto& [id, r] : repos_) out.push_back(r);
    return out;
  }

  Result<std::vector<CommitInfo>> ListCommits(std::string_view repository_id,
                                              size_t limit) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<CommitInfo> out;
    for (const auto& [key, c] : commits_) {
      if (c.info.repository_id == repository_id) out.push_back(c.info);
    }
    std::sort(out.begin(), out.end(), [](const CommitInfo& a, const CommitInfo& b) {
      return a.uploaded_at > b.uploaded_at;
    });
    if (out.size() > limit) out.resize(limit);
    return out;
  }

  Result<std::vector<std::string>> MissingBlobs(const std::vector<std::string>& ids) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::string> out;
    for (const std::string& id : ids) {
      if (blobs_.count(id) == 0) out.push_back(id);
    }
    return out;
  }

  Status PutBlob(std::string_view blob_id, std::string_view compressed, int64_t size,
                 int64_t) override {
    std::lock_guard<std::mutex> lock(mu_);
    blobs_[std::string(blob_id)] = StoredBlob{std::string(compressed), size};
    return Status::Ok();
  }

  // Test helper: compresses `text` and stores it under `blob_id`.
  void PutText(const std::string& blob_id, const std::string& text) {
    std::string frame(ZSTD_compressBound(text.size()), '\0');
    size_t n = ZSTD_compress(frame.data(), frame.size(), text.data(), text.size(), 1);
    frame.resize(n);
    PutBlob(blob_id, frame, static_cast<int64_t>(text.size()), 0);
  }

  Result<StoredBlob> GetBlob(std::string_view blob_id, int64_t) override {
    blob_reads++;
    std::lock_guard<std::mutex> lock(mu_);
    auto it = blobs_.find(std::string(blob_id));
    if (it == blobs_.end()) return Status::NotFound("no such blob");
    return it->second;
  }

  Result<int64_t> CollectBlobs(int64_t) override { return int64_t{0}; }
  Status PutApiKey(const ApiKeyInfo&) override { return Status::Ok(); }
  Result<ApiKeyInfo> GetApiKey(std::string_view) override { return Status::NotFound("no keys"); }
  Result<std::vector<ApiKeyInfo>> ListApiKeys() override { return std::vector<ApiKeyInfo>{}; }
  Status DeleteApiKey(std::string_view) override { return Status::Ok(); }

  std::atomic<int> file_reads{0};
  std::atomic<int> blob_reads{0};
  std::atomic<int> files_delay_ms{0};

 private:
  struct Commit {
    CommitInfo info;
    std::vector<TrackedPath> files;
  };
  static std::string Key(std::string_view repo, std::string_view sha) {
    return std::string(repo) + '\0' + std::string(sha);
  }

  std::mutex mu_;
  std::map<std::string, Commit> commits_;
  std::map<std::string, std::string> refs_;  // Key(repository, full name) → commit
  std::map<std::string, RepositoryInfo> repos_;
  std::map<std::string, StoredBlob> blobs_;
};

}  // namespace srclink::server::readtest
