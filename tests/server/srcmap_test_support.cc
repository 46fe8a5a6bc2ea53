// Stand-ins for the ServerContext helpers that server.cc will define, so the
// srcmap route test links before server.cc exists. They are weak: once
// server.cc provides the real ones, those win and this file may be deleted.
// tests/CMakeLists.txt only compiles *_test.cc, so srcmap_route_test.cc
// includes this file.
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
      SendError(res, 400, "invalid_argument", status.message(), field);
      return;
    case Status::Code::kNotFound:
      SendError(res, 404, "not_found", status.message(), field);
      return;
    case Status::Code::kUnavailable:
      SendError(res, 503, "unavailable", status.message(), field);
      return;
    default:
      SendError(res, 500, "internal", "internal error; see the server log", field);
      return;
  }
}

__attribute__((weak)) std::optional<std::string> ReadBody(const ServerContext&,
                                                          const httplib::Request& req,
                                                          httplib::Response&) {
  return req.body;
}

}  // namespace srclink::server
