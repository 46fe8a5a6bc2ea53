// Telemetry: what srclink keeps of the telemetry it ingests, whatever the
// wire format (OTLP/HTTP traces and logs, Datadog tracer payloads): error
// events and service entry spans, each with the service that sent it and the
// attributes that may name its git repository and commit (core/git_tags.h).
//
// Decoders (src/ingest/) turn a request body into a TelemetryBatch; the
// server's telemetry sink fingerprints, resolves and stores it. Everything
// here is plain data; sizes are bounded by the decoders (kMax* below).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/frame.h"

namespace srclink {

inline constexpr size_t kMaxTelemetryString = 4096;      // type, message, resource, …: truncated
inline constexpr size_t kMaxTelemetryStack = 64u << 10;  // a stack trace's text: truncated
inline constexpr size_t kMaxCodeOriginFrames = 8;

// Who sent it: OTel resource service.name / service.version /
// deployment.environment(.name); Datadog span service / version / env.
struct ServiceIdentity {
  std::string service;
  std::string version;
  std::string environment;
  std::string language;         // telemetry.sdk.language or the tracer's "language" meta
  std::string runtime_version;  // process.runtime.version, runtime-version
};

// Attributes of one resource (OTLP) or one trace chunk (Datadog) that name
// its git repository and commit — only the names IsGitTagAttribute() accepts —
// shared by every event decoded from it.
struct GitAttributes {
  std::vector<std::pair<std::string, std::string>> attributes;
};

// An error: an OTLP span event named "exception", an OTLP log record with
// exception.* attributes, or a Datadog span with error.type/message/stack.
struct ErrorEvent {
  ServiceIdentity service;
  std::shared_ptr<const GitAttributes> git;  // may be null
  int64_t time_unix_nano = 0;
  std::string trace_id;  // lowercase hex, "" when none
  std::string span_id;
  std::string type;     // exception.type / error.type
  std::string message;  // exception.message / error.message
  std::string stack;    // exception.stacktrace / error.stack, as sent (truncated)
  // A code location given as attributes (code.file.path, code.line.number, …),
  // for errors whose stack is absent.
  std::vector<Frame> frames;
  std::string source;  // "otlp-span-event", "otlp-log", "datadog-span"
  std::string route;   // the span's route/resource when known
};

// A frame of a span's code origin (_dd.code_origin.frames.N.*, or OTel code.*).
struct CodeOriginFrame {
  Frame frame;       // file, line, column; function = method
  std::string type;  // the class or type ("UsersController"), "" when none
};

// A service entry span (its parent is in another service, or absent) with
// its code origin when the tracer captured one.
struct EntrySpan {
  ServiceIdentity service;
  std::shared_ptr<const GitAttributes> git;  // may be null
  int64_t time_unix_nano = 0;
  int64_t duration_nano = 0;
  std::string trace_id;
  std::string span_id;
  std::string resource;  // route or resource: "GET /users/:id"
  std::string name;      // operation name: "express.request"
  bool error = false;
  std::string origin_type;              // _dd.code_origin.type: "entry" or "exit"; "" for OTel
  std::vector<CodeOriginFrame> origin;  // first is the entry point; empty when not captured
};

struct TelemetryBatch {
  std::vector<ErrorEvent> errors;
  std::vector<EntrySpan> entries;
  size_t spans = 0;                   // spans seen (all, not only entries)
  size_t log_records = 0;             // log records seen
  size_t rejected = 0;                // items dropped as malformed (OTLP partial_success)
  std::vector<std::string> problems;  // why, at most a few, for the answer and the log
};

}  // namespace srclink
