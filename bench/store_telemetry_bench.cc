// TelemetryStore flush speed on SQLite (a temporary file, WAL), the shapes the
// telemetry sink writes once a second.
//
// BM_TelemetryAddErrors:      AddErrors of 200 groups × 1 delta (2 versions,
//                             5 events of ~1 KB each) over 2,000 known groups;
//                             counter deltas_per_second.
// BM_TelemetryAddCodeOrigins: AddCodeOrigins of 500 code origins over 5,000
//                             known ones; counter deltas_per_second.
// BM_TelemetryListErrorGroups: the errors page: newest 100 of one service.
//
// A flush must take well under 100 ms for the server's 100,000 spans/s.
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "store/telemetry_store.h"

namespace srclink {
namespace {

namespace fs = std::filesystem;

struct TempDatabase {
  TempDatabase() {
    dir = fs::temp_directory_path() / ("srclink-tbench-" + std::to_string(getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    Result<std::unique_ptr<TelemetryStore>> s = OpenTelemetryStore((dir / "t.db").string(), 20);
    if (!s.ok() || !(*s)->Migrate().ok()) std::abort();
    store = std::move(s).value();
  }
  ~TempDatabase() {
    store.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  fs::path dir;
  std::unique_ptr<TelemetryStore> store;
};

std::string Hex16(uint64_t n) {
  static const char kDigits[] = "0123456789abcdef";
  std::string s(16, '0');
  uint64_t x = n * 0x9e3779b97f4a7c15ULL;
  for (int i = 15; i >= 0; --i, x >>= 4) s[i] = kDigits[x & 15];
  return s;
}

std::vector<ErrorGroupDelta> ErrorFlush(int64_t now, uint64_t first_group, size_t groups) {
  const std::string event =
      R"({"type":"ValueError","message":"invalid literal for int() with base 10: 'abc'",)"
      R"("stack":")" +
      std::string(900, 'f') + R"("})";
  std::vector<ErrorGroupDelta> deltas;
  for (size_t i = 0; i < groups; ++i) {
    ErrorGroupDelta d;
    d.service = "service-" + std::to_string(i % 10);
    d.environment = "prod";
    d.fingerprint = Hex16(first_group + i);
    d.type = "ValueError";
    d.message = "invalid literal for int() with base 10: 'abc'";
    d.language = "python";
    d.first_seen = now - 1000;
    d.last_seen = now;
    d.count = 7;
    d.versions = {{"1.4.2", 5}, {"1.4.3", 2}};
    d.events.assign(5, event);
    deltas.push_back(std::move(d));
  }
  return deltas;
}

void BM_TelemetryAddErrors(benchmark::State& state) {
  TempDatabase db;
  constexpr size_t kKnownGroups = 2000, kFlushGroups = 200;
  int64_t now = 1700000000000;
  if (!db.store->AddErrors(ErrorFlush(now, 0, kKnownGroups)).ok()) std::abort();
  uint64_t flush = 0;
  for (auto _ : state) {
    now += 1000;
    std::vector<ErrorGroupDelta> deltas =
        ErrorFlush(now, (flush++ * kFlushGroups) % kKnownGroups, kFlushGroups);
    Status s = db.store->AddErrors(deltas);
    if (!s.ok()) state.SkipWithError(s.ToString().c_str());
  }
  state.counters["deltas_per_second"] = benchmark::Counter(
      static_cast<double>(state.iterations() * kFlushGroups), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_TelemetryAddErrors)->Unit(benchmark::kMillisecond)->UseRealTime();

std::vector<CodeOriginDelta> OriginFlush(int64_t now, size_t first, size_t n) {
  std::vector<CodeOriginDelta> deltas;
  for (size_t i = 0; i < n; ++i) {
    CodeOriginDelta d;
    d.service = "service-" + std::to_string((first + i) % 50);
    d.environment = "prod";
    d.resource = "GET /api/v1/items/" + std::to_string(first + i) + "/:id";
    d.version = "1.4.3";
    d.file = "/app/src/handlers/items_" + std::to_string(first + i) + ".py";
    d.line = 42;
    d.column = 5;
    d.function = "get_item";
    d.type = "ItemsHandler";
    d.repository_url = "https://github.com/acme/shop";
    d.commit_sha = std::string(40, 'a');
    d.count = 200;
    d.errors = 1;
    d.first_seen = now - 1000;
    d.last_seen = now;
    d.latest_trace_id = "6b8b4567327b23c6643c986966334873";
    deltas.push_back(std::move(d));
  }
  return deltas;
}

void BM_TelemetryAddCodeOrigins(benchmark::State& state) {
  TempDatabase db;
  constexpr size_t kKnown = 5000, kFlush = 500;
  int64_t now = 1700000000000;
  if (!db.store->AddCodeOrigins(OriginFlush(now, 0, kKnown)).ok()) std::abort();
  size_t flush = 0;
  for (auto _ : state) {
    now += 1000;
    std::vector<CodeOriginDelta> deltas = OriginFlush(now, (flush++ * kFlush) % kKnown, kFlush);
    Status s = db.store->AddCodeOrigins(deltas);
    if (!s.ok()) state.SkipWithError(s.ToString().c_str());
  }
  state.counters["deltas_per_second"] = benchmark::Counter(
      static_cast<double>(state.iterations() * kFlush), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_TelemetryAddCodeOrigins)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_TelemetryListErrorGroups(benchmark::State& state) {
  TempDatabase db;
  int64_t now = 1700000000000;
  for (uint64_t i = 0; i < 10; ++i) {
    if (!db.store->AddErrors(ErrorFlush(now + static_cast<int64_t>(i), i * 1000, 1000)).ok()) {
      std::abort();
    }
  }
  ErrorGroupFilter filter;
  filter.service = "service-3";
  for (auto _ : state) {
    Result<std::vector<ErrorGroup>> groups = db.store->ListErrorGroups(filter);
    if (!groups.ok() || groups->size() != 100) state.SkipWithError("listing failed");
  }
}
BENCHMARK(BM_TelemetryListErrorGroups)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace srclink

BENCHMARK_MAIN();
