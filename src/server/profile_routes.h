// Profile routes: Pyroscope-compatible ingest and the profile queries.
//
//   POST /ingest                          (scope upload) what Pyroscope SDKs push:
//        pprof (raw, gzipped, or multipart/form-data with a `profile` part) or folded
//        lines; labels service_repository / service_git_ref / service_root_path (and the
//        other git tag sources) tie it to a commit. Each sample type becomes one chunk of
//        the TelemetryStore: a CallTree and a LineProfile (core/).
//   GET  /api/v1/profiles/services        (scope read) services and their profile types
//   GET  /api/v1/profiles/flamegraph      (scope read) the merged call tree, pruned
//   GET  /api/v1/profiles/function        (scope read) one function's lines: self and
//        total per line at a commit, with the code and the git host's links
//
// docs/API.md has the parameters and answers. All answer 503 when the server keeps no
// telemetry.
#pragma once

#include <httplib.h>

#include "server/server_context.h"

namespace srclink::server {

void RegisterProfileRoutes(httplib::Server& http, ServerContext& ctx);

// Only POST /ingest: the --pyroscope-listen listener (Pyroscope's port, 4040).
void RegisterProfileIngestRoute(httplib::Server& http, ServerContext& ctx);

}  // namespace srclink::server
