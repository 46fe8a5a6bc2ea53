// Telemetry ingest end to end: an in-process srclink serve on loopback with
// its SQLite stores (uploads and telemetry in one database in a temporary
// directory, as `srclink serve` opens them), and keep-alive clients
// (httplib::Client, one per thread) posting pre-built tracer payloads in a
// loop — OTLP/HTTP protobuf to /v1/traces (512 spans: 4 services, 8 routes,
// every tenth span an entry span with code.* attributes, ~1% exception
// events) and Datadog v0.4 msgpack to /v0.4/traces (25 chunks of 20 spans,
// typical meta, entry spans with code origin and git tags, ~1% errors with a
// stack). Payloads come from bench/telemetry_payloads.h. Client and server
// share the machine's cores, as in the target: ≥ 100,000 spans/s
// sustained with storage, memory flat over a 5-minute run.
//
//   build/bench/http_telemetry_bench [--clients=2] [--seconds=20] [--mix=both|otlp|datadog]
//                                    [--otlp-spans=512] [--dd-chunks=25] [--payloads=16]
//                                    [--interval=5] [--check]
//
// Every --interval seconds: spans/s accepted (200 answers × spans per
// request), requests answered 503 (overload: the aggregator refused; the
// client backs off 50 ms, as a tracer would honour Retry-After) and other
// failures, the process RSS (VmRSS: server and clients together), and the
// aggregator's counts. At the end: the sustained average, the slowest
// window, RSS at start / after warm-up / at the end.
//
// --check exits 1 when the average is under 100,000 spans/s, or — on runs of
// at least 60 s, where the warm-up RSS is taken at 30 s — when RSS at the end
// exceeds the warm-up RSS by more than 20%. Short runs check throughput only.
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "server/server.h"
#include "server/telemetry_aggregator.h"
#include "server_world.h"
#include "store/sqlite_store.h"
#include "store/telemetry_store.h"
#include "telemetry_payloads.h"

namespace srclink::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Resident set size of this process in MiB (VmRSS), 0 if unknown.
double RssMiB() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtod(line.c_str() + 6, nullptr) / 1024.0;
  }
  return 0;
}

struct Payload {
  const char* path;
  const char* content_type;
  std::string body;
  int64_t spans;
};

std::vector<Payload> BuildPayloads(const std::string& mix, int count, int otlp_spans,
                                   int dd_chunks) {
  const uint64_t now_ns =
      static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count());
  std::vector<Payload> out;
  for (int i = 0; i < count; ++i) {
    const uint64_t seed = static_cast<uint64_t>(i);
    if (mix != "datadog") {
      OtlpShape shape;
      shape.resources = 4;
      shape.spans_per_resource = std::max(1, otlp_spans / 4);
      shape.routes = kPayloadRouteCount;
      shape.seed = seed;
      shape.base_time_ns = now_ns;
      shape.unique_ids = true;
      out.push_back({"/v1/traces", "application/x-protobuf",
                     MakeOtlpRequest(shape).SerializeAsString(),
                     int64_t{shape.resources} * shape.spans_per_resource});
    }
    if (mix != "otlp") {
      DatadogShape shape;
      shape.chunks = dd_chunks;
      shape.spans_per_chunk = 20;
      shape.services = 4;
      shape.routes = kPayloadRouteCount;
      shape.seed = seed;
      shape.base_time_ns = static_cast<int64_t>(now_ns);
      out.push_back({"/v0.4/traces", "application/msgpack", PackDatadogV04(DatadogTraces(shape)),
                     int64_t{shape.chunks} * shape.spans_per_chunk});
    }
  }
  return out;
}

struct Totals {
  std::atomic<int64_t> spans{0}, ok{0}, overloaded{0}, failed{0};
};

int Run(int argc, char** argv) {
  const int clients = std::stoi(Flag(argc, argv, "clients", "2"));
  const double seconds = std::stod(Flag(argc, argv, "seconds", "20"));
  const double interval = std::stod(Flag(argc, argv, "interval", "5"));
  const std::string mix = Flag(argc, argv, "mix", "both");
  const int payload_count = std::stoi(Flag(argc, argv, "payloads", "16"));
  const int otlp_spans = std::stoi(Flag(argc, argv, "otlp-spans", "512"));
  const int dd_chunks = std::stoi(Flag(argc, argv, "dd-chunks", "25"));
  const bool check = Flag(argc, argv, "check", "") == "1";
  if (mix != "both" && mix != "otlp" && mix != "datadog") {
    std::fprintf(stderr, "--mix takes both, otlp or datadog\n");
    return 2;
  }

  // The stores, as `srclink serve` opens them (src/cli/serve_command.cc).
  std::string pattern =
      (std::filesystem::temp_directory_path() / "srclink_ingest_bench.XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) return 1;
  const std::filesystem::path dir = pattern;
  const std::string database = (dir / "srclink.db").string();
  auto store = OpenSqliteStore(database);
  if (!store.ok() || !(*store)->Migrate().ok()) {
    std::fprintf(stderr, "cannot open the store in %s\n", dir.c_str());
    return 1;
  }
  auto telemetry = OpenTelemetryStore(database);
  if (!telemetry.ok() || !(*telemetry)->Migrate().ok()) {
    std::fprintf(stderr, "cannot open the telemetry store in %s\n", dir.c_str());
    return 1;
  }
  server::ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.data_dir = dir.string();
  options.no_auth = true;
  options.agent_no_auth = true;
  auto srv =
      std::make_unique<server::Server>(std::move(options), store->get(), [](std::string_view) {});
  srv->AttachTelemetry(telemetry->get());
  if (Status st = srv->Start(); !st.ok()) {
    std::fprintf(stderr, "server: %s\n", st.ToString().c_str());
    return 1;
  }
  auto* aggregator = dynamic_cast<server::TelemetryAggregator*>(srv->context().telemetry);
  const int port = srv->port();

  const std::vector<Payload> payloads = BuildPayloads(mix, payload_count, otlp_spans, dd_chunks);
  size_t bytes = 0;
  for (const Payload& p : payloads) bytes += p.body.size();
  const double rss_start = RssMiB();
  std::printf("http_telemetry_bench: %d clients, %.0f s, mix %s, %zu payloads (%.1f KiB avg)\n",
              clients, seconds, mix.c_str(), payloads.size(),
              static_cast<double>(bytes) / 1024.0 / static_cast<double>(payloads.size()));
  std::printf("RSS at start: %.1f MiB\n", rss_start);
  std::fflush(stdout);

  Totals totals;
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      httplib::Client cli("127.0.0.1", port);
      cli.set_keep_alive(true);
      cli.set_read_timeout(30, 0);
      size_t next = static_cast<size_t>(c) * 3;
      while (!stop.load(std::memory_order_relaxed)) {
        const Payload& p = payloads[next++ % payloads.size()];
        auto res = cli.Post(p.path, p.body, p.content_type);
        if (res && res->status == 200) {
          totals.ok.fetch_add(1, std::memory_order_relaxed);
          totals.spans.fetch_add(p.spans, std::memory_order_relaxed);
        } else if (res && res->status == 503) {
          totals.overloaded.fetch_add(1, std::memory_order_relaxed);
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
        } else {
          totals.failed.fetch_add(1, std::memory_order_relaxed);
          if (!res) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
      }
    });
  }

  const Clock::time_point begin = Clock::now();
  const double warmup_at = seconds >= 60 ? 30 : interval;
  double rss_warm = 0, rss_peak = 0;
  std::vector<double> windows;
  int64_t last_spans = 0;
  Clock::time_point last = begin;
  for (int w = 1;; ++w) {
    const double due = std::min(seconds, w * interval);
    std::this_thread::sleep_until(begin + std::chrono::duration<double>(due));
    const Clock::time_point t = Clock::now();
    const int64_t spans = totals.spans.load();
    const double rate =
        static_cast<double>(spans - last_spans) / std::chrono::duration<double>(t - last).count();
    const double rss = RssMiB();
    rss_peak = std::max(rss_peak, rss);
    if (rss_warm == 0 && due >= warmup_at) rss_warm = rss;
    windows.push_back(rate);
    server::TelemetryCounts counts =
        aggregator != nullptr ? aggregator->counts() : server::TelemetryCounts{};
    std::printf(
        "t=%5.0fs  %9.0f spans/s  ok %lld  503 %lld  failed %lld  RSS %.1f MiB  "
        "aggregator: batches %lld errors %lld entries %lld flushes %lld (failed %lld) refused "
        "%lld\n",
        due, rate, static_cast<long long>(totals.ok.load()),
        static_cast<long long>(totals.overloaded.load()),
        static_cast<long long>(totals.failed.load()), rss, static_cast<long long>(counts.batches),
        static_cast<long long>(counts.errors), static_cast<long long>(counts.entry_spans),
        static_cast<long long>(counts.flushes), static_cast<long long>(counts.flush_failures),
        static_cast<long long>(counts.refused));
    std::fflush(stdout);
    last_spans = spans;
    last = t;
    if (due >= seconds) break;
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - begin).count();
  const double average = static_cast<double>(totals.spans.load()) / elapsed;
  const double rss_end = RssMiB();
  stop = true;
  for (auto& t : threads) t.join();
  srv->Stop();
  srv->Wait();
  server::TelemetryCounts counts =
      aggregator != nullptr ? aggregator->counts() : server::TelemetryCounts{};
  srv.reset();

  std::error_code ec;
  uintmax_t db_bytes = 0;  // the database and its write-ahead log
  for (const char* suffix : {"", "-wal"}) {
    const uintmax_t size = std::filesystem::file_size(database + suffix, ec);
    if (!ec) db_bytes += size;
  }
  std::printf("\nsustained: %.0f spans/s over %.1f s (%lld spans in %lld requests)\n", average,
              elapsed, static_cast<long long>(totals.spans.load()),
              static_cast<long long>(totals.ok.load()));
  std::printf("slowest %.0f-s window: %.0f spans/s\n", interval,
              *std::min_element(windows.begin(), windows.end()));
  std::printf("non-200: %lld answered 503 (overload), %lld other failures\n",
              static_cast<long long>(totals.overloaded.load()),
              static_cast<long long>(totals.failed.load()));
  std::printf("RSS: start %.1f MiB, after warm-up (%.0f s) %.1f MiB, end %.1f MiB, peak %.1f MiB\n",
              rss_start, warmup_at, rss_warm, rss_end, rss_peak);
  std::printf(
      "aggregator after stop: %lld batches, %lld errors, %lld entry spans, %lld flushes "
      "(%lld failed), %lld refused; database %.1f MiB\n",
      static_cast<long long>(counts.batches), static_cast<long long>(counts.errors),
      static_cast<long long>(counts.entry_spans), static_cast<long long>(counts.flushes),
      static_cast<long long>(counts.flush_failures), static_cast<long long>(counts.refused),
      static_cast<double>(db_bytes) / (1024.0 * 1024.0));
  telemetry->reset();
  store->reset();
  std::filesystem::remove_all(dir, ec);

  if (!check) return 0;
  bool pass = true;
  if (average < 100000) {
    std::printf("check: FAIL, %.0f spans/s < 100,000\n", average);
    pass = false;
  }
  if (seconds >= 60) {
    if (rss_end > rss_warm * 1.2) {
      std::printf("check: FAIL, RSS grew %.0f%% after warm-up (> 20%%)\n",
                  (rss_end / rss_warm - 1) * 100);
      pass = false;
    }
  } else {
    std::printf("check: memory not checked (run --seconds=60 or more)\n");
  }
  if (pass) std::printf("check: pass\n");
  return pass ? 0 : 1;
}

}  // namespace
}  // namespace srclink::bench

int main(int argc, char** argv) { return srclink::bench::Run(argc, argv); }
