#include "server/datadog_routes.h"

#include <nlohmann/json.hpp>

#include <string>
#include <utility>

#include "ingest/datadog_traces.h"
#include "ingest/telemetry_sink.h"

namespace srclink::server {
namespace {

// What an agent answers when it has no sampling rates of its own: the default
// key (empty service and env) at rate 1, so tracers keep every trace.
constexpr const char* kRateByService = R"({"rate_by_service":{"service:,env:":1}})";

bool Authorized(ServerContext& ctx, const httplib::Request& req, httplib::Response& res) {
  if (ctx.options != nullptr && ctx.options->agent_no_auth) return true;
  return ctx.authorize(req, res, kScopeUpload);
}

// The tracer's language and runtime from its headers, for events whose spans
// did not say (dd-trace-js sends "language" meta but no runtime version).
void FillFromHeaders(const httplib::Request& req, TelemetryBatch& batch) {
  std::string lang = req.get_header_value("Datadog-Meta-Lang");
  std::string lang_version = req.get_header_value("Datadog-Meta-Lang-Version");
  if (lang.size() > kMaxTelemetryString) lang.clear();
  if (lang_version.size() > kMaxTelemetryString) lang_version.clear();
  auto fill = [&](ServiceIdentity& s) {
    if (s.language.empty()) s.language = lang;
    if (s.runtime_version.empty()) s.runtime_version = lang_version;
  };
  for (ErrorEvent& e : batch.errors) fill(e.service);
  for (EntrySpan& e : batch.entries) fill(e.service);
}

void HandleTraces(ServerContext& ctx, const httplib::Request& req, httplib::Response& res,
                  bool v05) {
  if (!Authorized(ctx, req, res)) return;
  const char* route = v05 ? "/v0.5/traces" : "/v0.4/traces";
  std::string type = req.get_header_value("Content-Type");
  if (!type.empty() && type.find("msgpack") == std::string::npos) {
    SendError(res, 415, "unsupported_media_type",
              std::string(route) +
                  " takes application/msgpack (as Datadog tracers send it), got "
                  "Content-Type \"" +
                  type + "\"",
              "Content-Type");
    return;
  }
  std::optional<std::string> body = ReadBody(ctx, req, res);
  if (!body) return;
  Result<TelemetryBatch> batch =
      v05 ? DecodeDatadogTracesV05(*body) : DecodeDatadogTracesV04(*body);
  if (!batch.ok()) {
    SendError(res, 400, "invalid_argument", batch.status().message());
    return;
  }
  if (ctx.telemetry == nullptr) {
    SendError(res, 503, "unavailable", "this server does not take telemetry");
    return;
  }
  FillFromHeaders(req, *batch);
  Status accepted = ctx.telemetry->Accept(std::move(*batch));
  if (!accepted.ok()) {
    if (accepted.code() == Status::Code::kUnavailable) {
      res.set_header("Retry-After", "1");
      SendError(res, 503, "unavailable", accepted.message());
    } else {
      SendStatus(res, accepted);
    }
    return;
  }
  res.status = 200;
  res.set_content(kRateByService, "application/json");
}

// GET /info: what an agent says of itself. Tracers read "endpoints" (which
// trace protocol, whether stats, debugger or EVP proxy are there) and
// "client_drop_p0s" (false: they send every span, not only the sampled ones).
std::string InfoJson() {
  nlohmann::json info = {
      {"version", "7.60.0"},
      {"git_commit", "srclink"},
      {"endpoints", {"/v0.4/traces", "/v0.5/traces", "/info"}},
      {"feature_flags", nlohmann::json::array()},
      {"client_drop_p0s", false},
      {"span_meta_structs", false},
      {"long_running_spans", false},
      {"evp_proxy_allowed_headers", nlohmann::json::array()},
      {"peer_tags", nlohmann::json::array()},
      {"config",
       {{"default_env", "none"},
        {"target_tps", 10},
        {"max_eps", 200},
        {"receiver_port", 8126},
        {"receiver_socket", ""},
        {"connection_limit", 0},
        {"receiver_timeout", 0},
        {"max_request_bytes", 64 << 20},
        {"statsd_port", 0},
        {"analyzed_spans_by_service", nlohmann::json::object()}}},
  };
  return info.dump();
}

// An agent endpoint srclink does not take: 404 with an empty JSON object, no
// error logged (tracers call these on a timer).
void NotTaken(const httplib::Request&, httplib::Response& res) {
  res.status = 404;
  res.set_content("{}", "application/json");
}

}  // namespace

void RegisterDatadogRoutes(httplib::Server& http, ServerContext& ctx) {
  for (bool v05 : {false, true}) {
    auto handler = [&ctx, v05](const httplib::Request& req, httplib::Response& res) {
      HandleTraces(ctx, req, res, v05);
    };
    if (v05) {
      http.Put("/v0.5/traces", handler);
      http.Post("/v0.5/traces", handler);
    } else {
      http.Put("/v0.4/traces", handler);
      http.Post("/v0.4/traces", handler);
    }
  }
  http.Get("/info", [&ctx](const httplib::Request& req, httplib::Response& res) {
    if (!Authorized(ctx, req, res)) return;
    static const std::string info = InfoJson();
    res.set_content(info, "application/json");
  });
  // dd-trace-js: remote config polls every 5 s (a 404 means "disabled");
  // instrumentation telemetry, profiles, debugger snapshots, EVP proxy (CI
  // visibility, LLM observability), dogstatsd over HTTP, client stats,
  // data streams, tracer flares.
  http.Post("/v0.7/config", NotTaken);
  http.Post(R"(/telemetry/proxy/(.+))", NotTaken);
  http.Post(R"(/profiling/(.+))", NotTaken);
  http.Post(R"(/debugger/(.+))", NotTaken);
  http.Post(R"(/evp_proxy/(.+))", NotTaken);
  http.Post(R"(/dogstatsd/(.+))", NotTaken);
  http.Put("/v0.6/stats", NotTaken);
  http.Post("/v0.1/pipeline_stats", NotTaken);
  http.Post("/tracer_flare/v1", NotTaken);
}

}  // namespace srclink::server
