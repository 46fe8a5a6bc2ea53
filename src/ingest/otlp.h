// OTLP: OpenTelemetry traces and logs as sent to /v1/traces and /v1/logs
// (OTLP/HTTP), decoded into a TelemetryBatch (core/telemetry.h).
//
// Encodings: binary protobuf (ExportTraceServiceRequest /
// ExportLogsServiceRequest, Content-Type application/x-protobuf) and OTLP/JSON
// (application/json: lowerCamelCase keys — snake_case accepted too —, hex
// trace and span ids, 64-bit integers as strings or numbers, enums as
// integers).
//
// What is kept, per resource: a ServiceIdentity (service.name,
// service.version, deployment.environment.name or deployment.environment,
// telemetry.sdk.language, process.runtime.version) and the resource's and
// scope's attributes that IsGitTagAttribute() accepts (scope ones win),
// shared by every event from it. Then:
//   errors   span events named "exception" and log records with exception.*
//            attributes: exception.type / .message / .stacktrace (code.stacktrace
//            when there is no exception.stacktrace), the code.* attributes as
//            `frames`, the route from http.route or the span's name;
//   entries  service entry spans: kind SERVER or CONSUMER, no parent, or a
//            parent in the same batch from another service, with their code.*
//            attributes as the origin frame.
// code.* names: code.file.path | code.filepath, code.line.number | code.lineno,
// code.column.number | code.column, code.function.name | code.function,
// code.namespace (the frame's module / the origin's type).
//
// Malformed items inside a valid body (an id of the wrong length, a span
// without ids) are dropped and counted in `rejected`, with a reason in
// `problems` (at most kOtlpMaxProblems). A body that is not a valid
// protobuf message or JSON document is InvalidArgument, saying where it broke.
// Hostile input is bounded: JSON nesting deeper than kOtlpMaxJsonDepth is
// refused; protobuf values nested in arrays and maps are never descended into,
// nor are the attributes of spans that are neither entries nor errors (so a
// malformation there goes unnoticed, as an unknown field's would).
//
// Thread-safety: pure functions. The protobuf path reads the wire format
// directly (docs/DESIGN.md, "OTLP ingest": libprotobuf's message parsing was
// the bottleneck).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.h"
#include "core/telemetry.h"

namespace srclink {

enum class OtlpEncoding { kProtobuf, kJson };

inline constexpr size_t kOtlpMaxProblems = 5;
inline constexpr int kOtlpMaxJsonDepth = 64;

Result<TelemetryBatch> DecodeOtlpTraces(std::string_view body, OtlpEncoding encoding);
Result<TelemetryBatch> DecodeOtlpLogs(std::string_view body, OtlpEncoding encoding);

// One line per item of `batch`, for test tables:
//   spans 2 logs 0 rejected 1
//   error otlp-span-event checkout@1.4.2 TypeError: cart is empty trace=… span=… route=… frames=[…]
//   stack=N entry checkout@1.4.2 GET /users/:id name=… trace=… span=… origin=[file:42:7 getUser
//   type=T] problem …
std::string DumpTelemetryBatch(const TelemetryBatch& batch);

}  // namespace srclink
