// Store: what `srclink serve` keeps — repositories, the commits uploaded for
// them with their tracked files (and each file's git blob id when known),
// file contents by blob id, and API keys.
//
// Two backends pass one test suite (tests/store/store_suite.h): SQLite (the
// embedded default: a data directory, WAL) and PostgreSQL (several stateless
// servers on one database). OpenStore() picks one from a URL.
//
// Storage is compact by design (see docs/DESIGN.md): paths are interned once
// per repository, each (path, blob) pair once as a "file version", and a
// commit is a set of version ids stored either as a compressed bitmap
// snapshot or as a delta (added, removed) against its parent, so one more
// commit that changes 10 files of a 500,000-file repository costs a few
// hundred bytes, not a copy of its file list.
//
// Thread-safety: a Store may be used from many threads at once; each call is
// atomic (one transaction). Every write is idempotent: uploading the same
// commit twice stores it once.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace srclink {

// A file tracked at a commit.
struct TrackedPath {
  std::string path;     // repository path, '/'-separated
  std::string blob_id;  // 40 lowercase hex digits, or "" when the uploader did not say
};

// One commit as an uploader sends it.
struct CommitUpload {
  std::string repository_id;   // canonical id, "github.com/org/repo" (RepositoryUrl::Id())
  std::string repository_url;  // sanitized URL (never credentials)
  std::string provider;        // ProviderName(), "github"
  std::string commit_sha;      // 40 lowercase hex digits
  std::string parent_sha;      // first parent, or "" (a root commit or unknown)
  std::vector<TrackedPath> files;
  std::string source;       // who uploaded: "srclink", "datadog-ci", "fetch"
  int64_t uploaded_at = 0;  // unix seconds
  // Full names of the branches and tags at this commit ("refs/heads/main",
  // "refs/tags/v1.4.2"; core/git_refs.h), at most kMaxRefsPerCommit. Each is
  // recorded as pointing here, unless a later upload moved it.
  std::vector<std::string> refs;
};

// InvalidArgument, naming the ref, unless every ref of `upload` is a full
// name (refs/…) that IsValidRefName accepts, and there are at most
// kMaxRefsPerCommit. Both stores check this in PutCommit.
Status CheckRefs(const CommitUpload& upload);

// What PutCommit did, for the uploader's log and the storage benchmark.
struct CommitStored {
  bool created = false;       // false: the commit was already stored (blob ids may have been added)
  std::string encoding;       // "snapshot" or "delta"
  int64_t new_paths = 0;      // paths this repository had not seen
  int64_t new_versions = 0;   // (path, blob) pairs it had not seen
  int64_t encoded_bytes = 0;  // bytes of the commit's set encoding
};

struct RepositoryInfo {
  std::string repository_id;
  std::string repository_url;
  std::string provider;
  int64_t commit_count = 0;
  int64_t first_upload = 0;
  int64_t last_upload = 0;
};

struct CommitInfo {
  std::string repository_id;
  std::string commit_sha;
  std::string parent_sha;
  std::string source;
  int64_t uploaded_at = 0;
  int64_t file_count = 0;
  bool has_blob_ids = false;  // every file has a blob id (contents can be linked)
};

struct StoredBlob {
  std::string compressed;  // zstd frame
  int64_t size = 0;        // uncompressed bytes
};

enum ApiScope : uint32_t {
  kScopeUpload = 1,  // upload commits and contents
  kScopeRead = 2,    // resolve, snippets, listings (contents need this)
  kScopeAdmin = 4,   // manage keys
};

struct ApiKeyInfo {
  std::string key_id;       // public part, shown in listings ("sk_3f9a…")
  std::string secret_hash;  // SHA-256 hex of the secret; the secret itself is never stored
  std::string name;
  uint32_t scopes = 0;
  int64_t created_at = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Creates or upgrades the schema (versioned migrations; safe to run from
  // several servers at once).
  virtual Status Migrate() = 0;

  // "sqlite /var/lib/srclink/srclink.db (schema 1)": for the startup log.
  virtual std::string Describe() const = 0;

  // Stores a commit and its files. Idempotent. REQUIRES: paths unique.
  virtual Result<CommitStored> PutCommit(const CommitUpload& upload) = 0;

  // NotFound when the commit was not uploaded.
  virtual Result<CommitInfo> GetCommit(std::string_view repository_id,
                                       std::string_view commit_sha) = 0;

  // The files of a commit, sorted by path. NotFound when not uploaded.
  virtual Result<std::vector<TrackedPath>> GetCommitFiles(std::string_view repository_id,
                                                          std::string_view commit_sha) = 0;

  // Full SHAs of the repository's uploaded commits that start with `prefix`
  // (at most `limit`), for short-SHA resolution.
  virtual Result<std::vector<std::string>> FindCommits(std::string_view repository_id,
                                                       std::string_view prefix, size_t limit) = 0;

  // The commit SHA the ref `full_name` ("refs/heads/main") pointed at in its
  // latest upload, or "" when no upload recorded it.
  virtual Result<std::string> FindRef(std::string_view repository_id,
                                      std::string_view full_name) = 0;

  // The full names of the refs whose latest upload points at `commit_sha`
  // (a full SHA), sorted bytewise; empty when none (or no such commit).
  virtual Result<std::vector<std::string>> ListRefs(std::string_view repository_id,
                                                    std::string_view commit_sha) = 0;

  virtual Result<std::vector<RepositoryInfo>> ListRepositories() = 0;
  // Newest first.
  virtual Result<std::vector<CommitInfo>> ListCommits(std::string_view repository_id,
                                                      size_t limit) = 0;

  // Of `blob_ids`, those whose contents are not stored.
  virtual Result<std::vector<std::string>> MissingBlobs(
      const std::vector<std::string>& blob_ids) = 0;
  // Stores contents (already zstd-compressed) under a verified blob id. Idempotent.
  virtual Status PutBlob(std::string_view blob_id, std::string_view compressed, int64_t size,
                         int64_t now) = 0;
  // NotFound when absent. Marks the blob used at `now` (for retention).
  virtual Result<StoredBlob> GetBlob(std::string_view blob_id, int64_t now) = 0;
  // Deletes contents last used before `unused_since`; returns how many.
  virtual Result<int64_t> CollectBlobs(int64_t unused_since) = 0;

  virtual Status PutApiKey(const ApiKeyInfo& key) = 0;
  // NotFound when no key has that id.
  virtual Result<ApiKeyInfo> GetApiKey(std::string_view key_id) = 0;
  virtual Result<std::vector<ApiKeyInfo>> ListApiKeys() = 0;
  virtual Status DeleteApiKey(std::string_view key_id) = 0;
};

// Opens a store: "postgres://…" or "postgresql://…" is PostgreSQL (libpq
// connection URI); anything else is a SQLite database file path
// (":memory:" for tests). Does not migrate.
Result<std::unique_ptr<Store>> OpenStore(const std::string& url);

}  // namespace srclink
