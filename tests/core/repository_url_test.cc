#include "core/repository_url.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/provider.h"

namespace srclink {
namespace {

// expected: "sanitized | id | provider | web base", or "error: SUBSTRING".
// secret: text of the input that no output may contain ("" when none).
struct UrlCase {
  std::string input;
  std::string expected;
  std::string secret = "";
};

HostRegistry TestHosts() {
  HostRegistry hosts;
  EXPECT_TRUE(hosts.AddHostSpec("git.corp.example=gitlab").ok());
  return hosts;
}

std::string DumpUrl(const Result<RepositoryUrl>& url) {
  if (!url.ok()) return "error: " + url.status().message();
  return url->sanitized + " | " + url->Id() + " | " + std::string(ProviderName(url->provider)) +
         " | " + url->WebBase();
}

std::vector<UrlCase> Cases() {
  std::vector<UrlCase> cases = {
      // http(s), credentials.
      {"https://github.com/o/r.git",
       "https://github.com/o/r.git | github.com/o/r | github | https://github.com/o/r"},
      {"https://github.com/o/r",
       "https://github.com/o/r | github.com/o/r | github | https://github.com/o/r"},
      {"http://github.com/o/r",
       "http://github.com/o/r | github.com/o/r | github | http://github.com/o/r"},
      {"https://user:pass@github.com/o/r.git",
       "https://github.com/o/r.git | github.com/o/r | github | https://github.com/o/r", "pass"},
      {"https://x-access-token:ghs_16C7e42F292c6912E7710c838347Ae178B4a@github.com/o/r.git",
       "https://github.com/o/r.git | github.com/o/r | github | https://github.com/o/r",
       "ghs_16C7e42F292c6912E7710c838347Ae178B4a"},
      {"https://ghp_TOKEN123@github.com/o/r",
       "https://github.com/o/r | github.com/o/r | github | https://github.com/o/r", "ghp_TOKEN123"},
      {"https://oauth2:glpat-SECRETxyz@gitlab.com/g/sub/repo.git",
       "https://gitlab.com/g/sub/repo.git | gitlab.com/g/sub/repo | gitlab | "
       "https://gitlab.com/g/sub/repo",
       "glpat-SECRETxyz"},
      {"https://user:p@ss@github.com/o/r",
       "https://github.com/o/r | github.com/o/r | github | https://github.com/o/r", "p@ss"},
      {"https://user:@github.com/o/r",
       "https://github.com/o/r | github.com/o/r | github | https://github.com/o/r"},
      {"https://@github.com/o/r",
       "https://github.com/o/r | github.com/o/r | github | https://github.com/o/r"},
      // Ports: a non-default http(s) port is in the id; 443 and 80 are not.
      {"https://git.corp:8443/team/app.git",
       "https://git.corp:8443/team/app.git | git.corp:8443/team/app | unknown | "
       "https://git.corp:8443/team/app"},
      {"https://git.corp:443/team/app.git",
       "https://git.corp:443/team/app.git | git.corp/team/app | unknown | "
       "https://git.corp/team/app"},
      {"http://git.corp:80/team/app",
       "http://git.corp:80/team/app | git.corp/team/app | unknown | http://git.corp/team/app"},
      {"http://git.corp:8080/team/app",
       "http://git.corp:8080/team/app | git.corp:8080/team/app | unknown | "
       "http://git.corp:8080/team/app"},
      {"http://git.corp:443/team/app",
       "http://git.corp:443/team/app | git.corp:443/team/app | unknown | "
       "http://git.corp:443/team/app"},
      {"https://user:hunter2@git.corp:8443/team/app.git",
       "https://git.corp:8443/team/app.git | git.corp:8443/team/app | unknown | "
       "https://git.corp:8443/team/app",
       "hunter2"},
      {"https://github.com:443/o/r",
       "https://github.com:443/o/r | github.com/o/r | github | https://github.com/o/r"},
      {"https://git.corp:/o/r",
       "https://git.corp/o/r | git.corp/o/r | unknown | https://git.corp/o/r"},
      {"https://[::1]:8443/o/r.git",
       "https://[::1]:8443/o/r.git | [::1]:8443/o/r | unknown | https://[::1]:8443/o/r"},
      // ssh://: users kept in sanitized, passwords and ports never in the id.
      {"ssh://git@github.com:22/o/r.git",
       "ssh://git@github.com:22/o/r.git | github.com/o/r | github | https://github.com/o/r"},
      {"ssh://git@github.com/o/r.git",
       "ssh://git@github.com/o/r.git | github.com/o/r | github | https://github.com/o/r"},
      {"ssh://git:s3cr3t@github.com/o/r.git",
       "ssh://git@github.com/o/r.git | github.com/o/r | github | https://github.com/o/r", "s3cr3t"},
      {"ssh://github.com/o/r",
       "ssh://github.com/o/r | github.com/o/r | github | https://github.com/o/r"},
      {"ssh://git@ssh.github.com:443/o/r.git",
       "ssh://git@ssh.github.com:443/o/r.git | github.com/o/r | github | https://github.com/o/r"},
      {"ssh://git@git.corp:2222/team/app.git",
       "ssh://git@git.corp:2222/team/app.git | git.corp/team/app | unknown | "
       "https://git.corp/team/app"},
      {"ssh://git@[::1]:2222/o/r",
       "ssh://git@[::1]:2222/o/r | [::1]/o/r | unknown | https://[::1]/o/r"},
      {"git+ssh://git@github.com/o/r.git",
       "git+ssh://git@github.com/o/r.git | github.com/o/r | github | https://github.com/o/r"},
      {"ssh+git://git@github.com/o/r.git",
       "ssh+git://git@github.com/o/r.git | github.com/o/r | github | https://github.com/o/r"},
      {"git+https://github.com/o/r.git",
       "git+https://github.com/o/r.git | github.com/o/r | github | https://github.com/o/r"},
      // scp-like.
      {"git@github.com:owner/repo.git",
       "git@github.com:owner/repo.git | github.com/owner/repo | github | "
       "https://github.com/owner/repo"},
      {"github.com:owner/repo",
       "github.com:owner/repo | github.com/owner/repo | github | https://github.com/owner/repo"},
      {"git@github.com:/owner/repo.git",
       "git@github.com:/owner/repo.git | github.com/owner/repo | github | "
       "https://github.com/owner/repo"},
      {"git@github.com:o/r.git?x=1",
       "git@github.com:o/r.git | github.com/o/r | github | https://github.com/o/r"},
      // git://
      {"git://git.kernel.org/pub/scm/git/git.git",
       "git://git.kernel.org/pub/scm/git/git.git | git.kernel.org/pub/scm/git/git | cgit | "
       "https://git.kernel.org/pub/scm/git/git.git"},
      {"git://git.corp:9418/team/app",
       "git://git.corp:9418/team/app | git.corp/team/app | unknown | https://git.corp/team/app"},
      // Bare host/path, and the id form with a port.
      {"github.com/org/repo",
       "github.com/org/repo | github.com/org/repo | github | https://github.com/org/repo"},
      {"ghp_TOKEN456@github.com/org/repo",
       "github.com/org/repo | github.com/org/repo | github | https://github.com/org/repo",
       "ghp_TOKEN456"},
      {"git.corp:8443/team/app",
       "git.corp:8443/team/app | git.corp:8443/team/app | unknown | "
       "https://git.corp:8443/team/app"},
      {"localhost/o/r", "localhost/o/r | localhost/o/r | unknown | https://localhost/o/r"},
      {"[::1]:8443/o/r", "[::1]:8443/o/r | [::1]:8443/o/r | unknown | https://[::1]:8443/o/r"},
      // GitLab subgroups and browser URLs.
      {"gitlab.com/g/sub/sub2/repo",
       "gitlab.com/g/sub/sub2/repo | gitlab.com/g/sub/sub2/repo | gitlab | "
       "https://gitlab.com/g/sub/sub2/repo"},
      {"git@gitlab.com:g/sub/sub2/repo.git",
       "git@gitlab.com:g/sub/sub2/repo.git | gitlab.com/g/sub/sub2/repo | gitlab | "
       "https://gitlab.com/g/sub/sub2/repo"},
      {"https://gitlab.com/g/sub/repo/-/tree/main",
       "https://gitlab.com/g/sub/repo/-/tree/main | gitlab.com/g/sub/repo | gitlab | "
       "https://gitlab.com/g/sub/repo"},
      {"https://gitlab.com/g/sub/repo/-/blob/main/x.c#L3",
       "https://gitlab.com/g/sub/repo/-/blob/main/x.c | gitlab.com/g/sub/repo | gitlab | "
       "https://gitlab.com/g/sub/repo"},
      // Azure DevOps: one id for every form.
      {"https://dev.azure.com/org/project/_git/repo",
       "https://dev.azure.com/org/project/_git/repo | dev.azure.com/org/project/_git/repo | "
       "azure-devops | https://dev.azure.com/org/project/_git/repo"},
      {"https://org@dev.azure.com/org/project/_git/repo",
       "https://dev.azure.com/org/project/_git/repo | dev.azure.com/org/project/_git/repo | "
       "azure-devops | https://dev.azure.com/org/project/_git/repo"},
      {"https://org:AZPAT0123456789@dev.azure.com/org/project/_git/repo",
       "https://dev.azure.com/org/project/_git/repo | dev.azure.com/org/project/_git/repo | "
       "azure-devops | https://dev.azure.com/org/project/_git/repo",
       "AZPAT0123456789"},
      {"git@ssh.dev.azure.com:v3/org/project/repo",
       "git@ssh.dev.azure.com:v3/org/project/repo | dev.azure.com/org/project/_git/repo | "
       "azure-devops | https://dev.azure.com/org/project/_git/repo"},
      {"ssh://git@ssh.dev.azure.com/v3/org/project/repo",
       "ssh://git@ssh.dev.azure.com/v3/org/project/repo | dev.azure.com/org/project/_git/repo | "
       "azure-devops | https://dev.azure.com/org/project/_git/repo"},
      {"https://org.visualstudio.com/project/_git/repo",
       "https://org.visualstudio.com/project/_git/repo | dev.azure.com/org/project/_git/repo | "
       "azure-devops | https://dev.azure.com/org/project/_git/repo"},
      {"https://org.visualstudio.com/DefaultCollection/project/_git/repo",
       "https://org.visualstudio.com/DefaultCollection/project/_git/repo | "
       "dev.azure.com/org/project/_git/repo | azure-devops | "
       "https://dev.azure.com/org/project/_git/repo"},
      {"org@vs-ssh.visualstudio.com:v3/org/project/repo",
       "org@vs-ssh.visualstudio.com:v3/org/project/repo | dev.azure.com/org/project/_git/repo | "
       "azure-devops | https://dev.azure.com/org/project/_git/repo"},
      {"https://dev.azure.com/org/project/_git/repo?path=/src/x.cs",
       "https://dev.azure.com/org/project/_git/repo | dev.azure.com/org/project/_git/repo | "
       "azure-devops | https://dev.azure.com/org/project/_git/repo"},
      // ORG/_git/REPO: the repository named like its project.
      {"https://dev.azure.com/org/_git/repo",
       "https://dev.azure.com/org/_git/repo | dev.azure.com/org/repo/_git/repo | azure-devops | "
       "https://dev.azure.com/org/repo/_git/repo"},
      // Azure DevOps Server keeps its host and collection.
      {"https://tfs.corp.example/tfs/DefaultCollection/project/_git/repo",
       "https://tfs.corp.example/tfs/DefaultCollection/project/_git/repo | "
       "tfs.corp.example/tfs/DefaultCollection/project/_git/repo | azure-devops | "
       "https://tfs.corp.example/tfs/DefaultCollection/project/_git/repo"},
      {"https://dev.azure.com/org/project", "error: /_git/"},
      {"https://dev.azure.com/org/a/b/_git/repo", "error: dev.azure.com/ORG/PROJECT/_git/REPO"},
      {"git@ssh.dev.azure.com:v3/org/project", "error: v3/ORG/PROJECT/REPO"},
      // Bitbucket Server / Data Center.
      {"https://bitbucket.corp.example/scm/KEY/repo.git",
       "https://bitbucket.corp.example/scm/KEY/repo.git | bitbucket.corp.example/KEY/repo | "
       "bitbucket-server | https://bitbucket.corp.example/KEY/repo"},
      {"ssh://git@bitbucket.corp.example:7999/KEY/repo.git",
       "ssh://git@bitbucket.corp.example:7999/KEY/repo.git | bitbucket.corp.example/KEY/repo | "
       "bitbucket-server | https://bitbucket.corp.example/KEY/repo"},
      {"ssh://git@code.corp.example:7999/KEY/repo.git",
       "ssh://git@code.corp.example:7999/KEY/repo.git | code.corp.example/KEY/repo | "
       "bitbucket-server | https://code.corp.example/KEY/repo"},
      {"https://code.corp.example/scm/KEY/repo.git",
       "https://code.corp.example/scm/KEY/repo.git | code.corp.example/KEY/repo | "
       "bitbucket-server | https://code.corp.example/KEY/repo"},
      {"https://code.corp.example/bitbucket/scm/KEY/repo.git",
       "https://code.corp.example/bitbucket/scm/KEY/repo.git | "
       "code.corp.example/bitbucket/KEY/repo | bitbucket-server | "
       "https://code.corp.example/bitbucket/KEY/repo"},
      {"https://bitbucket.corp.example/projects/KEY/repos/repo/browse/src/x.java",
       "https://bitbucket.corp.example/projects/KEY/repos/repo/browse/src/x.java | "
       "bitbucket.corp.example/KEY/repo | bitbucket-server | "
       "https://bitbucket.corp.example/KEY/repo"},
      {"https://bitbucket.corp.example/users/bob/repos/repo/browse",
       "https://bitbucket.corp.example/users/bob/repos/repo/browse | "
       "bitbucket.corp.example/~bob/repo | bitbucket-server | "
       "https://bitbucket.corp.example/~bob/repo"},
      // Bitbucket Cloud, Gitea.
      {"https://user@bitbucket.org/team/repo.git",
       "https://bitbucket.org/team/repo.git | bitbucket.org/team/repo | bitbucket | "
       "https://bitbucket.org/team/repo"},
      {"https://codeberg.org/u/r.git",
       "https://codeberg.org/u/r.git | codeberg.org/u/r | gitea | https://codeberg.org/u/r"},
      // Gerrit and Gitiles: "/a/" is authentication, not the project.
      {"https://gerrit.corp/a/project/name",
       "https://gerrit.corp/a/project/name | gerrit.corp/project/name | gerrit | "
       "https://gerrit.corp/project/name"},
      {"ssh://user@gerrit.corp:29418/project/name",
       "ssh://user@gerrit.corp:29418/project/name | gerrit.corp/project/name | gerrit | "
       "https://gerrit.corp/project/name"},
      {"ssh://user@review.corp.example:29418/project/name",
       "ssh://user@review.corp.example:29418/project/name | review.corp.example/project/name | "
       "gerrit | https://review.corp.example/project/name"},
      {"https://chromium.googlesource.com/chromium/src.git",
       "https://chromium.googlesource.com/chromium/src.git | "
       "chromium.googlesource.com/chromium/src "
       "| gitiles | https://chromium.googlesource.com/chromium/src"},
      {"https://chromium.googlesource.com/a/chromium/src",
       "https://chromium.googlesource.com/a/chromium/src | chromium.googlesource.com/chromium/src "
       "| "
       "gitiles | https://chromium.googlesource.com/chromium/src"},
      // SourceHut.
      {"git@git.sr.ht:~user/repo",
       "git@git.sr.ht:~user/repo | git.sr.ht/~user/repo | sourcehut | "
       "https://git.sr.ht/~user/repo"},
      {"https://git.sr.ht/~user/repo",
       "https://git.sr.ht/~user/repo | git.sr.ht/~user/repo | sourcehut | "
       "https://git.sr.ht/~user/repo"},
      // cgit keeps .git in the web base; browser paths after it are dropped.
      {"https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git",
       "https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git | "
       "git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux | cgit | "
       "https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git"},
      {"https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/tree/README",
       "https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/tree/README | "
       "git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux | cgit | "
       "https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git"},
      // .git suffixes, trailing slashes, "." components, query and fragment.
      {"https://github.com/o/r/",
       "https://github.com/o/r | github.com/o/r | github | https://github.com/o/r"},
      {"https://github.com/o/r.git/",
       "https://github.com/o/r.git | github.com/o/r | github | https://github.com/o/r"},
      {"https://host.example/a/./b",
       "https://host.example/a/./b | host.example/a/b | unknown | https://host.example/a/b"},
      {"https://github.com/o/r?foo=bar#frag",
       "https://github.com/o/r | github.com/o/r | github | https://github.com/o/r"},
      {"https://gitlab.com/o/r.git?private_token=glpat-QUERYSECRET",
       "https://gitlab.com/o/r.git | gitlab.com/o/r | gitlab | https://gitlab.com/o/r",
       "glpat-QUERYSECRET"},
      // GitHub browser URLs.
      {"https://github.com/o/r/tree/main/src",
       "https://github.com/o/r/tree/main/src | github.com/o/r | github | https://github.com/o/r"},
      {"https://github.com/o/r/blob/main/README.md",
       "https://github.com/o/r/blob/main/README.md | github.com/o/r | github | "
       "https://github.com/o/r"},
      // Hosts: case, trailing dot, whitespace around the input.
      {"HTTPS://GitHub.COM/Owner/Repo.git",
       "HTTPS://GitHub.COM/Owner/Repo.git | github.com/Owner/Repo | github | "
       "https://github.com/Owner/Repo"},
      {"https://github.com./o/r",
       "https://github.com./o/r | github.com/o/r | github | https://github.com/o/r"},
      {"  https://github.com/o/r\n",
       "https://github.com/o/r | github.com/o/r | github | https://github.com/o/r"},
      // A self-hosted host declared in the registry.
      {"https://git.corp.example/g/sub/repo.git",
       "https://git.corp.example/g/sub/repo.git | git.corp.example/g/sub/repo | gitlab | "
       "https://git.corp.example/g/sub/repo"},
      {"git@git.corp.example:g/sub/repo.git",
       "git@git.corp.example:g/sub/repo.git | git.corp.example/g/sub/repo | gitlab | "
       "https://git.corp.example/g/sub/repo"},
      {"https://git.corp.example/g/repo/-/tree/main",
       "https://git.corp.example/g/repo/-/tree/main | git.corp.example/g/repo | gitlab | "
       "https://git.corp.example/g/repo"},

      // Rejections.
      {"", "error: empty"},
      {"   \t ", "error: empty"},
      {"file:///srv/repo.git", "error: file:// URLs name a local repository"},
      {"/srv/git/repo.git", "error: local path"},
      {"./repo", "error: local path"},
      {"~/repo", "error: local path"},
      {"C:\\repos\\x", "error: local path"},
      {"c:/repos/x", "error: local path"},
      {"ftp://host.example/repo", "error: scheme \"ftp\""},
      {"ftp://user:ftpsecret@host.example/x", "error: \"ftp://host.example/x\"", "ftpsecret"},
      {"us(er://x/y", "error: not a URL scheme"},
      {"org/repo", "error: it has no host; write it as https://HOST/org/repo"},
      {"tok3n@org/repo", "error: it has no host", "tok3n"},
      {"https://github.com/", "error: no repository path"},
      {"https://github.com", "error: no repository path"},
      {"https://github.com?x=1", "error: no repository path"},
      {"https://user:pw123@github.com/", "error: no repository path", "pw123"},
      {"https://github.com/o", "error: github repositories are OWNER/REPO"},
      {"https://github.com/o/.git", "error: OWNER/REPO"},
      {"https:///o/r", "error: no host"},
      {"https://git.corp:99999/o/r", "error: port \"99999\" is not a number from 1 to 65535"},
      {"https://git.corp:0/o/r", "error: port \"0\""},
      {"https://git.corp:abc/o/r", "error: port \"abc\""},
      {"https://user:pw99@git.corp:99999/o/r", "error: port \"99999\"", "pw99"},
      {"ssh://git@github.com:70000/o/r", "error: port \"70000\""},
      {"https://[::1/o/r", "error: unclosed '['"},
      {"https://git_hub!.com/o/r", "error: the host contains '!'"},
      {"https://github.com/o/../r", "error: \"..\""},
      {"https://user:dotsecret@github.com/o/../r", "error: \"..\"", "dotsecret"},
      // An intranet host without a dot needs a scheme; an scp-like alias is refused.
      {"https://gitserver/o/r",
       "https://gitserver/o/r | gitserver/o/r | unknown | https://gitserver/o/r"},
      {"myalias:org/repo", "error: not a fully qualified domain name"},
      {"https://user:aliassecret@gitserver/o/r",
       "https://gitserver/o/r | gitserver/o/r | unknown | https://gitserver/o/r", "aliassecret"},
      {"https://gitlab.com/-/ide/project/g/r", "error: no repository path"},
      // Credentials that break the URL syntax must not leak through errors.
      {"https://user:p#ss1@host.example/x", "error: holds a raw '/', '?' or '#'", "p#ss1"},
      {"https://user:pa/ss2@host.example/x", "error: holds a raw '/', '?' or '#'", "pa/ss2"},
      {"https://user:pa?ss3@github.com/o/r", "error: holds a raw '/', '?' or '#'", "pa?ss3"},
      {"https://user:1234/ss4@host.example/x", "error: an '@' after the host", "1234/ss4"},
      {"https://user.name:1234/x5@host.example/o/r", "error: an '@' after the host", "1234/x5"},
      {"user:colonsecret@github.com/o/r", "error: USER:PASSWORD@HOST without a scheme",
       "colonsecret"},
      {"git:scpsecret@github.com:o/r", "error: USER:PASSWORD@HOST", "scpsecret"},
      {"https://user:spacesecret @github.com/o/r", "error: contains a space at offset 24",
       "spacesecret"},
      {"https://user:nlsecret\n@github.com/o/r", "error: control character 0x0a", "nlsecret"},
      {"https://github.com/o/r\x01", "error: control character 0x01"},
      {"\x02https://github.com/o/r", "error: control character 0x02"},
      {std::string("https://github.com/o\0/r", 23), "error: control character 0x00"},
      {"https://github.com/o/r\x7f", "error: control character 0x7f"},
  };
  cases.push_back({"https://github.com/o/" + std::string(5000 - 21, 'r'),
                   "error: the repository URL is 5000 bytes long; the limit is 4096"});
  cases.push_back({"https://user:longsecret@github.com/o/" + std::string(5000, 'r'),
                   "error: bytes long", "longsecret"});
  return cases;
}

TEST(RepositoryUrlTest, ParseTable) {
  const HostRegistry hosts = TestHosts();
  for (const UrlCase& c : Cases()) {
    Result<RepositoryUrl> url = RepositoryUrl::Parse(c.input, &hosts);
    std::string dump = DumpUrl(url);
    if (c.expected.starts_with("error: ")) {
      EXPECT_FALSE(url.ok()) << c.input << " gave " << dump;
      EXPECT_NE(dump.find(c.expected.substr(7)), std::string::npos)
          << c.input << "\n  gave     " << dump << "\n  expected " << c.expected;
      for (char ch : dump) {
        EXPECT_FALSE(static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f)
            << c.input << ": error message holds a control character: " << dump;
      }
    } else {
      EXPECT_EQ(dump, c.expected) << c.input;
    }
  }
}

// No output ever holds the password or token of its input.
TEST(RepositoryUrlTest, CredentialsNeverSurvive) {
  const HostRegistry hosts = TestHosts();
  int checked = 0;
  for (const UrlCase& c : Cases()) {
    if (c.secret.empty()) continue;
    ASSERT_NE(c.input.find(c.secret), std::string::npos) << c.input;
    ++checked;
    Result<RepositoryUrl> url = RepositoryUrl::Parse(c.input, &hosts);
    std::vector<std::string> outputs;
    if (url.ok()) {
      outputs = {url->sanitized, url->Id(), url->WebBase(), url->Dump(),
                 url->host,      url->path, url->web_path};
    } else {
      outputs = {url.status().message(), url.status().ToString()};
    }
    for (const std::string& out : outputs) {
      EXPECT_EQ(out.find(c.secret), std::string::npos) << c.input << " leaked into: " << out;
    }
  }
  EXPECT_GE(checked, 20);
}

// Parse(Id()) gives the same Id() for every accepted input.
TEST(RepositoryUrlTest, IdIsIdempotent) {
  const HostRegistry hosts = TestHosts();
  int accepted = 0;
  for (const UrlCase& c : Cases()) {
    Result<RepositoryUrl> url = RepositoryUrl::Parse(c.input, &hosts);
    if (!url.ok()) continue;
    // An id with a dotless host ("gitserver/o/r") reads as a relative path:
    // such hosts are written with a scheme.
    if (url->host.find('.') == std::string::npos && url->host != "localhost" && url->host[0] != '[')
      continue;
    ++accepted;
    Result<RepositoryUrl> again = RepositoryUrl::Parse(url->Id(), &hosts);
    ASSERT_TRUE(again.ok()) << c.input << " -> " << url->Id() << ": " << again.status().message();
    EXPECT_EQ(again->Id(), url->Id()) << c.input;
  }
  EXPECT_GE(accepted, 80);
}

// Every clone URL of one repository has one id.
TEST(RepositoryUrlTest, OneIdPerRepository) {
  const std::vector<std::vector<std::string>> kGroups = {
      {"https://github.com/o/r", "https://github.com/o/r.git", "git@github.com:o/r.git",
       "ssh://git@github.com:22/o/r.git", "ssh://git@ssh.github.com:443/o/r.git",
       "git+ssh://git@github.com/o/r", "github.com/o/r", "https://www.github.com/o/r/",
       "https://tok@github.com/o/r/tree/main/src"},
      {"https://dev.azure.com/org/project/_git/repo",
       "https://org@dev.azure.com/org/project/_git/repo",
       "git@ssh.dev.azure.com:v3/org/project/repo",
       "https://org.visualstudio.com/project/_git/repo",
       "https://org.visualstudio.com/DefaultCollection/project/_git/repo",
       "org@vs-ssh.visualstudio.com:v3/org/project/repo"},
      {"https://bitbucket.corp.example/scm/KEY/repo.git",
       "ssh://git@bitbucket.corp.example:7999/KEY/repo.git",
       "https://bitbucket.corp.example/projects/KEY/repos/repo/browse"},
      {"https://gerrit.corp.example/a/project/name", "https://gerrit.corp.example/project/name",
       "ssh://me@gerrit.corp.example:29418/project/name"},
  };
  for (const std::vector<std::string>& group : kGroups) {
    Result<RepositoryUrl> first = RepositoryUrl::Parse(group[0]);
    ASSERT_TRUE(first.ok()) << group[0];
    for (const std::string& input : group) {
      Result<RepositoryUrl> url = RepositoryUrl::Parse(input);
      ASSERT_TRUE(url.ok()) << input << ": " << url.status().message();
      EXPECT_EQ(url->Id(), first->Id()) << input;
    }
  }
}

TEST(RepositoryUrlTest, DeclaredHostWithPort) {
  HostRegistry hosts;
  ASSERT_TRUE(hosts.AddHostSpec("code.internal:8443=gitea").ok());
  Result<RepositoryUrl> url =
      RepositoryUrl::Parse("https://code.internal:8443/o/r/src/branch/main", &hosts);
  ASSERT_TRUE(url.ok()) << url.status().message();
  EXPECT_EQ(url->Dump(), "code.internal:8443/o/r (gitea)");
  Result<RepositoryUrl> other_port = RepositoryUrl::Parse("https://code.internal/o/r/x", &hosts);
  ASSERT_TRUE(other_port.ok());
  EXPECT_EQ(other_port->Dump(), "code.internal/o/r/x (unknown)");
  // Without a registry the host is unknown.
  EXPECT_EQ(RepositoryUrl::Parse("https://git.corp.example/g/r/-/tree/x")->Dump(),
            "git.corp.example/g/r/-/tree/x (unknown)");
}

struct RedactCase {
  std::string text;
  std::string expected;
};

TEST(RedactCredentialsTest, FreeText) {
  const RedactCase kCases[] = {
      {"clone of https://u:p@h/x failed", "clone of https://h/x failed"},
      {"clone of https://TOKEN@github.com/o/r failed", "clone of https://github.com/o/r failed"},
      {"fetch https://gitlab.com/o/r?private_token=abc&x=1 failed",
       "fetch https://gitlab.com/o/r?private_token=REDACTED&x=1 failed"},
      {"https://h/x?access_token=abc;sig=def#frag",
       "https://h/x?access_token=REDACTED;sig=REDACTED#frag"},
      {"https://h/x?token=a%20b&key=1&keep=2", "https://h/x?token=REDACTED&key=REDACTED&keep=2"},
      {"remote \"https://u:p@h/x\" is gone", "remote \"https://h/x\" is gone"},
      {"a https://u:pa/ss@h/x b", "a https://h/x b"},
      {"a https://u:pa#ss@h/x b", "a https://h/x b"},
      {"x=https://u:p@h1/a,https://v:q@h2/b", "x=https://h1/a,https://h2/b"},
      {"ssh://git:pw@h:22/x", "ssh://h:22/x"},
      {"user:secret@github.com/o/r", "github.com/o/r"},
      {"to user:secret@github.com:o/r", "to github.com:o/r"},
      // Left alone: no credentials.
      {"git@github.com:o/r", "git@github.com:o/r"},
      {"https://github.com/o/r@v1", "https://github.com/o/r@v1"},
      {"https://host:8443/o/r", "https://host:8443/o/r"},
      {"mail bob@example.com at 12:30", "mail bob@example.com at 12:30"},
      {"api_key=abc", "api_key=abc"},
      {"?password=", "?password="},
      {"no url here", "no url here"},
      {"", ""},
      {"https://", "https://"},
  };
  for (const RedactCase& c : kCases) {
    EXPECT_EQ(RedactCredentials(c.text), c.expected) << c.text;
  }
}

}  // namespace
}  // namespace srclink
