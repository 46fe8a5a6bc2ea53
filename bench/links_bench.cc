// MakeLinks throughput: the three links of one frame, per provider.
#include <string>

#include <benchmark/benchmark.h>

#include "core/links.h"

namespace srclink {
namespace {

constexpr char kSha[] = "0123456789abcdef0123456789abcdef01234567";

RepositoryUrl Repo(Provider provider, std::string host, std::string path,
                   std::string web_path = "") {
  RepositoryUrl repo;
  repo.provider = provider;
  repo.scheme = "https";
  repo.host = std::move(host);
  repo.path = std::move(path);
  repo.web_path = web_path.empty() ? repo.path : std::move(web_path);
  return repo;
}

void Run(benchmark::State& state, const RepositoryUrl& repo, const HostRegistry& hosts,
         const std::string& path) {
  const LineRange lines{120, 124};
  size_t bytes = 0;
  for (auto _ : state) {
    Result<SourceLinks> links = MakeLinks(repo, kSha, path, lines, hosts);
    if (!links.ok()) {
      state.SkipWithError(links.status().ToString().c_str());
      return;
    }
    bytes += links->file.size() + links->blame.size() + links->commit.size();
    benchmark::DoNotOptimize(links);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

void BM_MakeLinks_GitHub(benchmark::State& state) {
  Run(state, Repo(Provider::kGitHub, "github.com", "octo/app"), HostRegistry(),
      "src/server/handlers/request_handler.cc");
}
BENCHMARK(BM_MakeLinks_GitHub);

void BM_MakeLinks_GitLab(benchmark::State& state) {
  Run(state, Repo(Provider::kGitLab, "gitlab.com", "group/subgroup/project"), HostRegistry(),
      "app/models/user.rb");
}
BENCHMARK(BM_MakeLinks_GitLab);

void BM_MakeLinks_AzureDevOps(benchmark::State& state) {
  Run(state, Repo(Provider::kAzureDevOps, "dev.azure.com", "org/project/_git/repo"), HostRegistry(),
      "src/Service/Controllers/OrderController.cs");
}
BENCHMARK(BM_MakeLinks_AzureDevOps);

void BM_MakeLinks_BitbucketServer(benchmark::State& state) {
  Run(state, Repo(Provider::kBitbucketServer, "bitbucket.corp.example", "PROJ/app"), HostRegistry(),
      "src/main/java/com/example/App.java");
}
BENCHMARK(BM_MakeLinks_BitbucketServer);

void BM_MakeLinks_Cgit(benchmark::State& state) {
  Run(state,
      Repo(Provider::kCgit, "git.kernel.org", "pub/scm/linux/kernel/git/torvalds/linux",
           "pub/scm/linux/kernel/git/torvalds/linux.git"),
      HostRegistry(), "kernel/fork.c");
}
BENCHMARK(BM_MakeLinks_Cgit);

void BM_MakeLinks_Custom(benchmark::State& state) {
  HostRegistry hosts;
  LinkTemplates templates;
  templates.file = "{base}/view/{commit}/{path}";
  templates.blame = "{base}/annotate/{commit}/{path}";
  templates.commit = "{base}/rev/{commit}";
  templates.line_anchor = "#L{line}";
  templates.range_anchor = "#L{line}-{end}";
  if (!hosts.DeclareTemplates("code.internal", templates).ok()) {
    state.SkipWithError("bad templates");
    return;
  }
  Run(state, Repo(Provider::kCustom, "code.internal", "team/app"), hosts, "lib/core/engine.py");
}
BENCHMARK(BM_MakeLinks_Custom);

// Paths that need encoding: spaces and non-ASCII in every segment.
void BM_MakeLinks_GitHubEncodedPath(benchmark::State& state) {
  Run(state, Repo(Provider::kGitHub, "github.com", "octo/app"), HostRegistry(),
      "docs/naïve café/über größe/日本語 ファイル.md");
}
BENCHMARK(BM_MakeLinks_GitHubEncodedPath);

}  // namespace
}  // namespace srclink

BENCHMARK_MAIN();
