// Realistic tracer payloads for the ingest benchmarks: OTLP
// ExportTraceServiceRequest messages (otlp_bench, http_telemetry_bench) and
// Datadog v0.4/v0.5 msgpack bodies (datadog_traces_bench, http_telemetry_bench).
// The default shapes are the decoder benchmarks' payloads; the load generator
// varies services, routes, ids and times with a seed.
#pragma once

#include <msgpack.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

namespace srclink::bench {

inline constexpr const char* kPayloadRoutes[] = {"/users/:id",     "/orders",   "/cart",
                                                 "/products/:sku", "/checkout", "/search",
                                                 "/login",         "/health"};
inline constexpr int kPayloadRouteCount = 8;

// `seed`-dependent bytes for trace and span ids (the decoder benchmarks'):
// only the seed's low byte counts, so they repeat every 256 seeds.
inline std::string PayloadId(uint64_t seed, size_t n) {
  std::string out(n, '\0');
  for (size_t i = 0; i < n; ++i)
    out[i] = static_cast<char>((seed * 2654435761u + i * 97 + 1) & 0xFF);
  return out;
}

// Distinct bytes for every `seed` (splitmix64): ids that never collide.
inline std::string UniquePayloadId(uint64_t seed, size_t n) {
  std::string out(n, '\0');
  uint64_t x = seed;
  for (size_t i = 0; i < n; ++i) {
    if (i % 8 == 0) {
      x += 0x9e3779b97f4a7c15ULL;
      uint64_t z = x;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      x = z ^ (z >> 31);
    }
    out[i] = static_cast<char>((x >> (8 * (i % 8))) & 0xFF);
  }
  return out;
}

// An OTLP request of `resources` services × `spans_per_resource` spans: 10
// attributes each, every tenth a SERVER (entry) span with code.* attributes,
// ~1% with an exception event; each other span's parent is the span before
// it. `routes` (1–8) entry routes; `seed` shifts ids, times and which routes;
// `base_time_ns` is the first span's start. PayloadId's ids repeat every 256
// spans, so a parent id may also name a span of another service (the decoder
// then counts the child as an entry span, ~50% of spans): `unique_ids` gives
// ids that never repeat, and 10% entry spans.
struct OtlpShape {
  int resources = 4;
  int spans_per_resource = 256;
  int routes = 1;
  uint64_t seed = 0;
  uint64_t base_time_ns = 1'700'000'000'000'000'000;
  bool unique_ids = false;
};

inline opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest MakeOtlpRequest(
    const OtlpShape& shape = {}) {
  namespace trace = opentelemetry::proto::trace::v1;
  opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest req;
  uint64_t n = shape.seed * static_cast<uint64_t>(shape.resources * shape.spans_per_resource);
  auto id = [&](uint64_t seed, size_t size) {
    return shape.unique_ids ? UniquePayloadId(seed, size) : PayloadId(seed, size);
  };
  for (int r = 0; r < shape.resources; ++r) {
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
    std::string route = kPayloadRoutes[0];
    for (int i = 0; i < shape.spans_per_resource; ++i, ++n) {
      auto* s = ss->add_spans();
      if (i % 10 == 0) {
        trace_id = id(n, 16);
        route = kPayloadRoutes[(n / 10) % static_cast<uint64_t>(shape.routes)];
      }
      s->set_trace_id(trace_id);
      s->set_span_id(id(n + 1000003, 8));
      bool server = i % 10 == 0;
      if (!server) s->set_parent_span_id(id(n + 1000002, 8));
      s->set_name(server ? "GET " + route : "pg.query:SELECT users");
      s->set_kind(server ? trace::Span::SPAN_KIND_SERVER : trace::Span::SPAN_KIND_CLIENT);
      const uint64_t start = shape.base_time_ns + n * 1000;
      s->set_start_time_unix_nano(start);
      s->set_end_time_unix_nano(start + 250'000);
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
      str("http.route", route);
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

// Datadog tracer spans: chunks (traces) of `spans_per_chunk` spans with ~10
// meta entries each; the first of a chunk is the service entry span with its
// code origin and git tags; ~1% errors with a stack. `services` (1–4)
// services and `routes` (1–8) resources; `seed` shifts ids and times.
struct DatadogShape {
  int chunks = 50;
  int spans_per_chunk = 20;
  int services = 1;
  int routes = 1;
  uint64_t seed = 0;
  int64_t base_time_ns = 1795255340553019392;
};

struct DatadogSpan {
  using Strings = std::vector<std::pair<std::string, std::string>>;
  std::string service, name, resource, type;
  uint64_t trace_id, span_id, parent_id;
  int64_t start, duration;
  int32_t error;
  Strings meta;
  std::vector<std::pair<std::string, double>> metrics;
};

inline std::vector<std::vector<DatadogSpan>> DatadogTraces(const DatadogShape& shape = {}) {
  static const char* kServices[] = {"checkout", "cart", "catalog", "accounts"};
  using Strings = DatadogSpan::Strings;
  std::vector<std::vector<DatadogSpan>> traces;
  const uint64_t first = shape.seed * static_cast<uint64_t>(shape.chunks);
  uint64_t id = 1000 + shape.seed * static_cast<uint64_t>(shape.chunks * shape.spans_per_chunk);
  int64_t span_number = static_cast<int64_t>(first) * shape.spans_per_chunk;
  for (int c = 0; c < shape.chunks; ++c) {
    std::vector<DatadogSpan> chunk;
    const uint64_t chunk_number = first + static_cast<uint64_t>(c);
    const std::string service = kServices[chunk_number % static_cast<uint64_t>(shape.services)];
    const std::string route =
        kPayloadRoutes[(chunk_number / static_cast<uint64_t>(shape.services)) %
                       static_cast<uint64_t>(shape.routes)];
    uint64_t trace_id = 0x1234567890abcdefULL + chunk_number;
    uint64_t root = ++id;
    for (int s = 0; s < shape.spans_per_chunk; ++s, ++span_number) {
      DatadogSpan span;
      span.trace_id = trace_id;
      span.span_id = s == 0 ? root : ++id;
      span.parent_id = s == 0 ? 0 : root;
      span.start = shape.base_time_ns + span_number * 1000;
      span.duration = 1093506;
      span.error = span_number % 100 == 57 ? 1 : 0;
      span.metrics = {{"process_id", 4549}, {"_sampling_priority_v1", 1}, {"_dd.measured", 1}};
      Strings common = {{"service", service},
                        {"env", "prod"},
                        {"version", "1.4.2"},
                        {"language", "javascript"},
                        {"runtime-id", "152dcbc4-720c-48c6-a657-0e5d413e8d35"}};
      span.service = service;
      if (s == 0) {
        span.name = "express.request";
        span.resource = "GET " + route;
        span.type = "web";
        span.meta = {{"_dd.p.tid", "6b016c2c00000000"},
                     {"_dd.p.dm", "-0"},
                     {"_dd.git.commit.sha", "0123456789abcdef0123456789abcdef01234567"},
                     {"_dd.git.repository_url", "https://github.com/acme/" + service}};
        span.meta.insert(span.meta.end(), common.begin(), common.end());
        Strings more = {{"component", "express"},
                        {"span.kind", "server"},
                        {"http.url", "http://" + service + ".internal:8080/users/42"},
                        {"http.method", "GET"},
                        {"http.route", route},
                        {"http.status_code", "200"},
                        {"_dd.code_origin.type", "entry"},
                        {"_dd.code_origin.frames.0.file", "/app/src/routes/users.js"},
                        {"_dd.code_origin.frames.0.line", "42"},
                        {"_dd.code_origin.frames.0.column", "7"},
                        {"_dd.code_origin.frames.0.method", "getUser"},
                        {"_dd.code_origin.frames.0.type", "Object"}};
        span.meta.insert(span.meta.end(), more.begin(), more.end());
        span.metrics.emplace_back("_dd.top_level", 1);
      } else {
        span.name = s % 2 ? "pg.query" : "express.middleware";
        span.resource = s % 2 ? "SELECT * FROM users WHERE id = $1" : "getUser";
        span.type = s % 2 ? "sql" : "";
        span.meta = common;
        Strings more = {{"component", s % 2 ? "pg" : "express"},
                        {"span.kind", "client"},
                        {"db.type", "postgres"},
                        {"db.name", "users"},
                        {"out.host", "db.internal"}};
        span.meta.insert(span.meta.end(), more.begin(), more.end());
      }
      if (span.error) {
        span.meta.emplace_back("error.type", "TypeError");
        span.meta.emplace_back("error.message", "Cannot read properties of undefined");
        span.meta.emplace_back(
            "error.stack",
            "TypeError: Cannot read properties of undefined (reading 'id')\n"
            "    at getUser (/app/src/routes/users.js:43:21)\n"
            "    at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/"
            "layer.js:95:5)\n");
      }
      chunk.push_back(std::move(span));
    }
    traces.push_back(std::move(chunk));
  }
  return traces;
}

// The body of PUT/POST /v0.4/traces (application/msgpack).
inline std::string PackDatadogV04(const std::vector<std::vector<DatadogSpan>>& traces) {
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> pk(buf);
  pk.pack_array(static_cast<uint32_t>(traces.size()));
  for (const auto& chunk : traces) {
    pk.pack_array(static_cast<uint32_t>(chunk.size()));
    for (const DatadogSpan& s : chunk) {
      pk.pack_map(s.type.empty() ? 11 : 12);
      if (!s.type.empty()) pk.pack("type"), pk.pack(s.type);
      pk.pack("trace_id"), pk.pack(s.trace_id);
      pk.pack("span_id"), pk.pack(s.span_id);
      pk.pack("parent_id"), pk.pack(s.parent_id);
      pk.pack("name"), pk.pack(s.name);
      pk.pack("resource"), pk.pack(s.resource);
      pk.pack("service"), pk.pack(s.service);
      pk.pack("error"), pk.pack(s.error);
      pk.pack("start"), pk.pack(s.start);
      pk.pack("duration"), pk.pack(s.duration);
      pk.pack("meta"), pk.pack_map(static_cast<uint32_t>(s.meta.size()));
      for (const auto& [k, v] : s.meta) pk.pack(k), pk.pack(v);
      pk.pack("metrics"), pk.pack_map(static_cast<uint32_t>(s.metrics.size()));
      for (const auto& [k, v] : s.metrics) pk.pack(k), pk.pack(v);
    }
  }
  return std::string(buf.data(), buf.size());
}

// The body of PUT/POST /v0.5/traces: a string table, then spans as arrays.
inline std::string PackDatadogV05(const std::vector<std::vector<DatadogSpan>>& traces) {
  std::vector<std::string> table = {""};
  std::map<std::string, uint32_t> index = {{"", 0}};
  auto idx = [&](const std::string& s) {
    auto [it, added] = index.emplace(s, static_cast<uint32_t>(table.size()));
    if (added) table.push_back(s);
    return it->second;
  };
  msgpack::sbuffer spans;
  msgpack::packer<msgpack::sbuffer> pk(spans);
  pk.pack_array(static_cast<uint32_t>(traces.size()));
  for (const auto& chunk : traces) {
    pk.pack_array(static_cast<uint32_t>(chunk.size()));
    for (const DatadogSpan& s : chunk) {
      pk.pack_array(12);
      pk.pack(idx(s.service)), pk.pack(idx(s.name)), pk.pack(idx(s.resource));
      pk.pack(s.trace_id), pk.pack(s.span_id), pk.pack(s.parent_id);
      pk.pack(s.start), pk.pack(s.duration), pk.pack(s.error);
      pk.pack_map(static_cast<uint32_t>(s.meta.size()));
      for (const auto& [k, v] : s.meta) pk.pack(idx(k)), pk.pack(idx(v));
      pk.pack_map(static_cast<uint32_t>(s.metrics.size()));
      for (const auto& [k, v] : s.metrics) pk.pack(idx(k)), pk.pack(v);
      pk.pack(idx(s.type));
    }
  }
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> top(buf);
  top.pack_array(2);
  top.pack(table);
  buf.write(spans.data(), spans.size());
  return std::string(buf.data(), buf.size());
}

}  // namespace srclink::bench
