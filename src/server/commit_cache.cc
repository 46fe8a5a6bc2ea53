#include "server/commit_cache.h"

#include <utility>

#include "core/git_refs.h"

namespace srclink::server {

namespace {

constexpr size_t kMinPrefix = 7;
constexpr size_t kShaDigits = 40;
constexpr size_t kMaxListedCandidates = 5;

bool IsHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string MakeKey(std::string_view repository_id, std::string_view sha) {
  std::string key;
  key.reserve(repository_id.size() + 1 + sha.size());
  key.append(repository_id);
  key.push_back('\0');
  key.append(sha);
  return key;
}

}  // namespace

Status CommitNotUploaded(std::string_view repository_id, std::string_view commit) {
  return Status::NotFound("commit " + std::string(commit) + " of " + std::string(repository_id) +
                          " was not uploaded: run `srclink upload` in CI for each commit");
}

CommitCache::CommitCache(Store* store, size_t max_entries)
    : store_(store), max_entries_(max_entries) {}

Result<std::string> CommitCache::ResolveRef(std::string_view repository_id, std::string_view name) {
  for (const std::string& full : RefCandidates(name)) {
    Result<std::string> sha = store_->FindRef(repository_id, full);
    if (!sha.ok()) return sha.status();
    if (!sha->empty()) return sha;
  }
  return std::string();
}

Result<std::string> CommitCache::ResolveSha(std::string_view repository_id,
                                            std::string_view commit) {
  std::string sha;
  sha.reserve(commit.size());
  for (char c : commit) sha.push_back(Lower(c));
  bool hex = !sha.empty();
  for (char c : sha) hex = hex && IsHex(c);
  const bool sha_like = hex && sha.size() >= kMinPrefix && sha.size() <= kShaDigits;
  if (!sha_like) {
    const Status not_a_sha = Status::InvalidArgument(
        "\"" + std::string(commit.substr(0, 64)) +
        "\" is not a commit SHA: give the full 40 hex digits, a unique prefix of at least 7, "
        "or a branch or tag that `srclink upload` recorded");
    // A branch or tag name, as telemetry may give it (service_git_ref=main).
    if (!IsValidRefName(commit) || (hex && sha.size() > kShaDigits)) return not_a_sha;
    Result<std::string> by_ref = ResolveRef(repository_id, commit);
    if (!by_ref.ok()) return by_ref.status();
    if (!by_ref->empty()) return by_ref;
    if (hex) return not_a_sha;  // "3f2c0": a SHA too short, more likely than a ref
    return Status::NotFound("no upload of " + std::string(repository_id) + " recorded the ref " +
                            std::string(commit) +
                            ": `srclink upload` records the branches and tags at the commit it "
                            "uploads (and --ref NAME); or give the commit SHA");
  }
  if (sha.size() == kShaDigits) return sha;
  Result<std::vector<std::string>> found =
      store_->FindCommits(repository_id, sha, kMaxListedCandidates + 1);
  if (!found.ok()) return found.status();
  if (found->empty()) {
    // A tag or branch that happens to look like hex ("deadbeef", "cafe123").
    Result<std::string> by_ref = ResolveRef(repository_id, commit);
    if (!by_ref.ok()) return by_ref.status();
    if (!by_ref->empty()) return by_ref;
    return CommitNotUploaded(repository_id, sha);
  }
  if (found->size() == 1) return std::move((*found)[0]);
  std::string list;
  for (size_t i = 0; i < found->size() && i < kMaxListedCandidates; ++i) {
    if (!list.empty()) list += ", ";
    list += (*found)[i];
  }
  if (found->size() > kMaxListedCandidates) list += ", …";
  return Status::InvalidArgument("commit prefix " + sha + " of " + std::string(repository_id) +
                                 " is ambiguous: it matches " + list +
                                 "; give more digits or the full SHA");
}

Result<CommitCache::SnapshotPtr> CommitCache::Lookup(std::string_view repository_id,
                                                     std::string_view commit) {
  Result<std::string> sha = ResolveSha(repository_id, commit);
  if (!sha.ok()) return sha.status();
  return Get(repository_id, *sha);
}

void CommitCache::Invalidate(std::string_view repository_id, std::string_view commit_sha) {
  std::string key = MakeKey(repository_id, commit_sha);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_key_.find(key);
  if (it == by_key_.end()) return;
  auto entry = it->second;
  by_key_.erase(it);
  lru_.erase(entry);
}

Result<CommitCache::SnapshotPtr> CommitCache::Get(std::string_view repository_id,
                                                  std::string_view commit_sha) {
  std::string key = MakeKey(repository_id, commit_sha);
  std::promise<Loaded> promise;
  {
    std::unique_lock<std::mutex> lock(mu_);
    auto it = by_key_.find(key);
    if (it != by_key_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second);
      ++hits_;
      return it->second->snapshot;
    }
    auto loading = loading_.find(key);
    if (loading != loading_.end()) {
      std::shared_future<Loaded> future = loading->second;
      ++hits_;
      lock.unlock();
      return future.get();
    }
    loading_.emplace(key, promise.get_future().share());
    ++loads_;
  }
  Loaded loaded = Load(repository_id, commit_sha);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (loaded.ok() && max_entries_ > 0) {
      while (lru_.size() >= max_entries_) {
        by_key_.erase(lru_.back().key);
        lru_.pop_back();
      }
      lru_.push_front(Entry{key, *loaded});
      by_key_.emplace(lru_.front().key, lru_.begin());
    }
    loading_.erase(key);
  }
  promise.set_value(loaded);
  return loaded;
}

CommitCache::Loaded CommitCache::Load(std::string_view repository_id, std::string_view commit_sha) {
  Result<CommitInfo> info = store_->GetCommit(repository_id, commit_sha);
  if (!info.ok()) {
    if (info.status().code() == Status::Code::kNotFound) {
      return CommitNotUploaded(repository_id, commit_sha);
    }
    return info.status();
  }
  Result<std::vector<TrackedPath>> files = store_->GetCommitFiles(repository_id, commit_sha);
  if (!files.ok()) {
    if (files.status().code() == Status::Code::kNotFound) {
      return CommitNotUploaded(repository_id, commit_sha);
    }
    return files.status();
  }
  auto snapshot = std::make_shared<CommitSnapshot>();
  snapshot->info = std::move(*info);
  PathIndex::Builder builder;
  size_t bytes = 0;
  bool any_blob = false;
  for (const TrackedPath& f : *files) {
    bytes += f.path.size();
    any_blob = any_blob || !f.blob_id.empty();
  }
  builder.Reserve(files->size(), bytes);
  for (const TrackedPath& f : *files) builder.Add(f.path);
  snapshot->index = builder.Build();
  if (any_blob) {
    snapshot->blob_ids.resize(snapshot->index.size());
    for (TrackedPath& f : *files) {
      if (f.blob_id.empty()) continue;
      PathId id = snapshot->index.Find(f.path);
      if (id != kNoPath && id < snapshot->blob_ids.size())
        snapshot->blob_ids[id] = std::move(f.blob_id);
    }
  }
  return SnapshotPtr(std::move(snapshot));
}

size_t CommitCache::entries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lru_.size();
}

uint64_t CommitCache::hits() const {
  std::lock_guard<std::mutex> lock(mu_);
  return hits_;
}

uint64_t CommitCache::loads() const {
  std::lock_guard<std::mutex> lock(mu_);
  return loads_;
}

}  // namespace srclink::server
