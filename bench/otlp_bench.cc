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

namespace srclink {
namespace {

namespace trace = opentelemetry::proto::trace::v1;
using opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;

constexpr int kResources = 4;
constexpr int kSpansPerResource = 256;

std::string Id(uint64_t seed, size_t n) {
  std::string out(n, '\0');
  for (size_t i = 0; i < n; ++i)
    out[i] = static_cast<char>((seed * 2654435761u + i * 97 + 1) & 0xFF);
  return out;
}

ExportTraceServiceRequest MakeRequest() {
  ExportTraceServiceRequest req;
  uint64_t n = 0;
  for (int r = 0; r < kResources; ++r) {
    auto* rs = req.add_resource_spans();
    auto add_res = [&](const char* k, const std::string& v) {
      auto* kv = rs->mutable_resource()->add_attributes();
      kv->set_key(k);
      kv->mutable_value()->set_string_value(v);
    };
    add_res("service.name", "service-" + std::to_string(r));
    add_res("service.version", "1.4." + std::to_string(r));
    add_res("deployment.environment.name", "prod");
    add_res("telemetry.sdk.language", "nodejs");
    add_res("telemetry.sdk.name", "opentelemetry");
    add_res("host.name", "web-" + std::to_string(r));
    add_res("vcs.repository.url.full", "https://github.com/acme/shop");
    add_res("vcs.ref.head.revision", "3f2c9a1b7d4e5f60718293a4b5c6d7e8f9012345");
    auto* ss = rs->add_scope_spans();
    ss->mutable_scope()->set_name("@opentelemetry/instrumentation-http");
    ss->mutable_scope()->set_version("0.57.0");
    std::string trace_id;
    for (int i = 0; i < kSpansPerResource; ++i, ++n) {
      auto* s = ss->add_spans();
      if (i % 10 == 0) trace_id = Id(n, 16);
      s->set_trace_id(trace_id);
      s->set_span_id(Id(n + 1000003, 8));
      bool server = i % 10 == 0;
      if (!server) s->set_parent_span_id(Id(n + 1000002, 8));
      s->set_name(server ? "GET /users/:id" : "pg.query:SELECT users");
      s->set_kind(server ? trace::Span::SPAN_KIND_SERVER : trace::Span::SPAN_KIND_CLIENT);
      s->set_start_time_unix_nano(1'700'000'000'000'000'000 + n * 1000);
      s->set_end_time_unix_nano(1'700'000'000'000'000'000 + n * 1000 + 250'000);
      auto str = [&](const char* k, const std::string& v) {
        auto* kv = s->add_attributes();
        kv->set_key(k);
        kv->mutable_value()->set_string_value(v);
      };
      auto num = [&](const char* k, int64_t v) {
        auto* kv = s->add_attributes();
        kv->set_key(k);
        kv->mutable_value()->set_int_value(v);
      };
      str("http.request.method", "GET");
      str("http.route", "/users/:id");
      num("http.response.status_code", 200);
      str("url.path", "/users/" + std::to_string(n));
      str("server.address", "api.acme.internal");
      num("server.port", 8443);
      str("db.system", "postgresql");
      str("code.function.name", "UsersController.show");
      str("code.file.path", "/app/src/controllers/users_controller.js");
      num("code.line.number", 42 + i % 7);
      if (n % 100 == 7) {
        auto* e = s->add_events();
        e->set_name("exception");
        e->set_time_unix_nano(s->end_time_unix_nano());
        auto ev = [&](const char* k, const std::string& v) {
          auto* kv = e->add_attributes();
          kv->set_key(k);
          kv->mutable_value()->set_string_value(v);
        };
        ev("exception.type", "TypeError");
        ev("exception.message", "Cannot read properties of undefined (reading 'id')");
        ev("exception.stacktrace",
           "TypeError: Cannot read properties of undefined (reading 'id')\n"
           "    at show (/app/src/controllers/users_controller.js:42:17)\n"
           "    at Layer.handle (/app/node_modules/express/lib/router/layer.js:95:5)");
        s->mutable_status()->set_code(trace::Status::STATUS_CODE_ERROR);
      }
    }
  }
  return req;
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
