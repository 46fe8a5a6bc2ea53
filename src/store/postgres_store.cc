#include "store/postgres_store.h"

#include <libpq-fe.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <mutex>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "store/pg_connection.h"
#include "store/version_set.h"

namespace srclink {

namespace {

using pg::Conn;
using pg::Param;
using pg::PgResult;
using pg::ToInt64;

// A delta's depth is its base's plus one; a snapshot's is 0.
constexpr int kMaxChainDepth = 32;
constexpr int kEncodingSnapshot = 0;
constexpr int kEncodingDelta = 1;
// pg_advisory_xact_lock key for migrations: "srclink" in ASCII.
constexpr const char* kMigrationLockKey = "120325128228471";

// Schema migrations; migration N (1-based) is kMigrations[N - 1]. Never edit
// one that has shipped: append.
const char* const kMigrations[] = {
    R"sql(
CREATE TABLE repositories (
  id BIGSERIAL PRIMARY KEY,
  repository_id TEXT NOT NULL UNIQUE,
  repository_url TEXT NOT NULL,
  provider TEXT NOT NULL,
  version_count BIGINT NOT NULL DEFAULT 0  -- next dense version id
);
CREATE TABLE paths (
  id BIGSERIAL PRIMARY KEY,
  repo BIGINT NOT NULL REFERENCES repositories (id),
  path TEXT NOT NULL,
  UNIQUE (repo, path)
);
CREATE TABLE versions (
  repo BIGINT NOT NULL REFERENCES repositories (id),
  vid INTEGER NOT NULL,
  path_id BIGINT NOT NULL REFERENCES paths (id),
  blob BYTEA NOT NULL,  -- 20 raw bytes, or empty when unknown
  PRIMARY KEY (repo, vid),
  UNIQUE (path_id, blob)
);
CREATE TABLE commits (
  id BIGSERIAL PRIMARY KEY,
  repo BIGINT NOT NULL REFERENCES repositories (id),
  sha TEXT COLLATE "C" NOT NULL,
  parent_sha TEXT NOT NULL,
  source TEXT NOT NULL,
  uploaded_at BIGINT NOT NULL,
  file_count BIGINT NOT NULL,
  blob_count BIGINT NOT NULL,
  encoding SMALLINT NOT NULL,  -- 0 snapshot, 1 delta against base_id
  base_id BIGINT REFERENCES commits (id),
  depth INTEGER NOT NULL,
  set_data BYTEA NOT NULL,
  UNIQUE (repo, sha)
);
CREATE INDEX commits_by_time ON commits (repo, uploaded_at DESC, id DESC);
CREATE INDEX commits_by_base ON commits (base_id);
CREATE TABLE blobs (
  id BYTEA PRIMARY KEY,
  data BYTEA NOT NULL,
  size BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  last_used BIGINT NOT NULL
);
CREATE INDEX blobs_by_last_used ON blobs (last_used);
CREATE TABLE api_keys (
  key_id TEXT PRIMARY KEY,
  secret_hash TEXT NOT NULL,
  name TEXT NOT NULL,
  scopes BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
)sql",
    R"sql(
CREATE TABLE refs (
  repo BIGINT NOT NULL REFERENCES repositories (id),
  name TEXT COLLATE "C" NOT NULL,
  sha TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (repo, name)
);
)sql",
};
constexpr int kSchemaVersion = sizeof(kMigrations) / sizeof(kMigrations[0]);

// ---------------------------------------------------------------- helpers

bool IsHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}
bool IsSha(std::string_view s) { return s.size() == 40 && IsHex(s); }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// REQUIRES: IsHex(hex), even length.
std::string HexToBytes(std::string_view hex) {
  std::string out(hex.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<char>(HexValue(hex[2 * i]) << 4 | HexValue(hex[2 * i + 1]));
  }
  return out;
}

std::string BytesToHex(std::string_view bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

// Appends `s` escaped for COPY's text format.
void AppendCopyText(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += c;
    }
  }
}

// ------------------------------------------------------------- the store

class PostgresStore final : public Store {
 public:
  explicit PostgresStore(std::unique_ptr<pg::Pool> pool)
      : pool_(std::move(pool)), where_(pool_->where()) {}

  // Connects once (so a bad URL fails at open) and reads the schema version.
  Status Init();

  Status Migrate() override;
  std::string Describe() const override {
    return "postgres " + where_ + " (schema " + std::to_string(schema_version_.load()) + ")";
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
  Result<std::unique_ptr<Conn>> Acquire() { return pool_->Acquire(); }
  Status InTransaction(const std::function<Status(Conn&)>& body) {
    return pool_->InTransaction(body);
  }
  Status Error(const std::string& what, PGconn* conn, const PGresult* res) const {
    return pool_->Error(what, conn, res);
  }

  // The version set of commit `commit_id` (its chain decoded).
  Result<VersionSet> LoadSet(Conn& c, int64_t commit_id);
  // Encodes `set` for a commit whose parent is `parent_sha` in repo `repo`
  // (snapshot if the parent is absent or its chain is full) and writes the
  // encoding columns of commit `commit_id`.
  struct Encoded {
    int encoding = kEncodingSnapshot;
    std::optional<int64_t> base_id;
    int depth = 0;
    std::string data;
  };
  Result<Encoded> Encode(Conn& c, int64_t repo, const std::string& parent_sha, int64_t exclude_id,
                         const VersionSet& set);

  std::unique_ptr<pg::Pool> pool_;
  const std::string where_;  // HOST:PORT/DB
  std::atomic<int> schema_version_{0};
};

Status PostgresStore::Init() {
  Result<std::unique_ptr<Conn>> conn = Acquire();
  if (!conn.ok()) return conn.status();
  Result<PgResult> r = (*conn)->Exec("SELECT to_regclass('schema_migrations') IS NOT NULL");
  if (!r.ok()) return r.status();
  if (PQgetvalue(r->get(), 0, 0)[0] != 't') return Status::Ok();  // schema 0
  r = (*conn)->Exec("SELECT coalesce(max(version), 0) FROM schema_migrations");
  if (!r.ok()) return r.status();
  schema_version_ = static_cast<int>(ToInt64(PQgetvalue(r->get(), 0, 0)));
  return Status::Ok();
}

Status PostgresStore::Migrate() {
  int version = 0;
  Status s = InTransaction([&](Conn& c) -> Status {
    // Serializes servers that start at once; released at COMMIT.
    Result<PgResult> r =
        c.Exec((std::string("SELECT pg_advisory_xact_lock(") + kMigrationLockKey + ")").c_str());
    if (!r.ok()) return r.status();
    r = c.Exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
        "applied_at BIGINT NOT NULL)");
    if (!r.ok()) return r.status();
    r = c.Exec("SELECT coalesce(max(version), 0) FROM schema_migrations");
    if (!r.ok()) return r.status();
    version = static_cast<int>(ToInt64(PQgetvalue(r->get(), 0, 0)));
    if (version > kSchemaVersion) {
      return Status::Unavailable(pool_->Scrub(
          "postgres " + where_ + " has schema " + std::to_string(version) +
          ", newer than this srclink's " + std::to_string(kSchemaVersion) + "; upgrade srclink"));
    }
    for (int v = version + 1; v <= kSchemaVersion; ++v) {
      // Simple query protocol: a migration may hold several statements.
      PgResult m(PQexec(c.raw(), kMigrations[v - 1]));
      if (!m || PQresultStatus(m.get()) != PGRES_COMMAND_OK) {
        return Error("migration " + std::to_string(v), c.raw(), m.get());
      }
      r = c.Exec(
          "INSERT INTO schema_migrations (version, applied_at) "
          "VALUES ($1, extract(epoch FROM now())::bigint)",
          {Param(static_cast<int64_t>(v))});
      if (!r.ok()) return r.status();
      version = v;
    }
    return Status::Ok();
  });
  if (s.ok()) schema_version_ = version;
  return s;
}

Result<VersionSet> PostgresStore::LoadSet(Conn& c, int64_t commit_id) {
  Result<PgResult> r = c.Exec(
      "WITH RECURSIVE chain (id, base_id, encoding, set_data, n) AS ("
      "  SELECT id, base_id, encoding, set_data, 0 FROM commits WHERE id = $1"
      "  UNION ALL"
      "  SELECT c.id, c.base_id, c.encoding, c.set_data, chain.n + 1"
      "  FROM commits c JOIN chain ON c.id = chain.base_id"
      "  WHERE chain.encoding = 1 AND chain.n < 64"
      ") SELECT encoding, set_data FROM chain ORDER BY n DESC",
      {Param(commit_id)}, /*binary_result=*/true);
  if (!r.ok()) return r.status();
  PGresult* res = r->get();
  int rows = PQntuples(res);
  auto encoding = [&](int row) {
    const char* v = PQgetvalue(res, row, 0);  // int2, network order
    return static_cast<int>(static_cast<unsigned char>(v[0]) << 8 |
                            static_cast<unsigned char>(v[1]));
  };
  if (rows == 0 || encoding(0) != kEncodingSnapshot) {
    return Status::Internal("postgres " + where_ + ": commit " + std::to_string(commit_id) +
                            "'s delta chain does not end at a snapshot");
  }
  std::string snapshot(PQgetvalue(res, 0, 1), PQgetlength(res, 0, 1));
  std::vector<std::string> deltas;
  for (int i = 1; i < rows; ++i) deltas.emplace_back(PQgetvalue(res, i, 1), PQgetlength(res, i, 1));
  return ApplyChain(snapshot, deltas);
}

Result<PostgresStore::Encoded> PostgresStore::Encode(Conn& c, int64_t repo,
                                                     const std::string& parent_sha,
                                                     int64_t exclude_id, const VersionSet& set) {
  Encoded e;
  if (!parent_sha.empty()) {
    Result<PgResult> r = c.Exec("SELECT id, depth FROM commits WHERE repo = $1 AND sha = $2",
                                {Param(repo), Param(parent_sha)});
    if (!r.ok()) return r.status();
    if (PQntuples(r->get()) == 1) {
      int64_t parent_id = ToInt64(PQgetvalue(r->get(), 0, 0));
      int depth = static_cast<int>(ToInt64(PQgetvalue(r->get(), 0, 1)));
      if (parent_id != exclude_id && depth < kMaxChainDepth) {
        Result<VersionSet> base = LoadSet(c, parent_id);
        if (!base.ok()) return base.status();
        e.encoding = kEncodingDelta;
        e.base_id = parent_id;
        e.depth = depth + 1;
        e.data = EncodeDelta(ComputeDelta(*base, set));
        return e;
      }
    }
  }
  e.data = EncodeSnapshot(set);
  return e;
}

Result<CommitStored> PostgresStore::PutCommit(const CommitUpload& upload) {
  if (upload.repository_id.empty()) return Status::InvalidArgument("empty repository id");
  if (!IsSha(upload.commit_sha)) {
    return Status::InvalidArgument("commit \"" + upload.commit_sha +
                                   "\" is not 40 lowercase hex digits");
  }
  if (!upload.parent_sha.empty() && !IsSha(upload.parent_sha)) {
    return Status::InvalidArgument("parent \"" + upload.parent_sha +
                                   "\" is not 40 lowercase hex digits");
  }
  if (Status s = CheckRefs(upload); !s.ok()) return s;
  int64_t blob_count = 0;
  std::string copy;
  copy.reserve(upload.files.size() * 96);
  for (const TrackedPath& f : upload.files) {
    if (f.path.empty() || f.path.find('\0') != std::string::npos) {
      return Status::InvalidArgument("invalid path \"" + f.path + "\"");
    }
    AppendCopyText(copy, f.path);
    if (f.blob_id.empty()) {
      copy += "\t\\\\x\n";
    } else {
      if (!IsSha(f.blob_id)) {
        return Status::InvalidArgument("blob id \"" + f.blob_id + "\" of " + f.path +
                                       " is not 40 lowercase hex digits");
      }
      ++blob_count;
      copy += "\t\\\\x";
      copy += f.blob_id;
      copy += '\n';
    }
  }
  const int64_t file_count = static_cast<int64_t>(upload.files.size());

  CommitStored out;
  Status s = InTransaction([&](Conn& c) -> Status {
    out = CommitStored();
    // Upserting the repository locks its row: uploads to one repository are
    // serialized, which keeps its version ids dense.
    Result<PgResult> r = c.Exec(
        "INSERT INTO repositories (repository_id, repository_url, provider) VALUES ($1, $2, $3) "
        "ON CONFLICT (repository_id) DO UPDATE SET "
        "repository_url = CASE WHEN EXCLUDED.repository_url <> '' THEN EXCLUDED.repository_url "
        "ELSE repositories.repository_url END, "
        "provider = CASE WHEN EXCLUDED.provider <> '' THEN EXCLUDED.provider "
        "ELSE repositories.provider END "
        "RETURNING id, version_count",
        {Param(upload.repository_id), Param(upload.repository_url), Param(upload.provider)});
    if (!r.ok()) return r.status();
    const int64_t repo = ToInt64(PQgetvalue(r->get(), 0, 0));
    const int64_t version_count = ToInt64(PQgetvalue(r->get(), 0, 1));
    // Refs first: a commit uploaded again (a new tag on it) still records them.
    for (const std::string& ref : upload.refs) {
      r = c.Exec(
          "INSERT INTO refs (repo, name, sha, updated_at) VALUES ($1, $2, $3, $4) "
          "ON CONFLICT (repo, name) DO UPDATE SET sha = EXCLUDED.sha, "
          "updated_at = EXCLUDED.updated_at WHERE EXCLUDED.updated_at >= refs.updated_at",
          {Param(repo), Param(ref), Param(upload.commit_sha), Param(upload.uploaded_at)});
      if (!r.ok()) return r.status();
    }

    r = c.Exec(
        "SELECT id, blob_count, encoding, octet_length(set_data), parent_sha FROM commits "
        "WHERE repo = $1 AND sha = $2",
        {Param(repo), Param(upload.commit_sha)});
    if (!r.ok()) return r.status();
    std::optional<int64_t> existing_id;
    std::string existing_parent;
    if (PQntuples(r->get()) == 1) {
      existing_id = ToInt64(PQgetvalue(r->get(), 0, 0));
      out.encoding = ToInt64(PQgetvalue(r->get(), 0, 2)) == kEncodingDelta ? "delta" : "snapshot";
      out.encoded_bytes = ToInt64(PQgetvalue(r->get(), 0, 3));
      existing_parent = PQgetvalue(r->get(), 0, 4);
      // Stored already, with at least as many blob ids: nothing to add.
      if (ToInt64(PQgetvalue(r->get(), 0, 1)) >= blob_count) return Status::Ok();
    }

    // Intern paths and versions in bulk: COPY into a temporary table, then
    // set-based inserts.
    r = c.Exec(
        "CREATE TEMP TABLE IF NOT EXISTS upload_files (path TEXT NOT NULL, blob BYTEA NOT NULL) "
        "ON COMMIT DELETE ROWS");
    if (!r.ok()) return r.status();
    r = c.Exec("TRUNCATE upload_files");
    if (!r.ok()) return r.status();
    Status copied = c.Copy("COPY upload_files (path, blob) FROM STDIN", copy);
    if (!copied.ok()) return copied;
    if (file_count > 1000) {
      r = c.Exec("ANALYZE upload_files");
      if (!r.ok()) return r.status();
    }
    r = c.Exec(
        "INSERT INTO paths (repo, path) SELECT $1, path FROM upload_files ORDER BY path "
        "ON CONFLICT (repo, path) DO NOTHING",
        {Param(repo)});
    if (!r.ok()) return r.status();
    out.new_paths = ToInt64(PQcmdTuples(r->get()));
    r = c.Exec(
        "INSERT INTO versions (repo, vid, path_id, blob) "
        "SELECT $1, $2 + row_number() OVER (ORDER BY p.id, u.blob) - 1, p.id, u.blob "
        "FROM upload_files u JOIN paths p ON p.repo = $1 AND p.path = u.path "
        "WHERE NOT EXISTS (SELECT 1 FROM versions v WHERE v.path_id = p.id AND v.blob = u.blob)",
        {Param(repo), Param(version_count)});
    if (!r.ok()) return r.status();
    out.new_versions = ToInt64(PQcmdTuples(r->get()));
    if (version_count + out.new_versions > int64_t{UINT32_MAX}) {
      return Status::Internal("repository " + upload.repository_id +
                              " has more than 2^32 file versions");
    }
    if (out.new_versions > 0) {
      r = c.Exec("UPDATE repositories SET version_count = $2 WHERE id = $1",
                 {Param(repo), Param(version_count + out.new_versions)});
      if (!r.ok()) return r.status();
    }
    r = c.Exec(
        "SELECT v.vid FROM upload_files u JOIN paths p ON p.repo = $1 AND p.path = u.path "
        "JOIN versions v ON v.path_id = p.id AND v.blob = u.blob",
        {Param(repo)});
    if (!r.ok()) return r.status();
    std::vector<uint32_t> ids;
    int rows = PQntuples(r->get());
    ids.reserve(rows);
    for (int i = 0; i < rows; ++i) {
      ids.push_back(static_cast<uint32_t>(ToInt64(PQgetvalue(r->get(), i, 0))));
    }
    if (static_cast<int64_t>(rows) != file_count) {
      return Status::InvalidArgument("commit " + upload.commit_sha + " lists " +
                                     std::to_string(file_count) + " files but " +
                                     std::to_string(rows) + " distinct paths");
    }
    VersionSet set = MakeVersionSet(ids);

    if (existing_id) {
      // More blob ids than stored: the set changes. Commits stored as deltas
      // against this one become snapshots first, so they keep their sets.
      r = c.Exec("SELECT id FROM commits WHERE base_id = $1", {Param(*existing_id)});
      if (!r.ok()) return r.status();
      for (int i = 0; i < PQntuples(r->get()); ++i) {
        int64_t child = ToInt64(PQgetvalue(r->get(), i, 0));
        Result<VersionSet> child_set = LoadSet(c, child);
        if (!child_set.ok()) return child_set.status();
        Result<PgResult> u = c.Exec(
            "UPDATE commits SET encoding = 0, base_id = NULL, depth = 0, set_data = $2 "
            "WHERE id = $1",
            {Param(child), Param::Binary(EncodeSnapshot(*child_set))});
        if (!u.ok()) return u.status();
      }
      // Deeper descendants keep their depth; it only shrinks, so the cap holds.
      Result<Encoded> e = Encode(c, repo, existing_parent, *existing_id, set);
      if (!e.ok()) return e.status();
      r = c.Exec(
          "UPDATE commits SET encoding = $2, base_id = $3, depth = $4, set_data = $5, "
          "blob_count = $6, source = $7 WHERE id = $1",
          {Param(*existing_id), Param(static_cast<int64_t>(e->encoding)),
           e->base_id ? Param(*e->base_id) : Param::Null(), Param(static_cast<int64_t>(e->depth)),
           Param::Binary(e->data), Param(blob_count), Param(upload.source)});
      if (!r.ok()) return r.status();
      out.encoding = e->encoding == kEncodingDelta ? "delta" : "snapshot";
      out.encoded_bytes = static_cast<int64_t>(e->data.size());
      return Status::Ok();
    }

    Result<Encoded> e = Encode(c, repo, upload.parent_sha, -1, set);
    if (!e.ok()) return e.status();
    r = c.Exec(
        "INSERT INTO commits (repo, sha, parent_sha, source, uploaded_at, file_count, blob_count, "
        "encoding, base_id, depth, set_data) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        {Param(repo), Param(upload.commit_sha), Param(upload.parent_sha), Param(upload.source),
         Param(upload.uploaded_at), Param(file_count), Param(blob_count),
         Param(static_cast<int64_t>(e->encoding)), e->base_id ? Param(*e->base_id) : Param::Null(),
         Param(static_cast<int64_t>(e->depth)), Param::Binary(e->data)});
    if (!r.ok()) return r.status();
    out.created = true;
    out.encoding = e->encoding == kEncodingDelta ? "delta" : "snapshot";
    out.encoded_bytes = static_cast<int64_t>(e->data.size());
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

CommitInfo CommitFromRow(PGresult* res, int row) {
  // Columns: repository_id, sha, parent_sha, source, uploaded_at, file_count, blob_count.
  CommitInfo info;
  info.repository_id = PQgetvalue(res, row, 0);
  info.commit_sha = PQgetvalue(res, row, 1);
  info.parent_sha = PQgetvalue(res, row, 2);
  info.source = PQgetvalue(res, row, 3);
  info.uploaded_at = ToInt64(PQgetvalue(res, row, 4));
  info.file_count = ToInt64(PQgetvalue(res, row, 5));
  info.has_blob_ids = ToInt64(PQgetvalue(res, row, 6)) == info.file_count;
  return info;
}

constexpr const char* kCommitColumns =
    "r.repository_id, c.sha, c.parent_sha, c.source, c.uploaded_at, c.file_count, c.blob_count";

Status CommitNotFound(std::string_view repository_id, std::string_view commit_sha) {
  return Status::NotFound("commit " + std::string(commit_sha) + " of " +
                          std::string(repository_id) + " was not uploaded");
}

Result<CommitInfo> PostgresStore::GetCommit(std::string_view repository_id,
                                            std::string_view commit_sha) {
  Result<std::unique_ptr<Conn>> conn = Acquire();
  if (!conn.ok()) return conn.status();
  Result<PgResult> r = (*conn)->Exec((std::string("SELECT ") + kCommitColumns +
                                      " FROM commits c JOIN repositories r ON r.id = c.repo "
                                      "WHERE r.repository_id = $1 AND c.sha = $2")
                                         .c_str(),
                                     {Param(repository_id), Param(commit_sha)});
  if (!r.ok()) return r.status();
  if (PQntuples(r->get()) == 0) return CommitNotFound(repository_id, commit_sha);
  return CommitFromRow(r->get(), 0);
}

Result<std::vector<TrackedPath>> PostgresStore::GetCommitFiles(std::string_view repository_id,
                                                               std::string_view commit_sha) {
  std::vector<TrackedPath> files;
  bool found = false;
  // One transaction: a consistent snapshot of the chain and the versions.
  Status s = InTransaction([&](Conn& c) -> Status {
    files.clear();
    Result<PgResult> r = c.Exec(
        "SELECT c.id, c.repo FROM commits c JOIN repositories r ON r.id = c.repo "
        "WHERE r.repository_id = $1 AND c.sha = $2",
        {Param(repository_id), Param(commit_sha)});
    if (!r.ok()) return r.status();
    found = PQntuples(r->get()) == 1;
    if (!found) return Status::Ok();
    int64_t id = ToInt64(PQgetvalue(r->get(), 0, 0));
    int64_t repo = ToInt64(PQgetvalue(r->get(), 0, 1));
    Result<VersionSet> set = LoadSet(c, id);
    if (!set.ok()) return set.status();
    std::string ids = "{";
    for (uint32_t v : *set) {
      if (ids.size() > 1) ids += ',';
      ids += std::to_string(v);
    }
    ids += '}';
    r = c.Exec(
        "SELECT p.path, v.blob FROM versions v JOIN paths p ON p.id = v.path_id "
        "WHERE v.repo = $1 AND v.vid = ANY ($2::int[])",
        {Param(repo), Param(ids)}, /*binary_result=*/true);
    if (!r.ok()) return r.status();
    PGresult* res = r->get();
    int rows = PQntuples(res);
    if (static_cast<uint64_t>(rows) != set->cardinality()) {
      return Status::Internal("postgres " + where_ + ": commit " + std::string(commit_sha) +
                              " refers to missing file versions");
    }
    files.reserve(rows);
    for (int i = 0; i < rows; ++i) {
      TrackedPath f;
      f.path.assign(PQgetvalue(res, i, 0), PQgetlength(res, i, 0));
      f.blob_id = BytesToHex(std::string_view(PQgetvalue(res, i, 1), PQgetlength(res, i, 1)));
      files.push_back(std::move(f));
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  if (!found) return CommitNotFound(repository_id, commit_sha);
  std::sort(files.begin(), files.end(),
            [](const TrackedPath& a, const TrackedPath& b) { return a.path < b.path; });
  return files;
}

Result<std::vector<std::string>> PostgresStore::FindCommits(std::string_view repository_id,
                                                            std::string_view prefix, size_t limit) {
  std::vector<std::string> out;
  std::string p(prefix);
  std::transform(p.begin(), p.end(), p.begin(), [](unsigned char ch) { return std::tolower(ch); });
  if (limit == 0 || p.size() > 40 || !IsHex(p)) return out;
  Result<std::unique_ptr<Conn>> conn = Acquire();
  if (!conn.ok()) return conn.status();
  // SHAs are hex and compared bytewise ("C"): the prefix's range is
  // [prefix, prefix + "~").
  Result<PgResult> r = (*conn)->Exec(
      "SELECT c.sha FROM commits c JOIN repositories r ON r.id = c.repo "
      "WHERE r.repository_id = $1 AND c.sha >= $2 AND c.sha < $3 ORDER BY c.sha LIMIT $4",
      {Param(repository_id), Param(p), Param(p + "~"),
       Param(static_cast<int64_t>(std::min<size_t>(limit, INT64_MAX)))});
  if (!r.ok()) return r.status();
  for (int i = 0; i < PQntuples(r->get()); ++i) out.emplace_back(PQgetvalue(r->get(), i, 0));
  return out;
}

Result<std::string> PostgresStore::FindRef(std::string_view repository_id,
                                           std::string_view full_name) {
  Result<std::unique_ptr<Conn>> conn = Acquire();
  if (!conn.ok()) return conn.status();
  Result<PgResult> r = (*conn)->Exec(
      "SELECT f.sha FROM refs f JOIN repositories r ON r.id = f.repo "
      "WHERE r.repository_id = $1 AND f.name = $2",
      {Param(repository_id), Param(full_name)});
  if (!r.ok()) return r.status();
  if (PQntuples(r->get()) == 0) return std::string();
  return std::string(PQgetvalue(r->get(), 0, 0));
}

Result<std::vector<std::string>> PostgresStore::ListRefs(std::string_view repository_id,
                                                         std::string_view commit_sha) {
  Result<std::unique_ptr<Conn>> conn = Acquire();
  if (!conn.ok()) return conn.status();
  // The repository's refs are few: its primary key's prefix is enough.
  Result<PgResult> r = (*conn)->Exec(
      "SELECT f.name FROM refs f JOIN repositories r ON r.id = f.repo "
      "WHERE r.repository_id = $1 AND f.sha = $2 ORDER BY f.name",
      {Param(repository_id), Param(commit_sha)});
  if (!r.ok()) return r.status();
  std::vector<std::string> names;
  for (int i = 0; i < PQntuples(r->get()); ++i) names.emplace_back(PQgetvalue(r->get(), i, 0));
  return names;
}

Result<std::vector<RepositoryInfo>> PostgresStore::ListRepositories() {
  Result<std::unique_ptr<Conn>> conn = Acquire();
  if (!conn.ok()) return conn.status();
  Result<PgResult> r = (*conn)->Exec(
      "SELECT r.repository_id, r.repository_url, r.provider, count(c.id), "
      "coalesce(min(c.uploaded_at), 0), coalesce(max(c.uploaded_at), 0) "
      "FROM repositories r LEFT JOIN commits c ON c.repo = r.id "
      "GROUP BY r.id ORDER BY r.repository_id COLLATE \"C\"");
  if (!r.ok()) return r.status();
  std::vector<RepositoryInfo> out;
  PGresult* res = r->get();
  for (int i = 0; i < PQntuples(res); ++i) {
    RepositoryInfo info;
    info.repository_id = PQgetvalue(res, i, 0);
    info.repository_url = PQgetvalue(res, i, 1);
    info.provider = PQgetvalue(res, i, 2);
    info.commit_count = ToInt64(PQgetvalue(res, i, 3));
    info.first_upload = ToInt64(PQgetvalue(res, i, 4));
    info.last_upload = ToInt64(PQgetvalue(res, i, 5));
    out.push_back(std::move(info));
  }
  return out;
}

Result<std::vector<CommitInfo>> PostgresStore::ListCommits(std::string_view repository_id,
                                                           size_t limit) {
  std::vector<CommitInfo> out;
  if (limit == 0) return out;
  Result<std::unique_ptr<Conn>> conn = Acquire();
  if (!conn.ok()) return conn.status();
  Result<PgResult> r = (*conn)->Exec(
      (std::string("SELECT ") + kCommitColumns +
       " FROM commits c JOIN repositories r ON r.id = c.repo WHERE r.repository_id = $1 "
       "ORDER BY c.uploaded_at DESC, c.id DESC LIMIT $2")
          .c_str(),
      {Param(repository_id), Param(static_cast<int64_t>(std::min<size_t>(limit, INT64_MAX)))});
  if (!r.ok()) return r.status();
  for (int i = 0; i < PQntuples(r->get()); ++i) out.push_back(CommitFromRow(r->get(), i));
  return out;
}

Status InvalidBlobId(std::string_view blob_id) {
  return Status::InvalidArgument("blob id \"" + std::string(blob_id) +
                                 "\" is not 40 lowercase hex digits");
}

Result<std::vector<std::string>> PostgresStore::MissingBlobs(
    const std::vector<std::string>& blob_ids) {
  std::vector<std::string> out;
  if (blob_ids.empty()) return out;
  std::string array = "{";
  for (const std::string& id : blob_ids) {
    if (!IsSha(id)) return InvalidBlobId(id);
    if (array.size() > 1) array += ',';
    array += id;
  }
  array += '}';
  Result<std::unique_ptr<Conn>> conn = Acquire();
  if (!conn.ok()) return conn.status();
  Result<PgResult> r = (*conn)->Exec(
      "SELECT t.h FROM unnest($1::text[]) WITH ORDINALITY AS t (h, n) "
      "WHERE NOT EXISTS (SELECT 1 FROM blobs b WHERE b.id = decode(t.h, 'hex')) ORDER BY t.n",
      {Param(array)});
  if (!r.ok()) return r.status();
  std::unordered_set<std::string> seen;
  for (int i = 0; i < PQntuples(r->get()); ++i) {
    std::string id = PQgetvalue(r->get(), i, 0);
    if (seen.insert(id).second) out.push_back(std::move(id));
  }
  return out;
}

Status PostgresStore::PutBlob(std::string_view blob_id, std::string_view compressed, int64_t size,
                              int64_t now) {
  if (!IsSha(blob_id)) return InvalidBlobId(blob_id);
  Result<std::unique_ptr<Conn>> conn = Acquire();
  if (!conn.ok()) return conn.status();
  Result<PgResult> r = (*conn)->Exec(
      "INSERT INTO blobs (id, data, size, created_at, last_used) VALUES ($1, $2, $3, $4, $4) "
      "ON CONFLICT (id) DO UPDATE SET last_used = GREATEST(blobs.last_used, EXCLUDED.last_used)",
      {Param::Binary(HexToBytes(blob_id)), Param::Binary(compressed), Param(size), Param(now)});
  return r.ok() ? Status::Ok() : r.status();
}

Result<StoredBlob> PostgresStore::GetBlob(std::string_view blob_id, int64_t now) {
  if (!IsSha(blob_id)) return InvalidBlobId(blob_id);
  Result<std::unique_ptr<Conn>> conn = Acquire();
  if (!conn.ok()) return conn.status();
  Result<PgResult> r = (*conn)->Exec(
      "UPDATE blobs SET last_used = GREATEST(last_used, $2) WHERE id = $1 "
      "RETURNING data, size::text",
      {Param::Binary(HexToBytes(blob_id)), Param(now)}, /*binary_result=*/true);
  if (!r.ok()) return r.status();
  if (PQntuples(r->get()) == 0) {
    return Status::NotFound("contents of blob " + std::string(blob_id) + " are not stored");
  }
  StoredBlob blob;
  blob.compressed.assign(PQgetvalue(r->get(), 0, 0), PQgetlength(r->get(), 0, 0));
  // size::text in binary format is the text itself.
  blob.size = ToInt64(std::string(PQgetvalue(r->get(), 0, 1), PQgetlength(r->get(), 0, 1)).c_str());
  return blob;
}

Result<int64_t> PostgresStore::CollectBlobs(int64_t unused_since) {
  Result<std::unique_ptr<Conn>> conn = Acquire();
  if (!conn.ok()) return conn.status();
  Result<PgResult> r =
      (*conn)->Exec("DELETE FROM blobs WHERE last_used < $1", {Param(unused_since)});
  if (!r.ok()) return r.status();
  return ToInt64(PQcmdTuples(r->get()));
}

Status PostgresStore::PutApiKey(const ApiKeyInfo& key) {
  if (key.key_id.empty()) return Status::InvalidArgument("empty API key id");
  Result<std::unique_ptr<Conn>> conn = Acquire();
  if (!conn.ok()) return conn.status();
  Result<PgResult> r = (*conn)->Exec(
      "INSERT INTO api_keys (key_id, secret_hash, name, scopes, created_at) "
      "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (key_id) DO UPDATE SET "
      "secret_hash = EXCLUDED.secret_hash, name = EXCLUDED.name, scopes = EXCLUDED.scopes, "
      "created_at = EXCLUDED.created_at",
      {Param(key.key_id), Param(key.secret_hash), Param(key.name),
       Param(static_cast<int64_t>(key.scopes)), Param(key.created_at)});
  return r.ok() ? Status::Ok() : r.status();
}

ApiKeyInfo ApiKeyFromRow(PGresult* res, int row) {
  ApiKeyInfo key;
  key.key_id = PQgetvalue(res, row, 0);
  key.secret_hash = PQgetvalue(res, row, 1);
  key.name = PQgetvalue(res, row, 2);
  key.scopes = static_cast<uint32_t>(ToInt64(PQgetvalue(res, row, 3)));
  key.created_at = ToInt64(PQgetvalue(res, row, 4));
  return key;
}

Result<ApiKeyInfo> PostgresStore::GetApiKey(std::string_view key_id) {
  Result<std::unique_ptr<Conn>> conn = Acquire();
  if (!conn.ok()) return conn.status();
  Result<PgResult> r = (*conn)->Exec(
      "SELECT key_id, secret_hash, name, scopes, created_at FROM api_keys WHERE key_id = $1",
      {Param(key_id)});
  if (!r.ok()) return r.status();
  if (PQntuples(r->get()) == 0) {
    return Status::NotFound("no API key \"" + std::string(key_id) + "\"");
  }
  return ApiKeyFromRow(r->get(), 0);
}

Result<std::vector<ApiKeyInfo>> PostgresStore::ListApiKeys() {
  Result<std::unique_ptr<Conn>> conn = Acquire();
  if (!conn.ok()) return conn.status();
  Result<PgResult> r = (*conn)->Exec(
      "SELECT key_id, secret_hash, name, scopes, created_at FROM api_keys "
      "ORDER BY created_at, key_id COLLATE \"C\"");
  if (!r.ok()) return r.status();
  std::vector<ApiKeyInfo> out;
  for (int i = 0; i < PQntuples(r->get()); ++i) out.push_back(ApiKeyFromRow(r->get(), i));
  return out;
}

Status PostgresStore::DeleteApiKey(std::string_view key_id) {
  Result<std::unique_ptr<Conn>> conn = Acquire();
  if (!conn.ok()) return conn.status();
  Result<PgResult> r = (*conn)->Exec("DELETE FROM api_keys WHERE key_id = $1", {Param(key_id)});
  if (!r.ok()) return r.status();
  if (ToInt64(PQcmdTuples(r->get())) == 0) {
    return Status::NotFound("no API key \"" + std::string(key_id) + "\"");
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& url) {
  Result<std::unique_ptr<pg::Pool>> pool = pg::Pool::Create(url);
  if (!pool.ok()) return pool.status();
  auto store = std::make_unique<PostgresStore>(std::move(pool).value());
  Status s = store->Init();
  if (!s.ok()) return s;
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace srclink
