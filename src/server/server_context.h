// ServerContext: what every route of `srclink serve` needs — the store, the
// operator's host declarations, the caches, metrics and the access check —
// plus the helpers that keep every route's answers alike.
//
// Routes live in files by concern and register themselves on the
// httplib::Server: upload_routes.cc (upload, datadog-ci srcmap),
// read_routes.cc (resolve, snippet, /go/ redirects, listings),
// fetch_routes.cc (/api/v1/fetch) and server.cc (healthz, metrics, keys). Thread-safety: the
// context is shared by every request thread; everything in it is thread-safe.
#pragma once

#include <httplib.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/provider.h"
#include "core/status.h"
#include "server/content_fetch.h"
#include "store/store.h"

namespace srclink::server {

class CommitCache;  // commit_cache.h: (repository, commit) → PathIndex and blob ids
class BlobCache;    // blob_cache.h: blob id → decompressed lines, for snippets
class Metrics;      // metrics.h: Prometheus counters and histograms

struct ServerOptions {
  std::string listen = "127.0.0.1:7878";  // HOST:PORT; port 0 picks a free one (tests)
  std::string data_dir = "srclink-data";  // SQLite database and other state
  std::string database;                   // "postgres://…"; empty: SQLite in data_dir
  bool no_auth = false;                   // only allowed on a loopback address
  // Datadog agent endpoints (datadog_routes.h) take tracers' traffic without a
  // key: tracers send none. Set by --accept-agent-traffic (loopback or an explicit listener).
  // Datadog tracers send no key to an agent: accept /v0.4|0.5/traces and
  // /info without one (--accept-agent-traffic; only on loopback listeners).
  bool agent_no_auth = false;
  std::string otlp_listen;       // extra listener for OTLP/HTTP only ("127.0.0.1:4318"); "" = none
  std::string agent_listen;      // extra listener for the Datadog agent routes ("127.0.0.1:8126")
  std::string pyroscope_listen;  // extra listener for Pyroscope's /ingest ("127.0.0.1:4040")
  int64_t telemetry_retention_days = 30;  // error groups and code origins unseen this long go
  size_t max_body = 64u << 20;            // bytes, compressed and decompressed
  int64_t retention_days = 7;             // contents unused this long are collected; 0 keeps them
  size_t commit_cache_entries = 64;
  size_t blob_cache_bytes = 256u << 20;
  HostRegistry hosts;
  FetchOptions fetch;  // contents fetched from git remotes; off unless hosts are allowed
};

}  // namespace srclink::server
namespace srclink {
class TelemetrySink;   // ingest/telemetry_sink.h
class TelemetryStore;  // store/telemetry_store.h
}  // namespace srclink
namespace srclink::server {

struct ServerContext {
  const ServerOptions* options = nullptr;
  Store* store = nullptr;
  CommitCache* commits = nullptr;
  BlobCache* blobs = nullptr;
  Metrics* metrics = nullptr;
  // Fetches contents from git remotes (content_fetch.h); null when fetching
  // is off. Read routes that find contents missing call
  // fetch->RequestContents(repository_url, commit_sha).
  ContentFetch* fetch = nullptr;
  // Where ingest routes (OTLP, Datadog tracers) hand decoded telemetry
  // (ingest/telemetry_sink.h); null until the server wires one.
  TelemetrySink* telemetry = nullptr;
  // What ingest keeps: error groups, code origins, learnt service tags; null
  // when the server keeps no telemetry.
  TelemetryStore* telemetry_store = nullptr;
  std::function<int64_t()> now;  // unix seconds

  // Checks the request's key (Authorization: Bearer, or DD-API-KEY) for
  // `scope`. On failure writes the 401/403 answer and returns false.
  std::function<bool(const httplib::Request&, httplib::Response&, ApiScope)> authorize;
};

// Writes {"error": {"code": …, "message": …, "field": …}} with `http_status`.
// `code` is one of: invalid_argument, unauthenticated, permission_denied,
// not_found, payload_too_large, unsupported_media_type, internal, unavailable.
void SendError(httplib::Response& res, int http_status, std::string_view code,
               const std::string& message, const std::string& field = "");

// A Status as an error answer: kInvalidArgument → 400, kNotFound → 404,
// kUnavailable → 503, others → 500 (the message of a 500 is logged, and the
// client gets "internal error; see the server log").
void SendStatus(httplib::Response& res, const Status& status, const std::string& field = "");

// The request body, decompressed per Content-Encoding (identity, gzip,
// zstd), at most options.max_body bytes. On failure writes the error answer
// (400, 413 or 415) and returns std::nullopt.
std::optional<std::string> ReadBody(const ServerContext& ctx, const httplib::Request& req,
                                    httplib::Response& res);

void RegisterUploadRoutes(httplib::Server& http, ServerContext& ctx);  // upload_routes.cc
void RegisterReadRoutes(httplib::Server& http, ServerContext& ctx);    // read_routes.cc
void RegisterFetchRoutes(httplib::Server& http, ServerContext& ctx);   // fetch_routes.cc

}  // namespace srclink::server
