// The resolver's per-frame hot path, piece by piece, on the frames of
// bench/synthetic_repo.cc (CI-runner, /app, webpack://, Windows and runtime
// paths) against a 100,000-file commit:
//   build/bench/frame_path_bench --benchmark_counters_tabular=true
// NormalizeFramePath fresh vs. with a reused FramePathScratch, ClassifyFrame,
// Resolver::ResolveBatch in batches of 100 (what /api/v1/resolve does per
// request), and the links of a resolved frame: MakeLinks vs. a LinkBuilder
// prepared once per (repository, commit).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "core/frame.h"
#include "core/frame_origin.h"
#include "core/frame_path.h"
#include "core/links.h"
#include "core/path_index.h"
#include "core/resolver.h"
#include "synthetic_repo.h"

namespace {

using namespace srclink;

const std::vector<std::string>& Paths() {
  static const auto* paths = new std::vector<std::string>(bench::GenerateRepositoryPaths(100000));
  return *paths;
}

const std::vector<Frame>& Frames() {
  static const auto* frames = [] {
    static const char* kFunctions[] = {"handle", "main", "run", "process_item", "Render", "<init>"};
    auto* out = new std::vector<Frame>();
    const std::vector<std::string> files = bench::GenerateFrames(Paths(), 10000, 11);
    for (size_t i = 0; i < files.size(); ++i) {
      Frame f;
      f.file = files[i];
      f.line = static_cast<int>(1 + i % 400);
      f.function = kFunctions[i % 6];
      out->push_back(std::move(f));
    }
    return out;
  }();
  return *frames;
}

const PathIndex& Index() {
  static const PathIndex* index = [] {
    PathIndex::Builder b;
    for (const auto& p : Paths()) b.Add(p);
    return new PathIndex(b.Build());
  }();
  return *index;
}

void BM_NormalizeFramePath(benchmark::State& state) {
  const auto& frames = Frames();
  for (auto _ : state) {
    for (const Frame& f : frames) benchmark::DoNotOptimize(NormalizeFramePath(f.file));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * frames.size()));
}
BENCHMARK(BM_NormalizeFramePath);

void BM_NormalizeFramePathScratch(benchmark::State& state) {
  const auto& frames = Frames();
  FramePathScratch scratch;
  FramePath path;
  for (auto _ : state) {
    for (const Frame& f : frames) {
      NormalizeFramePath(f.file, &scratch, &path);
      benchmark::DoNotOptimize(path);
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * frames.size()));
}
BENCHMARK(BM_NormalizeFramePathScratch);

void BM_ClassifyFrame(benchmark::State& state) {
  const auto& frames = Frames();
  std::vector<FramePath> paths;
  for (const Frame& f : frames) paths.push_back(NormalizeFramePath(f.file));
  for (auto _ : state) {
    for (size_t i = 0; i < frames.size(); ++i) {
      benchmark::DoNotOptimize(ClassifyFrame(frames[i], paths[i]));
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * frames.size()));
}
BENCHMARK(BM_ClassifyFrame);

// One Resolver per batch of 100, as the resolve route builds one per request.
void BM_ResolveBatch100(benchmark::State& state) {
  const auto& frames = Frames();
  const PathIndex& index = Index();
  for (auto _ : state) {
    for (size_t at = 0; at + 100 <= frames.size(); at += 100) {
      ResolveOptions options;
      options.repository_id = "github.com/acme/mono";
      Resolver resolver(index, std::move(options));
      benchmark::DoNotOptimize(resolver.ResolveBatch(std::span(frames).subspan(at, 100)));
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * (frames.size() / 100 * 100)));
}
BENCHMARK(BM_ResolveBatch100);

RepositoryUrl GitHubRepo() {
  RepositoryUrl repo;
  repo.provider = Provider::kGitHub;
  repo.scheme = "https";
  repo.host = "github.com";
  repo.path = "acme/mono";
  repo.web_path = "acme/mono";
  return repo;
}

constexpr char kSha[] = "0123456789abcdef0123456789abcdef01234567";

void BM_MakeLinksPerFrame(benchmark::State& state) {
  const RepositoryUrl repo = GitHubRepo();
  const HostRegistry hosts;
  const auto& paths = Paths();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(MakeLinks(repo, kSha, paths[i++ % 1000],
                                       LineRange{static_cast<int>(i % 400 + 1), 0}, hosts));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MakeLinksPerFrame);

void BM_LinkBuilderPerFrame(benchmark::State& state) {
  const RepositoryUrl repo = GitHubRepo();
  const HostRegistry hosts;
  const LinkBuilder builder(repo, kSha, hosts);
  const auto& paths = Paths();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        builder.MakeLinks(paths[i++ % 1000], LineRange{static_cast<int>(i % 400 + 1), 0}));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LinkBuilderPerFrame);

}  // namespace

BENCHMARK_MAIN();
