// POST /v1/traces and POST /v1/logs: OTLP/HTTP ingest (docs/API.md,
// "OpenTelemetry (OTLP/HTTP)"), so an OpenTelemetry SDK or Collector can
// export to srclink with OTEL_EXPORTER_OTLP_ENDPOINT=http://HOST:7878.
//
// Answers follow the OTLP/HTTP specification, encoded like the request
// (application/x-protobuf or application/json):
//   200  ExportTraceServiceResponse / ExportLogsServiceResponse; partial_success
//        {rejected_spans | rejected_log_records, error_message} when items were dropped
//   400  malformed body; 401/403 key; 413 over --max-body; 415 other Content-Type
//        or Content-Encoding; all with a google.rpc.Status body
//   503  with Retry-After when the telemetry sink is overloaded (or not configured)
// Requests need a key with the upload scope (Authorization: Bearer sk_…, which
// SDKs send via OTEL_EXPORTER_OTLP_HEADERS); bodies may be gzip or zstd.
// Decoded batches go to ctx.telemetry.
#pragma once

#include <httplib.h>

#include "server/server_context.h"

namespace srclink::server {

inline constexpr int kOtlpRetryAfterSeconds = 5;

void RegisterOtlpRoutes(httplib::Server& http, ServerContext& ctx);

}  // namespace srclink::server
