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

#include <string>

#include "ingest/datadog_traces.h"
#include "telemetry_payloads.h"

namespace srclink {
namespace {

constexpr int kChunks = 50;
constexpr int kSpansPerChunk = 20;

std::string PackV04() {
  return bench::PackDatadogV04(
      bench::DatadogTraces({.chunks = kChunks, .spans_per_chunk = kSpansPerChunk}));
}

std::string PackV05() {
  return bench::PackDatadogV05(
      bench::DatadogTraces({.chunks = kChunks, .spans_per_chunk = kSpansPerChunk}));
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
