// Datadog agent-compatible routes: tracers (dd-trace-js, -py, -java, -go, …)
// send their spans here as they would to a local Datadog agent, with
// DD_TRACE_AGENT_URL pointing at srclink (or srclink listening on 8126).
//
//   PUT|POST /v0.4/traces, /v0.5/traces  msgpack (ingest/datadog_traces.h) →
//       ctx.telemetry; answers 200 {"rate_by_service":{"service:,env:":1}} as
//       an agent does, so tracers keep sampling everything
//   GET /info                            the agent's self-description: these
//       endpoints, client_drop_p0s false (tracers send every span)
//   POST /v0.7/config, /telemetry/proxy/…, /profiling/…, /debugger/…,
//       /evp_proxy/…, /dogstatsd/…, /v0.6/stats, /v0.1/pipeline_stats,
//       /tracer_flare/v1: 404 with "{}" — what an agent without that feature
//       answers; dd-trace treats a 404 from remote config as "disabled" and
//       stops nothing else
//
// Access: tracers send no key. With options->agent_no_auth (the operator's
// --accept-agent-traffic) these routes take no key; otherwise they need an
// upload key (Authorization: Bearer or DD-API-KEY), like any upload.
// A sink that is overloaded (Unavailable) → 503 with Retry-After: tracers retry.
// Thread-safety: handlers run on the server's threads; they share only ctx.
#pragma once

#include <httplib.h>

#include "server/server_context.h"

namespace srclink::server {

void RegisterDatadogRoutes(httplib::Server& http, ServerContext& ctx);

}  // namespace srclink::server
