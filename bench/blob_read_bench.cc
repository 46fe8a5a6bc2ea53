// Raw blob reads: the same N blobs read through srclink's store
// (Store::GetBlob + zstd decompression, and BlobCache::Get, which also splits
// lines) and through `git cat-file --batch` (their ids piped in), in the same
// run, one thread each. Reports blobs/s and MB/s of file contents.
//
//   build/bench/blob_read_bench [--repo=DIR] [--count=10000] [--repetitions=5]
//                               [--source=DIR] [--cache=DIR] [--check]
//
// Without --repo, a repository of --count files is generated once under
// --cache (default /tmp/srclink-bench/blobs-N): real source text — the files
// of the --source checkout (default: this repository) — each copy made
// distinct by a last line, written with `git fast-import` and repacked with
// `git repack -adf` so git reads deltified packs as in a real clone. The
// blobs are stored zstd level 3 (as `srclink upload` sends them) in a SQLite
// database in a temporary directory. Target (issue #3): srclink at least as
// fast as git cat-file --batch.
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zstd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "server/blob_cache.h"
#include "server_world.h"

namespace srclink::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs a shell command; its stdout, or nullopt when it fails.
std::optional<std::string> Shell(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return std::nullopt;
  std::string out;
  char buffer[1 << 16];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) out.append(buffer, n);
  const int status = pclose(pipe);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "failed: %s\n", command.c_str());
    return std::nullopt;
  }
  return out;
}

const char kGitEnv[] =
    "GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=srclink "
    "GIT_AUTHOR_EMAIL=srclink@example.com GIT_COMMITTER_NAME=srclink "
    "GIT_COMMITTER_EMAIL=srclink@example.com ";

std::string Git(const std::string& repo, const std::string& args) {
  return std::string("env ") + kGitEnv + "git -C " + ShellQuote(repo) + " " + args;
}

// Parses `git cat-file --batch` output: "<id> blob <size>\n<bytes>\n" each.
std::vector<std::pair<std::string, std::string>> ParseBatch(const std::string& out) {
  std::vector<std::pair<std::string, std::string>> blobs;
  size_t at = 0;
  while (at < out.size()) {
    const size_t eol = out.find('\n', at);
    if (eol == std::string::npos) break;
    const std::string header = out.substr(at, eol - at);
    const size_t s1 = header.find(' '), s2 = header.rfind(' ');
    const size_t size = std::stoul(header.substr(s2 + 1));
    blobs.emplace_back(header.substr(0, s1), out.substr(eol + 1, size));
    at = eol + 1 + size + 1;
  }
  return blobs;
}

bool Generate(const std::string& source, const std::string& repo, size_t count) {
  auto listing = Shell(Git(source, "ls-files -s"));
  if (!listing) return false;
  std::string ids;
  for (size_t at = 0; at < listing->size();) {
    size_t eol = listing->find('\n', at);
    if (eol == std::string::npos) eol = listing->size();
    std::string line = listing->substr(at, eol - at);
    at = eol + 1;
    if (line.rfind("100644 ", 0) == 0) ids += line.substr(7, 40) + "\n";
  }
  const std::string ids_file = repo + ".ids";
  std::ofstream(ids_file) << ids;
  auto contents = Shell(Git(source, "cat-file --batch < " + ShellQuote(ids_file)));
  fs::remove(ids_file);
  if (!contents) return false;
  const auto sources = ParseBatch(*contents);
  if (sources.empty()) return false;
  fs::create_directories(repo);
  if (!Shell(Git(repo, "init -q -b main"))) return false;
  const std::string stream_file = repo + ".stream";
  {
    std::ofstream stream(stream_file, std::ios::binary);
    stream << "commit refs/heads/main\ncommitter srclink <srclink@example.com> 1700000000 +0000\n"
              "data 5\nblobs\n";
    for (size_t i = 0; i < count; ++i) {
      const std::string body =
          sources[i % sources.size()].second + "\n// copy " + std::to_string(i) + "\n";
      stream << "M 100644 inline dir" << i / 100 << "/file" << i << "\ndata " << body.size() << "\n"
             << body << "\n";
    }
  }
  const bool ok = Shell(Git(repo, "fast-import --quiet < " + ShellQuote(stream_file))) &&
                  Shell(Git(repo, "repack -adfq")) && Shell(Git(repo, "reset -q --hard main"));
  fs::remove(stream_file);
  return ok;
}

int Main(int argc, char** argv) {
  const size_t count = std::stoul(Flag(argc, argv, "count", "10000"));
  const int repetitions = std::stoi(Flag(argc, argv, "repetitions", "5"));
  const bool check = Flag(argc, argv, "check", "") == "1";
  std::string repo = Flag(argc, argv, "repo", "");
  if (repo.empty()) {
    const std::string cache = Flag(argc, argv, "cache", "/tmp/srclink-bench");
    const std::string source =
        Flag(argc, argv, "source", fs::path(__FILE__).parent_path().parent_path().string());
    repo = cache + "/blobs-" + std::to_string(count);
    if (!fs::exists(repo + "/.git/srclink-bench-ready")) {
      std::fprintf(stderr, "generating %s from the files of %s ...\n", repo.c_str(),
                   source.c_str());
      fs::remove_all(repo);
      fs::create_directories(cache);
      if (!Generate(source, repo, count)) return 2;
      std::ofstream(repo + "/.git/srclink-bench-ready") << "";
    }
  }

  // The first `count` blobs of HEAD, in tree order.
  auto tree = Shell(Git(repo, "ls-tree -r HEAD"));
  if (!tree) return 2;
  std::vector<std::string> ids;
  std::string id_lines;
  for (size_t at = 0; at < tree->size() && ids.size() < count;) {
    size_t eol = tree->find('\n', at);
    if (eol == std::string::npos) eol = tree->size();
    const std::string line = tree->substr(at, eol - at);
    at = eol + 1;
    if (line.find(" blob ") == std::string::npos) continue;
    ids.push_back(line.substr(line.find(" blob ") + 6, 40));
    id_lines += ids.back() + "\n";
  }
  ServerWorld world;
  if (!world.Create({})) return 2;
  const std::string ids_file = (fs::temp_directory_path() / "srclink_blob_bench_ids").string();
  std::ofstream(ids_file) << id_lines;
  const std::string cat_file = Git(repo, "cat-file --batch < " + ShellQuote(ids_file));
  auto contents = Shell(cat_file);
  if (!contents) return 2;
  const auto blobs = ParseBatch(*contents);
  uint64_t raw = 0, compressed = 0;
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  for (const auto& [id, bytes] : blobs) {
    std::string frame(ZSTD_compressBound(bytes.size()), '\0');
    frame.resize(ZSTD_compress(frame.data(), frame.size(), bytes.data(), bytes.size(), 3));
    if (!world.store()->PutBlob(id, frame, static_cast<int64_t>(bytes.size()), now).ok()) return 2;
    raw += bytes.size();
    compressed += frame.size();
  }
  std::printf("%s: %zu blobs, %.1f MB (%.1f MB zstd-3 in SQLite), %d repetitions\n", repo.c_str(),
              blobs.size(), raw / 1e6, compressed / 1e6, repetitions);

  auto time_it = [&](auto&& work) {
    std::vector<double> seconds;
    for (int r = 0; r < repetitions; ++r) {
      const auto start = Clock::now();
      if (!work()) return -1.0;
      seconds.push_back(std::chrono::duration<double>(Clock::now() - start).count());
    }
    return Median(seconds);
  };
  const double git_s = time_it([&] {
    auto out = Shell(cat_file);
    return out && out->size() > raw;
  });
  const double store_s = time_it([&] {
    uint64_t bytes = 0;
    for (const auto& [id, _] : blobs) {
      Result<StoredBlob> stored = world.store()->GetBlob(id, now);
      if (!stored.ok()) return false;
      Result<std::string> text = server::DecompressBlob(id, stored->compressed, stored->size);
      if (!text.ok()) return false;
      bytes += text->size();
    }
    return bytes == raw;
  });
  const double cache_s = time_it([&] {
    server::BlobCache cache(world.store(), size_t{1} << 30, [now] { return now; });
    for (const auto& [id, _] : blobs) {
      if (!cache.Get(id).ok()) return false;
    }
    return true;
  });
  server::BlobCache warm(world.store(), size_t{1} << 30, [now] { return now; });
  for (const auto& [id, _] : blobs) warm.Get(id);
  const double warm_s = time_it([&] {
    for (const auto& [id, _] : blobs) {
      if (!warm.Get(id).ok()) return false;
    }
    return true;
  });
  fs::remove(ids_file);
  if (git_s < 0 || store_s < 0 || cache_s < 0 || warm_s < 0) return 2;

  const double n = static_cast<double>(blobs.size());
  std::printf("%-44s %10s %12s %8s %10s\n", "reader", "median s", "blobs/s", "MB/s", "vs git");
  auto row = [&](const char* name, double s) {
    std::printf("%-44s %10.4f %12.0f %8.1f %9.2fx\n", name, s, n / s, raw / 1e6 / s, git_s / s);
  };
  row("git cat-file --batch (ids piped in)", git_s);
  row("Store::GetBlob + DecompressBlob", store_s);
  row("BlobCache::Get, cold (+ line split)", cache_s);
  row("BlobCache::Get, warm", warm_s);
  const bool met = store_s <= git_s;
  std::printf("target Store::GetBlob + decompress at least as fast as git cat-file --batch: %s\n",
              met ? "met" : "MISSED");
  return check && !met ? 1 : 0;
}

}  // namespace
}  // namespace srclink::bench

int main(int argc, char** argv) { return srclink::bench::Main(argc, argv); }
