// The telemetry read routes (docs/API.md, "Errors and code origins"), scope read:
//   GET /api/v1/services          services seen, with their counts and learnt git tags
//   GET /api/v1/errors            error groups (issues), filtered, with their last 24 hours
//   GET /api/v1/errors/{id}       one group with its latest event's frames resolved
// Hourly counts are of the 24 hours ending with the current one by ctx.now.
//   GET /api/v1/code-origins      entry points per service with their handler resolved
#pragma once

#include <httplib.h>

#include "server/server_context.h"

namespace srclink::server {

void RegisterTelemetryRoutes(httplib::Server& http, ServerContext& ctx);

}  // namespace srclink::server
