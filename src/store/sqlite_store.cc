// SqliteStore: see sqlite_store.h and store.h for the contract.
//
// Concurrency: a sqlite::Database (sqlite_connection.h): one writer
// connection behind a mutex (SQLite allows one writer; every write is one
// BEGIN IMMEDIATE transaction on it) and a free list of reader connections,
// one per concurrent reader; in WAL mode readers never block each other or
// the writer. ":memory:" is one private database, so it uses the writer
// connection for everything.
//
// Interning: PutCommit maps each (path, blob id) to a dense per-repository
// version id. The maps of the most recently written repositories are kept in
// memory and caught up incrementally (paths and versions are insert-only, so
// rows with ids above the cached maximum are all that can be new); a failed
// transaction drops the caches.
#include "store/sqlite_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <list>
#include <mutex>
#include <unordered_map>
#include <utility>

#include "store/sqlite_connection.h"
#include "store/version_set.h"

namespace srclink {
namespace {

using sqlite::Connection;
using sqlite::Stmt;
using Lease = sqlite::Database::Lease;

constexpr int kMaxChainDepth = 32;
constexpr size_t kMaxCachedRepositories = 2;

struct Migration {
  int version;
  const char* sql;
};

// Ordered; never edit an applied migration, append a new one.
constexpr Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE repositories (
  id INTEGER PRIMARY KEY,
  repository_id TEXT NOT NULL UNIQUE,
  url TEXT NOT NULL,
  provider TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE paths (
  repo INTEGER NOT NULL REFERENCES repositories(id),
  path_id INTEGER NOT NULL,
  path TEXT NOT NULL,
  PRIMARY KEY (repo, path_id),
  UNIQUE (repo, path)
) WITHOUT ROWID;
CREATE TABLE versions (
  repo INTEGER NOT NULL REFERENCES repositories(id),
  version_id INTEGER NOT NULL,
  path_id INTEGER NOT NULL,
  blob_id BLOB,
  PRIMARY KEY (repo, version_id),
  UNIQUE (repo, path_id, blob_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX versions_no_blob ON versions (repo, path_id) WHERE blob_id IS NULL;
CREATE TABLE commits (
  repo INTEGER NOT NULL REFERENCES repositories(id),
  sha TEXT NOT NULL,
  parent_sha TEXT NOT NULL,
  source TEXT NOT NULL,
  uploaded_at INTEGER NOT NULL,
  file_count INTEGER NOT NULL,
  has_blob_ids INTEGER NOT NULL,
  encoding TEXT NOT NULL CHECK (encoding IN ('snapshot', 'delta')),
  base_sha TEXT,
  depth INTEGER NOT NULL,
  set_data BLOB NOT NULL,
  PRIMARY KEY (repo, sha)
);
CREATE INDEX commits_by_time ON commits (repo, uploaded_at);
CREATE INDEX commits_by_base ON commits (repo, base_sha) WHERE base_sha IS NOT NULL;
CREATE TABLE blobs (
  blob_id BLOB PRIMARY KEY,
  size INTEGER NOT NULL,
  data BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  last_used INTEGER NOT NULL
);
CREATE INDEX blobs_by_last_used ON blobs (last_used);
CREATE TABLE api_keys (
  key_id TEXT PRIMARY KEY,
  secret_hash TEXT NOT NULL,
  name TEXT NOT NULL,
  scopes INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
)sql"},
    {2, R"sql(
CREATE TABLE refs (
  repo INTEGER NOT NULL REFERENCES repositories(id),
  name TEXT NOT NULL,
  sha TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (repo, name)
) WITHOUT ROWID;
)sql"},
};

constexpr int kLatestSchema = 2;

bool IsHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool IsSha(std::string_view s) { return s.size() == 40 && IsHex(s); }

int HexValue(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }

// REQUIRES: IsSha(hex)
void HexToRaw(std::string_view hex, char* raw) {
  for (size_t i = 0; i < 20; ++i) {
    raw[i] = static_cast<char>(HexValue(hex[2 * i]) * 16 + HexValue(hex[2 * i + 1]));
  }
}

std::string HexToRaw(std::string_view hex) {
  std::string raw(20, '\0');
  HexToRaw(hex, raw.data());
  return raw;
}

std::string RawToHex(std::string_view raw) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(raw.size() * 2);
  for (unsigned char c : raw) {
    hex.push_back(kDigits[c >> 4]);
    hex.push_back(kDigits[c & 15]);
  }
  return hex;
}

Status BadBlobId(std::string_view blob_id) {
  return Status::InvalidArgument("blob id '" + std::string(blob_id.substr(0, 64)) +
                                 "' is not 40 lowercase hex digits; send the git blob SHA-1");
}

struct StoredCommit {
  int64_t rowid = 0;
  CommitInfo info;
  std::string encoding;
  std::string base_sha;
  int64_t depth = 0;
  std::string set_data;
};

// A (path, blob) pair, the identity of a file version; no heap allocation.
struct VersionKey {
  int64_t path_id = 0;
  bool has_blob = false;
  std::array<char, 20> blob{};  // raw SHA-1 when has_blob

  VersionKey(int64_t path, std::string_view raw) : path_id(path), has_blob(raw.size() == 20) {
    if (has_blob) std::memcpy(blob.data(), raw.data(), 20);
  }
  bool operator==(const VersionKey& o) const {
    return path_id == o.path_id && has_blob == o.has_blob && blob == o.blob;
  }
};

struct VersionKeyHash {
  size_t operator()(const VersionKey& k) const {
    uint64_t b = 0;
    std::memcpy(&b, k.blob.data(), sizeof(b));  // a SHA-1 prefix is already uniform
    return static_cast<size_t>((static_cast<uint64_t>(k.path_id) * 0x9e3779b97f4a7c15ULL) ^ b);
  }
};

// A repository's interning maps (see the file comment).
struct InternCache {
  int64_t repo = 0;
  std::unordered_map<std::string, int64_t> path_ids;
  std::unordered_map<VersionKey, uint32_t, VersionKeyHash> version_ids;
  int64_t max_path_id = 0;
  int64_t max_version_id = 0;
};

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(std::string path) : path_(std::move(path)) {}

  Status Open() {
    Result<std::unique_ptr<sqlite::Database>> db = sqlite::Database::Open(path_);
    if (!db.ok()) return db.status();
    db_ = std::move(db).value();
    Result<Lease> lease = Writer();
    if (!lease.ok()) return lease.status();
    return ReadSchemaVersion(**lease);
  }

  Status Migrate() override {
    Status s = db_->WriteTransaction([&](Connection& c) { return MigrateLocked(c); });
    if (!s.ok()) return s.WithContext("migrating the schema");
    schema_version_ = kLatestSchema;
    return Status::Ok();
  }

  std::string Describe() const override {
    return "sqlite " + path_ + " (schema " + std::to_string(schema_version_.load()) + ")";
  }

  Result<CommitStored> PutCommit(const CommitUpload& upload) override;
  Result<CommitInfo> GetCommit(std::string_view repository_id,
                               std::string_view commit_sha) override;
  Result<std::vector<TrackedPath>> GetCommitFiles(std::string_view repository_id,
                                                  std::string_view commit_sha) override;
  Result<std::vector<std::string>> FindCommits(std::string_view repository_id,
                                               std::string_view prefix, size_t limit) override;
  Result<std::string> FindRef(std::string_view repository_id, std::string_view full_name) override;
  Result<std::vector<std::string>> ListRefs(std::string_view repository_id,
                                            std::string_view commit_sha) override;
  Result<std::vector<RepositoryInfo>> ListRepositories() override;
  Result<std::vector<CommitInfo>> ListCommits(std::string_view repository_id,
                                              size_t limit) override;
  Result<std::vector<std::string>> MissingBlobs(const std::vector<std::string>& blob_ids) override;
  Status PutBlob(std::string_view blob_id, std::string_view compressed, int64_t size,
                 int64_t now) override;
  Result<StoredBlob> GetBlob(std::string_view blob_id, int64_t now) override;
  Result<int64_t> CollectBlobs(int64_t unused_since) override;
  Status PutApiKey(const ApiKeyInfo& key) override;
  Result<ApiKeyInfo> GetApiKey(std::string_view key_id) override;
  Result<std::vector<ApiKeyInfo>> ListApiKeys() override;
  Status DeleteApiKey(std::string_view key_id) override;

 private:
  Status ReadSchemaVersion(Connection& c) {
    Stmt exists(
        c.Prepare("SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_migrations'"));
    if (!exists) return c.Error("reading the schema version");
    int rc = exists.Step();
    if (rc == SQLITE_DONE) {
      schema_version_ = 0;
      return Status::Ok();
    }
    if (rc != SQLITE_ROW) return c.Error("reading the schema version");
    Stmt stmt(c.Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
    if (!stmt || stmt.Step() != SQLITE_ROW) return c.Error("reading the schema version");
    schema_version_ = static_cast<int>(stmt.Int(0));
    return Status::Ok();
  }

  Status MigrateLocked(Connection& c) {
    if (Status s =
            c.Exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                   "applied_at INTEGER NOT NULL)");
        !s.ok()) {
      return s;
    }
    int current = 0;
    {
      Stmt stmt(c.Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
      if (!stmt || stmt.Step() != SQLITE_ROW) return c.Error("reading the schema version");
      current = static_cast<int>(stmt.Int(0));
    }
    if (current > kLatestSchema) {
      return Status::InvalidArgument("SQLite database " + path_ + " has schema " +
                                     std::to_string(current) +
                                     ", newer than this srclink (schema " +
                                     std::to_string(kLatestSchema) + "); upgrade srclink");
    }
    for (const Migration& m : kMigrations) {
      if (m.version <= current) continue;
      if (Status s = c.Exec(m.sql); !s.ok())
        return s.WithContext("migration " + std::to_string(m.version));
      Stmt stmt(
          c.Prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?, unixepoch())"));
      if (!stmt) return c.Error("recording migration");
      stmt.Bind(1, static_cast<int64_t>(m.version));
      if (stmt.Step() != SQLITE_DONE) return c.Error("recording migration");
    }
    return Status::Ok();
  }

  // 0 when the repository is not stored.
  static Result<int64_t> RepoId(Connection& c, std::string_view repository_id) {
    Stmt stmt(c.Prepare("SELECT id FROM repositories WHERE repository_id = ?"));
    if (!stmt) return c.Error("looking up a repository");
    stmt.Bind(1, repository_id);
    int rc = stmt.Step();
    if (rc == SQLITE_ROW) return stmt.Int(0);
    if (rc == SQLITE_DONE) return int64_t{0};
    return c.Error("looking up repository " + std::string(repository_id));
  }

  static Result<std::optional<StoredCommit>> LoadCommit(Connection& c, int64_t repo,
                                                        std::string_view repository_id,
                                                        std::string_view sha) {
    Stmt stmt(
        c.Prepare("SELECT rowid, parent_sha, source, uploaded_at, file_count, has_blob_ids, "
                  "encoding, base_sha, depth, "
                  "set_data FROM commits WHERE repo = ? AND sha = ?"));
    if (!stmt) return c.Error("reading a commit");
    stmt.Bind(1, repo);
    stmt.Bind(2, sha);
    int rc = stmt.Step();
    if (rc == SQLITE_DONE) return std::optional<StoredCommit>();
    if (rc != SQLITE_ROW) return c.Error("reading commit " + std::string(sha));
    StoredCommit commit;
    commit.rowid = stmt.Int(0);
    commit.info.repository_id = std::string(repository_id);
    commit.info.commit_sha = std::string(sha);
    commit.info.parent_sha = stmt.Text(1);
    commit.info.source = stmt.Text(2);
    commit.info.uploaded_at = stmt.Int(3);
    commit.info.file_count = stmt.Int(4);
    commit.info.has_blob_ids = stmt.Int(5) != 0;
    commit.encoding = stmt.Text(6);
    commit.base_sha = stmt.Text(7);
    commit.depth = stmt.Int(8);
    commit.set_data = std::string(stmt.Blob(9));
    return std::optional<StoredCommit>(std::move(commit));
  }

  // Decodes a stored commit's set by following its delta chain to a snapshot.
  static Result<VersionSet> LoadSet(Connection& c, int64_t repo, std::string_view repository_id,
                                    const StoredCommit& commit) {
    std::vector<std::string> deltas;  // newest first while walking
    const StoredCommit* current = &commit;
    std::optional<StoredCommit> holder;
    while (current->encoding == "delta") {
      if (deltas.size() > static_cast<size_t>(kMaxChainDepth) * 4) {
        return Status::Internal("commit " + commit.info.commit_sha + " of " +
                                std::string(repository_id) +
                                " has a delta chain that does not end; re-upload the commit");
      }
      deltas.push_back(current->set_data);
      Result<std::optional<StoredCommit>> base =
          LoadCommit(c, repo, repository_id, current->base_sha);
      if (!base.ok()) return base.status();
      if (!base->has_value()) {
        return Status::Internal("commit " + current->info.commit_sha + " of " +
                                std::string(repository_id) + " is stored as a delta against " +
                                current->base_sha + ", which is missing; re-upload the commit");
      }
      holder = std::move(base).value();
      current = &*holder;
    }
    std::reverse(deltas.begin(), deltas.end());
    return ApplyChain(current->set_data, deltas);
  }

  static Status CommitNotFound(std::string_view repository_id, std::string_view sha) {
    return Status::NotFound("commit " + std::string(sha) + " of " + std::string(repository_id) +
                            " was not uploaded; run `srclink upload` in a checkout of that commit");
  }

  Result<CommitStored> PutCommitLocked(Connection& c, const CommitUpload& upload);
  Status Intern(Connection& c, int64_t repo, const CommitUpload& upload, InternCache& cache,
                std::vector<uint32_t>& ids, CommitStored& stored);
  InternCache& CacheFor(int64_t repo);
  Status RebaseChildren(Connection& c, int64_t repo, const std::string& repository_id,
                        const std::string& sha);

  Result<Lease> Writer() { return db_->Writer(); }
  Result<Lease> Reader() { return db_->Reader(); }

  const std::string path_;
  std::atomic<int> schema_version_{0};

  std::unique_ptr<sqlite::Database> db_;
  std::list<InternCache> caches_;  // most recently used first; guarded by the writer lease
};

InternCache& SqliteStore::CacheFor(int64_t repo) {
  for (auto it = caches_.begin(); it != caches_.end(); ++it) {
    if (it->repo == repo) {
      caches_.splice(caches_.begin(), caches_, it);
      return caches_.front();
    }
  }
  caches_.emplace_front();
  caches_.front().repo = repo;
  while (caches_.size() > kMaxCachedRepositories) caches_.pop_back();
  return caches_.front();
}

Status SqliteStore::Intern(Connection& c, int64_t repo, const CommitUpload& upload,
                           InternCache& cache, std::vector<uint32_t>& ids, CommitStored& stored) {
  // Catch up with rows written since the cache was filled (or by another process).
  {
    Stmt stmt(c.Prepare(
        "SELECT path_id, path FROM paths WHERE repo = ? AND path_id > ? ORDER BY path_id"));
    if (!stmt) return c.Error("reading paths");
    stmt.Bind(1, repo);
    stmt.Bind(2, cache.max_path_id);
    int rc;
    while ((rc = stmt.Step()) == SQLITE_ROW) {
      int64_t id = stmt.Int(0);
      cache.path_ids.emplace(stmt.Text(1), id);
      cache.max_path_id = id;
    }
    if (rc != SQLITE_DONE) return c.Error("reading paths");
  }
  {
    Stmt stmt(
        c.Prepare("SELECT version_id, path_id, blob_id FROM versions WHERE repo = ? AND version_id "
                  "> ? ORDER BY version_id"));
    if (!stmt) return c.Error("reading file versions");
    stmt.Bind(1, repo);
    stmt.Bind(2, cache.max_version_id);
    int rc;
    while ((rc = stmt.Step()) == SQLITE_ROW) {
      int64_t id = stmt.Int(0);
      cache.version_ids.emplace(VersionKey(stmt.Int(1), stmt.Blob(2)), static_cast<uint32_t>(id));
      cache.max_version_id = id;
    }
    if (rc != SQLITE_DONE) return c.Error("reading file versions");
  }
  cache.path_ids.reserve(cache.path_ids.size() + upload.files.size() / 8);

  Stmt insert_path(c.Prepare("INSERT INTO paths (repo, path_id, path) VALUES (?, ?, ?)"));
  Stmt insert_version(
      c.Prepare("INSERT INTO versions (repo, version_id, path_id, blob_id) VALUES (?, ?, ?, ?)"));
  if (!insert_path || !insert_version) return c.Error("preparing inserts");
  ids.reserve(upload.files.size());
  std::vector<int64_t> path_ids;
  path_ids.reserve(upload.files.size());
  for (const TrackedPath& file : upload.files) {
    auto [pit, new_path] = cache.path_ids.try_emplace(file.path, cache.max_path_id + 1);
    int64_t path_id = pit->second;
    if (new_path) {
      cache.max_path_id = path_id;
      ++stored.new_paths;
      sqlite3_reset(insert_path.get());
      insert_path.Bind(1, repo);
      insert_path.Bind(2, path_id);
      insert_path.Bind(3, file.path);
      if (insert_path.Step() != SQLITE_DONE) return c.Error("storing path '" + file.path + "'");
    }
    path_ids.push_back(path_id);
    char raw_buf[20];
    std::string_view raw;
    if (!file.blob_id.empty()) {
      HexToRaw(file.blob_id, raw_buf);
      raw = std::string_view(raw_buf, 20);
    }
    auto [vit, new_version] = cache.version_ids.try_emplace(VersionKey(path_id, raw), 0);
    if (new_version) {
      if (cache.max_version_id >= static_cast<int64_t>(UINT32_MAX)) {
        return Status::Internal("repository " + upload.repository_id +
                                " has 2^32 file versions, more than srclink can number");
      }
      vit->second = static_cast<uint32_t>(++cache.max_version_id);
      ++stored.new_versions;
      sqlite3_reset(insert_version.get());
      insert_version.Bind(1, repo);
      insert_version.Bind(2, static_cast<int64_t>(vit->second));
      insert_version.Bind(3, path_id);
      if (raw.empty()) {
        insert_version.BindNull(4);
      } else {
        insert_version.BindBlob(4, raw);
      }
      if (insert_version.Step() != SQLITE_DONE)
        return c.Error("storing a version of '" + file.path + "'");
    }
    ids.push_back(vit->second);
  }
  std::sort(path_ids.begin(), path_ids.end());
  if (auto dup = std::adjacent_find(path_ids.begin(), path_ids.end()); dup != path_ids.end()) {
    std::string path;
    for (const auto& [p, id] : cache.path_ids) {
      if (id == *dup) path = p;
    }
    return Status::InvalidArgument("commit " + upload.commit_sha + " lists the path '" + path +
                                   "' more than once; send each tracked path once");
  }
  return Status::Ok();
}

// Children stored as deltas against `sha` become snapshots, so that `sha`'s set can change.
Status SqliteStore::RebaseChildren(Connection& c, int64_t repo, const std::string& repository_id,
                                   const std::string& sha) {
  std::vector<std::string> children;
  {
    Stmt stmt(c.Prepare("SELECT sha FROM commits WHERE repo = ? AND base_sha = ?"));
    if (!stmt) return c.Error("finding delta children");
    stmt.Bind(1, repo);
    stmt.Bind(2, sha);
    int rc;
    while ((rc = stmt.Step()) == SQLITE_ROW) children.push_back(stmt.Text(0));
    if (rc != SQLITE_DONE) return c.Error("finding delta children");
  }
  for (const std::string& child : children) {
    Result<std::optional<StoredCommit>> commit = LoadCommit(c, repo, repository_id, child);
    if (!commit.ok()) return commit.status();
    if (!commit->has_value()) continue;
    Result<VersionSet> set = LoadSet(c, repo, repository_id, **commit);
    if (!set.ok()) return set.status();
    Stmt stmt(
        c.Prepare("UPDATE commits SET encoding = 'snapshot', base_sha = NULL, depth = 0, set_data "
                  "= ? WHERE repo = ? AND sha = ?"));
    if (!stmt) return c.Error("rewriting a commit");
    stmt.BindBlob(1, EncodeSnapshot(*set));
    stmt.Bind(2, repo);
    stmt.Bind(3, child);
    if (stmt.Step() != SQLITE_DONE) return c.Error("rewriting commit " + child);
  }
  return Status::Ok();
}

Result<CommitStored> SqliteStore::PutCommitLocked(Connection& c, const CommitUpload& upload) {
  int64_t repo = 0;
  {
    Stmt stmt(c.Prepare(
        "INSERT INTO repositories (repository_id, url, provider, created_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (repository_id) DO UPDATE SET url = excluded.url, provider = "
        "excluded.provider "
        "RETURNING id"));
    if (!stmt) return c.Error("storing repository " + upload.repository_id);
    stmt.Bind(1, upload.repository_id);
    stmt.Bind(2, upload.repository_url);
    stmt.Bind(3, upload.provider);
    stmt.Bind(4, upload.uploaded_at);
    if (stmt.Step() != SQLITE_ROW) return c.Error("storing repository " + upload.repository_id);
    repo = stmt.Int(0);
  }
  // Refs first: a commit uploaded again (a new tag on it) still records them.
  for (const std::string& ref : upload.refs) {
    Stmt stmt(
        c.Prepare("INSERT INTO refs (repo, name, sha, updated_at) VALUES (?, ?, ?, ?) "
                  "ON CONFLICT (repo, name) DO UPDATE SET sha = excluded.sha, updated_at = "
                  "excluded.updated_at WHERE excluded.updated_at >= refs.updated_at"));
    if (!stmt) return c.Error("storing ref " + ref);
    stmt.Bind(1, repo);
    stmt.Bind(2, ref);
    stmt.Bind(3, upload.commit_sha);
    stmt.Bind(4, upload.uploaded_at);
    if (stmt.Step() != SQLITE_DONE) return c.Error("storing ref " + ref);
  }
  bool has_blob_ids = !upload.files.empty();
  for (const TrackedPath& f : upload.files) {
    if (f.blob_id.empty()) {
      has_blob_ids = false;
      break;
    }
  }

  Result<std::optional<StoredCommit>> existing =
      LoadCommit(c, repo, upload.repository_id, upload.commit_sha);
  if (!existing.ok()) return existing.status();
  CommitStored stored;
  if (existing->has_value()) {
    const StoredCommit& old = **existing;
    bool upgrade = has_blob_ids && !old.info.has_blob_ids;
    if (!upgrade) {
      stored.created = false;
      stored.encoding = old.encoding;
      stored.encoded_bytes = static_cast<int64_t>(old.set_data.size());
      return stored;
    }
  }

  std::vector<uint32_t> ids;
  InternCache& cache = CacheFor(repo);
  if (Status s = Intern(c, repo, upload, cache, ids, stored); !s.ok()) return s;
  VersionSet set = MakeVersionSet(ids);
  ids.clear();
  ids.shrink_to_fit();

  std::string encoding = "snapshot";
  std::string data = EncodeSnapshot(set);
  std::string base_sha;
  int64_t depth = 0;
  if (!upload.parent_sha.empty() && upload.parent_sha != upload.commit_sha) {
    Result<std::optional<StoredCommit>> parent =
        LoadCommit(c, repo, upload.repository_id, upload.parent_sha);
    if (!parent.ok()) return parent.status();
    if (parent->has_value() && (*parent)->depth + 1 <= kMaxChainDepth) {
      Result<VersionSet> base = LoadSet(c, repo, upload.repository_id, **parent);
      if (!base.ok()) return base.status();
      std::string delta = EncodeDelta(ComputeDelta(*base, set));
      if (delta.size() < data.size()) {
        encoding = "delta";
        data = std::move(delta);
        base_sha = upload.parent_sha;
        depth = (*parent)->depth + 1;
      }
    }
  }

  if (existing->has_value()) {
    if (Status s = RebaseChildren(c, repo, upload.repository_id, upload.commit_sha); !s.ok())
      return s;
    Stmt stmt(
        c.Prepare("UPDATE commits SET source = ?, file_count = ?, has_blob_ids = 1, encoding = ?, "
                  "base_sha = ?, depth = ?, "
                  "set_data = ?, parent_sha = CASE WHEN parent_sha = '' THEN ? ELSE parent_sha END "
                  "WHERE repo = ? AND sha = ?"));
    if (!stmt) return c.Error("updating commit " + upload.commit_sha);
    stmt.Bind(1, upload.source);
    stmt.Bind(2, static_cast<int64_t>(upload.files.size()));
    stmt.Bind(3, encoding);
    if (base_sha.empty()) {
      stmt.BindNull(4);
    } else {
      stmt.Bind(4, base_sha);
    }
    stmt.Bind(5, depth);
    stmt.BindBlob(6, data);
    stmt.Bind(7, upload.parent_sha);
    stmt.Bind(8, repo);
    stmt.Bind(9, upload.commit_sha);
    if (stmt.Step() != SQLITE_DONE) return c.Error("updating commit " + upload.commit_sha);
    stored.created = false;
  } else {
    Stmt stmt(
        c.Prepare("INSERT INTO commits (repo, sha, parent_sha, source, uploaded_at, file_count, "
                  "has_blob_ids, encoding, "
                  "base_sha, depth, set_data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    if (!stmt) return c.Error("storing commit " + upload.commit_sha);
    stmt.Bind(1, repo);
    stmt.Bind(2, upload.commit_sha);
    stmt.Bind(3, upload.parent_sha);
    stmt.Bind(4, upload.source);
    stmt.Bind(5, upload.uploaded_at);
    stmt.Bind(6, static_cast<int64_t>(upload.files.size()));
    stmt.Bind(7, int64_t{has_blob_ids ? 1 : 0});
    stmt.Bind(8, encoding);
    if (base_sha.empty()) {
      stmt.BindNull(9);
    } else {
      stmt.Bind(9, base_sha);
    }
    stmt.Bind(10, depth);
    stmt.BindBlob(11, data);
    if (stmt.Step() != SQLITE_DONE) return c.Error("storing commit " + upload.commit_sha);
    stored.created = true;
  }
  stored.encoding = encoding;
  stored.encoded_bytes = static_cast<int64_t>(data.size());
  return stored;
}

Result<CommitStored> SqliteStore::PutCommit(const CommitUpload& upload) {
  if (upload.repository_id.empty()) {
    return Status::InvalidArgument(
        "commit upload has no repository id; set it from RepositoryUrl::Id()");
  }
  if (!IsSha(upload.commit_sha)) {
    return Status::InvalidArgument("commit sha '" + upload.commit_sha.substr(0, 64) +
                                   "' is not 40 lowercase hex digits; send the full commit SHA-1");
  }
  if (!upload.parent_sha.empty() && !IsSha(upload.parent_sha)) {
    return Status::InvalidArgument("parent sha '" + upload.parent_sha.substr(0, 64) +
                                   "' of commit " + upload.commit_sha +
                                   " is not 40 lowercase hex digits; send the full SHA-1 or none");
  }
  if (Status s = CheckRefs(upload); !s.ok()) return s;
  for (const TrackedPath& f : upload.files) {
    if (f.path.empty()) {
      return Status::InvalidArgument("commit " + upload.commit_sha +
                                     " lists an empty path; send repository paths");
    }
    if (!f.blob_id.empty() && !IsSha(f.blob_id)) {
      return BadBlobId(f.blob_id).WithContext("file '" + f.path + "' of commit " +
                                              upload.commit_sha);
    }
  }
  Result<Lease> lease = Writer();
  if (!lease.ok()) return lease.status();
  Connection& c = **lease;
  if (Status s = c.Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  Result<CommitStored> stored = PutCommitLocked(c, upload);
  if (stored.ok()) {
    if (Status s = c.Exec("COMMIT"); !s.ok()) stored = s;
  }
  if (!stored.ok()) {
    c.Exec("ROLLBACK");
    // The repository's id may have been rolled back with it; drop every cache.
    caches_.clear();
    return stored.status().WithContext("storing commit " + upload.commit_sha + " of " +
                                       upload.repository_id);
  }
  return stored;
}

Result<CommitInfo> SqliteStore::GetCommit(std::string_view repository_id,
                                          std::string_view commit_sha) {
  Result<Lease> lease = Reader();
  if (!lease.ok()) return lease.status();
  Connection& c = **lease;
  Result<int64_t> repo = RepoId(c, repository_id);
  if (!repo.ok()) return repo.status();
  if (*repo == 0) return CommitNotFound(repository_id, commit_sha);
  Result<std::optional<StoredCommit>> commit = LoadCommit(c, *repo, repository_id, commit_sha);
  if (!commit.ok()) return commit.status();
  if (!commit->has_value()) return CommitNotFound(repository_id, commit_sha);
  return std::move((*commit)->info);
}

Result<std::vector<TrackedPath>> SqliteStore::GetCommitFiles(std::string_view repository_id,
                                                             std::string_view commit_sha) {
  Result<Lease> lease = Reader();
  if (!lease.ok()) return lease.status();
  Connection& c = **lease;
  if (Status s = c.Exec("BEGIN"); !s.ok()) return s;
  struct EndRead {
    Connection& c;
    ~EndRead() { c.Exec("COMMIT"); }
  } end_read{c};
  Result<int64_t> repo = RepoId(c, repository_id);
  if (!repo.ok()) return repo.status();
  if (*repo == 0) return CommitNotFound(repository_id, commit_sha);
  Result<std::optional<StoredCommit>> commit = LoadCommit(c, *repo, repository_id, commit_sha);
  if (!commit.ok()) return commit.status();
  if (!commit->has_value()) return CommitNotFound(repository_id, commit_sha);
  Result<VersionSet> set = LoadSet(c, *repo, repository_id, **commit);
  if (!set.ok()) return set.status();

  std::vector<TrackedPath> files;
  files.reserve(set->cardinality());
  int64_t max_version = 0;
  {
    Stmt stmt(c.Prepare("SELECT COALESCE(MAX(version_id), 0) FROM versions WHERE repo = ?"));
    if (!stmt) return c.Error("counting file versions");
    stmt.Bind(1, *repo);
    if (stmt.Step() != SQLITE_ROW) return c.Error("counting file versions");
    max_version = stmt.Int(0);
  }
  const char* what = "reading the files of a commit";
  if (set->cardinality() * 8 >= static_cast<uint64_t>(max_version)) {
    // Most of the repository's versions: two sequential scans (paths, then
    // versions) beat a lookup per file.
    std::vector<std::string> names;
    {
      Stmt stmt(c.Prepare("SELECT path_id, path FROM paths WHERE repo = ?"));
      if (!stmt) return c.Error(what);
      stmt.Bind(1, *repo);
      int rc;
      while ((rc = stmt.Step()) == SQLITE_ROW) {
        int64_t id = stmt.Int(0);
        if (id < 0 || id > (int64_t{1} << 32)) return Status::Internal("path id out of range");
        if (static_cast<size_t>(id) >= names.size()) names.resize(static_cast<size_t>(id) + 1);
        names[static_cast<size_t>(id)] = stmt.Text(1);
      }
      if (rc != SQLITE_DONE) return c.Error(what);
    }
    Stmt stmt(c.Prepare("SELECT version_id, path_id, blob_id FROM versions WHERE repo = ?"));
    if (!stmt) return c.Error(what);
    stmt.Bind(1, *repo);
    int rc;
    while ((rc = stmt.Step()) == SQLITE_ROW) {
      if (!set->contains(static_cast<uint32_t>(stmt.Int(0)))) continue;
      int64_t path_id = stmt.Int(1);
      if (path_id < 0 || static_cast<size_t>(path_id) >= names.size()) {
        return Status::Internal("file version " + std::to_string(stmt.Int(0)) + " of " +
                                std::string(repository_id) + " names a missing path " +
                                std::to_string(path_id) + "; re-upload the commit");
      }
      std::string_view blob = stmt.Blob(2);
      // A commit holds one version per path, so each name is taken once.
      files.push_back(TrackedPath{std::move(names[static_cast<size_t>(path_id)]),
                                  blob.empty() ? std::string() : RawToHex(blob)});
    }
    if (rc != SQLITE_DONE) return c.Error(what);
  } else {
    Stmt stmt(
        c.Prepare("SELECT p.path, v.blob_id FROM versions v JOIN paths p ON p.repo = v.repo AND "
                  "p.path_id = v.path_id "
                  "WHERE v.repo = ? AND v.version_id = ?"));
    if (!stmt) return c.Error(what);
    for (uint32_t id : *set) {
      sqlite3_reset(stmt.get());
      stmt.Bind(1, *repo);
      stmt.Bind(2, static_cast<int64_t>(id));
      int rc = stmt.Step();
      if (rc == SQLITE_DONE) {
        return Status::Internal("commit " + std::string(commit_sha) + " of " +
                                std::string(repository_id) + " refers to file version " +
                                std::to_string(id) + ", which is missing; re-upload the commit");
      }
      if (rc != SQLITE_ROW) return c.Error(what);
      std::string_view blob = stmt.Blob(1);
      files.push_back(TrackedPath{stmt.Text(0), blob.empty() ? std::string() : RawToHex(blob)});
    }
  }
  if (files.size() != set->cardinality()) {
    return Status::Internal("commit " + std::string(commit_sha) + " of " +
                            std::string(repository_id) + " lists " +
                            std::to_string(set->cardinality()) + " file versions but " +
                            std::to_string(files.size()) + " are stored; re-upload the commit");
  }
  std::sort(files.begin(), files.end(),
            [](const TrackedPath& a, const TrackedPath& b) { return a.path < b.path; });
  return files;
}

Result<std::vector<std::string>> SqliteStore::FindCommits(std::string_view repository_id,
                                                          std::string_view prefix, size_t limit) {
  std::vector<std::string> shas;
  if (prefix.size() > 40 || !IsHex(prefix)) {
    return Status::InvalidArgument("commit prefix '" + std::string(prefix.substr(0, 64)) +
                                   "' is not lowercase hex digits; send a prefix of a commit SHA");
  }
  if (limit == 0) return shas;
  Result<Lease> lease = Reader();
  if (!lease.ok()) return lease.status();
  Connection& c = **lease;
  Result<int64_t> repo = RepoId(c, repository_id);
  if (!repo.ok()) return repo.status();
  if (*repo == 0) return shas;
  Stmt stmt(c.Prepare(
      "SELECT sha FROM commits WHERE repo = ? AND sha >= ? AND sha < ? ORDER BY sha LIMIT ?"));
  if (!stmt) return c.Error("finding commits");
  stmt.Bind(1, *repo);
  stmt.Bind(2, prefix);
  stmt.Bind(3, std::string(prefix) + "g");
  stmt.Bind(4, static_cast<int64_t>(std::min<size_t>(limit, INT64_MAX)));
  int rc;
  while ((rc = stmt.Step()) == SQLITE_ROW) shas.push_back(stmt.Text(0));
  if (rc != SQLITE_DONE) return c.Error("finding commits");
  return shas;
}

Result<std::string> SqliteStore::FindRef(std::string_view repository_id,
                                         std::string_view full_name) {
  Result<Lease> lease = Reader();
  if (!lease.ok()) return lease.status();
  Connection& c = **lease;
  Result<int64_t> repo = RepoId(c, repository_id);
  if (!repo.ok()) return repo.status();
  if (*repo == 0) return std::string();
  Stmt stmt(c.Prepare("SELECT sha FROM refs WHERE repo = ? AND name = ?"));
  if (!stmt) return c.Error("finding ref " + std::string(full_name));
  stmt.Bind(1, *repo);
  stmt.Bind(2, full_name);
  int rc = stmt.Step();
  if (rc == SQLITE_ROW) return stmt.Text(0);
  if (rc != SQLITE_DONE) return c.Error("finding ref " + std::string(full_name));
  return std::string();
}

Result<std::vector<std::string>> SqliteStore::ListRefs(std::string_view repository_id,
                                                       std::string_view commit_sha) {
  std::vector<std::string> names;
  Result<Lease> lease = Reader();
  if (!lease.ok()) return lease.status();
  Connection& c = **lease;
  Result<int64_t> repo = RepoId(c, repository_id);
  if (!repo.ok()) return repo.status();
  if (*repo == 0) return names;
  // The repository's refs are few: its primary key's prefix is enough.
  Stmt stmt(c.Prepare("SELECT name FROM refs WHERE repo = ? AND sha = ? ORDER BY name"));
  if (!stmt) return c.Error("listing the refs of commit " + std::string(commit_sha));
  stmt.Bind(1, *repo);
  stmt.Bind(2, commit_sha);
  int rc;
  while ((rc = stmt.Step()) == SQLITE_ROW) names.push_back(stmt.Text(0));
  if (rc != SQLITE_DONE) return c.Error("listing the refs of commit " + std::string(commit_sha));
  return names;
}

Result<std::vector<RepositoryInfo>> SqliteStore::ListRepositories() {
  Result<Lease> lease = Reader();
  if (!lease.ok()) return lease.status();
  Connection& c = **lease;
  Stmt stmt(c.Prepare(
      "SELECT r.repository_id, r.url, r.provider, COUNT(c.sha), COALESCE(MIN(c.uploaded_at), 0), "
      "COALESCE(MAX(c.uploaded_at), 0) FROM repositories r LEFT JOIN commits c ON c.repo = r.id "
      "GROUP BY r.id ORDER BY r.repository_id"));
  if (!stmt) return c.Error("listing repositories");
  std::vector<RepositoryInfo> repos;
  int rc;
  while ((rc = stmt.Step()) == SQLITE_ROW) {
    repos.push_back(RepositoryInfo{stmt.Text(0), stmt.Text(1), stmt.Text(2), stmt.Int(3),
                                   stmt.Int(4), stmt.Int(5)});
  }
  if (rc != SQLITE_DONE) return c.Error("listing repositories");
  return repos;
}

Result<std::vector<CommitInfo>> SqliteStore::ListCommits(std::string_view repository_id,
                                                         size_t limit) {
  std::vector<CommitInfo> commits;
  Result<Lease> lease = Reader();
  if (!lease.ok()) return lease.status();
  Connection& c = **lease;
  Result<int64_t> repo = RepoId(c, repository_id);
  if (!repo.ok()) return repo.status();
  if (*repo == 0) {
    return Status::NotFound("repository " + std::string(repository_id) +
                            " has no uploaded commits; upload one with `srclink upload`");
  }
  Stmt stmt(
      c.Prepare("SELECT sha, parent_sha, source, uploaded_at, file_count, has_blob_ids FROM "
                "commits WHERE repo = ? "
                "ORDER BY uploaded_at DESC, sha LIMIT ?"));
  if (!stmt) return c.Error("listing commits");
  stmt.Bind(1, *repo);
  stmt.Bind(2, static_cast<int64_t>(std::min<size_t>(limit, INT64_MAX)));
  int rc;
  while ((rc = stmt.Step()) == SQLITE_ROW) {
    commits.push_back(CommitInfo{std::string(repository_id), stmt.Text(0), stmt.Text(1),
                                 stmt.Text(2), stmt.Int(3), stmt.Int(4), stmt.Int(5) != 0});
  }
  if (rc != SQLITE_DONE) return c.Error("listing commits");
  return commits;
}

Result<std::vector<std::string>> SqliteStore::MissingBlobs(
    const std::vector<std::string>& blob_ids) {
  for (const std::string& id : blob_ids) {
    if (!IsSha(id)) return BadBlobId(id);
  }
  std::vector<std::string> missing;
  Result<Lease> lease = Reader();
  if (!lease.ok()) return lease.status();
  Connection& c = **lease;
  Stmt stmt(c.Prepare("SELECT 1 FROM blobs WHERE blob_id = ?"));
  if (!stmt) return c.Error("looking up blobs");
  std::unordered_map<std::string_view, bool> seen;
  for (const std::string& id : blob_ids) {
    if (!seen.emplace(id, true).second) continue;
    sqlite3_reset(stmt.get());
    stmt.BindBlob(1, HexToRaw(id));
    int rc = stmt.Step();
    if (rc == SQLITE_DONE) {
      missing.push_back(id);
    } else if (rc != SQLITE_ROW) {
      return c.Error("looking up blob " + id);
    }
  }
  return missing;
}

Status SqliteStore::PutBlob(std::string_view blob_id, std::string_view compressed, int64_t size,
                            int64_t now) {
  if (!IsSha(blob_id)) return BadBlobId(blob_id);
  if (size < 0) {
    return Status::InvalidArgument("blob " + std::string(blob_id) + " has a negative size " +
                                   std::to_string(size));
  }
  Result<Lease> lease = Writer();
  if (!lease.ok()) return lease.status();
  Connection& c = **lease;
  Stmt stmt(c.Prepare(
      "INSERT INTO blobs (blob_id, size, data, created_at, last_used) VALUES (?, ?, ?, ?, ?) "
      "ON CONFLICT (blob_id) DO UPDATE SET last_used = MAX(last_used, excluded.last_used)"));
  if (!stmt) return c.Error("storing blob " + std::string(blob_id));
  stmt.BindBlob(1, HexToRaw(blob_id));
  stmt.Bind(2, size);
  stmt.BindBlob(3, compressed);
  stmt.Bind(4, now);
  stmt.Bind(5, now);
  if (stmt.Step() != SQLITE_DONE) return c.Error("storing blob " + std::string(blob_id));
  return Status::Ok();
}

Result<StoredBlob> SqliteStore::GetBlob(std::string_view blob_id, int64_t now) {
  if (!IsSha(blob_id)) return BadBlobId(blob_id);
  std::string raw = HexToRaw(blob_id);
  StoredBlob blob;
  int64_t last_used = 0;
  {
    Result<Lease> lease = Reader();
    if (!lease.ok()) return lease.status();
    Connection& c = **lease;
    Stmt stmt(c.Prepare("SELECT size, data, last_used FROM blobs WHERE blob_id = ?"));
    if (!stmt) return c.Error("reading blob " + std::string(blob_id));
    stmt.BindBlob(1, raw);
    int rc = stmt.Step();
    if (rc == SQLITE_DONE) {
      return Status::NotFound(
          "contents of blob " + std::string(blob_id) +
          " were not uploaded; run `srclink upload` with contents for a commit that has it");
    }
    if (rc != SQLITE_ROW) return c.Error("reading blob " + std::string(blob_id));
    blob.size = stmt.Int(0);
    blob.compressed = std::string(stmt.Blob(1));
    last_used = stmt.Int(2);
  }
  if (last_used < now) {
    Result<Lease> lease = Writer();
    if (!lease.ok()) return lease.status();
    Connection& c = **lease;
    Stmt stmt(c.Prepare("UPDATE blobs SET last_used = ? WHERE blob_id = ? AND last_used < ?"));
    if (!stmt) return c.Error("touching blob " + std::string(blob_id));
    stmt.Bind(1, now);
    stmt.BindBlob(2, raw);
    stmt.Bind(3, now);
    if (stmt.Step() != SQLITE_DONE) return c.Error("touching blob " + std::string(blob_id));
  }
  return blob;
}

Result<int64_t> SqliteStore::CollectBlobs(int64_t unused_since) {
  Result<Lease> lease = Writer();
  if (!lease.ok()) return lease.status();
  Connection& c = **lease;
  Stmt stmt(c.Prepare("DELETE FROM blobs WHERE last_used < ?"));
  if (!stmt) return c.Error("deleting unused blobs");
  stmt.Bind(1, unused_since);
  if (stmt.Step() != SQLITE_DONE) return c.Error("deleting unused blobs");
  return static_cast<int64_t>(sqlite3_changes(c.db()));
}

Status SqliteStore::PutApiKey(const ApiKeyInfo& key) {
  if (key.key_id.empty())
    return Status::InvalidArgument("API key has an empty key id; generate one");
  Result<Lease> lease = Writer();
  if (!lease.ok()) return lease.status();
  Connection& c = **lease;
  Stmt stmt(c.Prepare(
      "INSERT INTO api_keys (key_id, secret_hash, name, scopes, created_at) VALUES (?, ?, ?, ?, ?) "
      "ON CONFLICT (key_id) DO UPDATE SET secret_hash = excluded.secret_hash, name = "
      "excluded.name, "
      "scopes = excluded.scopes, created_at = excluded.created_at"));
  if (!stmt) return c.Error("storing API key " + key.key_id);
  stmt.Bind(1, key.key_id);
  stmt.Bind(2, key.secret_hash);
  stmt.Bind(3, key.name);
  stmt.Bind(4, static_cast<int64_t>(key.scopes));
  stmt.Bind(5, key.created_at);
  if (stmt.Step() != SQLITE_DONE) return c.Error("storing API key " + key.key_id);
  return Status::Ok();
}

Result<ApiKeyInfo> SqliteStore::GetApiKey(std::string_view key_id) {
  Result<Lease> lease = Reader();
  if (!lease.ok()) return lease.status();
  Connection& c = **lease;
  Stmt stmt(c.Prepare(
      "SELECT key_id, secret_hash, name, scopes, created_at FROM api_keys WHERE key_id = ?"));
  if (!stmt) return c.Error("reading an API key");
  stmt.Bind(1, key_id);
  int rc = stmt.Step();
  if (rc == SQLITE_DONE) {
    return Status::NotFound("no API key has the id '" + std::string(key_id.substr(0, 64)) +
                            "'; list the keys with `srclink keys list`");
  }
  if (rc != SQLITE_ROW) return c.Error("reading an API key");
  return ApiKeyInfo{stmt.Text(0), stmt.Text(1), stmt.Text(2), static_cast<uint32_t>(stmt.Int(3)),
                    stmt.Int(4)};
}

Result<std::vector<ApiKeyInfo>> SqliteStore::ListApiKeys() {
  Result<Lease> lease = Reader();
  if (!lease.ok()) return lease.status();
  Connection& c = **lease;
  Stmt stmt(
      c.Prepare("SELECT key_id, secret_hash, name, scopes, created_at FROM api_keys ORDER BY "
                "created_at, key_id"));
  if (!stmt) return c.Error("listing API keys");
  std::vector<ApiKeyInfo> keys;
  int rc;
  while ((rc = stmt.Step()) == SQLITE_ROW) {
    keys.push_back(ApiKeyInfo{stmt.Text(0), stmt.Text(1), stmt.Text(2),
                              static_cast<uint32_t>(stmt.Int(3)), stmt.Int(4)});
  }
  if (rc != SQLITE_DONE) return c.Error("listing API keys");
  return keys;
}

Status SqliteStore::DeleteApiKey(std::string_view key_id) {
  Result<Lease> lease = Writer();
  if (!lease.ok()) return lease.status();
  Connection& c = **lease;
  Stmt stmt(c.Prepare("DELETE FROM api_keys WHERE key_id = ?"));
  if (!stmt) return c.Error("deleting an API key");
  stmt.Bind(1, key_id);
  if (stmt.Step() != SQLITE_DONE) return c.Error("deleting an API key");
  if (sqlite3_changes(c.db()) == 0) {
    return Status::NotFound("no API key has the id '" + std::string(key_id.substr(0, 64)) +
                            "'; list the keys with `srclink keys list`");
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path) {
  if (path.empty()) {
    return Status::InvalidArgument(
        "SQLite database path is empty; pass a file path or \":memory:\"");
  }
  auto store = std::make_unique<SqliteStore>(path);
  if (Status s = store->Open(); !s.ok()) return s;
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace srclink
