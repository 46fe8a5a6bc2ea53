// Server: `srclink serve` — the HTTP API of docs/API.md over a Store.
//
// Start() binds HOST:PORT (port 0: any free port; port() tells which) and
// serves on a pool of worker threads until Stop(), which closes the
// listening socket and lets in-flight requests finish. Routes: /healthz and
// /metrics (no key), the upload routes (upload_routes.cc) and the read
// routes (read_routes.cc).
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

#include "core/status.h"
#include "server/metrics.h"
#include "server/server_context.h"
#include "store/store.h"

namespace srclink::server {

// Where the request's original Content-Encoding is kept for ReadBody.
inline constexpr char kBodyEncodingHeader[] = "X-Srclink-Body-Encoding";

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
  // `store` must be migrated and outlive the server.
  Server(ServerOptions options, Store* store, LogSink log = LogToStderr);
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

  Metrics& metrics() { return metrics_; }
  ServerContext& context() { return ctx_; }

 private:
  bool Authorize(const httplib::Request& req, httplib::Response& res, ApiScope scope);
  void LogRequest(const httplib::Request& req, const httplib::Response& res);

  ServerOptions options_;
  Store* store_;
  LogSink log_;
  Metrics metrics_;
  std::unique_ptr<CommitCache> commits_;
  std::unique_ptr<BlobCache> blobs_;
  ServerContext ctx_;
  httplib::Server http_;
  ListenAddress address_;
  int port_ = 0;
  std::thread thread_;
  std::atomic<bool> started_{false};
};

}  // namespace srclink::server
