#include "server/server.h"

#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>

#include "server/api_keys.h"
#include "server/blob_cache.h"
#include "server/commit_cache.h"
#include "server/datadog_routes.h"
#include "server/decompress.h"
#include "server/otlp_routes.h"
#include "server/profile_routes.h"
#include "server/telemetry_routes.h"
#include "server/ui_routes.h"

namespace srclink::server {
namespace {

using json = nlohmann::ordered_json;

std::mutex g_log_mu;
LogSink g_log_sink = LogToStderr;

// Start of the request the current worker thread is answering.
thread_local std::chrono::steady_clock::time_point t_request_start;

std::string IsoTime() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// Fills an empty error answer (httplib's own 400/404/413…) with our JSON.
void FillEmptyError(const httplib::Request& req, httplib::Response& res) {
  if (!res.body.empty() || res.status < 400) return;
  switch (res.status) {
    case 404:
      SendError(res, 404, "not_found",
                "no route " + req.method + " " + req.path.substr(0, 200) + "; see docs/API.md");
      break;
    case 413:
      SendError(res, 413, "payload_too_large",
                "request body too large; send smaller batches or raise the server's --max-body");
      break;
    case 415:
      SendError(res, 415, "unsupported_media_type",
                "unsupported Content-Encoding; send identity, gzip or zstd");
      break;
    case 503:
      SendError(res, 503, "unavailable", "service unavailable; retry later");
      break;
    default:
      if (res.status < 500) {
        SendError(res, res.status, "invalid_argument", "malformed HTTP request");
      } else {
        SendError(res, res.status, "internal", "internal error; see the server log");
      }
  }
}

}  // namespace

void LogToStderr(std::string_view line) {
  std::string out(line);
  out += '\n';
  // One write(2) per line keeps lines whole when threads log at once.
  ssize_t ignored = ::write(STDERR_FILENO, out.data(), out.size());
  (void)ignored;
}

void LogError(const std::string& message) {
  std::string line = Dump(json{{"time", IsoTime()}, {"level", "error"}, {"message", message}});
  std::lock_guard<std::mutex> lock(g_log_mu);
  g_log_sink(line);
}

Result<ListenAddress> ListenAddress::Parse(std::string_view listen) {
  const std::string how = "; use HOST:PORT, e.g. --listen 127.0.0.1:7878 or [::1]:7878";
  std::string quoted = "\"" + std::string(listen.substr(0, 256)) + "\"";
  ListenAddress a;
  std::string_view port;
  if (!listen.empty() && listen.front() == '[') {
    size_t close = listen.find(']');
    if (close == std::string_view::npos || close + 1 >= listen.size() || listen[close + 1] != ':') {
      return Status::InvalidArgument("invalid listen address " + quoted + how);
    }
    a.host = std::string(listen.substr(1, close - 1));
    port = listen.substr(close + 2);
  } else {
    size_t colon = listen.rfind(':');
    if (colon == std::string_view::npos || listen.find(':') != colon) {
      return Status::InvalidArgument("invalid listen address " + quoted + how);
    }
    a.host = std::string(listen.substr(0, colon));
    port = listen.substr(colon + 1);
  }
  if (a.host.empty())
    return Status::InvalidArgument("listen address " + quoted + " has no host" + how);
  if (port.empty() || port.size() > 5) {
    return Status::InvalidArgument("listen address " + quoted + " has no valid port" + how);
  }
  int p = 0;
  for (char c : port) {
    if (c < '0' || c > '9')
      return Status::InvalidArgument("listen address " + quoted + " has no valid port" + how);
    p = p * 10 + (c - '0');
  }
  if (p > 65535)
    return Status::InvalidArgument("port of listen address " + quoted + " is above 65535" + how);
  a.port = p;
  return a;
}

bool ListenAddress::IsLoopback() const {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

Server::Server(ServerOptions options, Store* store, LogSink log,
               std::unique_ptr<RemoteFetcher> fetcher)
    : options_(std::move(options)),
      store_(store),
      log_(std::move(log)),
      fetcher_(std::move(fetcher)) {
  if (!log_) log_ = LogToStderr;
  {
    std::lock_guard<std::mutex> lock(g_log_mu);
    g_log_sink = log_;
  }
  ctx_.options = &options_;
  ctx_.store = store_;
  ctx_.metrics = &metrics_;
  commits_ = std::make_unique<CommitCache>(store_, options_.commit_cache_entries);
  ctx_.commits = commits_.get();
  ctx_.now = [] {
    return static_cast<int64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count());
  };
  blobs_ = std::make_unique<BlobCache>(store_, options_.blob_cache_bytes, ctx_.now);
  ctx_.blobs = blobs_.get();
  if (options_.fetch.enabled()) {
    if (fetcher_ == nullptr) {
      fetcher_ =
          MakeRealRemoteFetcher((std::filesystem::path(options_.data_dir) / "mirrors").string());
    }
    fetch_ =
        std::make_unique<ContentFetch>(options_.fetch, store_, fetcher_.get(), ctx_.now, &metrics_);
    ctx_.fetch = fetch_.get();
    // A fetch adds blob ids to a stored commit: drop any snapshot cached before.
    CommitCache* commits = commits_.get();
    fetch_->SetOnStored([commits](const std::string& repository_id, const std::string& sha) {
      commits->Invalidate(repository_id, sha);
    });
  }
  ctx_.authorize = [this](const httplib::Request& req, httplib::Response& res, ApiScope scope) {
    return Authorize(req, res, scope);
  };
}

Server::~Server() {
  Stop();
  Wait();
  std::lock_guard<std::mutex> lock(g_log_mu);
  g_log_sink = LogToStderr;
}

std::string Server::Url() const {
  std::string host =
      address_.host.find(':') != std::string::npos ? "[" + address_.host + "]" : address_.host;
  return "http://" + host + ":" + std::to_string(port_);
}

bool Server::Authorize(const httplib::Request& req, httplib::Response& res, ApiScope scope) {
  if (options_.no_auth) return true;
  std::string key;
  std::string auth = req.get_header_value("Authorization");
  if (!auth.empty()) {
    if (auth.size() < 7 || strncasecmp(auth.c_str(), "Bearer ", 7) != 0) {
      SendError(
          res, 401, "unauthenticated",
          "the Authorization header is not \"Bearer <key>\"; send Authorization: Bearer sk_…");
      return false;
    }
    key = auth.substr(7);
  } else {
    key = req.get_header_value("DD-API-KEY");
  }
  while (!key.empty() && key.back() == ' ') key.pop_back();
  while (!key.empty() && key.front() == ' ') key.erase(0, 1);
  if (key.empty()) {
    SendError(
        res, 401, "unauthenticated",
        "missing API key; send Authorization: Bearer <key> (or DD-API-KEY); create a key with "
        "`srclink keys create --name NAME --scope " +
            ScopeName(scope) + "`");
    return false;
  }
  auto parsed = ParseApiKey(key);
  if (!parsed.ok()) {
    SendError(res, 401, "unauthenticated", parsed.status().message());
    return false;
  }
  auto info = store_->GetApiKey(parsed->key_id);
  if (!info.ok()) {
    if (info.status().code() == Status::Code::kNotFound) {
      SendError(res, 401, "unauthenticated",
                "unknown API key sk_" + parsed->key_id +
                    "; it was deleted or belongs to another server (see `srclink keys list`)");
    } else {
      SendStatus(res, info.status());
    }
    return false;
  }
  if (!ConstantTimeEquals(HashSecret(parsed->secret), info->secret_hash)) {
    SendError(res, 401, "unauthenticated",
              "invalid API key sk_" + parsed->key_id +
                  ": the secret does not match; use the key exactly as "
                  "`srclink keys create` printed it");
    return false;
  }
  if ((info->scopes & scope) == 0) {
    SendError(res, 403, "permission_denied",
              "API key sk_" + parsed->key_id + " (\"" + info->name + "\") has scopes \"" +
                  ScopeNames(info->scopes) + "\" but this endpoint needs \"" + ScopeName(scope) +
                  "\"; create a key with --scope " + ScopeName(scope));
    return false;
  }
  return true;
}

void Server::LogRequest(const httplib::Request& req, const httplib::Response& res) {
  double seconds = 0;
  if (t_request_start != std::chrono::steady_clock::time_point{}) {
    seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t_request_start).count();
  }
  t_request_start = {};
  std::string route = Metrics::RouteLabel(req.path);
  metrics_.ObserveRequest(route, res.status, seconds);
  json line{{"time", IsoTime()},
            {"method", req.method.substr(0, 16)},
            {"path", req.path.substr(0, 512)},
            {"status", res.status},
            {"duration_ms", static_cast<int64_t>(seconds * 1000 * 1000) / 1000.0},
            {"bytes", res.body.size()}};
  log_(Dump(line));
}

Status Server::Start() {
  if (started_.exchange(true)) return Status::Internal("Server::Start called twice");
  auto address = ListenAddress::Parse(options_.listen);
  if (!address.ok()) return address.status();
  address_ = *address;
  if (options_.no_auth && !address_.IsLoopback()) {
    return Status::InvalidArgument(
        "--no-auth is allowed only on a loopback address (127.0.0.1, ::1), not " + options_.listen +
        "; listen on 127.0.0.1, or drop --no-auth and create a key with "
        "`srclink keys create --name ci --scope upload,read`");
  }

  if (options_.no_auth) {
    // Every listener takes requests without a key then: loopback only, all of them.
    for (const std::string& listen :
         {options_.otlp_listen, options_.agent_listen, options_.pyroscope_listen}) {
      auto a = ListenAddress::Parse(listen);
      if (!listen.empty() && a.ok() && !a->IsLoopback()) {
        return Status::InvalidArgument("--no-auth is allowed only on loopback addresses, and " +
                                       listen +
                                       " is not one; listen on 127.0.0.1, or drop --no-auth and "
                                       "create a key with `srclink keys create`");
      }
    }
  }

  if (options_.agent_no_auth) {
    for (const std::string& listen : {options_.listen, options_.agent_listen}) {
      auto a = ListenAddress::Parse(listen.empty() ? options_.listen : listen);
      if (a.ok() && !a->IsLoopback()) {
        return Status::InvalidArgument(
            "--accept-agent-traffic takes tracers' traffic without a key, so it is allowed only "
            "on loopback listeners, not " +
            listen +
            "; run srclink next to the services, or "
            "front it with an agent that adds a key");
      }
    }
  }
  Configure(http_, address_.host.find(':') != std::string::npos);
  http_.Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
    auto probe = store_->GetApiKey("000000000000");
    if (probe.ok() || probe.status().code() == Status::Code::kNotFound) {
      res.set_content("{\"status\":\"ok\"}\n", "application/json");
      return;
    }
    LogError("health check: the store does not answer: " + probe.status().ToString());
    SendError(res, 503, "unavailable", "the store does not answer; see the server log");
  });
  http_.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics_.Render(), "text/plain; version=0.0.4; charset=utf-8");
  });
  RegisterUploadRoutes(http_, ctx_);
  RegisterReadRoutes(http_, ctx_);
  RegisterFetchRoutes(http_, ctx_);

  RegisterOtlpRoutes(http_, ctx_);
  RegisterDatadogRoutes(http_, ctx_);
  RegisterTelemetryRoutes(http_, ctx_);
  RegisterProfileRoutes(http_, ctx_);
  RegisterUiRoutes(http_, ctx_);
  if (Status st = Bind(http_, options_.listen, "--listen", &port_); !st.ok()) return st;
  // The extra listeners SDKs and tracers find without configuration.
  int extra_port = 0;
  if (!options_.otlp_listen.empty()) {
    otlp_http_ = std::make_unique<httplib::Server>();
    Configure(*otlp_http_, options_.otlp_listen.find('[') != std::string::npos);
    RegisterOtlpRoutes(*otlp_http_, ctx_);
    if (Status st = Bind(*otlp_http_, options_.otlp_listen, "--otlp-listen", &extra_port); !st.ok())
      return st;
  }
  if (!options_.pyroscope_listen.empty()) {
    pyroscope_http_ = std::make_unique<httplib::Server>();
    Configure(*pyroscope_http_, options_.pyroscope_listen.find('[') != std::string::npos);
    RegisterProfileIngestRoute(*pyroscope_http_, ctx_);
    if (Status st =
            Bind(*pyroscope_http_, options_.pyroscope_listen, "--pyroscope-listen", &extra_port);
        !st.ok())
      return st;
  }
  if (!options_.agent_listen.empty()) {
    agent_http_ = std::make_unique<httplib::Server>();
    Configure(*agent_http_, options_.agent_listen.find('[') != std::string::npos);
    RegisterDatadogRoutes(*agent_http_, ctx_);
    if (Status st = Bind(*agent_http_, options_.agent_listen, "--agent-listen", &extra_port);
        !st.ok())
      return st;
  }
  if (telemetry_ != nullptr) telemetry_->Start();
  if (fetch_ != nullptr) fetch_->Start();
  thread_ = std::thread([this] { http_.listen_after_bind(); });
  for (httplib::Server* extra : {otlp_http_.get(), agent_http_.get(), pyroscope_http_.get()}) {
    if (extra != nullptr) extra_threads_.emplace_back([extra] { extra->listen_after_bind(); });
  }
  // Stop() only works once the accept loops run.
  for (httplib::Server* http :
       {&http_, otlp_http_.get(), agent_http_.get(), pyroscope_http_.get()}) {
    for (int i = 0; http != nullptr && i < 5000 && !http->is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  return Status::Ok();
}

void Server::Configure(httplib::Server& http, bool ipv6) {
  http.new_task_queue = [] { return new httplib::ThreadPool(kWorkerThreads); };
  http.set_tcp_nodelay(true);  // keep-alive request/response pairs stall on Nagle otherwise
  http.set_keep_alive_max_count(1000);
  http.set_keep_alive_timeout(2);
  http.set_read_timeout(30);
  http.set_write_timeout(30);
  http.set_payload_max_length(options_.max_body);
  if (ipv6) http.set_address_family(AF_INET6);

  http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    t_request_start = std::chrono::steady_clock::now();
    SetAsideBodyHeaders(req);
    PreferGzipAnswers(req);
    if (req.has_header("Content-Length")) {
      const std::string& length = req.get_header_value("Content-Length");
      bool too_large = length.size() > 19;
      if (!too_large) {
        uint64_t n = 0;
        for (char c : length) {
          if (c < '0' || c > '9') break;
          n = n * 10 + static_cast<uint64_t>(c - '0');
        }
        too_large = n > options_.max_body;
      }
      if (too_large) {
        SendError(res, 413, "payload_too_large",
                  "request body of " + length.substr(0, 20) +
                      " bytes (Content-Length) exceeds the limit of " +
                      std::to_string(options_.max_body) +
                      " bytes (--max-body); send smaller batches or raise the server's --max-body");
        res.set_header("Connection", "close");
        return httplib::Server::HandlerResponse::Handled;
      }
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  http.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request& req, httplib::Response& res) {
        FillEmptyError(req, res);
        return httplib::Server::HandlerResponse::Handled;
      }));
  http.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown exception";
        try {
          if (ep) std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        LogError("request handler threw: " + what);
        SendError(res, 500, "internal", "internal error; see the server log");
      });
  http.set_logger(
      [this](const httplib::Request& req, const httplib::Response& res) { LogRequest(req, res); });
}

Status Server::Bind(httplib::Server& http, const std::string& listen, const char* what, int* port) {
  auto address = ListenAddress::Parse(listen);
  if (!address.ok()) return address.status().WithContext(what);
  if (address->port == 0) {
    *port = http.bind_to_any_port(address->host);
    if (*port < 0) {
      return Status::Unavailable(
          "cannot listen on " + listen + " (" + what +
          "): binding a free port failed; check that the host is an address of this machine");
    }
    return Status::Ok();
  }
  if (!http.bind_to_port(address->host, address->port)) {
    return Status::Unavailable("cannot listen on " + listen + " (" + what +
                               "): the port is in use or the host is not an address of this "
                               "machine; pick another " +
                               what);
  }
  *port = address->port;
  return Status::Ok();
}

void Server::AttachTelemetry(TelemetryStore* store) {
  TelemetryAggregatorOptions o;
  telemetry_ = std::make_unique<TelemetryAggregator>(store, &options_.hosts, o, [] {
    return static_cast<int64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count());
  });
  ctx_.telemetry = telemetry_.get();
  ctx_.telemetry_store = store;
}

void Server::Stop() {
  if (started_) {
    http_.stop();  // httplib::Server::stop is a no-op unless it runs
    if (otlp_http_ != nullptr) otlp_http_->stop();
    if (agent_http_ != nullptr) agent_http_->stop();
    if (pyroscope_http_ != nullptr) pyroscope_http_->stop();
  }
  if (fetch_ != nullptr) fetch_->Stop();
}

void Server::Wait() {
  if (thread_.joinable()) thread_.join();
  for (auto& t : extra_threads_) {
    if (t.joinable()) t.join();
  }
  if (fetch_ != nullptr) fetch_->Wait();
  if (telemetry_ != nullptr) telemetry_->Stop();  // flushes what is pending
}

// ---------------------------------------------------------------------------
// The helpers of server_context.h. They live here, not in a file of their own,
// so that linking Server always brings them along.

namespace {

std::string LowerAscii(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string TrimSpaces(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

}  // namespace

void SendError(httplib::Response& res, int http_status, std::string_view code,
               const std::string& message, const std::string& field) {
  nlohmann::ordered_json error{{"code", code}, {"message", message}};
  if (!field.empty()) error["field"] = field;
  res.status = http_status;
  res.set_content(nlohmann::ordered_json{{"error", error}}.dump(
                      -1, ' ', false, nlohmann::json::error_handler_t::replace) +
                      "\n",
                  "application/json");
}

void SendStatus(httplib::Response& res, const Status& status, const std::string& field) {
  switch (status.code()) {
    case Status::Code::kInvalidArgument:
      SendError(res, 400, "invalid_argument", status.message(), field);
      return;
    case Status::Code::kNotFound:
      SendError(res, 404, "not_found", status.message(), field);
      return;
    case Status::Code::kUnavailable:
      SendError(res, 503, "unavailable", status.message(), field);
      return;
    default:
      LogError(status.ToString());
      SendError(res, 500, "internal", "internal error; see the server log");
      return;
  }
}

void PreferGzipAnswers(const httplib::Request& req) {
  auto& mutable_req = const_cast<httplib::Request&>(req);  // as in SetAsideBodyHeaders
  auto accept = mutable_req.headers.find("Accept-Encoding");
  if (accept == mutable_req.headers.end() || accept->second.find("br") == std::string::npos) return;
  std::string kept;
  size_t start = 0;
  const std::string& value = accept->second;
  while (start <= value.size()) {
    size_t comma = value.find(',', start);
    if (comma == std::string::npos) comma = value.size();
    std::string token = value.substr(start, comma - start);
    const size_t first = token.find_first_not_of(" \t");
    token = first == std::string::npos ? "" : token.substr(first);
    if (!token.empty() && token != "br" && token.rfind("br;", 0) != 0) {
      if (!kept.empty()) kept += ", ";
      kept += token;
    }
    start = comma + 1;
  }
  accept->second = kept;
}

void SetAsideBodyHeaders(const httplib::Request& req) {
  // The routing layer owns a mutable Request; httplib only hands it out as const.
  auto& mutable_req = const_cast<httplib::Request&>(req);
  auto type = mutable_req.headers.find("Content-Type");
  if (type != mutable_req.headers.end() &&
      type->second.starts_with("application/x-www-form-urlencoded")) {
    mutable_req.headers.erase(type);
    mutable_req.headers.emplace("Content-Type", "application/octet-stream");
  }
  mutable_req.headers.erase(kBodyEncodingHeader);
  auto encoding = mutable_req.headers.find("Content-Encoding");
  if (encoding != mutable_req.headers.end()) {
    std::string value = encoding->second;
    mutable_req.headers.erase("Content-Encoding");
    mutable_req.headers.emplace(kBodyEncodingHeader, value);
  }
}

std::optional<std::string> ReadBody(const ServerContext& ctx, const httplib::Request& req,
                                    httplib::Response& res) {
  const size_t max_body = ctx.options ? ctx.options->max_body : size_t{64} << 20;
  const std::string limit_hint =
      " bytes (--max-body); send smaller batches or raise the server's --max-body";
  if (req.body.size() > max_body) {
    SendError(res, 413, "payload_too_large",
              "request body of " + std::to_string(req.body.size()) +
                  " bytes exceeds the limit of " + std::to_string(max_body) + limit_hint);
    return std::nullopt;
  }
  std::string encoding = LowerAscii(TrimSpaces(req.get_header_value(kBodyEncodingHeader)));
  if (encoding.empty() || encoding == "identity") return req.body;
  Decompressed d;
  if (encoding == "gzip" || encoding == "x-gzip") {
    d = DecompressGzip(req.body, max_body);
  } else if (encoding == "zstd") {
    d = DecompressZstd(req.body, max_body);
  } else {
    SendError(res, 415, "unsupported_media_type",
              "Content-Encoding \"" + encoding.substr(0, 64) +
                  "\" is not supported; send the body uncompressed, gzip or zstd");
    return std::nullopt;
  }
  switch (d.outcome) {
    case Decompressed::Outcome::kOk:
      return std::move(d.data);
    case Decompressed::Outcome::kTooLarge:
      SendError(res, 413, "payload_too_large",
                "the " + encoding + " request body decompresses to more than " +
                    std::to_string(max_body) + limit_hint);
      return std::nullopt;
    case Decompressed::Outcome::kCorrupt:
      break;
  }
  SendError(res, 400, "invalid_argument",
            "the request body is not valid " + encoding + " (Content-Encoding: " + encoding +
                "): " + d.error + "; check the client's compression");
  return std::nullopt;
}

}  // namespace srclink::server
