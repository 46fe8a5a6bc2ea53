// Store growth and speed on a 500,000-file repository (SQLite backend).
//
// BM_StorePutCommit500k:      PutCommit of the first commit (all paths new,
//                             with blob ids) into a fresh database.
// BM_StoreGrowthPerCommit:    then 200 commits, each changing 10 files with a
//                             parent link; counters: bytes_per_commit (growth
//                             of page_count*page_size after a WAL checkpoint,
//                             / 200; target < 10 KB) and encoded_per_commit.
// BM_StoreGetCommitFilesDeepChain: GetCommitFiles of the commit at the end of
//                             the longest delta chain.
#include <sqlite3.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "store/sqlite_store.h"
#include "synthetic_repo.h"

namespace srclink {
namespace {

namespace fs = std::filesystem;

constexpr size_t kFiles = 500000;
constexpr int kCommits = 200;
constexpr int kChangesPerCommit = 10;
constexpr char kRepo[] = "github.com/acme/monorepo";

std::string Hex40(uint64_t kind, uint64_t n) {
  char buf[41];
  std::snprintf(buf, sizeof(buf), "%08llx%016llx%016llx", static_cast<unsigned long long>(kind),
                static_cast<unsigned long long>(n * 0x9e3779b97f4a7c15ULL),
                static_cast<unsigned long long>(n));
  return std::string(buf, 40);
}

struct World {
  fs::path dir;
  fs::path db;
  std::unique_ptr<Store> store;
  CommitUpload upload;  // the latest commit uploaded
  std::vector<std::string> shas;
  std::vector<std::string> encodings;
  int64_t encoded_bytes = 0;
  double first_put_seconds = 0;
  ~World() {
    store.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

// page_count * page_size after folding the WAL into the database.
int64_t DatabaseBytes(const fs::path& db) {
  sqlite3* raw = nullptr;
  int64_t bytes = -1;
  if (sqlite3_open_v2(db.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
    sqlite3_exec(raw, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr);
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(
            raw, "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()", -1,
            &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      bytes = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(raw);
  return bytes;
}

std::unique_ptr<World> NewWorld(benchmark::State& state) {
  auto w = std::make_unique<World>();
  static int counter = 0;
  w->dir = fs::temp_directory_path() /
           ("srclink-store-bench-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
  fs::remove_all(w->dir);
  fs::create_directories(w->dir);
  w->db = w->dir / "srclink.db";
  Result<std::unique_ptr<Store>> store = OpenSqliteStore(w->db.string());
  if (!store.ok() || !(*store)->Migrate().ok()) {
    state.SkipWithError(store.ok() ? "migrate failed" : store.status().ToString().c_str());
    return nullptr;
  }
  w->store = std::move(store).value();
  std::vector<std::string> paths = bench::GenerateRepositoryPaths(kFiles);
  w->upload.repository_id = kRepo;
  w->upload.repository_url = "https://github.com/acme/monorepo";
  w->upload.provider = "github";
  w->upload.source = "srclink";
  w->upload.uploaded_at = 1700000000;
  w->upload.commit_sha = Hex40(0xc0, 0);
  w->upload.files.reserve(paths.size());
  for (size_t i = 0; i < paths.size(); ++i) w->upload.files.push_back({paths[i], Hex40(0xb0, i)});
  return w;
}

bool PutFirst(benchmark::State& state, World& w) {
  auto start = std::chrono::steady_clock::now();
  Result<CommitStored> stored = w.store->PutCommit(w.upload);
  w.first_put_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!stored.ok()) {
    state.SkipWithError(stored.status().ToString().c_str());
    return false;
  }
  w.shas.push_back(w.upload.commit_sha);
  w.encodings.push_back(stored->encoding);
  return true;
}

bool PutChain(benchmark::State& state, World& w) {
  for (int c = 1; c <= kCommits; ++c) {
    w.upload.parent_sha = w.upload.commit_sha;
    w.upload.commit_sha = Hex40(0xc0, static_cast<uint64_t>(c));
    w.upload.uploaded_at += 60;
    for (int k = 0; k < kChangesPerCommit; ++k) {
      size_t at = (static_cast<size_t>(c) * 7919 + static_cast<size_t>(k) * 104729) % kFiles;
      w.upload.files[at].blob_id =
          Hex40(0xb1, static_cast<uint64_t>(c) * 100 + static_cast<uint64_t>(k));
    }
    Result<CommitStored> stored = w.store->PutCommit(w.upload);
    if (!stored.ok()) {
      state.SkipWithError(stored.status().ToString().c_str());
      return false;
    }
    w.shas.push_back(w.upload.commit_sha);
    w.encodings.push_back(stored->encoding);
    w.encoded_bytes += stored->encoded_bytes;
  }
  return true;
}

World* shared_world =
    nullptr;  // built by BM_StoreGrowthPerCommit, read by the deep-chain benchmark

void BM_StorePutCommit500k(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    std::unique_ptr<World> w = NewWorld(state);
    if (w == nullptr) return;
    state.ResumeTiming();
    if (!PutFirst(state, *w)) return;
    state.PauseTiming();
    state.counters["db_bytes"] = static_cast<double>(DatabaseBytes(w->db));
    w.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kFiles));
}
BENCHMARK(BM_StorePutCommit500k)->Iterations(1)->Unit(benchmark::kMillisecond);

void BM_StoreGrowthPerCommit(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    std::unique_ptr<World> w = NewWorld(state);
    if (w == nullptr || !PutFirst(state, *w)) return;
    int64_t before = DatabaseBytes(w->db);
    state.ResumeTiming();
    if (!PutChain(state, *w)) return;
    state.PauseTiming();
    int64_t after = DatabaseBytes(w->db);
    int deltas = 0;
    for (const std::string& e : w->encodings) deltas += e == "delta" ? 1 : 0;
    state.counters["first_put_s"] = w->first_put_seconds;
    state.counters["db_bytes_first"] = static_cast<double>(before);
    state.counters["bytes_per_commit"] = static_cast<double>(after - before) / kCommits;
    state.counters["encoded_per_commit"] = static_cast<double>(w->encoded_bytes) / kCommits;
    state.counters["deltas"] = deltas;
    delete shared_world;
    shared_world = w.release();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * kCommits);
}
BENCHMARK(BM_StoreGrowthPerCommit)->Iterations(1)->Unit(benchmark::kMillisecond);

void BM_StoreGetCommitFilesDeepChain(benchmark::State& state) {
  if (shared_world == nullptr) {
    state.SkipWithError("run BM_StoreGrowthPerCommit first (it builds the repository)");
    return;
  }
  World& w = *shared_world;
  // The commit at the end of the longest run of deltas.
  size_t best = 0;
  int run = 0;
  int best_run = -1;
  for (size_t i = 0; i < w.encodings.size(); ++i) {
    run = w.encodings[i] == "delta" ? run + 1 : 0;
    if (run > best_run) {
      best_run = run;
      best = i;
    }
  }
  size_t files = 0;
  for (auto _ : state) {
    Result<std::vector<TrackedPath>> got = w.store->GetCommitFiles(kRepo, w.shas[best]);
    if (!got.ok()) {
      state.SkipWithError(got.status().ToString().c_str());
      return;
    }
    files = got->size();
    benchmark::DoNotOptimize(got);
  }
  state.counters["chain_depth"] = best_run;
  state.counters["files"] = static_cast<double>(files);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * files));
}
BENCHMARK(BM_StoreGetCommitFilesDeepChain)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace
}  // namespace srclink
BENCHMARK_MAIN();
