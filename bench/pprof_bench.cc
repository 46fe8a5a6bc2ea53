// Profiles: DecodePprof (ingest/pprof.h) alone, and decode + CallTree +
// LineProfile aggregation, on a synthetic Go-like CPU profile of ~20 MB
// uncompressed: 4,000 functions in 400 files, stacks 10–60 deep walked down a
// call graph whose callees are chosen with a skewed (Zipf-like) weight, ~20%
// of locations with an inlined callee, two sample types (samples/count,
// cpu/nanoseconds), identical stacks merged as Go's profiler does. Also
// libprotobuf's ParseFromString of the same bytes, for comparison, and
// LineProfile::FunctionLines on the aggregate. Throughput is bytes of
// uncompressed pprof per second; the target is 50 MB/s per core for
// decode + aggregate.
//
//   ninja -C build -j1 pprof_bench && build/bench/pprof_bench
#include <benchmark/benchmark.h>
#include <google/protobuf/arena.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/call_tree.h"
#include "core/line_profile.h"
#include "ingest/pprof.h"
#include "pprof/profile.pb.h"

namespace srclink {
namespace {

namespace pb = perftools::profiles;

constexpr int kFunctions = 4000;
constexpr int kFiles = 400;
constexpr size_t kTargetBytes = 20u << 20;

struct StackHash {
  size_t operator()(const std::vector<uint64_t>& v) const {
    uint64_t h = 1469598103934665603ull;
    for (uint64_t x : v) h = (h ^ x) * 1099511628211ull;
    return h;
  }
};

enum Mode { kPool = 0, kUniqueStacks = 1 };
constexpr int kPoolStacks = 20000;
constexpr int kEndpoints = 300;

std::string MakeProfile(Mode mode) {
  std::mt19937_64 rng(42);
  pb::Profile p;
  std::unordered_map<std::string, int64_t> strings;
  auto str = [&](const std::string& s) {
    auto [it, added] = strings.emplace(s, p.string_table_size());
    if (added) p.add_string_table(s);
    return it->second;
  };
  str("");
  for (auto [t, u] : {std::pair{"samples", "count"}, std::pair{"cpu", "nanoseconds"}}) {
    pb::ValueType* v = p.add_sample_type();
    v->set_type(str(t));
    v->set_unit(str(u));
  }
  p.mutable_period_type()->set_type(str("cpu"));
  p.mutable_period_type()->set_unit(str("nanoseconds"));
  p.set_period(10000000);
  p.set_duration_nanos(60'000'000'000);
  pb::Mapping* m = p.add_mapping();
  m->set_id(1);
  m->set_memory_start(0x400000);
  m->set_memory_limit(0x4000000);
  m->set_filename(str("/app/server"));
  m->set_has_functions(true);
  m->set_has_filenames(true);
  m->set_has_line_numbers(true);
  m->set_has_inline_frames(true);

  // Functions, each with a start line, and its callees (a few, from later
  // functions mostly, sometimes itself: recursion).
  std::vector<int64_t> start_line(kFunctions);
  std::vector<std::vector<int>> callees(kFunctions);
  static const char* kPackages[] = {"runtime",
                                    "net/http",
                                    "main",
                                    "encoding/json",
                                    "github.com/acme/shop/cart",
                                    "github.com/acme/shop/db",
                                    "database/sql",
                                    "google.golang.org/grpc",
                                    "sync",
                                    "bufio"};
  for (int f = 0; f < kFunctions; ++f) {
    const char* pkg = kPackages[f % 10];
    int file = f % kFiles;
    start_line[f] = 10 + static_cast<int64_t>(rng() % 2000);
    pb::Function* fn = p.add_function();
    fn->set_id(f + 1);
    std::string name =
        std::string(pkg) + ".(*T" + std::to_string(f / 10) + ").Method" + std::to_string(f);
    fn->set_name(str(name));
    fn->set_system_name(fn->name());
    fn->set_filename(str("/src/" + std::string(pkg) + "/file" + std::to_string(file) + ".go"));
    fn->set_start_line(start_line[f]);
    int n = 2 + static_cast<int>(rng() % 5);
    for (int i = 0; i < n; ++i) {
      int span = 1 + static_cast<int>(rng() % 400);
      callees[f].push_back(std::min(kFunctions - 1, f + span));
    }
    if (rng() % 50 == 0) callees[f].push_back(f);
  }
  // Locations: per (function, call site or leaf line); ~20% with an inlined
  // small helper as the innermost line.
  std::unordered_map<uint64_t, uint64_t> location_of;  // (function << 20 | line) → id
  auto location = [&](int f, int64_t line) {
    uint64_t key = uint64_t(f) << 20 | uint64_t(line);
    auto it = location_of.find(key);
    if (it != location_of.end()) return it->second;
    pb::Location* l = p.add_location();
    uint64_t id = p.location_size();
    l->set_id(id);
    l->set_mapping_id(1);
    l->set_address(0x401000 + id * 0x20);
    if (rng() % 5 == 0) {
      int helper = static_cast<int>(rng() % kFunctions);
      pb::Line* inl = l->add_line();
      inl->set_function_id(helper + 1);
      inl->set_line(start_line[helper] + 1 + static_cast<int64_t>(rng() % 5));
    }
    pb::Line* ln = l->add_line();
    ln->set_function_id(f + 1);
    ln->set_line(line);
    location_of.emplace(key, id);
    return id;
  };

  // Stacks: a walk from one of a few roots, each step to a callee picked
  // with weight 1/(rank+1)^2; leaf lines among a function's 6 hot lines.
  auto pick = [&](const std::vector<int>& options) {
    std::vector<double> w(options.size());
    for (size_t i = 0; i < w.size(); ++i) w[i] = 1.0 / ((i + 1) * (i + 1));
    std::discrete_distribution<size_t> d(w.begin(), w.end());
    return options[d(rng)];
  };
  auto walk = [&] {
    std::vector<uint64_t> stack;  // leaf first
    int depth = 10 + static_cast<int>(rng() % 51);
    int f = static_cast<int>(rng() % 3);          // roots
    std::vector<std::pair<int, int64_t>> frames;  // root first
    for (int d = 0; d < depth; ++d) {
      int next = pick(callees[f]);
      size_t rank = std::find(callees[f].begin(), callees[f].end(), next) - callees[f].begin();
      frames.push_back({f, start_line[f] + 2 + static_cast<int64_t>(rank) * 3});
      f = next;
    }
    frames.push_back({f, start_line[f] + 1 + static_cast<int64_t>(rng() % 6)});
    for (auto it = frames.rbegin(); it != frames.rend(); ++it)
      stack.push_back(location(it->first, it->second));
    return stack;
  };
  // kPool: kPoolStacks distinct stacks, drawn with a skew (the hot ones
  // often), each sample labelled with one of kEndpoints endpoints (as
  // Pyroscope's Go SDK labels samples), identical (stack, endpoint) merged.
  // kUniqueStacks: a fresh walk per sample (no labels), the worst case for
  // the call tree: nearly every stack is new below its first levels.
  std::vector<std::vector<uint64_t>> pool;
  if (mode == kPool)
    for (int i = 0; i < kPoolStacks; ++i) pool.push_back(walk());
  std::vector<int64_t> endpoints;
  for (int i = 0; i < kEndpoints; ++i)
    endpoints.push_back(str("/api/v1/resource" + std::to_string(i)));
  const int64_t endpoint_key = str("endpoint");
  std::unordered_map<std::vector<uint64_t>, pb::Sample*, StackHash> samples;
  std::vector<uint64_t> key;
  size_t estimated = 0;
  std::string bytes;
  std::uniform_real_distribution<double> unit(0, 1);
  while (true) {
    if (mode == kPool) {
      double u = unit(rng);
      key = pool[static_cast<size_t>(u * u * kPoolStacks)];
      key.push_back(static_cast<uint64_t>(endpoints[rng() % kEndpoints]));
    } else {
      key = walk();
    }
    int64_t count = 1 + static_cast<int64_t>(rng() % 3);
    auto [it, added] = samples.emplace(key, nullptr);
    if (added) {
      pb::Sample* s = it->second = p.add_sample();
      size_t depth = mode == kPool ? key.size() - 1 : key.size();
      for (size_t i = 0; i < depth; ++i) s->add_location_id(key[i]);
      s->add_value(0);
      s->add_value(0);
      if (mode == kPool) {
        pb::Label* l = s->add_label();
        l->set_key(endpoint_key);
        l->set_str(static_cast<int64_t>(key.back()));
      }
      estimated += 2 * key.size() + 20;
    }
    it->second->set_value(0, it->second->value(0) + count);
    it->second->set_value(1, it->second->value(1) + count * 10000000);
    if (estimated > kTargetBytes) {
      bytes = p.SerializeAsString();
      if (bytes.size() >= kTargetBytes) break;
      estimated = bytes.size();
    }
  }
  return bytes;
}

const std::string& Bytes(int mode = kPool) {
  static const std::string pool = MakeProfile(kPool);
  if (mode == kPool) return pool;
  static const std::string unique = MakeProfile(kUniqueStacks);
  return unique;
}

void Counters(benchmark::State& state, const std::string& bytes, const Profile& p) {
  state.counters["samples"] = static_cast<double>(p.samples.size());
  state.counters["frames"] = static_cast<double>(p.sample_locations.size());
  state.counters["locations"] = static_cast<double>(p.locations.size());
  state.counters["MB"] = static_cast<double>(bytes.size()) / (1 << 20);
}

void BM_PprofDecode(benchmark::State& state) {
  const std::string& bytes = Bytes(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto p = DecodePprof(bytes);
    if (!p.ok()) state.SkipWithError(p.status().message().c_str());
    benchmark::DoNotOptimize(p);
  }
  Counters(state, bytes, *DecodePprof(bytes));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(bytes.size()));
}
BENCHMARK(BM_PprofDecode)->Arg(kPool)->Arg(kUniqueStacks)->Unit(benchmark::kMillisecond);

void BM_PprofLibprotobufParseArena(benchmark::State& state) {
  const std::string& bytes = Bytes();
  for (auto _ : state) {
    google::protobuf::Arena arena;
    auto* p = google::protobuf::Arena::CreateMessage<pb::Profile>(&arena);
    benchmark::DoNotOptimize(p->ParseFromString(bytes));
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(bytes.size()));
}
BENCHMARK(BM_PprofLibprotobufParseArena)->Unit(benchmark::kMillisecond);

void BM_PprofDecodeAndAggregate(benchmark::State& state) {
  const std::string& bytes = Bytes(static_cast<int>(state.range(0)));
  size_t nodes = 0, lines = 0;
  for (auto _ : state) {
    auto p = DecodePprof(bytes);
    CallTree tree;
    LineProfile lp;
    if (!p.ok() || !tree.AddProfile(*p, 1).ok() || !lp.AddProfile(*p, 1).ok())
      state.SkipWithError("decode or aggregate failed");
    nodes = tree.size();
    lines = lp.line_count();
    benchmark::DoNotOptimize(tree);
    benchmark::DoNotOptimize(lp);
  }
  Counters(state, bytes, *DecodePprof(bytes));
  state.counters["tree_nodes"] = static_cast<double>(nodes);
  state.counters["lines"] = static_cast<double>(lines);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(bytes.size()));
}
BENCHMARK(BM_PprofDecodeAndAggregate)
    ->Arg(kPool)
    ->Arg(kUniqueStacks)
    ->Unit(benchmark::kMillisecond);

// Only the aggregation steps, on an already decoded profile.
void BM_CallTreeAddProfile(benchmark::State& state) {
  auto p = DecodePprof(Bytes());
  for (auto _ : state) {
    CallTree tree;
    benchmark::DoNotOptimize(tree.AddProfile(*p, 1));
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(Bytes().size()));
}
BENCHMARK(BM_CallTreeAddProfile)->Unit(benchmark::kMillisecond);

void BM_LineProfileAddProfile(benchmark::State& state) {
  auto p = DecodePprof(Bytes());
  for (auto _ : state) {
    LineProfile lp;
    benchmark::DoNotOptimize(lp.AddProfile(*p, 1));
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(Bytes().size()));
}
BENCHMARK(BM_LineProfileAddProfile)->Unit(benchmark::kMillisecond);

// The function-details query on the aggregate: the 100 hottest functions in turn.
void BM_LineProfileFunctionLines(benchmark::State& state) {
  auto p = DecodePprof(Bytes());
  LineProfile lp;
  (void)lp.AddProfile(*p, 1);
  std::vector<std::string> names;
  for (const auto& f : lp.HottestFunctions(100)) names.push_back(f.name);
  size_t i = 0, lines = 0;
  for (auto _ : state) {
    auto files = lp.FunctionLines(names[i++ % names.size()]);
    for (const auto& f : files) lines += f.lines.size();
    benchmark::DoNotOptimize(files);
  }
  state.counters["lines_per_query"] =
      static_cast<double>(lines) / static_cast<double>(state.iterations());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LineProfileFunctionLines);

}  // namespace
}  // namespace srclink

BENCHMARK_MAIN();
