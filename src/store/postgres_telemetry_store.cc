// PostgresTelemetryStore: see postgres_telemetry_store.h and telemetry_store.h.
//
// A call's rows travel as arrays ($1::text[], …) unnested into one
// INSERT … ON CONFLICT DO UPDATE per table, so a flush of hundreds of deltas
// is a handful of round trips. One statement may not update a row twice, so a
// call's deltas are split into rounds in which every key appears once; each
// round is sorted by key so that concurrent flushes lock rows in one order
// (deadlocks, still possible across rounds, are retried by Pool).
#include "store/postgres_telemetry_store.h"

#include <algorithm>
#include <map>
#include <unordered_map>
#include <utility>

#include "store/pg_connection.h"

namespace srclink {
namespace {

using pg::Conn;
using pg::Param;
using pg::PgResult;
using pg::ToInt64;

// pg_advisory_xact_lock key for telemetry migrations ("srclink" + 1; the
// Store's is 120325128228471).
constexpr const char* kMigrationLockKey = "120325128228472";

// Never edit one that has shipped: append.
const char* const kMigrations[] = {
    R"sql(
CREATE TABLE error_groups (
  id BIGSERIAL PRIMARY KEY,
  service TEXT NOT NULL,
  environment TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  type TEXT NOT NULL,
  message TEXT NOT NULL,
  language TEXT NOT NULL,
  first_seen BIGINT NOT NULL,
  last_seen BIGINT NOT NULL,
  count BIGINT NOT NULL,
  UNIQUE (service, environment, fingerprint)
);
CREATE INDEX error_groups_by_last_seen ON error_groups (last_seen);
CREATE INDEX error_groups_by_service ON error_groups (service, last_seen);
CREATE TABLE error_versions (
  group_id BIGINT NOT NULL REFERENCES error_groups (id) ON DELETE CASCADE,
  version TEXT NOT NULL,
  count BIGINT NOT NULL,
  first_seen BIGINT NOT NULL,
  last_seen BIGINT NOT NULL,
  PRIMARY KEY (group_id, version)
);
CREATE INDEX error_versions_by_version ON error_versions (version, group_id);
CREATE TABLE error_events (
  id BIGSERIAL PRIMARY KEY,
  group_id BIGINT NOT NULL REFERENCES error_groups (id) ON DELETE CASCADE,
  seen_at BIGINT NOT NULL,
  event TEXT NOT NULL
);
CREATE INDEX error_events_by_group ON error_events (group_id, seen_at, id);
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
  count BIGINT NOT NULL,
  errors BIGINT NOT NULL,
  first_seen BIGINT NOT NULL,
  last_seen BIGINT NOT NULL,
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
  last_seen BIGINT NOT NULL,
  PRIMARY KEY (service, version)
);
CREATE INDEX service_tags_by_last_seen ON service_tags (service, last_seen);
)sql",
    R"sql(
CREATE TABLE profiles (
  id BIGSERIAL PRIMARY KEY,
  service TEXT NOT NULL,
  profile_type TEXT NOT NULL,
  labels TEXT NOT NULL,
  repository_url TEXT NOT NULL,
  commit_sha TEXT NOT NULL,
  root_path TEXT NOT NULL,
  start_ms BIGINT NOT NULL,
  end_ms BIGINT NOT NULL,
  total BIGINT NOT NULL,
  tree BYTEA NOT NULL,
  lines BYTEA NOT NULL
);
CREATE INDEX profiles_by_series ON profiles (service, profile_type, end_ms);
CREATE INDEX profiles_by_end ON profiles (end_ms);
)sql",
    R"sql(
CREATE TABLE error_hours (
  group_id BIGINT NOT NULL REFERENCES error_groups (id) ON DELETE CASCADE,
  hour BIGINT NOT NULL,
  count BIGINT NOT NULL,
  PRIMARY KEY (group_id, hour)
);
CREATE INDEX error_hours_by_hour ON error_hours (hour);
)sql",
};
constexpr int kSchemaVersion = sizeof(kMigrations) / sizeof(kMigrations[0]);

// Builds one array parameter ("{…}") element by element.
class ArrayParam {
 public:
  ArrayParam() : text_("{") {}
  void Add(std::string_view s) { pg::AppendArrayElement(text_, s); }
  void Add(int64_t n) {
    if (text_.size() > 1) text_ += ',';
    text_ += std::to_string(n);
  }
  Param Done() const { return Param(text_ + "}"); }

 private:
  std::string text_;
};

// `items` split into rounds in which each key appears once (its k-th
// occurrence goes to round k), each round sorted by key.
template <typename T, typename KeyFn>
std::vector<std::vector<const T*>> Rounds(const std::vector<T>& items, KeyFn key) {
  std::vector<std::vector<const T*>> rounds;
  std::unordered_map<std::string, size_t> seen;
  for (const T& item : items) {
    size_t k = seen[key(item)]++;
    if (k >= rounds.size()) rounds.resize(k + 1);
    rounds[k].push_back(&item);
  }
  for (auto& round : rounds) {
    std::sort(round.begin(), round.end(),
              [&](const T* a, const T* b) { return key(*a) < key(*b); });
  }
  return rounds;
}

// NUL separates the parts: stored strings never contain one.
std::string Key3(std::string_view a, std::string_view b, std::string_view c) {
  std::string k;
  k.reserve(a.size() + b.size() + c.size() + 2);
  k.append(a).append(1, '\0').append(b).append(1, '\0').append(c);
  return k;
}

std::string Text(const PGresult* res, int row, int col) {
  return std::string(PQgetvalue(res, row, col), PQgetlength(res, row, col));
}
int64_t Int(const PGresult* res, int row, int col) { return ToInt64(PQgetvalue(res, row, col)); }

Param Limit(size_t limit) {
  return Param(static_cast<int64_t>(std::min<size_t>(limit, INT64_MAX)));
}

class PostgresTelemetryStore final : public TelemetryStore {
 public:
  PostgresTelemetryStore(std::unique_ptr<pg::Pool> pool, size_t max_events)
      : pool_(std::move(pool)), max_events_(max_events) {}

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

  Status Ping() {
    Result<std::unique_ptr<Conn>> conn = pool_->Acquire();
    return conn.ok() ? Status::Ok() : conn.status();
  }

 private:
  Status AddErrorRound(Conn& c, const std::vector<const ErrorGroupDelta*>& round,
                       std::vector<int64_t>& touched);
  // Fills the versions of `groups` (newest first).
  Status LoadVersions(Conn& c, std::vector<ErrorGroup>& groups);

  std::unique_ptr<pg::Pool> pool_;
  const size_t max_events_;
};

Status PostgresTelemetryStore::Migrate() {
  return pool_->InTransaction([&](Conn& c) -> Status {
    // Serializes servers that start at once; released at COMMIT.
    Result<PgResult> r =
        c.Exec((std::string("SELECT pg_advisory_xact_lock(") + kMigrationLockKey + ")").c_str());
    if (!r.ok()) return r.status();
    r = c.Exec(
        "CREATE TABLE IF NOT EXISTS telemetry_schema_version (version INTEGER PRIMARY KEY, "
        "applied_at BIGINT NOT NULL)");
    if (!r.ok()) return r.status();
    r = c.Exec("SELECT coalesce(max(version), 0) FROM telemetry_schema_version");
    if (!r.ok()) return r.status();
    int version = static_cast<int>(ToInt64(PQgetvalue(r->get(), 0, 0)));
    if (version > kSchemaVersion) {
      return Status::Unavailable("postgres " + pool_->where() + " has telemetry schema " +
                                 std::to_string(version) + ", newer than this srclink's " +
                                 std::to_string(kSchemaVersion) + "; upgrade srclink");
    }
    for (int v = version + 1; v <= kSchemaVersion; ++v) {
      // Simple query protocol: a migration may hold several statements.
      PgResult m(PQexec(c.raw(), kMigrations[v - 1]));
      if (!m || PQresultStatus(m.get()) != PGRES_COMMAND_OK) {
        return pool_->Error("telemetry migration " + std::to_string(v), c.raw(), m.get());
      }
      r = c.Exec(
          "INSERT INTO telemetry_schema_version (version, applied_at) "
          "VALUES ($1, extract(epoch FROM now())::bigint)",
          {Param(static_cast<int64_t>(v))});
      if (!r.ok()) return r.status();
    }
    return Status::Ok();
  });
}

Status PostgresTelemetryStore::AddErrors(const std::vector<ErrorGroupDelta>& deltas) {
  for (const ErrorGroupDelta& d : deltas) {
    if (Status s = CheckErrorGroupDelta(d); !s.ok()) return s;
  }
  if (deltas.empty()) return Status::Ok();
  auto rounds = Rounds(deltas, [](const ErrorGroupDelta& d) {
    return Key3(d.service, d.environment, d.fingerprint);
  });
  Status s = pool_->InTransaction([&](Conn& c) -> Status {
    std::vector<int64_t> touched;
    for (const auto& round : rounds) {
      if (Status s = AddErrorRound(c, round, touched); !s.ok()) return s;
    }
    if (touched.empty()) return Status::Ok();
    ArrayParam ids;
    for (int64_t id : touched) ids.Add(id);
    Result<PgResult> r = c.Exec(
        "DELETE FROM error_events WHERE id IN (SELECT id FROM (SELECT id, row_number() OVER "
        "(PARTITION BY group_id ORDER BY seen_at DESC, id DESC) AS n FROM error_events "
        "WHERE group_id = ANY ($1::bigint[])) ranked WHERE n > $2)",
        {ids.Done(), Limit(max_events_)});
    return r.ok() ? Status::Ok() : r.status();
  });
  return s.ok() ? s : s.WithContext("storing " + std::to_string(deltas.size()) + " error groups");
}

Status PostgresTelemetryStore::AddErrorRound(Conn& c,
                                             const std::vector<const ErrorGroupDelta*>& round,
                                             std::vector<int64_t>& touched) {
  ArrayParam service, environment, fingerprint, type, message, language, first, last, count;
  for (const ErrorGroupDelta* d : round) {
    service.Add(d->service);
    environment.Add(d->environment);
    fingerprint.Add(d->fingerprint);
    type.Add(d->type);
    message.Add(d->message);
    language.Add(d->language);
    first.Add(d->first_seen);
    last.Add(d->last_seen);
    count.Add(d->count);
  }
  Result<PgResult> r = c.Exec(
      "INSERT INTO error_groups AS g (service, environment, fingerprint, type, message, language, "
      "first_seen, last_seen, count) "
      "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], "
      "$6::text[], $7::bigint[], $8::bigint[], $9::bigint[]) "
      "ON CONFLICT (service, environment, fingerprint) DO UPDATE SET "
      "count = g.count + EXCLUDED.count, "
      "first_seen = LEAST(g.first_seen, EXCLUDED.first_seen), "
      "last_seen = GREATEST(g.last_seen, EXCLUDED.last_seen), "
      "type = CASE WHEN EXCLUDED.last_seen >= g.last_seen THEN EXCLUDED.type ELSE g.type END, "
      "message = CASE WHEN EXCLUDED.last_seen >= g.last_seen THEN EXCLUDED.message "
      "ELSE g.message END, "
      "language = CASE WHEN EXCLUDED.language <> '' AND (EXCLUDED.last_seen >= g.last_seen OR "
      "g.language = '') THEN EXCLUDED.language ELSE g.language END "
      "RETURNING id, service, environment, fingerprint",
      {service.Done(), environment.Done(), fingerprint.Done(), type.Done(), message.Done(),
       language.Done(), first.Done(), last.Done(), count.Done()});
  if (!r.ok()) return r.status();
  std::unordered_map<std::string, int64_t> ids;
  for (int i = 0; i < PQntuples(r->get()); ++i) {
    ids[Key3(Text(r->get(), i, 1), Text(r->get(), i, 2), Text(r->get(), i, 3))] =
        Int(r->get(), i, 0);
  }

  ArrayParam v_group, v_name, v_count, v_first, v_last;
  ArrayParam e_group, e_seen, e_event;
  ArrayParam h_group, h_hour, h_count;
  bool any_version = false, any_event = false, any_hour = false;
  for (const ErrorGroupDelta* d : round) {
    auto it = ids.find(Key3(d->service, d->environment, d->fingerprint));
    if (it == ids.end()) {
      return Status::Internal("postgres " + pool_->where() + ": error group " + d->fingerprint +
                              " was not returned by its upsert");
    }
    int64_t id = it->second;
    std::map<std::string_view, int64_t> versions;  // one row per version
    for (const auto& [version, n] : d->versions) versions[version] += n;
    for (const auto& [version, n] : versions) {
      v_group.Add(id);
      v_name.Add(version);
      v_count.Add(n);
      v_first.Add(d->first_seen);
      v_last.Add(d->last_seen);
      any_version = true;
    }
    std::map<int64_t, int64_t> hours;  // one row per hour
    for (const auto& [hour, n] : d->hours) hours[hour] += n;
    for (const auto& [hour, n] : hours) {
      h_group.Add(id);
      h_hour.Add(hour);
      h_count.Add(n);
      any_hour = true;
    }
    if (max_events_ == 0 || d->events.empty()) continue;
    size_t start = d->events.size() > max_events_ ? d->events.size() - max_events_ : 0;
    for (size_t i = start; i < d->events.size(); ++i) {
      e_group.Add(id);
      e_seen.Add(d->last_seen);
      e_event.Add(d->events[i]);
      any_event = true;
    }
    touched.push_back(id);
  }
  if (any_version) {
    r = c.Exec(
        "INSERT INTO error_versions AS v (group_id, version, count, first_seen, last_seen) "
        "SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[], "
        "$5::bigint[]) ON CONFLICT (group_id, version) DO UPDATE SET "
        "count = v.count + EXCLUDED.count, first_seen = LEAST(v.first_seen, EXCLUDED.first_seen), "
        "last_seen = GREATEST(v.last_seen, EXCLUDED.last_seen)",
        {v_group.Done(), v_name.Done(), v_count.Done(), v_first.Done(), v_last.Done()});
    if (!r.ok()) return r.status();
  }
  if (any_hour) {
    r = c.Exec(
        "INSERT INTO error_hours AS h (group_id, hour, count) "
        "SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) "
        "ON CONFLICT (group_id, hour) DO UPDATE SET count = h.count + EXCLUDED.count",
        {h_group.Done(), h_hour.Done(), h_count.Done()});
    if (!r.ok()) return r.status();
  }
  if (any_event) {
    r = c.Exec(
        "INSERT INTO error_events (group_id, seen_at, event) "
        "SELECT g, s, e FROM unnest($1::bigint[], $2::bigint[], $3::text[]) WITH ORDINALITY "
        "AS t (g, s, e, n) ORDER BY n",
        {e_group.Done(), e_seen.Done(), e_event.Done()});
    if (!r.ok()) return r.status();
  }
  return Status::Ok();
}

constexpr const char* kGroupColumns =
    "g.id, g.service, g.environment, g.fingerprint, g.type, g.message, g.language, "
    "g.first_seen, g.last_seen, g.count";

ErrorGroup GroupFromRow(const PGresult* res, int i) {
  ErrorGroup g;
  g.id = Int(res, i, 0);
  g.service = Text(res, i, 1);
  g.environment = Text(res, i, 2);
  g.fingerprint = Text(res, i, 3);
  g.type = Text(res, i, 4);
  g.message = Text(res, i, 5);
  g.language = Text(res, i, 6);
  g.first_seen = Int(res, i, 7);
  g.last_seen = Int(res, i, 8);
  g.count = Int(res, i, 9);
  return g;
}

Status PostgresTelemetryStore::LoadVersions(Conn& c, std::vector<ErrorGroup>& groups) {
  if (groups.empty()) return Status::Ok();
  ArrayParam ids;
  std::unordered_map<int64_t, ErrorGroup*> by_id;
  for (ErrorGroup& g : groups) {
    ids.Add(g.id);
    by_id[g.id] = &g;
  }
  Result<PgResult> r = c.Exec(
      "SELECT group_id, version, count, first_seen, last_seen FROM error_versions "
      "WHERE group_id = ANY ($1::bigint[]) ORDER BY last_seen DESC, version COLLATE \"C\"",
      {ids.Done()});
  if (!r.ok()) return r.status();
  for (int i = 0; i < PQntuples(r->get()); ++i) {
    by_id[Int(r->get(), i, 0)]->versions.push_back(ErrorVersion{
        Text(r->get(), i, 1), Int(r->get(), i, 2), Int(r->get(), i, 3), Int(r->get(), i, 4)});
  }
  return Status::Ok();
}

Result<std::vector<ErrorGroup>> PostgresTelemetryStore::ListErrorGroups(
    const ErrorGroupFilter& filter) {
  std::vector<ErrorGroup> groups;
  if (filter.limit == 0) return groups;
  std::vector<Param> params;
  std::string sql = std::string("SELECT ") + kGroupColumns + " FROM error_groups g WHERE true";
  auto next = [&](Param p) {
    params.push_back(std::move(p));
    return "$" + std::to_string(params.size());
  };
  if (!filter.service.empty()) sql += " AND g.service = " + next(filter.service);
  if (!filter.environment.empty()) sql += " AND g.environment = " + next(filter.environment);
  if (!filter.version.empty()) {
    sql += " AND EXISTS (SELECT 1 FROM error_versions v WHERE v.group_id = g.id AND v.version = " +
           next(filter.version) + ")";
  }
  if (!filter.query.empty()) {
    std::string q = next(filter.query);
    sql += " AND (strpos(lower(g.type), lower(" + q + "::text)) > 0 OR strpos(lower(g.message), " +
           "lower(" + q + "::text)) > 0)";
  }
  if (filter.since != 0) sql += " AND g.last_seen >= " + next(filter.since);
  if (filter.until != 0) sql += " AND g.first_seen <= " + next(filter.until);
  sql += " ORDER BY g.last_seen DESC, g.id DESC LIMIT " + next(Limit(filter.limit));
  Status s = pool_->InTransaction([&](Conn& c) -> Status {
    groups.clear();
    Result<PgResult> r = c.Exec(sql.c_str(), params);
    if (!r.ok()) return r.status();
    for (int i = 0; i < PQntuples(r->get()); ++i) groups.push_back(GroupFromRow(r->get(), i));
    return LoadVersions(c, groups);
  });
  if (!s.ok()) return s;
  return groups;
}

Result<ErrorGroup> PostgresTelemetryStore::GetErrorGroup(int64_t id) {
  std::vector<ErrorGroup> groups;
  Status s = pool_->InTransaction([&](Conn& c) -> Status {
    groups.clear();
    Result<PgResult> r = c.Exec(
        (std::string("SELECT ") + kGroupColumns + " FROM error_groups g WHERE g.id = $1").c_str(),
        {Param(id)});
    if (!r.ok()) return r.status();
    for (int i = 0; i < PQntuples(r->get()); ++i) groups.push_back(GroupFromRow(r->get(), i));
    return LoadVersions(c, groups);
  });
  if (!s.ok()) return s;
  if (groups.empty()) {
    return Status::NotFound("no error group has the id " + std::to_string(id) +
                            "; list them with GET /api/v1/errors");
  }
  return std::move(groups[0]);
}

Result<std::vector<std::string>> PostgresTelemetryStore::ListErrorEvents(int64_t group_id,
                                                                         size_t limit) {
  std::vector<std::string> events;
  if (limit == 0) return events;
  Result<std::unique_ptr<Conn>> conn = pool_->Acquire();
  if (!conn.ok()) return conn.status();
  Result<PgResult> r = (*conn)->Exec(
      "SELECT event FROM error_events WHERE group_id = $1 ORDER BY seen_at DESC, id DESC "
      "LIMIT $2",
      {Param(group_id), Limit(limit)});
  if (!r.ok()) return r.status();
  for (int i = 0; i < PQntuples(r->get()); ++i) events.push_back(Text(r->get(), i, 0));
  return events;
}

Result<std::map<int64_t, HourCounts>> PostgresTelemetryStore::ErrorHours(
    const std::vector<int64_t>& group_ids, int64_t since) {
  std::map<int64_t, HourCounts> hours;
  if (group_ids.empty()) return hours;
  ArrayParam ids;
  for (int64_t id : group_ids) ids.Add(id);
  Result<std::unique_ptr<Conn>> conn = pool_->Acquire();
  if (!conn.ok()) return conn.status();
  Result<PgResult> r = (*conn)->Exec(
      "SELECT group_id, hour, count FROM error_hours WHERE group_id = ANY ($1::bigint[]) "
      "AND hour >= $2 ORDER BY group_id, hour",
      {ids.Done(), Param(since)});
  if (!r.ok()) return r.status();
  for (int i = 0; i < PQntuples(r->get()); ++i) {
    hours[Int(r->get(), i, 0)].emplace_back(Int(r->get(), i, 1), Int(r->get(), i, 2));
  }
  return hours;
}

Status PostgresTelemetryStore::AddCodeOrigins(const std::vector<CodeOriginDelta>& deltas) {
  if (deltas.empty()) return Status::Ok();
  auto rounds = Rounds(
      deltas, [](const CodeOriginDelta& d) { return Key3(d.service, d.environment, d.resource); });
  Status s = pool_->InTransaction([&](Conn& c) -> Status {
    for (const auto& round : rounds) {
      ArrayParam service, environment, resource, version, file, line, col, function, type,
          repository_url, commit_sha, count, errors, first, last, trace;
      for (const CodeOriginDelta* d : round) {
        service.Add(d->service);
        environment.Add(d->environment);
        resource.Add(d->resource);
        version.Add(d->version);
        file.Add(d->file);
        line.Add(static_cast<int64_t>(d->line));
        col.Add(static_cast<int64_t>(d->column));
        function.Add(d->function);
        type.Add(d->type);
        repository_url.Add(d->repository_url);
        commit_sha.Add(d->commit_sha);
        count.Add(d->count);
        errors.Add(d->errors);
        first.Add(d->first_seen);
        last.Add(d->last_seen);
        trace.Add(d->latest_trace_id);
      }
      // The frame, version and trace follow the newest delta; the git tags
      // too, unless it had none.
      Result<PgResult> r = c.Exec(
          "INSERT INTO code_origins AS o (service, environment, resource, version, file, line, "
          "col, function, type, repository_url, commit_sha, count, errors, first_seen, "
          "last_seen, latest_trace_id) "
          "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], "
          "$6::int[], $7::int[], $8::text[], $9::text[], $10::text[], $11::text[], $12::bigint[], "
          "$13::bigint[], $14::bigint[], $15::bigint[], $16::text[]) "
          "ON CONFLICT (service, environment, resource) DO UPDATE SET "
          "version = CASE WHEN EXCLUDED.last_seen >= o.last_seen THEN EXCLUDED.version "
          "ELSE o.version END, "
          "file = CASE WHEN EXCLUDED.last_seen >= o.last_seen THEN EXCLUDED.file ELSE o.file END, "
          "line = CASE WHEN EXCLUDED.last_seen >= o.last_seen THEN EXCLUDED.line ELSE o.line END, "
          "col = CASE WHEN EXCLUDED.last_seen >= o.last_seen THEN EXCLUDED.col ELSE o.col END, "
          "function = CASE WHEN EXCLUDED.last_seen >= o.last_seen THEN EXCLUDED.function "
          "ELSE o.function END, "
          "type = CASE WHEN EXCLUDED.last_seen >= o.last_seen THEN EXCLUDED.type ELSE o.type END, "
          "repository_url = CASE WHEN (EXCLUDED.repository_url <> '' OR "
          "EXCLUDED.commit_sha <> '') AND (EXCLUDED.last_seen >= o.last_seen OR "
          "(o.repository_url = '' AND o.commit_sha = '')) THEN EXCLUDED.repository_url "
          "ELSE o.repository_url END, "
          "commit_sha = CASE WHEN (EXCLUDED.repository_url <> '' OR EXCLUDED.commit_sha <> '') "
          "AND (EXCLUDED.last_seen >= o.last_seen OR (o.repository_url = '' AND "
          "o.commit_sha = '')) THEN EXCLUDED.commit_sha ELSE o.commit_sha END, "
          "latest_trace_id = CASE WHEN EXCLUDED.last_seen >= o.last_seen "
          "THEN EXCLUDED.latest_trace_id ELSE o.latest_trace_id END, "
          "count = o.count + EXCLUDED.count, errors = o.errors + EXCLUDED.errors, "
          "first_seen = LEAST(o.first_seen, EXCLUDED.first_seen), "
          "last_seen = GREATEST(o.last_seen, EXCLUDED.last_seen)",
          {service.Done(), environment.Done(), resource.Done(), version.Done(), file.Done(),
           line.Done(), col.Done(), function.Done(), type.Done(), repository_url.Done(),
           commit_sha.Done(), count.Done(), errors.Done(), first.Done(), last.Done(),
           trace.Done()});
      if (!r.ok()) return r.status();
    }
    return Status::Ok();
  });
  return s.ok() ? s : s.WithContext("storing " + std::to_string(deltas.size()) + " code origins");
}

Result<std::vector<CodeOrigin>> PostgresTelemetryStore::ListCodeOrigins(std::string_view service,
                                                                        size_t limit) {
  std::vector<CodeOrigin> origins;
  if (limit == 0) return origins;
  Result<std::unique_ptr<Conn>> conn = pool_->Acquire();
  if (!conn.ok()) return conn.status();
  Result<PgResult> r = (*conn)->Exec(
      "SELECT service, environment, resource, version, file, line, col, function, type, "
      "repository_url, commit_sha, count, errors, first_seen, last_seen, latest_trace_id "
      "FROM code_origins WHERE ($1::text = '' OR service = $1::text) "
      "ORDER BY count DESC, service COLLATE \"C\", environment COLLATE \"C\", "
      "resource COLLATE \"C\" LIMIT $2",
      {Param(service), Limit(limit)});
  if (!r.ok()) return r.status();
  const PGresult* res = r->get();
  for (int i = 0; i < PQntuples(res); ++i) {
    CodeOrigin o;
    o.service = Text(res, i, 0);
    o.environment = Text(res, i, 1);
    o.resource = Text(res, i, 2);
    o.version = Text(res, i, 3);
    o.file = Text(res, i, 4);
    o.line = static_cast<int>(Int(res, i, 5));
    o.column = static_cast<int>(Int(res, i, 6));
    o.function = Text(res, i, 7);
    o.type = Text(res, i, 8);
    o.repository_url = Text(res, i, 9);
    o.commit_sha = Text(res, i, 10);
    o.count = Int(res, i, 11);
    o.errors = Int(res, i, 12);
    o.first_seen = Int(res, i, 13);
    o.last_seen = Int(res, i, 14);
    o.latest_trace_id = Text(res, i, 15);
    origins.push_back(std::move(o));
  }
  return origins;
}

Status PostgresTelemetryStore::PutServiceTags(const std::vector<ServiceTags>& tags) {
  if (tags.empty()) return Status::Ok();
  auto rounds = Rounds(tags, [](const ServiceTags& t) { return Key3(t.service, t.version, ""); });
  return pool_->InTransaction([&](Conn& c) -> Status {
    for (const auto& round : rounds) {
      ArrayParam service, version, repository_url, commit, root_path, last;
      for (const ServiceTags* t : round) {
        service.Add(t->service);
        version.Add(t->version);
        repository_url.Add(t->repository_url);
        commit.Add(t->commit);
        root_path.Add(t->root_path);
        last.Add(t->last_seen);
      }
      Result<PgResult> r = c.Exec(
          "INSERT INTO service_tags AS t (service, version, repository_url, commit_sha, "
          "root_path, last_seen) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], "
          "$4::text[], $5::text[], $6::bigint[]) ON CONFLICT (service, version) DO UPDATE SET "
          "repository_url = CASE WHEN EXCLUDED.last_seen >= t.last_seen "
          "THEN EXCLUDED.repository_url ELSE t.repository_url END, "
          "commit_sha = CASE WHEN EXCLUDED.last_seen >= t.last_seen THEN EXCLUDED.commit_sha "
          "ELSE t.commit_sha END, "
          "root_path = CASE WHEN EXCLUDED.last_seen >= t.last_seen THEN EXCLUDED.root_path "
          "ELSE t.root_path END, "
          "last_seen = GREATEST(t.last_seen, EXCLUDED.last_seen)",
          {service.Done(), version.Done(), repository_url.Done(), commit.Done(), root_path.Done(),
           last.Done()});
      if (!r.ok()) return r.status();
    }
    return Status::Ok();
  });
}

Result<ServiceTags> PostgresTelemetryStore::GetServiceTags(std::string_view service,
                                                           std::string_view version) {
  Result<std::unique_ptr<Conn>> conn = pool_->Acquire();
  if (!conn.ok()) return conn.status();
  Result<PgResult> r = (*conn)->Exec(
      "SELECT service, version, repository_url, commit_sha, root_path, last_seen "
      "FROM service_tags WHERE service = $1::text AND ($2::text = '' OR version = $2::text) "
      "ORDER BY last_seen DESC, version COLLATE \"C\" DESC LIMIT 1",
      {Param(service), Param(version)});
  if (!r.ok()) return r.status();
  const PGresult* res = r->get();
  if (PQntuples(res) == 0) {
    return Status::NotFound(
        "no git tags were learnt for service '" + std::string(service) +
        (version.empty() ? std::string("'") : "' at version '" + std::string(version) + "'") +
        "; send telemetry with git tags (DD_GIT_*, vcs.*)");
  }
  return ServiceTags{Text(res, 0, 0), Text(res, 0, 1), Text(res, 0, 2),
                     Text(res, 0, 3), Text(res, 0, 4), Int(res, 0, 5)};
}

Result<std::vector<ServiceSummary>> PostgresTelemetryStore::ListServices() {
  Result<std::unique_ptr<Conn>> conn = pool_->Acquire();
  if (!conn.ok()) return conn.status();
  Result<PgResult> r = (*conn)->Exec(
      "SELECT service, sum(g), sum(o), max(ls) FROM ("
      "SELECT service, count(*) AS g, 0::bigint AS o, max(last_seen) AS ls FROM error_groups "
      "GROUP BY service "
      "UNION ALL SELECT service, 0, count(*), max(last_seen) FROM code_origins GROUP BY service "
      "UNION ALL SELECT service, 0, 0, max(last_seen) FROM service_tags GROUP BY service"
      ") s GROUP BY service ORDER BY service COLLATE \"C\"");
  if (!r.ok()) return r.status();
  std::vector<ServiceSummary> services;
  for (int i = 0; i < PQntuples(r->get()); ++i) {
    services.push_back(ServiceSummary{Text(r->get(), i, 0), Int(r->get(), i, 1),
                                      Int(r->get(), i, 2), Int(r->get(), i, 3)});
  }
  return services;
}

Status PostgresTelemetryStore::AddProfiles(const std::vector<ProfileChunk>& chunks) {
  for (const ProfileChunk& p : chunks) {
    if (Status s = CheckProfileChunk(p); !s.ok()) return s;
  }
  return pool_->InTransaction([&](Conn& c) -> Status {
    for (const ProfileChunk& p : chunks) {
      Result<PgResult> r = c.Exec(
          "INSERT INTO profiles (service, profile_type, labels, repository_url, commit_sha, "
          "root_path, start_ms, end_ms, total, tree, lines) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
          {Param(p.service), Param(p.profile_type), Param(p.labels), Param(p.repository_url),
           Param(p.commit), Param(p.root_path), Param(p.start), Param(p.end), Param(p.total),
           Param::Binary(p.tree), Param::Binary(p.lines)});
      if (!r.ok()) return r.status();
    }
    return Status::Ok();
  });
}

Result<std::vector<ProfileSeriesInfo>> PostgresTelemetryStore::ListProfileSeries() {
  Result<std::unique_ptr<Conn>> conn = pool_->Acquire();
  if (!conn.ok()) return conn.status();
  Result<PgResult> r = (*conn)->Exec(
      "SELECT service, profile_type, min(start_ms), max(end_ms), count(*) FROM profiles "
      "GROUP BY service, profile_type ORDER BY service COLLATE \"C\", profile_type COLLATE \"C\"");
  if (!r.ok()) return r.status();
  std::vector<ProfileSeriesInfo> out;
  for (int i = 0; i < PQntuples(r->get()); ++i) {
    out.push_back({Text(r->get(), i, 0), Text(r->get(), i, 1), Int(r->get(), i, 2),
                   Int(r->get(), i, 3), Int(r->get(), i, 4)});
  }
  return out;
}

Result<std::vector<ProfileChunk>> PostgresTelemetryStore::ReadProfiles(const ProfileQuery& q) {
  Result<std::unique_ptr<Conn>> conn = pool_->Acquire();
  if (!conn.ok()) return conn.status();
  // Binary results for the two BYTEA columns; numbers come as text.
  Result<PgResult> r = (*conn)->Exec(
      "SELECT service, profile_type, labels, repository_url, commit_sha, root_path, "
      "start_ms::text, end_ms::text, total::text, tree, lines FROM profiles "
      "WHERE service = $1 AND profile_type = $2 AND end_ms >= $3::bigint "
      "AND ($4::bigint = 0 OR start_ms <= $4::bigint) "
      "AND ($5::text = '' OR commit_sha = $5::text) ORDER BY end_ms DESC, id DESC LIMIT $6::bigint",
      {Param(q.service), Param(q.profile_type), Param(q.from), Param(q.until), Param(q.commit),
       Param(static_cast<int64_t>(std::min<size_t>(q.limit, INT64_MAX)))},
      /*binary_result=*/true);
  if (!r.ok()) return r.status();
  std::vector<ProfileChunk> out;
  PGresult* res = r->get();
  auto bytes = [res](int row, int col) {
    return std::string(PQgetvalue(res, row, col), PQgetlength(res, row, col));
  };
  for (int i = 0; i < PQntuples(res); ++i) {
    ProfileChunk p;
    p.service = bytes(i, 0);
    p.profile_type = bytes(i, 1);
    p.labels = bytes(i, 2);
    p.repository_url = bytes(i, 3);
    p.commit = bytes(i, 4);
    p.root_path = bytes(i, 5);
    p.start = ToInt64(bytes(i, 6).c_str());
    p.end = ToInt64(bytes(i, 7).c_str());
    p.total = ToInt64(bytes(i, 8).c_str());
    p.tree = bytes(i, 9);
    p.lines = bytes(i, 10);
    out.push_back(std::move(p));
  }
  return out;
}

Result<int64_t> PostgresTelemetryStore::CollectTelemetry(int64_t older_than) {
  int64_t removed = 0;
  Status s = pool_->InTransaction([&](Conn& c) -> Status {
    removed = 0;
    // Events and hour counts first; a group's versions and hours go with it
    // (ON DELETE CASCADE, not counted).
    const struct {
      const char* sql;
      int64_t bound;
    } deletes[] = {
        {"DELETE FROM error_events WHERE seen_at < $1", older_than},
        // The hours that ended by older_than.
        {"DELETE FROM error_hours WHERE hour <= $1", older_than - kHourMs},
        {"DELETE FROM error_groups WHERE last_seen < $1", older_than},
        {"DELETE FROM code_origins WHERE last_seen < $1", older_than},
        {"DELETE FROM profiles WHERE end_ms < $1", older_than},
    };
    for (const auto& d : deletes) {
      Result<PgResult> r = c.Exec(d.sql, {Param(d.bound)});
      if (!r.ok()) return r.status();
      removed += ToInt64(PQcmdTuples(r->get()));
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return removed;
}

}  // namespace

Result<std::unique_ptr<TelemetryStore>> OpenPostgresTelemetryStore(const std::string& url,
                                                                   size_t max_events_per_group) {
  Result<std::unique_ptr<pg::Pool>> pool = pg::Pool::Create(url);
  if (!pool.ok()) return pool.status();
  auto store =
      std::make_unique<PostgresTelemetryStore>(std::move(pool).value(), max_events_per_group);
  if (Status s = store->Ping(); !s.ok()) return s;
  return std::unique_ptr<TelemetryStore>(std::move(store));
}

}  // namespace srclink
