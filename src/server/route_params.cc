#include "server/route_params.h"

#include <charconv>
#include <string>

namespace srclink::server {

bool Allow(const ServerContext& ctx, const httplib::Request& req, httplib::Response& res,
           ApiScope scope, bool query_key) {
  if (ctx.options != nullptr && ctx.options->no_auth) return true;
  if (!ctx.authorize) {
    SendError(res, 500, "internal", "the server has no access check configured");
    return false;
  }
  if (query_key && req.has_param("key") && !req.has_header("Authorization") &&
      !req.has_header("DD-API-KEY")) {
    httplib::Request with_key = req;
    with_key.headers.emplace("Authorization", "Bearer " + req.get_param_value("key"));
    return ctx.authorize(with_key, res, scope);
  }
  return ctx.authorize(req, res, scope);
}

const HostRegistry& Hosts(const ServerContext& ctx) {
  static const HostRegistry kNone;
  return ctx.options != nullptr ? ctx.options->hosts : kNone;
}

Result<int64_t> IntParam(const httplib::Request& req, const char* name, int64_t fallback,
                         int64_t min, int64_t max) {
  if (!req.has_param(name)) return fallback;
  std::string text = req.get_param_value(name);
  if (text.empty()) return fallback;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return Status::InvalidArgument("\"" + text.substr(0, 40) + "\" is not an integer from " +
                                   std::to_string(min) + " to " + std::to_string(max));
  }
  return value;
}

bool ReadIntParam(const httplib::Request& req, httplib::Response& res, const char* name,
                  int64_t fallback, int64_t min, int64_t max, int64_t* out) {
  auto v = IntParam(req, name, fallback, min, max);
  if (!v.ok()) {
    SendError(res, 400, "invalid_argument", std::string(name) + ": " + v.status().message(), name);
    return false;
  }
  *out = *v;
  return true;
}

bool TelemetryKept(const ServerContext& ctx, httplib::Response& res) {
  if (ctx.telemetry_store != nullptr) return true;
  SendError(res, 503, "unavailable", "this server keeps no telemetry");
  return false;
}

void SendJson(httplib::Response& res, const nlohmann::ordered_json& j) {
  res.set_content(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  "application/json");
}

}  // namespace srclink::server
