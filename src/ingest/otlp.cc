// DecodeOtlpTraces / DecodeOtlpLogs: one entry point per signal, by encoding
// (otlp_protobuf.cc, otlp_json.cc; the rules they share: otlp_extract.cc).
#include "ingest/otlp.h"

#include <cstdint>

namespace srclink {

Result<TelemetryBatch> DecodeOtlpProtobufTraces(std::string_view body);  // otlp_protobuf.cc
Result<TelemetryBatch> DecodeOtlpProtobufLogs(std::string_view body);
Result<TelemetryBatch> DecodeOtlpJsonTraces(std::string_view body);  // otlp_json.cc
Result<TelemetryBatch> DecodeOtlpJsonLogs(std::string_view body);

namespace {

Status TooLarge(std::string_view body) {
  return Status::InvalidArgument("request body of " + std::to_string(body.size()) +
                                 " bytes is larger than OTLP decoding allows (4 GiB)");
}

}  // namespace

Result<TelemetryBatch> DecodeOtlpTraces(std::string_view body, OtlpEncoding encoding) {
  if (body.size() >= UINT32_MAX) return TooLarge(body);
  return encoding == OtlpEncoding::kProtobuf ? DecodeOtlpProtobufTraces(body)
                                             : DecodeOtlpJsonTraces(body);
}

Result<TelemetryBatch> DecodeOtlpLogs(std::string_view body, OtlpEncoding encoding) {
  if (body.size() >= UINT32_MAX) return TooLarge(body);
  return encoding == OtlpEncoding::kProtobuf ? DecodeOtlpProtobufLogs(body)
                                             : DecodeOtlpJsonLogs(body);
}

}  // namespace srclink
