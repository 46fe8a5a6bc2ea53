// Fuzzes srclink::DecodeOtlpTraces and DecodeOtlpLogs, which read the bodies
// OpenTelemetry SDKs post to /v1/traces and /v1/logs. The first byte picks the
// encoding (even: protobuf, odd: OTLP/JSON) and the signal (bit 1: logs); the
// rest is the body.
//
// Invariants: no crash, no unbounded recursion; on success, ids are lowercase
// hex of 32/16 digits (or empty for logs), texts are within the telemetry
// bounds, rejected items are counted among the items seen, at most
// kOtlpMaxProblems problems; on failure, an error message.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_util.h"
#include "ingest/otlp.h"

namespace {

bool LowerHex(const std::string& id, size_t digits, bool may_be_empty) {
  if (id.empty()) return may_be_empty;
  if (id.size() != digits) return false;
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0 || size > (4u << 20)) return 0;
  const bool json = data[0] & 1;
  const bool logs = data[0] & 2;
  std::string_view body = srclink::fuzz::AsText(data + 1, size - 1);
  auto encoding = json ? srclink::OtlpEncoding::kJson : srclink::OtlpEncoding::kProtobuf;
  auto batch =
      logs ? srclink::DecodeOtlpLogs(body, encoding) : srclink::DecodeOtlpTraces(body, encoding);
  if (!batch.ok()) {
    SRCLINK_FUZZ_CHECK(!batch.status().message().empty(), "empty error");
    return 0;
  }
  SRCLINK_FUZZ_CHECK(batch->rejected <= batch->spans + batch->log_records, "rejected > seen");
  SRCLINK_FUZZ_CHECK(batch->problems.size() <= srclink::kOtlpMaxProblems, "too many problems");
  SRCLINK_FUZZ_CHECK(batch->entries.size() <= batch->spans, "more entries than spans");
  for (const auto& e : batch->errors) {
    SRCLINK_FUZZ_CHECK(LowerHex(e.trace_id, 32, logs), e.trace_id);
    SRCLINK_FUZZ_CHECK(LowerHex(e.span_id, 16, logs), e.span_id);
    SRCLINK_FUZZ_CHECK(e.type.size() <= srclink::kMaxTelemetryString, "type too long");
    SRCLINK_FUZZ_CHECK(e.message.size() <= srclink::kMaxTelemetryString, "message too long");
    SRCLINK_FUZZ_CHECK(e.stack.size() <= srclink::kMaxTelemetryStack, "stack too long");
  }
  for (const auto& e : batch->entries) {
    SRCLINK_FUZZ_CHECK(LowerHex(e.trace_id, 32, false), e.trace_id);
    SRCLINK_FUZZ_CHECK(LowerHex(e.span_id, 16, false), e.span_id);
    SRCLINK_FUZZ_CHECK(e.origin.size() <= srclink::kMaxCodeOriginFrames, "too many frames");
  }
  (void)srclink::DumpTelemetryBatch(*batch);
  return 0;
}
