// TelemetryStore: what srclink keeps of ingested telemetry — errors grouped
// into issues by fingerprint (with their affected versions and the last few
// events kept whole), code origins of service entry spans, and the git tags
// learnt per service and version — on the same database as the Store
// (SQLite by default, PostgreSQL for several servers).
//
// Writes are deltas merged by the database (count = count + delta, first_seen
// = min, last_seen = max), so several servers can flush into one PostgreSQL
// without coordination, and a server flushes aggregates, not spans: the
// telemetry sink (server/telemetry_sink.h) batches a second of traffic into
// one call. Every call is one transaction and idempotent only where said.
//
// Times are unix milliseconds. Strings are bounded by the decoders
// (core/telemetry.h); events are opaque JSON text, at most kMaxErrorEventBytes.
//
// Thread-safety: may be used from many threads at once.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace srclink {

inline constexpr size_t kMaxErrorEventBytes = 256u << 10;

// Error counts are also kept per hour: an hour is named by its start, in
// unix milliseconds (a multiple of kHourMs).
inline constexpr int64_t kHourMs = 3'600'000;

// The start of the hour holding `unix_ms` (rounded down, negative times too).
inline int64_t HourStart(int64_t unix_ms) {
  int64_t r = unix_ms % kHourMs;
  return unix_ms - (r < 0 ? r + kHourMs : r);
}

// (hour start in unix ms, count) pairs.
using HourCounts = std::vector<std::pair<int64_t, int64_t>>;

// What one flush adds to one error group (service, environment, fingerprint).
struct ErrorGroupDelta {
  std::string service;
  std::string environment;
  std::string fingerprint;  // 16 hex digits (core/error_fingerprint.h)
  std::string type;         // of the newest event in the delta
  std::string message;      // of the newest event in the delta
  std::string language;     // "python", "javascript", … ("" unknown)
  int64_t first_seen = 0;
  int64_t last_seen = 0;
  int64_t count = 0;
  // Versions seen in this delta with their counts; "" is "no version".
  std::vector<std::pair<std::string, int64_t>> versions;
  // The hours of the delta's events with their counts: (hour start in unix
  // ms, a multiple of kHourMs; count >= 0). An hour may appear twice (counts add).
  HourCounts hours;
  // The newest events of the delta, oldest first; each a JSON object as text.
  std::vector<std::string> events;
};

// InvalidArgument, naming the group, unless the delta's count and hour
// counts are not negative, its hours start hours (HourStart(h) == h, h >= 0)
// and its events are within kMaxErrorEventBytes. Both stores check this in
// AddErrors.
Status CheckErrorGroupDelta(const ErrorGroupDelta& delta);

struct ErrorVersion {
  std::string version;
  int64_t count = 0;
  int64_t first_seen = 0;
  int64_t last_seen = 0;
};

struct ErrorGroup {
  int64_t id = 0;  // stable; what /api/v1/errors/{id} names
  std::string service;
  std::string environment;
  std::string fingerprint;
  std::string type;
  std::string message;
  std::string language;
  int64_t first_seen = 0;
  int64_t last_seen = 0;
  int64_t count = 0;
  std::vector<ErrorVersion> versions;  // newest last_seen first
};

struct ErrorGroupFilter {
  std::string service;      // "" = any
  std::string environment;  // "" = any
  std::string version;      // "" = any; else groups seen in that version
  std::string query;        // "" = any; else a substring of type or message (case-insensitive)
  int64_t since = 0;        // last_seen >= since (0 = no bound)
  int64_t until = 0;        // first_seen <= until (0 = no bound)
  size_t limit = 100;
};

// What one flush adds to a code origin: a service's entry point (resource)
// and where its handler is.
struct CodeOriginDelta {
  std::string service;
  std::string environment;
  std::string resource;  // "GET /users/:id"
  std::string version;   // of the newest span in the delta
  // The entry frame, as the tracer reported it.
  std::string file;
  int line = 0;
  int column = 0;
  std::string function;
  std::string type;  // class or type, "" when none
  // The git tags of the newest span, when known ("" otherwise).
  std::string repository_url;
  std::string commit_sha;
  int64_t count = 0;  // requests in the delta
  int64_t errors = 0;
  int64_t first_seen = 0;
  int64_t last_seen = 0;
  std::string latest_trace_id;  // of the newest span
};

struct CodeOrigin {
  std::string service;
  std::string environment;
  std::string resource;
  std::string version;
  std::string file;
  int line = 0;
  int column = 0;
  std::string function;
  std::string type;
  std::string repository_url;
  std::string commit_sha;
  int64_t count = 0;
  int64_t errors = 0;
  int64_t first_seen = 0;
  int64_t last_seen = 0;
  std::string latest_trace_id;
};

// Git tags learnt for a service at a version, from telemetry that carried them.
struct ServiceTags {
  std::string service;
  std::string version;  // "" when the telemetry had none
  std::string repository_url;
  std::string commit;     // as learnt: a SHA (or a ref from Pyroscope labels)
  std::string root_path;  // "" = repository root
  int64_t last_seen = 0;
};

struct ServiceSummary {
  std::string service;
  int64_t error_groups = 0;
  int64_t code_origins = 0;
  int64_t last_seen = 0;
};

// One profile's contribution to a series — a service's profile type with
// one label set at one commit — over [start, end]: the merged call tree and
// the per-line table, serialized by the server (core/call_tree.h,
// core/line_profile.h; opaque here). Chunks are only appended; readers merge
// them (both are additive).
struct ProfileChunk {
  std::string service;
  std::string profile_type;    // sample type and unit: "cpu:nanoseconds", "alloc_space:bytes"
  std::string labels;          // canonical "key=value,…", sorted by key ("" = none)
  std::string repository_url;  // from the profile's git tags; "" unknown
  std::string commit;          // a full SHA when resolved, else as given (a ref); "" unknown
  std::string root_path;       // "" = repository root
  int64_t start = 0;           // unix ms
  int64_t end = 0;             // unix ms, >= start
  int64_t total = 0;           // the sum of the samples' values
  std::string tree;            // bytes, at most kMaxProfileChunkBytes
  std::string lines;           // bytes, at most kMaxProfileChunkBytes
};

inline constexpr size_t kMaxProfileChunkBytes = 64u << 20;

// InvalidArgument, naming the chunk, unless it has a service and a profile
// type, end >= start >= 0, and parts within kMaxProfileChunkBytes. Both
// stores check this in AddProfiles.
Status CheckProfileChunk(const ProfileChunk& chunk);

// A service's profile type: what /api/v1/profiles/services lists.
struct ProfileSeriesInfo {
  std::string service;
  std::string profile_type;
  int64_t first = 0;  // unix ms: the oldest chunk's start
  int64_t last = 0;   // unix ms: the newest chunk's end
  int64_t chunks = 0;
};

struct ProfileQuery {
  std::string service;
  std::string profile_type;
  int64_t from = 0;      // chunks with end >= from (0 = no bound)
  int64_t until = 0;     // chunks with start <= until (0 = no bound)
  std::string commit;    // "" = any
  size_t limit = 10000;  // chunks, newest first
};

class TelemetryStore {
 public:
  virtual ~TelemetryStore() = default;

  // Creates or upgrades the telemetry tables (versioned, safe from several servers).
  virtual Status Migrate() = 0;

  // Merges the deltas, creating groups as needed (hour counts add too);
  // keeps at most max_events_per_group newest events per group (older ones
  // deleted). InvalidArgument (nothing stored) when CheckErrorGroupDelta
  // refuses a delta.
  virtual Status AddErrors(const std::vector<ErrorGroupDelta>& deltas) = 0;
  // Newest last_seen first.
  virtual Result<std::vector<ErrorGroup>> ListErrorGroups(const ErrorGroupFilter& filter) = 0;
  // NotFound when no group has that id.
  virtual Result<ErrorGroup> GetErrorGroup(int64_t id) = 0;
  // The group's kept events, newest first.
  virtual Result<std::vector<std::string>> ListErrorEvents(int64_t group_id, size_t limit) = 0;
  // The hour counts of the groups `group_ids` (one query), for hours starting
  // at or after `since` (unix ms), oldest first. Groups with no such hour
  // (or no such group) are absent from the map.
  virtual Result<std::map<int64_t, HourCounts>> ErrorHours(const std::vector<int64_t>& group_ids,
                                                           int64_t since) = 0;

  // Merges the deltas per (service, environment, resource); the entry frame,
  // version and git tags become those of the newest delta.
  virtual Status AddCodeOrigins(const std::vector<CodeOriginDelta>& deltas) = 0;
  // A service's code origins ("" = every service), most requests first.
  virtual Result<std::vector<CodeOrigin>> ListCodeOrigins(std::string_view service,
                                                          size_t limit) = 0;

  // Upserts per (service, version); the newest last_seen wins.
  virtual Status PutServiceTags(const std::vector<ServiceTags>& tags) = 0;
  // The tags for (service, version); with version "", the most recently seen
  // version's. NotFound when nothing was learnt.
  virtual Result<ServiceTags> GetServiceTags(std::string_view service,
                                             std::string_view version) = 0;

  virtual Result<std::vector<ServiceSummary>> ListServices() = 0;

  // Appends profile chunks (one transaction). InvalidArgument when a chunk
  // has no service or type, end < start, or a part above kMaxProfileChunkBytes.
  virtual Status AddProfiles(const std::vector<ProfileChunk>& chunks) = 0;
  // Every (service, profile type) with chunks, by service then type.
  virtual Result<std::vector<ProfileSeriesInfo>> ListProfileSeries() = 0;
  // The chunks of one service and profile type in a time range, newest first.
  virtual Result<std::vector<ProfileChunk>> ReadProfiles(const ProfileQuery& query) = 0;

  // Retention: deletes error groups (with their versions and hours) and code
  // origins last seen before `older_than`, events and profile chunks older
  // than it, and the hour counts of hours that ended by it (hour + kHourMs <=
  // older_than); returns how many rows went (a deleted group's versions and
  // hours not counted).
  virtual Result<int64_t> CollectTelemetry(int64_t older_than) = 0;
};

// The telemetry store on the database `url` names, as OpenStore() reads it:
// "postgres://…" or a SQLite file path (":memory:" for tests). Does not migrate.
Result<std::unique_ptr<TelemetryStore>> OpenTelemetryStore(const std::string& url,
                                                           size_t max_events_per_group = 20);

}  // namespace srclink
