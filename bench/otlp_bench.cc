// OTLP ingest: decode + extract (ingest/otlp.h) of an ExportTraceServiceRequest
// of typical spans — 10 attributes each, 4 resources (services), 10% SERVER
// spans, ~1% with an exception event — in protobuf and OTLP/JSON; and, for
// comparison, libprotobuf parsing the same bytes into its generated messages
// (the measurement behind otlp_protobuf.cc's hand-written reader,
// docs/DESIGN.md "OTLP ingest"). Items are spans.
//
//   ninja -C build otlp_bench && build/bench/otlp_bench
#include <benchmark/benchmark.h>
#include <google/protobuf/arena.h>

#include <nlohmann/json.hpp>
#include <string>

#include "ingest/otlp.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "telemetry_payloads.h"

namespace srclink {
namespace {

using opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;

constexpr int kResources = 4;
constexpr int kSpansPerResource = 256;

ExportTraceServiceRequest MakeRequest() {
  return bench::MakeOtlpRequest({.resources = kResources, .spans_per_resource = kSpansPerResource});
}

std::string Hex(const std::string& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

nlohmann::json Attributes(
    const google::protobuf::RepeatedPtrField<opentelemetry::proto::common::v1::KeyValue>&
        attributes) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& kv : attributes) {
    nlohmann::json value;
    if (kv.value().has_int_value())
      value["intValue"] = std::to_string(kv.value().int_value());
    else
      value["stringValue"] = kv.value().string_value();
    out.push_back({{"key", kv.key()}, {"value", value}});
  }
  return out;
}

// The same request in OTLP/JSON, as the JS SDK's JSON exporter writes it.
std::string ToJson(const ExportTraceServiceRequest& req) {
  nlohmann::json resources = nlohmann::json::array();
  for (const auto& rs : req.resource_spans()) {
    nlohmann::json spans = nlohmann::json::array();
    for (const auto& s : rs.scope_spans(0).spans()) {
      nlohmann::json span{{"traceId", Hex(s.trace_id())},
                          {"spanId", Hex(s.span_id())},
                          {"name", s.name()},
                          {"kind", static_cast<int>(s.kind())},
                          {"startTimeUnixNano", std::to_string(s.start_time_unix_nano())},
                          {"endTimeUnixNano", std::to_string(s.end_time_unix_nano())},
                          {"attributes", Attributes(s.attributes())},
                          {"status", {{"code", static_cast<int>(s.status().code())}}}};
      if (!s.parent_span_id().empty()) span["parentSpanId"] = Hex(s.parent_span_id());
      nlohmann::json events = nlohmann::json::array();
      for (const auto& e : s.events())
        events.push_back({{"name", e.name()},
                          {"timeUnixNano", std::to_string(e.time_unix_nano())},
                          {"attributes", Attributes(e.attributes())}});
      span["events"] = events;
      spans.push_back(span);
    }
    resources.push_back(
        {{"resource", {{"attributes", Attributes(rs.resource().attributes())}}},
         {"scopeSpans",
          {{{"scope", {{"name", rs.scope_spans(0).scope().name()}}}, {"spans", spans}}}}});
  }
  return nlohmann::json{{"resourceSpans", resources}}.dump();
}

constexpr int64_t kSpans = int64_t{kResources} * kSpansPerResource;

void BM_OtlpProtobufDecode(benchmark::State& state) {
  const std::string body = MakeRequest().SerializeAsString();
  size_t errors = 0;
  for (auto _ : state) {
    Result<TelemetryBatch> batch = DecodeOtlpTraces(body, OtlpEncoding::kProtobuf);
    if (!batch.ok() || batch->spans != static_cast<size_t>(kSpans)) state.SkipWithError("decode");
    errors = batch->errors.size();
    benchmark::DoNotOptimize(batch);
  }
  state.counters["errors"] = static_cast<double>(errors);
  state.SetItemsProcessed(state.iterations() * kSpans);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
}
BENCHMARK(BM_OtlpProtobufDecode);

// libprotobuf alone (no extraction), into messages on an arena.
void BM_OtlpLibprotobufParseArena(benchmark::State& state) {
  const std::string body = MakeRequest().SerializeAsString();
  for (auto _ : state) {
    google::protobuf::Arena arena;
    auto* req = google::protobuf::Arena::CreateMessage<ExportTraceServiceRequest>(&arena);
    if (!req->ParseFromString(body)) state.SkipWithError("parse");
    benchmark::DoNotOptimize(req);
  }
  state.SetItemsProcessed(state.iterations() * kSpans);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
}
BENCHMARK(BM_OtlpLibprotobufParseArena);

// libprotobuf alone, into heap-allocated messages (a fresh message per request).
void BM_OtlpLibprotobufParseHeap(benchmark::State& state) {
  const std::string body = MakeRequest().SerializeAsString();
  for (auto _ : state) {
    ExportTraceServiceRequest req;
    if (!req.ParseFromString(body)) state.SkipWithError("parse");
    benchmark::DoNotOptimize(req);
  }
  state.SetItemsProcessed(state.iterations() * kSpans);
}
BENCHMARK(BM_OtlpLibprotobufParseHeap);

void BM_OtlpJsonDecode(benchmark::State& state) {
  const std::string body = ToJson(MakeRequest());
  for (auto _ : state) {
    Result<TelemetryBatch> batch = DecodeOtlpTraces(body, OtlpEncoding::kJson);
    if (!batch.ok() || batch->spans != static_cast<size_t>(kSpans)) state.SkipWithError("decode");
    benchmark::DoNotOptimize(batch);
  }
  state.SetItemsProcessed(state.iterations() * kSpans);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
}
BENCHMARK(BM_OtlpJsonDecode);

}  // namespace
}  // namespace srclink

BENCHMARK_MAIN();
