// Test-only stand-ins for SendError, SendStatus and ReadBody (defined for
// real in src/server/server_context.cc), so the read-side tests also link in
// a standalone build without the rest of the server. They are weak: when the
// real ones are linked, those win.
#include <nlohmann/json.hpp>

#include "server/server_context.h"

namespace srclink::server {

__attribute__((weak)) void SendError(httplib::Response& res, int http_status, std::string_view code,
                                     const std::string& message, const std::string& field) {
  nlohmann::json error = {{"code", code}, {"message", message}};
  if (!field.empty()) error["field"] = field;
  res.status = http_status;
  res.set_content(nlohmann::json{{"error", error}}.dump(), "application/json");
}

__attribute__((weak)) void SendStatus(httplib::Response& res, const Status& status,
                                      const std::string& field) {
  switch (status.code()) {
    case Status::Code::kInvalidArgument:
      return SendError(res, 400, "invalid_argument", status.message(), field);
    case Status::Code::kNotFound:
      return SendError(res, 404, "not_found", status.message(), field);
    case Status::Code::kUnavailable:
      return SendError(res, 503, "unavailable", status.message(), field);
    default:
      return SendError(res, 500, "internal", "internal error; see the server log");
  }
}

__attribute__((weak)) std::optional<std::string> ReadBody(const ServerContext& ctx,
                                                          const httplib::Request& req,
                                                          httplib::Response& res) {
  if (ctx.options != nullptr && req.body.size() > ctx.options->max_body) {
    SendError(res, 413, "payload_too_large", "request body too large");
    return std::nullopt;
  }
  return req.body;
}

}  // namespace srclink::server
