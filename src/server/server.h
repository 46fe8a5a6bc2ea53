// Server: `srclink serve` — the HTTP API of docs/API.md over a Store.
//
// Start() binds HOST:PORT (port 0: any free port; port() tells which) and
// serves on a pool of worker threads until Stop(), which closes the
// listening socket and lets in-flight requests finish. Routes: /healthz and
// /metrics (no key), the upload routes (upload_routes.cc), the read routes
// (read_routes.cc) and /api/v1/fetch (fetch_routes.cc).
//
// When options.fetch allows hosts, the server fetches missing contents from
// git remotes in the background (content_fetch.h), keeping bare mirrors
// under <data_dir>/mirrors; Stop() aborts fetches in progress.
//
// Every request is checked before its body is read: a Content-Length above
// options.max_body is answered 413. Request bodies keep their
// Content-Encoding (moved to kBodyEncodingHeader) so that ReadBody, not
// httplib, decompresses them, under the max_body cap.
//
// One JSON object per line is logged per request (time, method, path
// without query, status, duration_ms, bytes) — never headers, query strings
// or keys. Thread-safety: Start, Stop and Wait may be called from different
// threads; Stop is idempotent.
#pragma once

#include <httplib.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/status.h"
#include "git/remote_fetch.h"
#include "server/content_fetch.h"
#include "server/metrics.h"
#include "server/server_context.h"
#include "server/telemetry_aggregator.h"
#include "store/store.h"

namespace srclink::server {

// Where the request's original Content-Encoding is kept for ReadBody.
inline constexpr char kBodyEncodingHeader[] = "X-Srclink-Body-Encoding";

// Moves a request's Content-Encoding to kBodyEncodingHeader (dropping any
// kBodyEncodingHeader the client sent), so httplib leaves the body alone and
// ReadBody decompresses it within the limits; and makes an
// application/x-www-form-urlencoded Content-Type application/octet-stream,
// so httplib neither parses such a body into parameters nor refuses it past
// 8 KiB (srclink has no form routes; `curl --data-binary @cpu.pprof` sends
// that type to /ingest). Every listener's pre-routing handler calls it; route
// tests that build their own httplib::Server too.
void SetAsideBodyHeaders(const httplib::Request& req);

// Drops "br" from the request's Accept-Encoding, so answers are gzipped:
// Debian's httplib compresses brotli at quality 11, which took 0.7 s for a
// 560 KB flame graph that gzip compresses in 8 ms. Called with
// SetAsideBodyHeaders by the main listener's pre-routing handler.
void PreferGzipAnswers(const httplib::Request& req);

inline constexpr int kWorkerThreads = 16;

// Receives one log line (a JSON object, no newline). Called from many threads.
using LogSink = std::function<void(std::string_view line)>;

// The default sink: the line and '\n' on stderr in one write.
void LogToStderr(std::string_view line);

// Logs {"time", "level": "error", "message"} through the process-wide sink
// (stderr unless a Server was built with another one).
void LogError(const std::string& message);

// "HOST:PORT" or "[IPv6]:PORT" → host and port (0-65535).
struct ListenAddress {
  std::string host;
  int port = 0;
  static Result<ListenAddress> Parse(std::string_view listen);
  bool IsLoopback() const;  // 127.0.0.0/8, ::1, localhost
};

class Server {
 public:
  // `store` must be migrated and outlive the server. `fetcher` replaces the
  // libgit2 one (tests); with either, contents are fetched only when
  // options.fetch allows hosts.
  Server(ServerOptions options, Store* store, LogSink log = LogToStderr,
         std::unique_ptr<RemoteFetcher> fetcher = nullptr);
  ~Server();  // Stop() and Wait()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts serving in the background. InvalidArgument for a bad
  // --listen or --no-auth off loopback; Unavailable when the port is taken.
  Status Start();
  // The bound port (after Start).
  int port() const { return port_; }
  // "http://127.0.0.1:7878".
  std::string Url() const;

  // Stops accepting; in-flight requests finish. Idempotent.
  void Stop();
  // Blocks until the server has stopped and its workers are done.
  void Wait();

  // Keeps ingested telemetry in `store` (migrated; outlives the server):
  // errors, code origins and learnt tags, aggregated and flushed every
  // second. Without it the ingest routes answer 503. Call before Start().
  void AttachTelemetry(TelemetryStore* store);

  Metrics& metrics() { return metrics_; }
  ContentFetch* fetch() { return fetch_.get(); }
  ServerContext& context() { return ctx_; }

 private:
  bool Authorize(const httplib::Request& req, httplib::Response& res, ApiScope scope);
  // Limits, body decoding, errors, logging: the same on every listener.
  void Configure(httplib::Server& http, bool ipv6);
  // Binds `http` to `listen` ("what" names the option in errors); sets *port.
  Status Bind(httplib::Server& http, const std::string& listen, const char* what, int* port);
  void LogRequest(const httplib::Request& req, const httplib::Response& res);

  ServerOptions options_;
  Store* store_;
  LogSink log_;
  Metrics metrics_;
  std::unique_ptr<CommitCache> commits_;
  std::unique_ptr<BlobCache> blobs_;
  std::unique_ptr<RemoteFetcher> fetcher_;
  std::unique_ptr<ContentFetch> fetch_;             // null when fetching is off
  std::unique_ptr<TelemetryAggregator> telemetry_;  // null without AttachTelemetry
  ServerContext ctx_;
  httplib::Server http_;
  // Optional extra listeners: OTLP only (--otlp-listen), agent routes only (--agent-listen),
  // Pyroscope's /ingest only (--pyroscope-listen).
  std::unique_ptr<httplib::Server> otlp_http_, agent_http_, pyroscope_http_;
  std::vector<std::thread> extra_threads_;
  ListenAddress address_;
  int port_ = 0;
  std::thread thread_;
  std::atomic<bool> started_{false};
};

}  // namespace srclink::server
