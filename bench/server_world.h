// ServerWorld: an in-process `srclink serve` on loopback over a SQLite store in
// a temporary directory, holding one generated commit (bench/synthetic_repo.h),
// for the HTTP benchmarks (http_resolve_bench, snippet_load_bench).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/server.h"
#include "store/sqlite_store.h"
#include "synthetic_repo.h"

namespace srclink::bench {

inline constexpr char kBenchRepository[] = "github.com/acme/mono";
inline constexpr char kBenchCommit[] = "0123456789abcdef0123456789abcdef01234567";

// A deterministic 40-hex-digit id for file `n`.
inline std::string BenchBlobId(uint64_t n) {
  char buf[41];
  std::snprintf(buf, sizeof(buf), "%08llx%016llx%016llx", 0xb10bULL,
                static_cast<unsigned long long>(n * 0x9e3779b97f4a7c15ULL),
                static_cast<unsigned long long>(n));
  return std::string(buf, 40);
}

// "--name=value" from argv, or `fallback`.
inline std::string Flag(int argc, char** argv, std::string_view name, std::string fallback) {
  const std::string prefix = "--" + std::string(name) + "=";
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a.starts_with(prefix)) return std::string(a.substr(prefix.size()));
    if (a == "--" + std::string(name)) return "1";
  }
  return fallback;
}

inline double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

inline double Median(std::vector<double> v) { return Percentile(std::move(v), 0.5); }

class ServerWorld {
 public:
  ~ServerWorld() {
    server_.reset();
    store_.reset();
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }

  // Creates the store and uploads a commit of `paths`, each with BenchBlobId(i).
  bool Create(const std::vector<std::string>& paths) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "srclink_bench.XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) return Fail("mkdtemp failed");
    dir_ = pattern;
    auto opened = OpenSqliteStore((dir_ / "srclink.db").string());
    if (!opened.ok()) return Fail(opened.status().ToString());
    store_ = std::move(*opened);
    if (Status st = store_->Migrate(); !st.ok()) return Fail(st.ToString());
    CommitUpload u;
    u.repository_id = kBenchRepository;
    u.repository_url = std::string("https://") + kBenchRepository;
    u.provider = "github";
    u.commit_sha = kBenchCommit;
    u.source = "srclink";
    u.uploaded_at = 1;
    u.files.reserve(paths.size());
    for (size_t i = 0; i < paths.size(); ++i) u.files.push_back({paths[i], BenchBlobId(i)});
    auto stored = store_->PutCommit(u);
    if (!stored.ok()) return Fail(stored.status().ToString());
    return true;
  }

  Store* store() { return store_.get(); }

  // Starts the server on 127.0.0.1 (any port), without keys and without logs.
  bool Start(server::ServerOptions options = {}) {
    options.listen = "127.0.0.1:0";
    options.data_dir = dir_.string();
    options.no_auth = true;
    server_ =
        std::make_unique<server::Server>(std::move(options), store_.get(), [](std::string_view) {});
    if (Status st = server_->Start(); !st.ok()) return Fail(st.ToString());
    return true;
  }
  int port() const { return server_->port(); }
  server::Server& server() { return *server_; }

 private:
  bool Fail(const std::string& what) {
    std::fprintf(stderr, "bench setup failed: %s\n", what.c_str());
    return false;
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<server::Server> server_;
};

}  // namespace srclink::bench
