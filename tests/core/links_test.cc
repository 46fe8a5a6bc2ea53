#include "core/links.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace srclink {
namespace {

// A RepositoryUrl as Parse() would give it, built by hand.
RepositoryUrl Repo(Provider provider, std::string host, std::string path, std::string web_path = "",
                   int web_port = 0, std::string scheme = "https") {
  RepositoryUrl repo;
  repo.provider = provider;
  repo.host = std::move(host);
  repo.path = std::move(path);
  repo.web_path = web_path.empty() ? repo.path : std::move(web_path);
  repo.web_port = web_port;
  repo.scheme = std::move(scheme);
  repo.sanitized = repo.scheme + "://" + repo.host + "/" + repo.path;
  return repo;
}

LineRange NoLine() { return LineRange{}; }
LineRange Line(int n) { return LineRange{n, 0}; }
LineRange Lines(int start, int end) { return LineRange{start, end}; }

struct LinkCase {
  std::string name;
  RepositoryUrl repo;
  std::string commit;
  std::string path;
  LineRange lines;
  std::string file;
  std::string blame;
  std::string commit_link;
};

// Checks MakeLinks and every MakeLink against the table.
void ExpectLinks(const std::vector<LinkCase>& cases, const HostRegistry& hosts) {
  for (const LinkCase& c : cases) {
    SCOPED_TRACE(c.name);
    Result<SourceLinks> links = MakeLinks(c.repo, c.commit, c.path, c.lines, hosts);
    ASSERT_TRUE(links.ok()) << links.status().ToString();
    EXPECT_EQ(links->file, c.file);
    EXPECT_EQ(links->blame, c.blame);
    EXPECT_EQ(links->commit, c.commit_link);

    const std::pair<LinkKind, const std::string*> kinds[] = {{LinkKind::kFile, &c.file},
                                                             {LinkKind::kBlame, &c.blame},
                                                             {LinkKind::kCommit, &c.commit_link}};
    for (const auto& [kind, expected] : kinds) {
      Result<std::string> link = MakeLink(c.repo, kind, c.commit, c.path, c.lines, hosts);
      ASSERT_TRUE(link.ok()) << LinkKindName(kind) << ": " << link.status().ToString();
      EXPECT_EQ(*link, *expected) << LinkKindName(kind);
    }
  }
}

const char kSha[] = "5e3f9a1c";

TEST(MakeLinksTest, GitHub) {
  const RepositoryUrl repo = Repo(Provider::kGitHub, "github.com", "octo/app");
  const RepositoryUrl ghe = Repo(Provider::kGitHub, "ghe.corp.example", "team/svc", "", 8443);
  ExpectLinks(
      {
          {"no line", repo, kSha, "src/main.cc", NoLine(),
           "https://github.com/octo/app/blob/5e3f9a1c/src/main.cc",
           "https://github.com/octo/app/blame/5e3f9a1c/src/main.cc",
           "https://github.com/octo/app/commit/5e3f9a1c"},
          {"one line", repo, kSha, "src/main.cc", Line(42),
           "https://github.com/octo/app/blob/5e3f9a1c/src/main.cc#L42",
           "https://github.com/octo/app/blame/5e3f9a1c/src/main.cc#L42",
           "https://github.com/octo/app/commit/5e3f9a1c"},
          {"range", repo, kSha, "src/main.cc", Lines(10, 20),
           "https://github.com/octo/app/blob/5e3f9a1c/src/main.cc#L10-L20",
           "https://github.com/octo/app/blame/5e3f9a1c/src/main.cc#L10-L20",
           "https://github.com/octo/app/commit/5e3f9a1c"},
          {"range of one line", repo, kSha, "src/main.cc", Lines(7, 7),
           "https://github.com/octo/app/blob/5e3f9a1c/src/main.cc#L7",
           "https://github.com/octo/app/blame/5e3f9a1c/src/main.cc#L7",
           "https://github.com/octo/app/commit/5e3f9a1c"},
          {"enterprise on a port", ghe, kSha, "lib/x.py", Lines(3, 4),
           "https://ghe.corp.example:8443/team/svc/blob/5e3f9a1c/lib/x.py#L3-L4",
           "https://ghe.corp.example:8443/team/svc/blame/5e3f9a1c/lib/x.py#L3-L4",
           "https://ghe.corp.example:8443/team/svc/commit/5e3f9a1c"},
          {"enterprise over http",
           Repo(Provider::kGitHub, "github.lan", "team/svc", "", 8080, "http"), kSha, "a.go",
           Line(1), "http://github.lan:8080/team/svc/blob/5e3f9a1c/a.go#L1",
           "http://github.lan:8080/team/svc/blame/5e3f9a1c/a.go#L1",
           "http://github.lan:8080/team/svc/commit/5e3f9a1c"},
          {"full sha", repo, "0123456789abcdef0123456789ABCDEF01234567", "a.c", NoLine(),
           "https://github.com/octo/app/blob/0123456789abcdef0123456789ABCDEF01234567/a.c",
           "https://github.com/octo/app/blame/0123456789abcdef0123456789ABCDEF01234567/a.c",
           "https://github.com/octo/app/commit/0123456789abcdef0123456789ABCDEF01234567"},
          // Markdown renders without line numbers unless ?plain=1.
          {"markdown with a line", repo, kSha, "docs/naïve café.md", Line(3),
           "https://github.com/octo/app/blob/5e3f9a1c/docs/na%C3%AFve%20caf%C3%A9.md?plain=1#L3",
           "https://github.com/octo/app/blame/5e3f9a1c/docs/na%C3%AFve%20caf%C3%A9.md#L3",
           "https://github.com/octo/app/commit/5e3f9a1c"},
          {"markdown without a line", repo, kSha, "README.MD", NoLine(),
           "https://github.com/octo/app/blob/5e3f9a1c/README.MD",
           "https://github.com/octo/app/blame/5e3f9a1c/README.MD",
           "https://github.com/octo/app/commit/5e3f9a1c"},
          {"markdown-like directory", repo, kSha, "docs.md/x.cc", Line(2),
           "https://github.com/octo/app/blob/5e3f9a1c/docs.md/x.cc#L2",
           "https://github.com/octo/app/blame/5e3f9a1c/docs.md/x.cc#L2",
           "https://github.com/octo/app/commit/5e3f9a1c"},
      },
      HostRegistry());
}

TEST(MakeLinksTest, GitLab) {
  const RepositoryUrl repo = Repo(Provider::kGitLab, "gitlab.com", "group/subgroup/proj");
  ExpectLinks(
      {
          {"no line", repo, kSha, "src/main.cc", NoLine(),
           "https://gitlab.com/group/subgroup/proj/-/blob/5e3f9a1c/src/main.cc",
           "https://gitlab.com/group/subgroup/proj/-/blame/5e3f9a1c/src/main.cc",
           "https://gitlab.com/group/subgroup/proj/-/commit/5e3f9a1c"},
          {"one line", repo, kSha, "src/main.cc", Line(42),
           "https://gitlab.com/group/subgroup/proj/-/blob/5e3f9a1c/src/main.cc#L42",
           "https://gitlab.com/group/subgroup/proj/-/blame/5e3f9a1c/src/main.cc#L42",
           "https://gitlab.com/group/subgroup/proj/-/commit/5e3f9a1c"},
          {"range", repo, kSha, "src/main.cc", Lines(10, 20),
           "https://gitlab.com/group/subgroup/proj/-/blob/5e3f9a1c/src/main.cc#L10-20",
           "https://gitlab.com/group/subgroup/proj/-/blame/5e3f9a1c/src/main.cc#L10-20",
           "https://gitlab.com/group/subgroup/proj/-/commit/5e3f9a1c"},
          {"deep subgroups", Repo(Provider::kGitLab, "gitlab.com", "a/b/c/d/e"), kSha, "x.rb",
           Line(5), "https://gitlab.com/a/b/c/d/e/-/blob/5e3f9a1c/x.rb#L5",
           "https://gitlab.com/a/b/c/d/e/-/blame/5e3f9a1c/x.rb#L5",
           "https://gitlab.com/a/b/c/d/e/-/commit/5e3f9a1c"},
      },
      HostRegistry());
}

TEST(MakeLinksTest, SelfManagedHostsDeclaredInTheRegistry) {
  HostRegistry hosts;
  ASSERT_TRUE(hosts.AddHostSpec("git.corp.example=gitlab").ok());
  ASSERT_TRUE(hosts.AddHostSpec("code.corp.example:8443=gitea").ok());
  // Parse() without the registry leaves these unknown; MakeLinks consults it.
  const RepositoryUrl gitlab = Repo(Provider::kUnknown, "git.corp.example", "platform/api");
  const RepositoryUrl gitea = Repo(Provider::kUnknown, "code.corp.example", "ops/tool", "", 8443);
  // And Parse() with it gives the declared provider.
  const RepositoryUrl parsed = Repo(Provider::kGitLab, "git.corp.example", "platform/api");
  ExpectLinks(
      {
          {"gitlab from the registry", gitlab, kSha, "cmd/main.go", Lines(10, 20),
           "https://git.corp.example/platform/api/-/blob/5e3f9a1c/cmd/main.go#L10-20",
           "https://git.corp.example/platform/api/-/blame/5e3f9a1c/cmd/main.go#L10-20",
           "https://git.corp.example/platform/api/-/commit/5e3f9a1c"},
          {"gitlab parsed with the registry", parsed, kSha, "cmd/main.go", Line(9),
           "https://git.corp.example/platform/api/-/blob/5e3f9a1c/cmd/main.go#L9",
           "https://git.corp.example/platform/api/-/blame/5e3f9a1c/cmd/main.go#L9",
           "https://git.corp.example/platform/api/-/commit/5e3f9a1c"},
          {"gitea on a declared port", gitea, kSha, "main.rs", Line(8),
           "https://code.corp.example:8443/ops/tool/src/commit/5e3f9a1c/main.rs#L8",
           "https://code.corp.example:8443/ops/tool/blame/commit/5e3f9a1c/main.rs#L8",
           "https://code.corp.example:8443/ops/tool/commit/5e3f9a1c"},
      },
      hosts);

  // The port-specific declaration does not cover the default port.
  const RepositoryUrl other_port = Repo(Provider::kUnknown, "code.corp.example", "ops/tool");
  EXPECT_FALSE(MakeLinks(other_port, kSha, "main.rs", NoLine(), hosts).ok());
}

TEST(MakeLinksTest, BitbucketCloud) {
  const RepositoryUrl repo = Repo(Provider::kBitbucketCloud, "bitbucket.org", "team/app");
  ExpectLinks(
      {
          {"no line", repo, kSha, "src/main.cc", NoLine(),
           "https://bitbucket.org/team/app/src/5e3f9a1c/src/main.cc",
           "https://bitbucket.org/team/app/annotate/5e3f9a1c/src/main.cc",
           "https://bitbucket.org/team/app/commits/5e3f9a1c"},
          {"one line", repo, kSha, "src/main.cc", Line(42),
           "https://bitbucket.org/team/app/src/5e3f9a1c/src/main.cc#lines-42",
           "https://bitbucket.org/team/app/annotate/5e3f9a1c/src/main.cc#lines-42",
           "https://bitbucket.org/team/app/commits/5e3f9a1c"},
          {"range", repo, kSha, "src/main.cc", Lines(10, 20),
           "https://bitbucket.org/team/app/src/5e3f9a1c/src/main.cc#lines-10:20",
           "https://bitbucket.org/team/app/annotate/5e3f9a1c/src/main.cc#lines-10:20",
           "https://bitbucket.org/team/app/commits/5e3f9a1c"},
      },
      HostRegistry());
}

TEST(MakeLinksTest, BitbucketServer) {
  const RepositoryUrl repo = Repo(Provider::kBitbucketServer, "bitbucket.corp.example", "PROJ/app");
  ExpectLinks(
      {
          {"no line", repo, kSha, "src/main.cc", NoLine(),
           "https://bitbucket.corp.example/projects/PROJ/repos/app/browse/src/main.cc?at=5e3f9a1c",
           "", "https://bitbucket.corp.example/projects/PROJ/repos/app/commits/5e3f9a1c"},
          {"one line", repo, kSha, "src/main.cc", Line(42),
           "https://bitbucket.corp.example/projects/PROJ/repos/app/browse/src/main.cc"
           "?at=5e3f9a1c#42",
           "", "https://bitbucket.corp.example/projects/PROJ/repos/app/commits/5e3f9a1c"},
          {"range", repo, kSha, "src/main.cc", Lines(10, 20),
           "https://bitbucket.corp.example/projects/PROJ/repos/app/browse/src/main.cc"
           "?at=5e3f9a1c#10-20",
           "", "https://bitbucket.corp.example/projects/PROJ/repos/app/commits/5e3f9a1c"},
          {"personal repository",
           Repo(Provider::kBitbucketServer, "bitbucket.corp.example", "~jdoe/dotfiles"), kSha,
           "vimrc", Line(1),
           "https://bitbucket.corp.example/users/jdoe/repos/dotfiles/browse/vimrc?at=5e3f9a1c#1",
           "", "https://bitbucket.corp.example/users/jdoe/repos/dotfiles/commits/5e3f9a1c"},
          {"context path and port",
           Repo(Provider::kBitbucketServer, "scm.corp", "bitbucket/PROJ/app", "", 7990, "http"),
           kSha, "a b.txt", Lines(1, 2),
           "http://scm.corp:7990/bitbucket/projects/PROJ/repos/app/browse/a%20b.txt"
           "?at=5e3f9a1c#1-2",
           "", "http://scm.corp:7990/bitbucket/projects/PROJ/repos/app/commits/5e3f9a1c"},
      },
      HostRegistry());
}

TEST(MakeLinksTest, AzureDevOps) {
  const RepositoryUrl repo = Repo(Provider::kAzureDevOps, "dev.azure.com", "org/proj/_git/app");
  ExpectLinks(
      {
          {"no line", repo, kSha, "src/main.cc", NoLine(),
           "https://dev.azure.com/org/proj/_git/app?path=/src/main.cc&version=GC5e3f9a1c"
           "&_a=contents",
           "https://dev.azure.com/org/proj/_git/app?path=/src/main.cc&version=GC5e3f9a1c"
           "&_a=blame",
           "https://dev.azure.com/org/proj/_git/app/commit/5e3f9a1c"},
          {"one line", repo, kSha, "src/main.cc", Line(42),
           "https://dev.azure.com/org/proj/_git/app?path=/src/main.cc&version=GC5e3f9a1c"
           "&line=42&lineEnd=43&lineStartColumn=1&lineEndColumn=1&lineStyle=plain&_a=contents",
           "https://dev.azure.com/org/proj/_git/app?path=/src/main.cc&version=GC5e3f9a1c"
           "&line=42&lineEnd=43&lineStartColumn=1&lineEndColumn=1&lineStyle=plain&_a=blame",
           "https://dev.azure.com/org/proj/_git/app/commit/5e3f9a1c"},
          {"range", repo, kSha, "src/main.cc", Lines(10, 20),
           "https://dev.azure.com/org/proj/_git/app?path=/src/main.cc&version=GC5e3f9a1c"
           "&line=10&lineEnd=21&lineStartColumn=1&lineEndColumn=1&lineStyle=plain&_a=contents",
           "https://dev.azure.com/org/proj/_git/app?path=/src/main.cc&version=GC5e3f9a1c"
           "&line=10&lineEnd=21&lineStartColumn=1&lineEndColumn=1&lineStyle=plain&_a=blame",
           "https://dev.azure.com/org/proj/_git/app/commit/5e3f9a1c"},
          // Query values encode '&', '=', '+', ';' and keep '/'.
          {"query-hostile path", repo, kSha, "a&b=c+d;e/f g#h?.cs", NoLine(),
           "https://dev.azure.com/org/proj/_git/app?path=/a%26b%3Dc%2Bd%3Be/f%20g%23h%3F.cs"
           "&version=GC5e3f9a1c&_a=contents",
           "https://dev.azure.com/org/proj/_git/app?path=/a%26b%3Dc%2Bd%3Be/f%20g%23h%3F.cs"
           "&version=GC5e3f9a1c&_a=blame",
           "https://dev.azure.com/org/proj/_git/app/commit/5e3f9a1c"},
          // Project names with spaces arrive encoded or raw; neither is doubled.
          {"encoded project",
           Repo(Provider::kAzureDevOps, "dev.azure.com", "org/My%20Proj/_git/app"), kSha, "x.cs",
           NoLine(),
           "https://dev.azure.com/org/My%20Proj/_git/app?path=/x.cs&version=GC5e3f9a1c&_a=contents",
           "https://dev.azure.com/org/My%20Proj/_git/app?path=/x.cs&version=GC5e3f9a1c&_a=blame",
           "https://dev.azure.com/org/My%20Proj/_git/app/commit/5e3f9a1c"},
          {"raw project", Repo(Provider::kAzureDevOps, "dev.azure.com", "org/My Proj/_git/app"),
           kSha, "x.cs", NoLine(),
           "https://dev.azure.com/org/My%20Proj/_git/app?path=/x.cs&version=GC5e3f9a1c&_a=contents",
           "https://dev.azure.com/org/My%20Proj/_git/app?path=/x.cs&version=GC5e3f9a1c&_a=blame",
           "https://dev.azure.com/org/My%20Proj/_git/app/commit/5e3f9a1c"},
      },
      HostRegistry());
}

TEST(MakeLinksTest, GiteaAndForgejo) {
  const RepositoryUrl repo = Repo(Provider::kGitea, "codeberg.org", "forgejo/forgejo");
  ExpectLinks(
      {
          {"no line", repo, kSha, "src/main.cc", NoLine(),
           "https://codeberg.org/forgejo/forgejo/src/commit/5e3f9a1c/src/main.cc",
           "https://codeberg.org/forgejo/forgejo/blame/commit/5e3f9a1c/src/main.cc",
           "https://codeberg.org/forgejo/forgejo/commit/5e3f9a1c"},
          {"one line", repo, kSha, "src/main.cc", Line(42),
           "https://codeberg.org/forgejo/forgejo/src/commit/5e3f9a1c/src/main.cc#L42",
           "https://codeberg.org/forgejo/forgejo/blame/commit/5e3f9a1c/src/main.cc#L42",
           "https://codeberg.org/forgejo/forgejo/commit/5e3f9a1c"},
          {"range", repo, kSha, "src/main.cc", Lines(10, 20),
           "https://codeberg.org/forgejo/forgejo/src/commit/5e3f9a1c/src/main.cc#L10-L20",
           "https://codeberg.org/forgejo/forgejo/blame/commit/5e3f9a1c/src/main.cc#L10-L20",
           "https://codeberg.org/forgejo/forgejo/commit/5e3f9a1c"},
          {"markdown shows source", repo, kSha, "docs/guide.md", Line(4),
           "https://codeberg.org/forgejo/forgejo/src/commit/5e3f9a1c/docs/guide.md"
           "?display=source#L4",
           "https://codeberg.org/forgejo/forgejo/blame/commit/5e3f9a1c/docs/guide.md#L4",
           "https://codeberg.org/forgejo/forgejo/commit/5e3f9a1c"},
      },
      HostRegistry());
}

TEST(MakeLinksTest, GerritWithGitiles) {
  const RepositoryUrl repo = Repo(Provider::kGerrit, "gerrit.corp.example", "platform/build");
  ExpectLinks(
      {
          {"no line", repo, kSha, "src/main.cc", NoLine(),
           "https://gerrit.corp.example/plugins/gitiles/platform/build/+/5e3f9a1c/src/main.cc",
           "https://gerrit.corp.example/plugins/gitiles/platform/build/+blame/5e3f9a1c/src/main.cc",
           "https://gerrit.corp.example/plugins/gitiles/platform/build/+/5e3f9a1c"},
          {"one line", repo, kSha, "src/main.cc", Line(42),
           "https://gerrit.corp.example/plugins/gitiles/platform/build/+/5e3f9a1c/src/main.cc#42",
           "https://gerrit.corp.example/plugins/gitiles/platform/build/+blame/5e3f9a1c/src/main.cc"
           "#42",
           "https://gerrit.corp.example/plugins/gitiles/platform/build/+/5e3f9a1c"},
          // Gitiles has no range anchor: the first line.
          {"range", repo, kSha, "src/main.cc", Lines(10, 20),
           "https://gerrit.corp.example/plugins/gitiles/platform/build/+/5e3f9a1c/src/main.cc#10",
           "https://gerrit.corp.example/plugins/gitiles/platform/build/+blame/5e3f9a1c/src/main.cc"
           "#10",
           "https://gerrit.corp.example/plugins/gitiles/platform/build/+/5e3f9a1c"},
      },
      HostRegistry());
}

TEST(MakeLinksTest, Gitiles) {
  const RepositoryUrl repo = Repo(Provider::kGitiles, "chromium.googlesource.com", "chromium/src");
  ExpectLinks(
      {
          {"no line", repo, kSha, "base/logging.cc", NoLine(),
           "https://chromium.googlesource.com/chromium/src/+/5e3f9a1c/base/logging.cc",
           "https://chromium.googlesource.com/chromium/src/+blame/5e3f9a1c/base/logging.cc",
           "https://chromium.googlesource.com/chromium/src/+/5e3f9a1c"},
          {"one line", repo, kSha, "base/logging.cc", Line(42),
           "https://chromium.googlesource.com/chromium/src/+/5e3f9a1c/base/logging.cc#42",
           "https://chromium.googlesource.com/chromium/src/+blame/5e3f9a1c/base/logging.cc#42",
           "https://chromium.googlesource.com/chromium/src/+/5e3f9a1c"},
          {"range", repo, kSha, "base/logging.cc", Lines(10, 20),
           "https://chromium.googlesource.com/chromium/src/+/5e3f9a1c/base/logging.cc#10",
           "https://chromium.googlesource.com/chromium/src/+blame/5e3f9a1c/base/logging.cc#10",
           "https://chromium.googlesource.com/chromium/src/+/5e3f9a1c"},
      },
      HostRegistry());
}

TEST(MakeLinksTest, SourceHut) {
  const RepositoryUrl repo = Repo(Provider::kSourceHut, "git.sr.ht", "~sircmpwn/scdoc");
  ExpectLinks(
      {
          {"no line", repo, kSha, "src/main.c", NoLine(),
           "https://git.sr.ht/~sircmpwn/scdoc/tree/5e3f9a1c/item/src/main.c",
           "https://git.sr.ht/~sircmpwn/scdoc/blame/5e3f9a1c/src/main.c",
           "https://git.sr.ht/~sircmpwn/scdoc/commit/5e3f9a1c"},
          {"one line", repo, kSha, "src/main.c", Line(42),
           "https://git.sr.ht/~sircmpwn/scdoc/tree/5e3f9a1c/item/src/main.c#L42",
           "https://git.sr.ht/~sircmpwn/scdoc/blame/5e3f9a1c/src/main.c#L42",
           "https://git.sr.ht/~sircmpwn/scdoc/commit/5e3f9a1c"},
          {"range", repo, kSha, "src/main.c", Lines(10, 20),
           "https://git.sr.ht/~sircmpwn/scdoc/tree/5e3f9a1c/item/src/main.c#L10-20",
           "https://git.sr.ht/~sircmpwn/scdoc/blame/5e3f9a1c/src/main.c#L10-20",
           "https://git.sr.ht/~sircmpwn/scdoc/commit/5e3f9a1c"},
      },
      HostRegistry());
}

TEST(MakeLinksTest, Cgit) {
  // cgit serves the repository under its web path, .git included.
  const RepositoryUrl repo =
      Repo(Provider::kCgit, "git.kernel.org", "pub/scm/linux/kernel/git/torvalds/linux",
           "pub/scm/linux/kernel/git/torvalds/linux.git");
  ExpectLinks(
      {
          {"no line", repo, kSha, "kernel/fork.c", NoLine(),
           "https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/tree/kernel/fork.c"
           "?id=5e3f9a1c",
           "https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/blame/kernel/"
           "fork.c?id=5e3f9a1c",
           "https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/commit/"
           "?id=5e3f9a1c"},
          {"one line", repo, kSha, "kernel/fork.c", Line(42),
           "https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/tree/kernel/fork.c"
           "?id=5e3f9a1c#n42",
           "https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/blame/kernel/"
           "fork.c?id=5e3f9a1c#n42",
           "https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/commit/"
           "?id=5e3f9a1c"},
          // cgit has no range anchor: the first line.
          {"range", repo, kSha, "kernel/fork.c", Lines(10, 20),
           "https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/tree/kernel/fork.c"
           "?id=5e3f9a1c#n10",
           "https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/blame/kernel/"
           "fork.c?id=5e3f9a1c#n10",
           "https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/commit/"
           "?id=5e3f9a1c"},
          {"without .git", Repo(Provider::kCgit, "git.zx2c4.com", "wireguard-tools"), kSha,
           "src/wg.c", Line(7),
           "https://git.zx2c4.com/wireguard-tools/tree/src/wg.c?id=5e3f9a1c#n7",
           "https://git.zx2c4.com/wireguard-tools/blame/src/wg.c?id=5e3f9a1c#n7",
           "https://git.zx2c4.com/wireguard-tools/commit/?id=5e3f9a1c"},
      },
      HostRegistry());
}

TEST(MakeLinksTest, CustomTemplates) {
  HostRegistry hosts;
  LinkTemplates full;
  full.file = "{base}/view/{commit}/{path}";
  full.blame = "{base}/annotate/{commit}/{path}";
  full.commit = "{base}/rev/{commit}";
  full.line_anchor = "#line-{line}";
  full.range_anchor = "#line-{line}-{end}";
  ASSERT_TRUE(hosts.DeclareTemplates("code.internal", full).ok());

  LinkTemplates minimal;  // no blame, no range anchor
  minimal.file = "https://cs.internal/{host}/{repo}/+/{commit}:{path}";
  minimal.commit = "https://cs.internal/{host}/{repo}/+/{commit}";
  minimal.line_anchor = "?l={line}";
  ASSERT_TRUE(hosts.DeclareTemplates("src.internal:8080", minimal).ok());

  LinkTemplates bare;  // no anchors at all
  bare.file = "{base}/f/{commit}/{path}";
  bare.commit = "{base}/c/{commit}";
  ASSERT_TRUE(hosts.DeclareTemplates("bare.internal", bare).ok());

  const RepositoryUrl repo = Repo(Provider::kCustom, "code.internal", "team/app");
  const RepositoryUrl on_port = Repo(Provider::kCustom, "src.internal", "team/app", "", 8080);
  const RepositoryUrl plain = Repo(Provider::kCustom, "bare.internal", "x/y");
  ExpectLinks(
      {
          {"no line", repo, kSha, "src/main.cc", NoLine(),
           "https://code.internal/team/app/view/5e3f9a1c/src/main.cc",
           "https://code.internal/team/app/annotate/5e3f9a1c/src/main.cc",
           "https://code.internal/team/app/rev/5e3f9a1c"},
          {"one line", repo, kSha, "src/main.cc", Line(42),
           "https://code.internal/team/app/view/5e3f9a1c/src/main.cc#line-42",
           "https://code.internal/team/app/annotate/5e3f9a1c/src/main.cc#line-42",
           "https://code.internal/team/app/rev/5e3f9a1c"},
          {"range", repo, kSha, "src/main.cc", Lines(10, 20),
           "https://code.internal/team/app/view/5e3f9a1c/src/main.cc#line-10-20",
           "https://code.internal/team/app/annotate/5e3f9a1c/src/main.cc#line-10-20",
           "https://code.internal/team/app/rev/5e3f9a1c"},
          {"path is encoded", repo, kSha, "dir/a b#1?.cc", Line(1),
           "https://code.internal/team/app/view/5e3f9a1c/dir/a%20b%231%3F.cc#line-1",
           "https://code.internal/team/app/annotate/5e3f9a1c/dir/a%20b%231%3F.cc#line-1",
           "https://code.internal/team/app/rev/5e3f9a1c"},
          {"host and repo, range falls back to line anchor", on_port, kSha, "a.py", Lines(3, 9),
           "https://cs.internal/src.internal:8080/team/app/+/5e3f9a1c:a.py?l=3", "",
           "https://cs.internal/src.internal:8080/team/app/+/5e3f9a1c"},
          {"no anchors", plain, kSha, "a.py", Lines(3, 9),
           "https://bare.internal/x/y/f/5e3f9a1c/a.py", "", "https://bare.internal/x/y/c/5e3f9a1c"},
      },
      hosts);
}

TEST(MakeLinksTest, PathsAreEncoded) {
  const RepositoryUrl github = Repo(Provider::kGitHub, "github.com", "octo/app");
  const RepositoryUrl cgit = Repo(Provider::kCgit, "git.zx2c4.com", "repo");
  ExpectLinks(
      {
          {"space", github, kSha, "my dir/my file.c", Line(1),
           "https://github.com/octo/app/blob/5e3f9a1c/my%20dir/my%20file.c#L1",
           "https://github.com/octo/app/blame/5e3f9a1c/my%20dir/my%20file.c#L1",
           "https://github.com/octo/app/commit/5e3f9a1c"},
          {"hash question percent", github, kSha, "c#/q?/100%.txt", Line(2),
           "https://github.com/octo/app/blob/5e3f9a1c/c%23/q%3F/100%25.txt#L2",
           "https://github.com/octo/app/blame/5e3f9a1c/c%23/q%3F/100%25.txt#L2",
           "https://github.com/octo/app/commit/5e3f9a1c"},
          {"non-ASCII", github, kSha, "src/Straße/日本.py", NoLine(),
           "https://github.com/octo/app/blob/5e3f9a1c/src/Stra%C3%9Fe/%E6%97%A5%E6%9C%AC.py",
           "https://github.com/octo/app/blame/5e3f9a1c/src/Stra%C3%9Fe/%E6%97%A5%E6%9C%AC.py",
           "https://github.com/octo/app/commit/5e3f9a1c"},
          {"sub-delims stay", github, kSha, "a&b=c+d;e,f@g:h.txt", NoLine(),
           "https://github.com/octo/app/blob/5e3f9a1c/a&b=c+d;e,f@g:h.txt",
           "https://github.com/octo/app/blame/5e3f9a1c/a&b=c+d;e,f@g:h.txt",
           "https://github.com/octo/app/commit/5e3f9a1c"},
          {"cgit path before the query", cgit, kSha, "docs/naïve café.md", Line(3),
           "https://git.zx2c4.com/repo/tree/docs/na%C3%AFve%20caf%C3%A9.md?id=5e3f9a1c#n3",
           "https://git.zx2c4.com/repo/blame/docs/na%C3%AFve%20caf%C3%A9.md?id=5e3f9a1c#n3",
           "https://git.zx2c4.com/repo/commit/?id=5e3f9a1c"},
      },
      HostRegistry());
}

TEST(MakeLinkTest, CommitLinksIgnorePathAndLines) {
  const RepositoryUrl repo = Repo(Provider::kGitLab, "gitlab.com", "g/p");
  const std::pair<std::string, LineRange> kCases[] = {
      {"", NoLine()}, {"/absolute", Lines(5, 1)}, {"a.c", Line(-4)}};
  for (const auto& [path, lines] : kCases) {
    Result<std::string> link = MakeLink(repo, LinkKind::kCommit, kSha, path, lines, HostRegistry());
    ASSERT_TRUE(link.ok()) << path << ": " << link.status().ToString();
    EXPECT_EQ(*link, "https://gitlab.com/g/p/-/commit/5e3f9a1c");
  }
}

struct ErrorCase {
  std::string name;
  RepositoryUrl repo;
  LinkKind kind;
  std::string commit;
  std::string path;
  LineRange lines;
  std::string message;
};

TEST(MakeLinkTest, ErrorsSayWhatIsWrongAndHowToFixIt) {
  const RepositoryUrl github = Repo(Provider::kGitHub, "github.com", "octo/app");
  const ErrorCase kCases[] = {
      {"unknown host", Repo(Provider::kUnknown, "git.example.net", "a/b"), LinkKind::kFile, kSha,
       "x.c", NoLine(),
       "no link format known for host \"git.example.net\": declare its provider (--host "
       "git.example.net=gitlab) or link templates in the config file"},
      {"unknown host with port", Repo(Provider::kUnknown, "git.example.net", "a/b", "", 8443),
       LinkKind::kCommit, kSha, "", NoLine(),
       "no link format known for host \"git.example.net:8443\": declare its provider (--host "
       "git.example.net:8443=gitlab) or link templates in the config file"},
      {"custom without templates", Repo(Provider::kCustom, "code.internal", "a/b"), LinkKind::kFile,
       kSha, "x.c", NoLine(),
       "host \"code.internal\" is declared custom but has no link templates: declare them in the "
       "config file"},
      {"empty commit", github, LinkKind::kCommit, "", "x.c", NoLine(),
       "cannot link into \"github.com/octo/app\": the commit is empty; pass the full SHA of the "
       "commit the code was built from (git rev-parse HEAD prints it)"},
      {"branch for commit", github, LinkKind::kFile, "main", "x.c", NoLine(),
       "commit \"main\" for \"github.com/octo/app\" is not a hexadecimal commit id: pass the full "
       "SHA (git rev-parse main prints it)"},
      {"commit with a fragment", github, LinkKind::kFile, "abc#def", "x.c", NoLine(),
       "commit \"abc#def\" for \"github.com/octo/app\" is not a hexadecimal commit id: pass the "
       "full SHA (git rev-parse abc#def prints it)"},
      {"empty path", github, LinkKind::kFile, kSha, "", NoLine(),
       "cannot link a file in \"github.com/octo/app\": the file path is empty; pass the path "
       "relative to the repository root, e.g. \"src/main.cc\""},
      {"empty path for blame", github, LinkKind::kBlame, kSha, "", NoLine(),
       "cannot link a file in \"github.com/octo/app\": the file path is empty; pass the path "
       "relative to the repository root, e.g. \"src/main.cc\""},
      {"absolute path", github, LinkKind::kFile, kSha, "/src/a.py", NoLine(),
       "file path \"/src/a.py\" for \"github.com/octo/app\" starts with '/': pass it relative to "
       "the repository root, e.g. \"src/a.py\""},
      {"reversed range", github, LinkKind::kFile, kSha, "x.c", Lines(20, 10),
       "line range 20-10 is invalid: end line 10 is before start line 20"},
      {"negative line", github, LinkKind::kBlame, kSha, "x.c", Line(-3),
       "line -3 is invalid: line numbers start at 1"},
      {"bitbucket server path without project",
       Repo(Provider::kBitbucketServer, "bitbucket.corp.example", "app"), LinkKind::kFile, kSha,
       "x.c", NoLine(),
       "Bitbucket Server repository path \"app\" on \"bitbucket.corp.example\" is not "
       "PROJECT/repo: use the clone URL, e.g. https://bitbucket.corp.example/scm/PROJECT/repo.git"},
  };
  for (const ErrorCase& c : kCases) {
    Result<std::string> link = MakeLink(c.repo, c.kind, c.commit, c.path, c.lines, HostRegistry());
    ASSERT_FALSE(link.ok()) << c.name << " gave " << *link;
    EXPECT_EQ(link.status().code(), Status::Code::kInvalidArgument) << c.name;
    EXPECT_EQ(link.status().message(), c.message) << c.name;
    // MakeLinks fails the same way whenever it needs what MakeLink lacked.
    Result<SourceLinks> links = MakeLinks(c.repo, c.commit, c.path, c.lines, HostRegistry());
    EXPECT_FALSE(links.ok()) << c.name;
  }
}

struct ParseCase {
  std::string text;
  int start;
  int end;
  bool single;
};

TEST(LineRangeTest, Parses) {
  const ParseCase kCases[] = {
      {"42", 42, 0, true},
      {"1", 1, 0, true},
      {"10-20", 10, 20, false},
      {"10-10", 10, 10, true},
      {"2147483647", 2147483647, 0, true},
      {"1-2147483647", 1, 2147483647, false},
  };
  for (const ParseCase& c : kCases) {
    Result<LineRange> range = LineRange::Parse(c.text);
    ASSERT_TRUE(range.ok()) << c.text << ": " << range.status().ToString();
    EXPECT_EQ(range->start, c.start) << c.text;
    EXPECT_EQ(range->end, c.end) << c.text;
    EXPECT_EQ(range->single(), c.single) << c.text;
    EXPECT_FALSE(range->empty()) << c.text;
  }
  EXPECT_TRUE(LineRange{}.empty());
}

struct ParseErrorCase {
  std::string text;
  std::string message;
};

TEST(LineRangeTest, ErrorsQuoteTheText) {
  const ParseErrorCase kCases[] = {
      {"", "line range \"\" is empty: write a line (\"42\") or a range (\"10-20\")"},
      {"0",
       "line range \"0\" is invalid: line numbers start at 1, not 0; write a line (\"42\") or a "
       "range (\"10-20\")"},
      {"0-5",
       "line range \"0-5\" is invalid: line numbers start at 1, not 0; write a line (\"42\") or "
       "a range (\"10-20\")"},
      {"-3",
       "line range \"-3\" is invalid: line numbers start at 1 and cannot be negative; write a "
       "line (\"42\") or a range (\"10-20\")"},
      {"abc",
       "line range \"abc\" is invalid: \"a\" is not a digit; write a line (\"42\") or a range "
       "(\"10-20\")"},
      {"20-10",
       "line range \"20-10\" is invalid: end line 10 is before start line 20; write it as "
       "\"10-20\""},
      {"2147483648",
       "line range \"2147483648\" is invalid: the start line \"2147483648\" is too large; write "
       "a line (\"42\") or a range (\"10-20\")"},
      {"1-99999999999999999999",
       "line range \"1-99999999999999999999\" is invalid: the end line "
       "\"99999999999999999999\" is too large; write a line (\"42\") or a range (\"10-20\")"},
      {"42x",
       "line range \"42x\" is invalid: \"x\" is not a digit; write a line (\"42\") or a range "
       "(\"10-20\")"},
      {"10-20-30",
       "line range \"10-20-30\" is invalid: \"-\" is not a digit; write a line (\"42\") or a "
       "range (\"10-20\")"},
      {"10-",
       "line range \"10-\" is invalid: the end line is missing; write a line (\"42\") or a range "
       "(\"10-20\")"},
      {" 42",
       "line range \" 42\" is invalid: \" \" is not a digit; write a line (\"42\") or a range "
       "(\"10-20\")"},
      {"+7",
       "line range \"+7\" is invalid: \"+\" is not a digit; write a line (\"42\") or a range "
       "(\"10-20\")"},
  };
  for (const ParseErrorCase& c : kCases) {
    Result<LineRange> range = LineRange::Parse(c.text);
    ASSERT_FALSE(range.ok()) << "\"" << c.text << "\"";
    EXPECT_EQ(range.status().code(), Status::Code::kInvalidArgument) << c.text;
    EXPECT_EQ(range.status().message(), c.message) << c.text;
  }
}

TEST(LinkKindTest, Names) {
  EXPECT_EQ(LinkKindName(LinkKind::kFile), "file");
  EXPECT_EQ(LinkKindName(LinkKind::kBlame), "blame");
  EXPECT_EQ(LinkKindName(LinkKind::kCommit), "commit");
}

}  // namespace
}  // namespace srclink

namespace srclink {
namespace {

TEST(RefLinkTest, TagsAndBranchesForExternalSources) {
  HostRegistry hosts;
  auto go = RepositoryUrl::Parse("https://github.com/golang/go");
  ASSERT_TRUE(go.ok());
  auto link = MakeRefLink(*go, LinkKind::kFile, "go1.21.3", "src/net/http/server.go",
                          LineRange{3300, 0}, hosts);
  ASSERT_TRUE(link.ok()) << link.status().ToString();
  EXPECT_EQ(*link, "https://github.com/golang/go/blob/go1.21.3/src/net/http/server.go#L3300");
  auto sub = MakeRefLink(*go, LinkKind::kFile, "sdk/azcore/v1.9.0", "x.go", LineRange{}, hosts);
  ASSERT_TRUE(sub.ok());
  EXPECT_EQ(*sub, "https://github.com/golang/go/blob/sdk/azcore/v1.9.0/x.go");
  EXPECT_FALSE(MakeRefLink(*go, LinkKind::kFile, "a..b", "x.go", LineRange{}, hosts).ok());
  EXPECT_FALSE(MakeRefLink(*go, LinkKind::kFile, "v1?x=1", "x.go", LineRange{}, hosts).ok());
  // Commits stay strict: a ref is not a commit.
  EXPECT_FALSE(MakeLink(*go, LinkKind::kFile, "go1.21.3", "x.go", LineRange{}, hosts).ok());
}

}  // namespace
}  // namespace srclink
