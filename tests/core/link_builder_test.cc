// LinkBuilder: one builder per (repository, commit) gives, for every file,
// exactly what MakeLinks gives, errors included.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/links.h"

namespace srclink {
namespace {

RepositoryUrl Repo(Provider provider, std::string host, std::string path) {
  RepositoryUrl repo;
  repo.provider = provider;
  repo.scheme = "https";
  repo.host = std::move(host);
  repo.path = std::move(path);
  repo.web_path = repo.path;
  repo.sanitized = "https://" + repo.host + "/" + repo.path;
  return repo;
}

void ExpectSame(const Result<SourceLinks>& a, const Result<SourceLinks>& b) {
  ASSERT_EQ(a.ok(), b.ok());
  if (!a.ok()) {
    EXPECT_EQ(a.status().ToString(), b.status().ToString());
    return;
  }
  EXPECT_EQ(a->file, b->file);
  EXPECT_EQ(a->blame, b->blame);
  EXPECT_EQ(a->commit, b->commit);
}

TEST(LinkBuilderTest, SameAsMakeLinksForEveryFileAndLine) {
  const std::vector<RepositoryUrl> repos = {
      Repo(Provider::kGitHub, "github.com", "octo/app"),
      Repo(Provider::kGitLab, "gitlab.com", "group/sub/app"),
      Repo(Provider::kBitbucketCloud, "bitbucket.org", "team/app"),
      Repo(Provider::kBitbucketServer, "bitbucket.corp", "PROJ/app"),
      Repo(Provider::kBitbucketServer, "bitbucket.corp", "app"),  // no PROJECT: an error
      Repo(Provider::kAzureDevOps, "dev.azure.com", "org/proj/_git/app"),
      Repo(Provider::kGitea, "gitea.example", "o/app"),
      Repo(Provider::kGerrit, "gerrit.example", "app"),
      Repo(Provider::kGitiles, "chromium.googlesource.com", "app"),
      Repo(Provider::kSourceHut, "git.sr.ht", "~u/app"),
      Repo(Provider::kCgit, "git.example", "app.git"),
      Repo(Provider::kUnknown, "git.unknown.example", "app"),
  };
  const std::vector<std::string> commits = {"0123456789abcdef", "", "not-hex"};
  const std::vector<std::string> paths = {"src/a b#c.py", "README.md", "", "/abs/x.go",
                                          "docs/x.rst"};
  const std::vector<LineRange> lines = {{}, {42, 0}, {10, 20}, {-1, 0}, {5, 3}};
  HostRegistry hosts;
  for (const RepositoryUrl& repo : repos) {
    for (const std::string& commit : commits) {
      LinkBuilder builder(repo, commit, hosts);
      for (const std::string& path : paths) {
        for (LineRange l : lines) {
          SCOPED_TRACE(repo.host + " " + commit + " " + path + " " + std::to_string(l.start));
          ExpectSame(builder.MakeLinks(path, l), MakeLinks(repo, commit, path, l, hosts));
        }
      }
    }
  }
}

TEST(LinkBuilderTest, CustomTemplates) {
  HostRegistry hosts;
  LinkTemplates t;
  t.file = "{base}/view/{commit}/{path}";
  t.blame = "{base}/blame/{commit}/{path}";
  t.commit = "{base}/c/{commit}";
  t.line_anchor = "#l{line}";
  t.range_anchor = "#l{line}-{end}";
  ASSERT_TRUE(hosts.DeclareTemplates("code.example", t).ok());
  RepositoryUrl repo = Repo(Provider::kCustom, "code.example", "team/app");
  LinkBuilder builder(repo, "abc123", hosts);
  Result<SourceLinks> links = builder.MakeLinks("x/y z.cc", LineRange{3, 7});
  ASSERT_TRUE(links.ok()) << links.status().ToString();
  ExpectSame(links, MakeLinks(repo, "abc123", "x/y z.cc", LineRange{3, 7}, hosts));
  EXPECT_EQ(links->file, "https://code.example/team/app/view/abc123/x/y%20z.cc#l3-7");
}

}  // namespace
}  // namespace srclink
