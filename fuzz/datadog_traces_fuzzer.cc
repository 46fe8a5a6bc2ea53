// Fuzzes srclink::DecodeDatadogTracesV04 and V05 (ingest/datadog_traces.h),
// which read the msgpack bodies tracers PUT to /v0.4/traces and /v0.5/traces.
// Each input is decoded as both versions.
//
// Invariants: an error has a message; a batch keeps its bounds (strings,
// stacks, code origin frames, problems), counts no more rejected spans than
// spans, and every id is lowercase hex of 16 or 32 digits.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/telemetry.h"
#include "fuzz_util.h"
#include "ingest/datadog_traces.h"

namespace {

bool IsHexId(const std::string& id) {
  if (id.size() != 16 && id.size() != 32) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

void CheckService(const srclink::ServiceIdentity& s) {
  for (const std::string* v :
       {&s.service, &s.version, &s.environment, &s.language, &s.runtime_version}) {
    SRCLINK_FUZZ_CHECK(v->size() <= srclink::kMaxTelemetryString, *v);
  }
}

void Check(const srclink::Result<srclink::TelemetryBatch>& batch) {
  if (!batch.ok()) {
    SRCLINK_FUZZ_CHECK(!batch.status().message().empty(), "empty error");
    return;
  }
  SRCLINK_FUZZ_CHECK(batch->rejected <= batch->spans, "more rejected than spans");
  SRCLINK_FUZZ_CHECK(batch->problems.size() <= 5, "too many problems");
  for (const srclink::EntrySpan& e : batch->entries) {
    CheckService(e.service);
    SRCLINK_FUZZ_CHECK(IsHexId(e.trace_id) && e.span_id.size() == 16, e.trace_id + " " + e.span_id);
    SRCLINK_FUZZ_CHECK(e.resource.size() <= srclink::kMaxTelemetryString, e.resource);
    SRCLINK_FUZZ_CHECK(e.origin.size() <= srclink::kMaxCodeOriginFrames, "too many frames");
    for (const srclink::CodeOriginFrame& f : e.origin) {
      SRCLINK_FUZZ_CHECK(!f.frame.file.empty() &&
                             f.frame.file.size() <= srclink::kMaxTelemetryString &&
                             f.frame.line >= 0 && f.frame.column >= 0,
                         f.frame.file);
    }
  }
  for (const srclink::ErrorEvent& e : batch->errors) {
    CheckService(e.service);
    SRCLINK_FUZZ_CHECK(IsHexId(e.trace_id), e.trace_id);
    SRCLINK_FUZZ_CHECK(e.stack.size() <= srclink::kMaxTelemetryStack, "stack too long");
    SRCLINK_FUZZ_CHECK(e.message.size() <= srclink::kMaxTelemetryString, e.message);
    SRCLINK_FUZZ_CHECK(e.source == "datadog-span", e.source);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (4u << 20)) return 0;
  std::string_view body = srclink::fuzz::AsText(data, size);
  Check(srclink::DecodeDatadogTracesV04(body));
  Check(srclink::DecodeDatadogTracesV05(body));
  return 0;
}
