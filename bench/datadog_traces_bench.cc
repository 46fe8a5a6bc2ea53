// Datadog tracer payloads: decode + extract (ingest/datadog_traces.h) of
// typical spans — chunks of 20 spans with 10 meta entries each, an entry span
// per chunk with its code origin and git tags, ~1% errors with a stack —
// against msgpack-cxx's object model unpacking the same bytes (the baseline
// that decided the hand-written reader; docs/DESIGN.md). Target: ≥ 1,000,000
// spans/s per core for v0.4.
//
//   ninja -C build datadog_traces_bench && build/bench/datadog_traces_bench
#include <benchmark/benchmark.h>

#include <msgpack.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "ingest/datadog_traces.h"

namespace srclink {
namespace {

constexpr int kChunks = 50;
constexpr int kSpansPerChunk = 20;

using Strings = std::vector<std::pair<std::string, std::string>>;

struct Span {
  std::string service, name, resource, type;
  uint64_t trace_id, span_id, parent_id;
  int64_t start, duration;
  int32_t error;
  Strings meta;
  std::vector<std::pair<std::string, double>> metrics;
};

std::vector<std::vector<Span>> TypicalTraces() {
  std::vector<std::vector<Span>> traces;
  uint64_t id = 1000;
  int span_number = 0;
  for (int c = 0; c < kChunks; ++c) {
    std::vector<Span> chunk;
    uint64_t trace_id = 0x1234567890abcdefULL + static_cast<uint64_t>(c);
    uint64_t root = ++id;
    for (int s = 0; s < kSpansPerChunk; ++s, ++span_number) {
      Span span;
      span.trace_id = trace_id;
      span.span_id = s == 0 ? root : ++id;
      span.parent_id = s == 0 ? 0 : root;
      span.start = 1795255340553019392 + span_number * 1000;
      span.duration = 1093506;
      span.error = span_number % 100 == 57 ? 1 : 0;
      span.metrics = {{"process_id", 4549}, {"_sampling_priority_v1", 1}, {"_dd.measured", 1}};
      Strings common = {{"service", "checkout"},
                        {"env", "prod"},
                        {"version", "1.4.2"},
                        {"language", "javascript"},
                        {"runtime-id", "152dcbc4-720c-48c6-a657-0e5d413e8d35"}};
      if (s == 0) {
        span.service = "checkout";
        span.name = "express.request";
        span.resource = "GET /users/:id";
        span.type = "web";
        span.meta = {{"_dd.p.tid", "6b016c2c00000000"},
                     {"_dd.p.dm", "-0"},
                     {"_dd.git.commit.sha", "0123456789abcdef0123456789abcdef01234567"},
                     {"_dd.git.repository_url", "https://github.com/acme/checkout"}};
        span.meta.insert(span.meta.end(), common.begin(), common.end());
        Strings more = {{"component", "express"},
                        {"span.kind", "server"},
                        {"http.url", "http://checkout.internal:8080/users/42"},
                        {"http.method", "GET"},
                        {"http.route", "/users/:id"},
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
        span.service = "checkout";
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

std::string PackV04() {
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> pk(buf);
  auto traces = TypicalTraces();
  pk.pack_array(static_cast<uint32_t>(traces.size()));
  for (const auto& chunk : traces) {
    pk.pack_array(static_cast<uint32_t>(chunk.size()));
    for (const Span& s : chunk) {
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

std::string PackV05() {
  std::vector<std::string> table = {""};
  std::map<std::string, uint32_t> index = {{"", 0}};
  auto idx = [&](const std::string& s) {
    auto [it, added] = index.emplace(s, static_cast<uint32_t>(table.size()));
    if (added) table.push_back(s);
    return it->second;
  };
  msgpack::sbuffer spans;
  msgpack::packer<msgpack::sbuffer> pk(spans);
  auto traces = TypicalTraces();
  pk.pack_array(static_cast<uint32_t>(traces.size()));
  for (const auto& chunk : traces) {
    pk.pack_array(static_cast<uint32_t>(chunk.size()));
    for (const Span& s : chunk) {
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

void Report(benchmark::State& state, const std::string& body) {
  state.SetItemsProcessed(state.iterations() * kChunks * kSpansPerChunk);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
}

void BM_DecodeV04(benchmark::State& state) {
  std::string body = PackV04();
  for (auto _ : state) {
    Result<TelemetryBatch> batch = DecodeDatadogTracesV04(body);
    if (!batch.ok() || batch->spans != kChunks * kSpansPerChunk ||
        batch->entries.size() != kChunks) {
      state.SkipWithError("unexpected decode");
      break;
    }
    benchmark::DoNotOptimize(batch);
  }
  Report(state, body);
}
BENCHMARK(BM_DecodeV04);

void BM_DecodeV05(benchmark::State& state) {
  std::string body = PackV05();
  for (auto _ : state) {
    Result<TelemetryBatch> batch = DecodeDatadogTracesV05(body);
    if (!batch.ok() || batch->spans != kChunks * kSpansPerChunk ||
        batch->entries.size() != kChunks) {
      state.SkipWithError("unexpected decode");
      break;
    }
    benchmark::DoNotOptimize(batch);
  }
  Report(state, body);
}
BENCHMARK(BM_DecodeV05);

// The library's object model alone: msgpack::unpack into a zone, then a walk
// that only finds each span's meta map — no extraction, no output.
void BM_MsgpackCxxUnpackV04(benchmark::State& state) {
  std::string body = PackV04();
  for (auto _ : state) {
    msgpack::object_handle handle = msgpack::unpack(body.data(), body.size());
    const msgpack::object& traces = handle.get();
    size_t meta_entries = 0;
    for (uint32_t t = 0; t < traces.via.array.size; ++t) {
      const msgpack::object& chunk = traces.via.array.ptr[t];
      for (uint32_t s = 0; s < chunk.via.array.size; ++s) {
        const msgpack::object_map& span = chunk.via.array.ptr[s].via.map;
        for (uint32_t f = 0; f < span.size; ++f) {
          if (span.ptr[f].key.as<std::string_view>() == "meta") {
            meta_entries += span.ptr[f].val.via.map.size;
          }
        }
      }
    }
    benchmark::DoNotOptimize(meta_entries);
  }
  Report(state, body);
}
BENCHMARK(BM_MsgpackCxxUnpackV04);

}  // namespace
}  // namespace srclink

BENCHMARK_MAIN();
