// Datadog tracer payloads, as a tracer sends them to its agent
// (PUT /v0.4/traces, /v0.5/traces; msgpack), decoded into a TelemetryBatch:
// errors (spans with error=1 or error.type/message/stack meta) and service
// entry spans with their code origin (_dd.code_origin.*).
//
//   v0.4: [trace…]; trace = [span…]; span = {"service": str, "name": str,
//         "resource": str, "trace_id": u64, "span_id": u64, "parent_id": u64,
//         "start": i64, "duration": i64, "error": i32, "meta": {str: str},
//         "metrics": {str: number}, "type": str, …}  (other keys skipped)
//   v0.5: [[string…], [trace…]]; span = [service, name, resource, trace_id,
//         span_id, parent_id, start, duration, error, {meta}, {metrics}, type]
//         where every string is a uint index into the string table.
//
// Per trace chunk (one inner array): the git attributes (names accepted by
// IsGitTagAttribute; tracers put _dd.git.* on the first span only) are shared
// by every event of the chunk. A span is an entry span when its parent is
// absent (parent_id 0, or not in the chunk: a remote parent), in another
// service, when metrics _dd.top_level is 1, or when the tracer marked its
// code origin "entry".
//
// Hostile input: a streaming reader over the body (no object tree, no
// recursion); nesting deeper than 32 levels, or a length beyond the body,
// makes the body undecodable. Strings are truncated to kMaxTelemetryString
// (stacks to kMaxTelemetryStack). A span whose fields have the wrong type is
// counted in `rejected` with the reason in `problems`; the rest are kept.
// Pure: no I/O; thread-safe.
#pragma once

#include <string_view>

#include "core/status.h"
#include "core/telemetry.h"

namespace srclink {

// An undecodable body → InvalidArgument saying where:
// "v0.4 traces: at byte 17: expected an array of spans, got a string".
Result<TelemetryBatch> DecodeDatadogTracesV04(std::string_view body);
Result<TelemetryBatch> DecodeDatadogTracesV05(std::string_view body);

}  // namespace srclink
