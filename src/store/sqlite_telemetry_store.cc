// SqliteTelemetryStore: see sqlite_telemetry_store.h and telemetry_store.h.
//
// Each call is one transaction on a sqlite::Database (sqlite_connection.h) of
// its own; the Store's connections to the same file wait for each other
// through busy_timeout. Deltas are merged by the database: one prepared
// INSERT … ON CONFLICT DO UPDATE per delta, so the newest type and message win
// whatever order the deltas arrive in. An event's time is its delta's
// last_seen; after each AddErrors the touched groups keep their
// max_events_per_group newest events.
#include "store/sqlite_telemetry_store.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <utility>

#include "store/sqlite_connection.h"

namespace srclink {
namespace {

using sqlite::Connection;
using sqlite::Stmt;

struct Migration {
  int version;
  const char* sql;
};

// Ordered; never edit an applied migration, append a new one.
constexpr Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE error_groups (
  id INTEGER PRIMARY KEY,
  service TEXT NOT NULL,
  environment TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  type TEXT NOT NULL,
  message TEXT NOT NULL,
  language TEXT NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  count INTEGER NOT NULL,
  UNIQUE (service, environment, fingerprint)
);
CREATE INDEX error_groups_by_last_seen ON error_groups (last_seen);
CREATE INDEX error_groups_by_service ON error_groups (service, last_seen);
CREATE TABLE error_versions (
  group_id INTEGER NOT NULL REFERENCES error_groups (id) ON DELETE CASCADE,
  version TEXT NOT NULL,
  count INTEGER NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  PRIMARY KEY (group_id, version)
) WITHOUT ROWID;
CREATE INDEX error_versions_by_version ON error_versions (version, group_id);
CREATE TABLE error_events (
  id INTEGER PRIMARY KEY,
  group_id INTEGER NOT NULL REFERENCES error_groups (id) ON DELETE CASCADE,
  seen_at INTEGER NOT NULL,
  event TEXT NOT NULL
);
CREATE INDEX error_events_by_group ON error_events (group_id, seen_at);
CREATE INDEX error_events_by_time ON error_events (seen_at);
CREATE TABLE code_origins (
  service TEXT NOT NULL,
  environment TEXT NOT NULL,
  resource TEXT NOT NULL,
  version TEXT NOT NULL,
  file TEXT NOT NULL,
  line INTEGER NOT NULL,
  col INTEGER NOT NULL,
  function TEXT NOT NULL,
  type TEXT NOT NULL,
  repository_url TEXT NOT NULL,
  commit_sha TEXT NOT NULL,
  count INTEGER NOT NULL,
  errors INTEGER NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  latest_trace_id TEXT NOT NULL,
  PRIMARY KEY (service, environment, resource)
);
CREATE INDEX code_origins_by_count ON code_origins (service, count);
CREATE INDEX code_origins_by_last_seen ON code_origins (last_seen);
CREATE TABLE service_tags (
  service TEXT NOT NULL,
  version TEXT NOT NULL,
  repository_url TEXT NOT NULL,
  commit_sha TEXT NOT NULL,
  root_path TEXT NOT NULL,
  last_seen INTEGER NOT NULL,
  PRIMARY KEY (service, version)
);
CREATE INDEX service_tags_by_last_seen ON service_tags (service, last_seen);
)sql"},
    {2, R"sql(
CREATE TABLE profiles (
  id INTEGER PRIMARY KEY,
  service TEXT NOT NULL,
  profile_type TEXT NOT NULL,
  labels TEXT NOT NULL,
  repository_url TEXT NOT NULL,
  commit_sha TEXT NOT NULL,
  root_path TEXT NOT NULL,
  start_ms INTEGER NOT NULL,
  end_ms INTEGER NOT NULL,
  total INTEGER NOT NULL,
  tree BLOB NOT NULL,
  lines BLOB NOT NULL
);
CREATE INDEX profiles_by_series ON profiles (service, profile_type, end_ms);
CREATE INDEX profiles_by_end ON profiles (end_ms);
)sql"},
    {3, R"sql(
CREATE TABLE error_hours (
  group_id INTEGER NOT NULL REFERENCES error_groups (id) ON DELETE CASCADE,
  hour INTEGER NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (group_id, hour)
) WITHOUT ROWID;
CREATE INDEX error_hours_by_hour ON error_hours (hour);
)sql"},
};

constexpr int kLatestSchema = 3;

int64_t SqlLimit(size_t limit) { return static_cast<int64_t>(std::min<size_t>(limit, INT64_MAX)); }

class SqliteTelemetryStore final : public TelemetryStore {
 public:
  SqliteTelemetryStore(std::unique_ptr<sqlite::Database> db, size_t max_events)
      : db_(std::move(db)), max_events_(max_events) {}

  Status Migrate() override;
  Status AddErrors(const std::vector<ErrorGroupDelta>& deltas) override;
  Result<std::vector<ErrorGroup>> ListErrorGroups(const ErrorGroupFilter& filter) override;
  Result<ErrorGroup> GetErrorGroup(int64_t id) override;
  Result<std::vector<std::string>> ListErrorEvents(int64_t group_id, size_t limit) override;
  Result<std::map<int64_t, HourCounts>> ErrorHours(const std::vector<int64_t>& group_ids,
                                                   int64_t since) override;
  Status AddCodeOrigins(const std::vector<CodeOriginDelta>& deltas) override;
  Result<std::vector<CodeOrigin>> ListCodeOrigins(std::string_view service, size_t limit) override;
  Status PutServiceTags(const std::vector<ServiceTags>& tags) override;
  Result<ServiceTags> GetServiceTags(std::string_view service, std::string_view version) override;
  Result<std::vector<ServiceSummary>> ListServices() override;
  Result<int64_t> CollectTelemetry(int64_t older_than) override;
  Status AddProfiles(const std::vector<ProfileChunk>& chunks) override;
  Result<std::vector<ProfileSeriesInfo>> ListProfileSeries() override;
  Result<std::vector<ProfileChunk>> ReadProfiles(const ProfileQuery& query) override;

 private:
  Status MigrateLocked(Connection& c);
  Status AddErrorLocked(Connection& c, const ErrorGroupDelta& d, std::vector<int64_t>& touched);
  // Reads the versions of `group` (newest first) into it.
  static Status LoadVersions(Connection& c, ErrorGroup& group);
  static ErrorGroup GroupFromRow(const Stmt& stmt);

  std::unique_ptr<sqlite::Database> db_;
  const size_t max_events_;
};

Status SqliteTelemetryStore::Migrate() {
  Status s = db_->WriteTransaction([&](Connection& c) { return MigrateLocked(c); });
  return s.ok() ? s : s.WithContext("migrating the telemetry tables");
}

Status SqliteTelemetryStore::MigrateLocked(Connection& c) {
  if (Status s = c.Exec(
          "CREATE TABLE IF NOT EXISTS telemetry_schema_version (version INTEGER PRIMARY KEY, "
          "applied_at INTEGER NOT NULL)");
      !s.ok()) {
    return s;
  }
  int current = 0;
  {
    Stmt stmt(c.Prepare("SELECT COALESCE(MAX(version), 0) FROM telemetry_schema_version"));
    if (!stmt || stmt.Step() != SQLITE_ROW) return c.Error("reading the telemetry schema version");
    current = static_cast<int>(stmt.Int(0));
  }
  if (current > kLatestSchema) {
    return Status::InvalidArgument("SQLite database " + db_->path() + " has telemetry schema " +
                                   std::to_string(current) +
                                   ", newer than this srclink (telemetry schema " +
                                   std::to_string(kLatestSchema) + "); upgrade srclink");
  }
  for (const Migration& m : kMigrations) {
    if (m.version <= current) continue;
    if (Status s = c.Exec(m.sql); !s.ok()) {
      return s.WithContext("telemetry migration " + std::to_string(m.version));
    }
    Stmt stmt(c.Prepare(
        "INSERT INTO telemetry_schema_version (version, applied_at) VALUES (?, unixepoch())"));
    if (!stmt) return c.Error("recording telemetry migration");
    stmt.Bind(1, static_cast<int64_t>(m.version));
    if (stmt.Step() != SQLITE_DONE) return c.Error("recording telemetry migration");
  }
  return Status::Ok();
}

Status SqliteTelemetryStore::AddErrors(const std::vector<ErrorGroupDelta>& deltas) {
  for (const ErrorGroupDelta& d : deltas) {
    if (Status s = CheckErrorGroupDelta(d); !s.ok()) return s;
  }
  if (deltas.empty()) return Status::Ok();
  Status s = db_->WriteTransaction([&](Connection& c) -> Status {
    std::vector<int64_t> touched;  // groups that received events
    for (const ErrorGroupDelta& d : deltas) {
      if (Status s = AddErrorLocked(c, d, touched); !s.ok()) return s;
    }
    std::sort(touched.begin(), touched.end());
    touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
    Stmt trim(c.Prepare(
        "DELETE FROM error_events WHERE group_id = ?1 AND id IN (SELECT id FROM error_events "
        "WHERE group_id = ?1 ORDER BY seen_at DESC, id DESC LIMIT -1 OFFSET ?2)"));
    if (!trim) return c.Error("trimming error events");
    for (int64_t id : touched) {
      trim.Reset();
      trim.Bind(1, id);
      trim.Bind(2, SqlLimit(max_events_));
      if (trim.Step() != SQLITE_DONE) return c.Error("trimming error events");
    }
    return Status::Ok();
  });
  return s.ok() ? s : s.WithContext("storing " + std::to_string(deltas.size()) + " error groups");
}

Status SqliteTelemetryStore::AddErrorLocked(Connection& c, const ErrorGroupDelta& d,
                                            std::vector<int64_t>& touched) {
  int64_t id = 0;
  {
    Stmt stmt(c.Prepare(
        "INSERT INTO error_groups (service, environment, fingerprint, type, message, language, "
        "first_seen, last_seen, count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (service, environment, fingerprint) DO UPDATE SET "
        "count = count + excluded.count, "
        "first_seen = MIN(first_seen, excluded.first_seen), "
        "last_seen = MAX(last_seen, excluded.last_seen), "
        "type = CASE WHEN excluded.last_seen >= last_seen THEN excluded.type ELSE type END, "
        "message = CASE WHEN excluded.last_seen >= last_seen THEN excluded.message "
        "ELSE message END, "
        "language = CASE WHEN excluded.language <> '' AND (excluded.last_seen >= last_seen OR "
        "language = '') THEN excluded.language ELSE language END "
        "RETURNING id"));
    if (!stmt) return c.Error("storing an error group");
    stmt.Bind(1, d.service);
    stmt.Bind(2, d.environment);
    stmt.Bind(3, d.fingerprint);
    stmt.Bind(4, d.type);
    stmt.Bind(5, d.message);
    stmt.Bind(6, d.language);
    stmt.Bind(7, d.first_seen);
    stmt.Bind(8, d.last_seen);
    stmt.Bind(9, d.count);
    if (stmt.Step() != SQLITE_ROW) return c.Error("storing error group " + d.fingerprint);
    id = stmt.Int(0);
    if (stmt.Step() != SQLITE_DONE) return c.Error("storing error group " + d.fingerprint);
  }
  if (!d.versions.empty()) {
    Stmt stmt(c.Prepare(
        "INSERT INTO error_versions (group_id, version, count, first_seen, last_seen) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (group_id, version) DO UPDATE SET "
        "count = count + excluded.count, first_seen = MIN(first_seen, excluded.first_seen), "
        "last_seen = MAX(last_seen, excluded.last_seen)"));
    if (!stmt) return c.Error("storing the versions of an error group");
    for (const auto& [version, count] : d.versions) {
      stmt.Reset();
      stmt.Bind(1, id);
      stmt.Bind(2, version);
      stmt.Bind(3, count);
      stmt.Bind(4, d.first_seen);
      stmt.Bind(5, d.last_seen);
      if (stmt.Step() != SQLITE_DONE) {
        return c.Error("storing version '" + version + "' of error group " + d.fingerprint);
      }
    }
  }
  if (!d.hours.empty()) {
    Stmt stmt(
        c.Prepare("INSERT INTO error_hours (group_id, hour, count) VALUES (?, ?, ?) "
                  "ON CONFLICT (group_id, hour) DO UPDATE SET count = count + excluded.count"));
    if (!stmt) return c.Error("storing the hours of an error group");
    for (const auto& [hour, count] : d.hours) {
      stmt.Reset();
      stmt.Bind(1, id);
      stmt.Bind(2, hour);
      stmt.Bind(3, count);
      if (stmt.Step() != SQLITE_DONE) {
        return c.Error("storing hour " + std::to_string(hour) + " of error group " + d.fingerprint);
      }
    }
  }
  if (!d.events.empty() && max_events_ > 0) {
    Stmt stmt(c.Prepare("INSERT INTO error_events (group_id, seen_at, event) VALUES (?, ?, ?)"));
    if (!stmt) return c.Error("storing error events");
    // Only the newest max_events_ can survive the trim.
    size_t first = d.events.size() > max_events_ ? d.events.size() - max_events_ : 0;
    for (size_t i = first; i < d.events.size(); ++i) {
      stmt.Reset();
      stmt.Bind(1, id);
      stmt.Bind(2, d.last_seen);
      stmt.Bind(3, d.events[i]);
      if (stmt.Step() != SQLITE_DONE) return c.Error("storing an event of " + d.fingerprint);
    }
    touched.push_back(id);
  }
  return Status::Ok();
}

constexpr const char* kGroupColumns =
    "g.id, g.service, g.environment, g.fingerprint, g.type, g.message, g.language, "
    "g.first_seen, g.last_seen, g.count";

ErrorGroup SqliteTelemetryStore::GroupFromRow(const Stmt& stmt) {
  ErrorGroup g;
  g.id = stmt.Int(0);
  g.service = stmt.Text(1);
  g.environment = stmt.Text(2);
  g.fingerprint = stmt.Text(3);
  g.type = stmt.Text(4);
  g.message = stmt.Text(5);
  g.language = stmt.Text(6);
  g.first_seen = stmt.Int(7);
  g.last_seen = stmt.Int(8);
  g.count = stmt.Int(9);
  return g;
}

Status SqliteTelemetryStore::LoadVersions(Connection& c, ErrorGroup& group) {
  Stmt stmt(c.Prepare(
      "SELECT version, count, first_seen, last_seen FROM error_versions WHERE group_id = ? "
      "ORDER BY last_seen DESC, version"));
  if (!stmt) return c.Error("reading the versions of an error group");
  stmt.Bind(1, group.id);
  int rc;
  while ((rc = stmt.Step()) == SQLITE_ROW) {
    group.versions.push_back(ErrorVersion{stmt.Text(0), stmt.Int(1), stmt.Int(2), stmt.Int(3)});
  }
  if (rc != SQLITE_DONE) return c.Error("reading the versions of an error group");
  return Status::Ok();
}

Result<std::vector<ErrorGroup>> SqliteTelemetryStore::ListErrorGroups(
    const ErrorGroupFilter& filter) {
  std::vector<ErrorGroup> groups;
  if (filter.limit == 0) return groups;
  // At most 2^6 distinct texts, each prepared once per connection.
  std::string sql = std::string("SELECT ") + kGroupColumns + " FROM error_groups g WHERE 1";
  if (!filter.service.empty()) sql += " AND g.service = :service";
  if (!filter.environment.empty()) sql += " AND g.environment = :environment";
  if (!filter.version.empty()) {
    sql +=
        " AND EXISTS (SELECT 1 FROM error_versions v WHERE v.group_id = g.id AND "
        "v.version = :version)";
  }
  if (!filter.query.empty()) {
    sql +=
        " AND (instr(lower(g.type), lower(:query)) > 0 OR "
        "instr(lower(g.message), lower(:query)) > 0)";
  }
  if (filter.since != 0) sql += " AND g.last_seen >= :since";
  if (filter.until != 0) sql += " AND g.first_seen <= :until";
  sql += " ORDER BY g.last_seen DESC, g.id DESC LIMIT :limit";

  Result<sqlite::Database::Lease> lease = db_->Reader();
  if (!lease.ok()) return lease.status();
  Connection& c = **lease;
  if (Status s = c.Exec("BEGIN"); !s.ok()) return s;
  struct EndRead {
    Connection& c;
    ~EndRead() { c.Exec("COMMIT"); }
  } end_read{c};
  {
    Stmt stmt(c.PrepareText(sql));
    if (!stmt) return c.Error("listing error groups");
    auto bind = [&](const char* name, auto value) {
      int i = sqlite3_bind_parameter_index(stmt.get(), name);
      if (i > 0) stmt.Bind(i, value);
    };
    bind(":service", std::string_view(filter.service));
    bind(":environment", std::string_view(filter.environment));
    bind(":version", std::string_view(filter.version));
    bind(":query", std::string_view(filter.query));
    bind(":since", filter.since);
    bind(":until", filter.until);
    bind(":limit", SqlLimit(filter.limit));
    int rc;
    while ((rc = stmt.Step()) == SQLITE_ROW) groups.push_back(GroupFromRow(stmt));
    if (rc != SQLITE_DONE) return c.Error("listing error groups");
  }
  for (ErrorGroup& g : groups) {
    if (Status s = LoadVersions(c, g); !s.ok()) return s;
  }
  return groups;
}

Status GroupNotFound(int64_t id) {
  return Status::NotFound("no error group has the id " + std::to_string(id) +
                          "; list them with GET /api/v1/errors");
}

Result<ErrorGroup> SqliteTelemetryStore::GetErrorGroup(int64_t id) {
  Result<sqlite::Database::Lease> lease = db_->Reader();
  if (!lease.ok()) return lease.status();
  Connection& c = **lease;
  if (Status s = c.Exec("BEGIN"); !s.ok()) return s;
  struct EndRead {
    Connection& c;
    ~EndRead() { c.Exec("COMMIT"); }
  } end_read{c};
  ErrorGroup group;
  {
    Stmt stmt(c.Prepare(
        "SELECT g.id, g.service, g.environment, g.fingerprint, g.type, g.message, g.language, "
        "g.first_seen, g.last_seen, g.count FROM error_groups g WHERE g.id = ?"));
    if (!stmt) return c.Error("reading an error group");
    stmt.Bind(1, id);
    int rc = stmt.Step();
    if (rc == SQLITE_DONE) return GroupNotFound(id);
    if (rc != SQLITE_ROW) return c.Error("reading error group " + std::to_string(id));
    group = GroupFromRow(stmt);
  }
  if (Status s = LoadVersions(c, group); !s.ok()) return s;
  return group;
}

Result<std::vector<std::string>> SqliteTelemetryStore::ListErrorEvents(int64_t group_id,
                                                                       size_t limit) {
  std::vector<std::string> events;
  Result<sqlite::Database::Lease> lease = db_->Reader();
  if (!lease.ok()) return lease.status();
  Connection& c = **lease;
  Stmt stmt(
      c.Prepare("SELECT event FROM error_events WHERE group_id = ? ORDER BY seen_at DESC, id DESC "
                "LIMIT ?"));
  if (!stmt) return c.Error("listing error events");
  stmt.Bind(1, group_id);
  stmt.Bind(2, SqlLimit(limit));
  int rc;
  while ((rc = stmt.Step()) == SQLITE_ROW) events.push_back(stmt.Text(0));
  if (rc != SQLITE_DONE)
    return c.Error("listing the events of error group " + std::to_string(group_id));
  return events;
}

Result<std::map<int64_t, HourCounts>> SqliteTelemetryStore::ErrorHours(
    const std::vector<int64_t>& group_ids, int64_t since) {
  std::map<int64_t, HourCounts> hours;
  if (group_ids.empty()) return hours;
  // The ids travel as one JSON array: one statement whatever their number.
  std::string ids = "[";
  for (int64_t id : group_ids) {
    if (ids.size() > 1) ids += ',';
    ids += std::to_string(id);
  }
  ids += ']';
  Result<sqlite::Database::Lease> lease = db_->Reader();
  if (!lease.ok()) return lease.status();
  Connection& c = **lease;
  Stmt stmt(
      c.Prepare("SELECT group_id, hour, count FROM error_hours WHERE group_id IN "
                "(SELECT value FROM json_each(?1)) AND hour >= ?2 ORDER BY group_id, hour"));
  if (!stmt) return c.Error("reading the hours of error groups");
  stmt.Bind(1, ids);
  stmt.Bind(2, since);
  int rc;
  while ((rc = stmt.Step()) == SQLITE_ROW) {
    hours[stmt.Int(0)].emplace_back(stmt.Int(1), stmt.Int(2));
  }
  if (rc != SQLITE_DONE) return c.Error("reading the hours of error groups");
  return hours;
}

Status SqliteTelemetryStore::AddCodeOrigins(const std::vector<CodeOriginDelta>& deltas) {
  if (deltas.empty()) return Status::Ok();
  Status s = db_->WriteTransaction([&](Connection& c) -> Status {
    // The frame, version and trace follow the newest delta; the git tags too,
    // unless it had none.
    Stmt stmt(c.Prepare(
        "INSERT INTO code_origins (service, environment, resource, version, file, line, col, "
        "function, type, repository_url, commit_sha, count, errors, first_seen, last_seen, "
        "latest_trace_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (service, environment, resource) DO UPDATE SET "
        "version = CASE WHEN excluded.last_seen >= last_seen THEN excluded.version "
        "ELSE version END, "
        "file = CASE WHEN excluded.last_seen >= last_seen THEN excluded.file ELSE file END, "
        "line = CASE WHEN excluded.last_seen >= last_seen THEN excluded.line ELSE line END, "
        "col = CASE WHEN excluded.last_seen >= last_seen THEN excluded.col ELSE col END, "
        "function = CASE WHEN excluded.last_seen >= last_seen THEN excluded.function "
        "ELSE function END, "
        "type = CASE WHEN excluded.last_seen >= last_seen THEN excluded.type ELSE type END, "
        "repository_url = CASE WHEN (excluded.repository_url <> '' OR excluded.commit_sha <> '') "
        "AND (excluded.last_seen >= last_seen OR (repository_url = '' AND commit_sha = '')) "
        "THEN excluded.repository_url ELSE repository_url END, "
        "commit_sha = CASE WHEN (excluded.repository_url <> '' OR excluded.commit_sha <> '') "
        "AND (excluded.last_seen >= last_seen OR (repository_url = '' AND commit_sha = '')) "
        "THEN excluded.commit_sha ELSE commit_sha END, "
        "latest_trace_id = CASE WHEN excluded.last_seen >= last_seen "
        "THEN excluded.latest_trace_id ELSE latest_trace_id END, "
        "count = count + excluded.count, errors = errors + excluded.errors, "
        "first_seen = MIN(first_seen, excluded.first_seen), "
        "last_seen = MAX(last_seen, excluded.last_seen)"));
    if (!stmt) return c.Error("storing a code origin");
    for (const CodeOriginDelta& d : deltas) {
      stmt.Reset();
      stmt.Bind(1, d.service);
      stmt.Bind(2, d.environment);
      stmt.Bind(3, d.resource);
      stmt.Bind(4, d.version);
      stmt.Bind(5, d.file);
      stmt.Bind(6, static_cast<int64_t>(d.line));
      stmt.Bind(7, static_cast<int64_t>(d.column));
      stmt.Bind(8, d.function);
      stmt.Bind(9, d.type);
      stmt.Bind(10, d.repository_url);
      stmt.Bind(11, d.commit_sha);
      stmt.Bind(12, d.count);
      stmt.Bind(13, d.errors);
      stmt.Bind(14, d.first_seen);
      stmt.Bind(15, d.last_seen);
      stmt.Bind(16, d.latest_trace_id);
      if (stmt.Step() != SQLITE_DONE) {
        return c.Error("storing code origin '" + d.resource + "' of service '" + d.service + "'");
      }
    }
    return Status::Ok();
  });
  return s.ok() ? s : s.WithContext("storing " + std::to_string(deltas.size()) + " code origins");
}

Result<std::vector<CodeOrigin>> SqliteTelemetryStore::ListCodeOrigins(std::string_view service,
                                                                      size_t limit) {
  std::vector<CodeOrigin> origins;
  Result<sqlite::Database::Lease> lease = db_->Reader();
  if (!lease.ok()) return lease.status();
  Connection& c = **lease;
  Stmt stmt(
      c.Prepare("SELECT service, environment, resource, version, file, line, col, function, type, "
                "repository_url, commit_sha, count, errors, first_seen, last_seen, latest_trace_id "
                "FROM code_origins WHERE (?1 = '' OR service = ?1) "
                "ORDER BY count DESC, service, environment, resource LIMIT ?2"));
  if (!stmt) return c.Error("listing code origins");
  stmt.Bind(1, service);
  stmt.Bind(2, SqlLimit(limit));
  int rc;
  while ((rc = stmt.Step()) == SQLITE_ROW) {
    CodeOrigin o;
    o.service = stmt.Text(0);
    o.environment = stmt.Text(1);
    o.resource = stmt.Text(2);
    o.version = stmt.Text(3);
    o.file = stmt.Text(4);
    o.line = static_cast<int>(stmt.Int(5));
    o.column = static_cast<int>(stmt.Int(6));
    o.function = stmt.Text(7);
    o.type = stmt.Text(8);
    o.repository_url = stmt.Text(9);
    o.commit_sha = stmt.Text(10);
    o.count = stmt.Int(11);
    o.errors = stmt.Int(12);
    o.first_seen = stmt.Int(13);
    o.last_seen = stmt.Int(14);
    o.latest_trace_id = stmt.Text(15);
    origins.push_back(std::move(o));
  }
  if (rc != SQLITE_DONE) return c.Error("listing code origins");
  return origins;
}

Status SqliteTelemetryStore::PutServiceTags(const std::vector<ServiceTags>& tags) {
  if (tags.empty()) return Status::Ok();
  return db_->WriteTransaction([&](Connection& c) -> Status {
    Stmt stmt(c.Prepare(
        "INSERT INTO service_tags (service, version, repository_url, commit_sha, root_path, "
        "last_seen) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (service, version) DO UPDATE SET "
        "repository_url = CASE WHEN excluded.last_seen >= last_seen "
        "THEN excluded.repository_url ELSE repository_url END, "
        "commit_sha = CASE WHEN excluded.last_seen >= last_seen THEN excluded.commit_sha "
        "ELSE commit_sha END, "
        "root_path = CASE WHEN excluded.last_seen >= last_seen THEN excluded.root_path "
        "ELSE root_path END, "
        "last_seen = MAX(last_seen, excluded.last_seen)"));
    if (!stmt) return c.Error("storing service tags");
    for (const ServiceTags& t : tags) {
      stmt.Reset();
      stmt.Bind(1, t.service);
      stmt.Bind(2, t.version);
      stmt.Bind(3, t.repository_url);
      stmt.Bind(4, t.commit);
      stmt.Bind(5, t.root_path);
      stmt.Bind(6, t.last_seen);
      if (stmt.Step() != SQLITE_DONE) {
        return c.Error("storing the git tags of service '" + t.service + "'");
      }
    }
    return Status::Ok();
  });
}

Result<ServiceTags> SqliteTelemetryStore::GetServiceTags(std::string_view service,
                                                         std::string_view version) {
  Result<sqlite::Database::Lease> lease = db_->Reader();
  if (!lease.ok()) return lease.status();
  Connection& c = **lease;
  Stmt stmt(
      c.Prepare("SELECT service, version, repository_url, commit_sha, root_path, last_seen "
                "FROM service_tags WHERE service = ?1 AND (?2 = '' OR version = ?2) "
                "ORDER BY last_seen DESC, version DESC LIMIT 1"));
  if (!stmt) return c.Error("reading service tags");
  stmt.Bind(1, service);
  stmt.Bind(2, version);
  int rc = stmt.Step();
  if (rc == SQLITE_DONE) {
    return Status::NotFound(
        "no git tags were learnt for service '" + std::string(service) +
        (version.empty() ? std::string("'") : "' at version '" + std::string(version) + "'") +
        "; send telemetry with git tags (DD_GIT_*, vcs.*)");
  }
  if (rc != SQLITE_ROW)
    return c.Error("reading the tags of service '" + std::string(service) + "'");
  return ServiceTags{stmt.Text(0), stmt.Text(1), stmt.Text(2),
                     stmt.Text(3), stmt.Text(4), stmt.Int(5)};
}

Result<std::vector<ServiceSummary>> SqliteTelemetryStore::ListServices() {
  Result<sqlite::Database::Lease> lease = db_->Reader();
  if (!lease.ok()) return lease.status();
  Connection& c = **lease;
  Stmt stmt(c.Prepare(
      "SELECT service, SUM(g), SUM(o), MAX(ls) FROM ("
      "SELECT service, COUNT(*) AS g, 0 AS o, MAX(last_seen) AS ls FROM error_groups "
      "GROUP BY service "
      "UNION ALL SELECT service, 0, COUNT(*), MAX(last_seen) FROM code_origins GROUP BY service "
      "UNION ALL SELECT service, 0, 0, MAX(last_seen) FROM service_tags GROUP BY service"
      ") GROUP BY service ORDER BY service"));
  if (!stmt) return c.Error("listing services");
  std::vector<ServiceSummary> services;
  int rc;
  while ((rc = stmt.Step()) == SQLITE_ROW) {
    services.push_back(ServiceSummary{stmt.Text(0), stmt.Int(1), stmt.Int(2), stmt.Int(3)});
  }
  if (rc != SQLITE_DONE) return c.Error("listing services");
  return services;
}

Result<int64_t> SqliteTelemetryStore::CollectTelemetry(int64_t older_than) {
  int64_t removed = 0;
  Status s = db_->WriteTransaction([&](Connection& c) -> Status {
    removed = 0;
    // Events and hour counts first (a group last seen before older_than has
    // only older ones), then the versions and hours of the groups that go
    // (not counted), the groups, the origins.
    const struct {
      const char* sql;
      int64_t bound;
      bool counted;
    } deletes[] = {
        {"DELETE FROM error_events WHERE seen_at < ?", older_than, true},
        // The hours that ended by older_than.
        {"DELETE FROM error_hours WHERE hour <= ?", older_than - kHourMs, true},
        {"DELETE FROM error_versions WHERE group_id IN "
         "(SELECT id FROM error_groups WHERE last_seen < ?)",
         older_than, false},
        {"DELETE FROM error_hours WHERE group_id IN "
         "(SELECT id FROM error_groups WHERE last_seen < ?)",
         older_than, false},
        {"DELETE FROM error_groups WHERE last_seen < ?", older_than, true},
        {"DELETE FROM code_origins WHERE last_seen < ?", older_than, true},
        {"DELETE FROM profiles WHERE end_ms < ?", older_than, true},
    };
    for (const auto& d : deletes) {
      Stmt stmt(c.Prepare(d.sql));
      if (!stmt) return c.Error("deleting old telemetry");
      stmt.Bind(1, d.bound);
      if (stmt.Step() != SQLITE_DONE) return c.Error("deleting old telemetry");
      if (d.counted) removed += sqlite3_changes(c.db());
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return removed;
}

Status SqliteTelemetryStore::AddProfiles(const std::vector<ProfileChunk>& chunks) {
  for (const ProfileChunk& p : chunks) {
    if (Status s = CheckProfileChunk(p); !s.ok()) return s;
  }
  return db_->WriteTransaction([&](Connection& c) -> Status {
    for (const ProfileChunk& p : chunks) {
      Stmt stmt(c.Prepare(
          "INSERT INTO profiles (service, profile_type, labels, repository_url, commit_sha, "
          "root_path, start_ms, end_ms, total, tree, lines) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
          "?)"));
      if (!stmt) return c.Error("storing a profile");
      stmt.Bind(1, p.service);
      stmt.Bind(2, p.profile_type);
      stmt.Bind(3, p.labels);
      stmt.Bind(4, p.repository_url);
      stmt.Bind(5, p.commit);
      stmt.Bind(6, p.root_path);
      stmt.Bind(7, p.start);
      stmt.Bind(8, p.end);
      stmt.Bind(9, p.total);
      stmt.BindBlob(10, p.tree);
      stmt.BindBlob(11, p.lines);
      if (stmt.Step() != SQLITE_DONE) return c.Error("storing a profile of " + p.service);
    }
    return Status::Ok();
  });
}

Result<std::vector<ProfileSeriesInfo>> SqliteTelemetryStore::ListProfileSeries() {
  std::vector<ProfileSeriesInfo> out;
  Result<sqlite::Database::Lease> lease = db_->Reader();
  if (!lease.ok()) return lease.status();
  Status s = [&](Connection& c) -> Status {
    Stmt stmt(c.Prepare(
        "SELECT service, profile_type, MIN(start_ms), MAX(end_ms), COUNT(*) FROM profiles "
        "GROUP BY service, profile_type ORDER BY service, profile_type"));
    if (!stmt) return c.Error("listing profiles");
    int rc;
    while ((rc = stmt.Step()) == SQLITE_ROW) {
      out.push_back({stmt.Text(0), stmt.Text(1), stmt.Int(2), stmt.Int(3), stmt.Int(4)});
    }
    return rc == SQLITE_DONE ? Status::Ok() : c.Error("listing profiles");
  }(**lease);
  if (!s.ok()) return s;
  return out;
}

Result<std::vector<ProfileChunk>> SqliteTelemetryStore::ReadProfiles(const ProfileQuery& q) {
  std::vector<ProfileChunk> out;
  Result<sqlite::Database::Lease> lease = db_->Reader();
  if (!lease.ok()) return lease.status();
  Status s = [&](Connection& c) -> Status {
    Stmt stmt(c.Prepare(
        "SELECT service, profile_type, labels, repository_url, commit_sha, root_path, start_ms, "
        "end_ms, total, tree, lines FROM profiles WHERE service = ? AND profile_type = ? AND "
        "end_ms >= ? AND (? = 0 OR start_ms <= ?) AND (? = '' OR commit_sha = ?) "
        "ORDER BY end_ms DESC, id DESC LIMIT ?"));
    if (!stmt) return c.Error("reading profiles");
    stmt.Bind(1, q.service);
    stmt.Bind(2, q.profile_type);
    stmt.Bind(3, q.from);
    stmt.Bind(4, q.until);
    stmt.Bind(5, q.until);
    stmt.Bind(6, q.commit);
    stmt.Bind(7, q.commit);
    stmt.Bind(8, SqlLimit(q.limit));
    int rc;
    while ((rc = stmt.Step()) == SQLITE_ROW) {
      ProfileChunk p;
      p.service = stmt.Text(0);
      p.profile_type = stmt.Text(1);
      p.labels = stmt.Text(2);
      p.repository_url = stmt.Text(3);
      p.commit = stmt.Text(4);
      p.root_path = stmt.Text(5);
      p.start = stmt.Int(6);
      p.end = stmt.Int(7);
      p.total = stmt.Int(8);
      p.tree = std::string(stmt.Blob(9));
      p.lines = std::string(stmt.Blob(10));
      out.push_back(std::move(p));
    }
    return rc == SQLITE_DONE ? Status::Ok() : c.Error("reading profiles");
  }(**lease);
  if (!s.ok()) return s;
  return out;
}

}  // namespace

Result<std::unique_ptr<TelemetryStore>> OpenSqliteTelemetryStore(const std::string& path,
                                                                 size_t max_events_per_group) {
  if (path.empty()) {
    return Status::InvalidArgument(
        "SQLite database path is empty; pass a file path or \":memory:\"");
  }
  Result<std::unique_ptr<sqlite::Database>> db = sqlite::Database::Open(path);
  if (!db.ok()) return db.status();
  return std::unique_ptr<TelemetryStore>(
      std::make_unique<SqliteTelemetryStore>(std::move(db).value(), max_events_per_group));
}

}  // namespace srclink
