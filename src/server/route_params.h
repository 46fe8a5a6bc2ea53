// RouteParams: what every route checks the same way — access by scope, the
// operator's host declarations, integer query parameters — so answers and
// messages are alike across routes.
#pragma once

#include <httplib.h>

#include <cstdint>
#include <nlohmann/json.hpp>

#include "core/provider.h"
#include "core/status.h"
#include "server/server_context.h"

namespace srclink::server {

// Checks `scope` (always true under --no-auth). `query_key`: also accept the
// key as ?key= when no header carries one (the /go/ routes). On failure the
// 401/403 answer is written.
bool Allow(const ServerContext& ctx, const httplib::Request& req, httplib::Response& res,
           ApiScope scope, bool query_key = false);

// The operator's host declarations (an empty registry without options).
const HostRegistry& Hosts(const ServerContext& ctx);

// An integer query parameter in [min, max]; `fallback` when absent or empty.
// InvalidArgument: "\"abc\" is not an integer from 1 to 1000".
Result<int64_t> IntParam(const httplib::Request& req, const char* name, int64_t fallback,
                         int64_t min, int64_t max);

// IntParam, answering 400 naming the parameter when it is bad; returns false then.
bool ReadIntParam(const httplib::Request& req, httplib::Response& res, const char* name,
                  int64_t fallback, int64_t min, int64_t max, int64_t* out);

// True when the server keeps telemetry (errors, code origins, profiles);
// else answers 503 saying so and returns false.
bool TelemetryKept(const ServerContext& ctx, httplib::Response& res);

// `j` as the JSON answer (invalid UTF-8 replaced).
void SendJson(httplib::Response& res, const nlohmann::ordered_json& j);

}  // namespace srclink::server
