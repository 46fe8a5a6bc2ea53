// CommitCache: the files of an uploaded commit, ready for resolving frames —
// a PathIndex and each path's blob id — kept in an LRU of
// ServerOptions::commit_cache_entries commits, keyed by (repository id,
// full commit SHA). A miss reads Store::GetCommit and Store::GetCommitFiles;
// concurrent misses for one commit load it once (the others wait for it).
// Failed loads are not kept (the commit may be uploaded a moment later).
//
// Also turns what a client gives as commit_sha (a full SHA, or a unique
// prefix of at least 7 hex digits) into the full SHA.
//
// Thread-safety: all methods may be called from many threads. Snapshots are
// immutable and stay valid for as long as the caller holds them, evicted or not.
#pragma once

#include <cstdint>
#include <future>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/path_index.h"
#include "core/status.h"
#include "store/store.h"

namespace srclink::server {

struct CommitSnapshot {
  PathIndex index;
  std::vector<std::string> blob_ids;  // by PathId; "" when the uploader sent none
  CommitInfo info;

  // The blob id of a path of `index`, or "" (unknown path or no blob id).
  std::string_view BlobId(PathId id) const {
    return id < blob_ids.size() ? std::string_view(blob_ids[id]) : std::string_view();
  }
};

class CommitCache {
 public:
  using SnapshotPtr = std::shared_ptr<const CommitSnapshot>;

  // `store` must outlive the cache. max_entries 0 keeps nothing (every Get loads).
  CommitCache(Store* store, size_t max_entries);
  CommitCache(const CommitCache&) = delete;
  CommitCache& operator=(const CommitCache&) = delete;

  // The full, lowercase SHA of `commit` in `repository_id`: a SHA, a unique
  // prefix of 7+ hex digits, or a branch or tag an upload recorded ("main",
  // "v1.4.2", "refs/heads/main"; core/git_refs.h — the commit of the ref's
  // latest upload; a hex-looking name is a ref only when no commit matches):
  //   InvalidArgument  neither a SHA (prefix) nor a valid ref name, or a
  //                    prefix matching several commits (the message lists them);
  //   NotFound         "commit X of REPO was not uploaded: run `srclink upload`
  //                    in CI for each commit", or no upload recorded the ref.
  // A full SHA is returned as is without asking the store (Get() checks it).
  Result<std::string> ResolveSha(std::string_view repository_id, std::string_view commit);

  // The snapshot of a commit. REQUIRES: commit_sha is a full lowercase SHA.
  // NotFound (message as above) when it was not uploaded.
  Result<SnapshotPtr> Get(std::string_view repository_id, std::string_view commit_sha);

  // ResolveSha() then Get().
  Result<SnapshotPtr> Lookup(std::string_view repository_id, std::string_view commit);

  // Drops the cached snapshot of a commit, so the next Get() reads the store
  // again (after a fetch added its blob ids). A load in flight is not affected.
  void Invalidate(std::string_view repository_id, std::string_view commit_sha);

  size_t entries() const;
  uint64_t hits() const;
  uint64_t loads() const;  // store reads, one per miss (waiters not counted)

 private:
  // The commit of the first of RefCandidates(name) an upload recorded, or "".
  Result<std::string> ResolveRef(std::string_view repository_id, std::string_view name);
  using Loaded = Result<SnapshotPtr>;
  struct Entry {
    std::string key;
    SnapshotPtr snapshot;
  };

  Loaded Load(std::string_view repository_id, std::string_view commit_sha);

  Store* store_;
  const size_t max_entries_;

  mutable std::mutex mu_;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<std::string_view, std::list<Entry>::iterator> by_key_;  // keys view lru_
  std::unordered_map<std::string, std::shared_future<Loaded>> loading_;
  uint64_t hits_ = 0;
  uint64_t loads_ = 0;
};

// "commit X of REPO was not uploaded: …": the NotFound status for a commit.
Status CommitNotUploaded(std::string_view repository_id, std::string_view commit);

}  // namespace srclink::server
