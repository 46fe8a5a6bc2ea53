// Benchmarks PathIndex on a generated 1,000,000-path monorepo.
//   build/bench/path_index_bench --benchmark_counters_tabular=true
// Targets (issue #2): build <= 1.5 s, lookups >= 2,000,000/s on one core,
// memory <= 3x the raw path bytes.
#include <benchmark/benchmark.h>

#include "core/frame_path.h"
#include "core/path_index.h"
#include "synthetic_repo.h"

namespace {

using srclink::PathIndex;

const std::vector<std::string>& Paths() {
  static const auto* paths =
      new std::vector<std::string>(srclink::bench::GenerateRepositoryPaths(1000000));
  return *paths;
}

const PathIndex& Index() {
  static const PathIndex* index = [] {
    PathIndex::Builder b;
    for (const auto& p : Paths()) b.Add(p);
    return new PathIndex(b.Build());
  }();
  return *index;
}

// 100,000 frames into the repository, normalised and split once.
const std::vector<std::vector<std::string_view>>& FrameComponents() {
  static const auto* comps = [] {
    static const auto* normalized = [] {
      auto* out = new std::vector<srclink::FramePath>();
      for (const auto& f : srclink::bench::GenerateFrames(Paths(), 100000)) {
        out->push_back(srclink::NormalizeFramePath(f));
      }
      return out;
    }();
    auto* out = new std::vector<std::vector<std::string_view>>();
    for (const auto& n : *normalized) out->push_back(n.Components());
    return out;
  }();
  return *comps;
}

void BM_PathIndexBuild(benchmark::State& state) {
  const auto& paths = Paths();
  size_t bytes = 0;
  for (const auto& p : paths) bytes += p.size();
  for (auto _ : state) {
    PathIndex::Builder b;
    b.Reserve(paths.size(), bytes);
    for (const auto& p : paths) b.Add(p);
    PathIndex index = b.Build();
    state.counters["paths"] = static_cast<double>(index.size());
    state.counters["raw_MB"] = static_cast<double>(index.PathBytes()) / 1e6;
    state.counters["index_MB"] = static_cast<double>(index.MemoryUsage()) / 1e6;
    state.counters["mem_ratio"] = static_cast<double>(index.MemoryUsage()) / index.PathBytes();
  }
}
BENCHMARK(BM_PathIndexBuild)->Unit(benchmark::kMillisecond)->Iterations(3);

// Lookups of pre-split frame components (the index's own cost).
void BM_PathIndexLookup(benchmark::State& state) {
  const PathIndex& index = Index();
  const auto& comps = FrameComponents();
  size_t i = 0, unique = 0;
  for (auto _ : state) {
    auto m = index.Lookup(comps[i]);
    unique += m.count == 1;
    benchmark::DoNotOptimize(m);
    if (++i == comps.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["unique_share"] = static_cast<double>(unique) / state.iterations();
}
BENCHMARK(BM_PathIndexLookup);

// Batched lookups, eight interleaved: what the Resolver and the server use.
void BM_PathIndexLookupBatch(benchmark::State& state) {
  const PathIndex& index = Index();
  const auto& comps = FrameComponents();
  constexpr size_t kBatch = 256;
  std::vector<std::span<const std::string_view>> queries(comps.begin(), comps.end());
  std::vector<PathIndex::Match> out(kBatch);
  size_t i = 0;
  for (auto _ : state) {
    index.LookupBatch(std::span(queries).subspan(i, kBatch), out.data());
    benchmark::DoNotOptimize(out.data());
    i += kBatch;
    if (i + kBatch > queries.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_PathIndexLookupBatch);

// Normalisation plus lookup: what resolving a raw frame string costs here.
void BM_NormalizeAndLookup(benchmark::State& state) {
  const PathIndex& index = Index();
  auto frames = srclink::bench::GenerateFrames(Paths(), 100000);
  size_t i = 0;
  std::vector<std::string_view> comps;
  for (auto _ : state) {
    auto fp = srclink::NormalizeFramePath(frames[i]);
    comps.clear();
    srclink::SplitComponents(fp.path, &comps);
    auto m = index.Lookup(comps,
                          fp.windows ? PathIndex::Case::kInsensitive : PathIndex::Case::kSensitive);
    benchmark::DoNotOptimize(m);
    if (++i == frames.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NormalizeAndLookup);

}  // namespace

BENCHMARK_MAIN();
