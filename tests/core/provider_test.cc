#include "core/provider.h"

#include <optional>
#include <string>

#include <gtest/gtest.h>

namespace srclink {
namespace {

struct HostCase {
  std::string host;
  Provider expected;
};

TEST(DetectProviderByHostTest, KnownHostsAndNamingConventions) {
  const HostCase kCases[] = {
      // GitHub.
      {"github.com", Provider::kGitHub},
      {"GitHub.COM", Provider::kGitHub},
      {"ssh.github.com", Provider::kGitHub},
      {"www.github.com", Provider::kGitHub},
      {"octo.ghe.com", Provider::kGitHub},
      {"github.corp.example", Provider::kGitHub},
      {"github-enterprise.corp.example", Provider::kGitHub},
      {"corp-github.example.net", Provider::kGitHub},
      {"notgithub.com", Provider::kUnknown},
      {"githubby.example.com", Provider::kUnknown},
      {"ghe.com", Provider::kUnknown},
      // GitLab.
      {"gitlab.com", Provider::kGitLab},
      {"altssh.gitlab.com", Provider::kGitLab},
      {"gitlab.corp.example", Provider::kGitLab},
      {"gitlab-ce.corp.net", Provider::kGitLab},
      {"code.gitlab.example.org", Provider::kGitLab},
      {"mygitlab.example.org", Provider::kUnknown},
      // Bitbucket.
      {"bitbucket.org", Provider::kBitbucketCloud},
      {"altssh.bitbucket.org", Provider::kBitbucketCloud},
      {"bitbucket.corp.example", Provider::kBitbucketServer},
      {"bitbucket-dc.corp.example", Provider::kBitbucketServer},
      {"notbitbucket.org", Provider::kUnknown},
      // Azure DevOps.
      {"dev.azure.com", Provider::kAzureDevOps},
      {"ssh.dev.azure.com", Provider::kAzureDevOps},
      {"contoso.visualstudio.com", Provider::kAzureDevOps},
      {"vs-ssh.visualstudio.com", Provider::kAzureDevOps},
      {"azure.com", Provider::kUnknown},
      {"visualstudio.com.evil.example", Provider::kUnknown},
      // Gitea and Forgejo.
      {"gitea.com", Provider::kGitea},
      {"codeberg.org", Provider::kGitea},
      {"gitea.corp.example", Provider::kGitea},
      {"forgejo.corp.example", Provider::kGitea},
      {"git.forgejo-test.example", Provider::kGitea},
      // Gitiles, Gerrit.
      {"chromium.googlesource.com", Provider::kGitiles},
      {"android.googlesource.com", Provider::kGitiles},
      {"googlesource.com", Provider::kUnknown},
      {"gerrit.corp.example", Provider::kGerrit},
      {"review.gerrit-code.example", Provider::kGerrit},
      // SourceHut.
      {"git.sr.ht", Provider::kSourceHut},
      {"hg.sr.ht", Provider::kUnknown},
      // cgit.
      {"git.kernel.org", Provider::kCgit},
      {"git.zx2c4.com", Provider::kCgit},
      {"cgit.freedesktop.org", Provider::kCgit},
      {"notcgit.example", Provider::kUnknown},
      // Unknown, and tolerated spellings.
      {"git.example.net", Provider::kUnknown},
      {"", Provider::kUnknown},
      {"github.com.", Provider::kGitHub},
      {"gitlab.corp.example:8443", Provider::kGitLab},
  };
  for (const HostCase& c : kCases) {
    EXPECT_EQ(DetectProviderByHost(c.host), c.expected)
        << c.host << " gave " << ProviderName(DetectProviderByHost(c.host));
  }
}

TEST(ProviderNameTest, EveryProviderRoundTrips) {
  const std::pair<Provider, std::string> kCases[] = {
      {Provider::kUnknown, "unknown"},
      {Provider::kGitHub, "github"},
      {Provider::kGitLab, "gitlab"},
      {Provider::kBitbucketCloud, "bitbucket"},
      {Provider::kBitbucketServer, "bitbucket-server"},
      {Provider::kAzureDevOps, "azure-devops"},
      {Provider::kGitea, "gitea"},
      {Provider::kGerrit, "gerrit"},
      {Provider::kGitiles, "gitiles"},
      {Provider::kSourceHut, "sourcehut"},
      {Provider::kCgit, "cgit"},
      {Provider::kCustom, "custom"},
  };
  for (const auto& [provider, name] : kCases) {
    EXPECT_EQ(ProviderName(provider), name);
    EXPECT_EQ(ParseProviderName(name), provider) << name;
  }
}

struct NameCase {
  std::string name;
  std::optional<Provider> expected;
};

TEST(ProviderNameTest, ParsesAliasesCaseInsensitively) {
  const NameCase kCases[] = {
      {"GitHub", Provider::kGitHub},
      {"ghe", Provider::kGitHub},
      {"GitHub-Enterprise", Provider::kGitHub},
      {"GITLAB", Provider::kGitLab},
      {"forgejo", Provider::kGitea},
      {"Codeberg", Provider::kGitea},
      {"azure", Provider::kAzureDevOps},
      {"azuredevops", Provider::kAzureDevOps},
      {"VSTS", Provider::kAzureDevOps},
      {"bitbucket-datacenter", Provider::kBitbucketServer},
      {"bitbucket-dc", Provider::kBitbucketServer},
      {"stash", Provider::kBitbucketServer},
      {"srht", Provider::kSourceHut},
      {"SourceHut", Provider::kSourceHut},
      {"gitiles", Provider::kGitiles},
      {"Gerrit", Provider::kGerrit},
      {"cGit", Provider::kCgit},
      {" gitlab ", Provider::kGitLab},
      {"", std::nullopt},
      {"git-hub", std::nullopt},
      {"githubx", std::nullopt},
      {"svn", std::nullopt},
  };
  for (const NameCase& c : kCases) {
    EXPECT_EQ(ParseProviderName(c.name), c.expected) << "\"" << c.name << "\"";
  }
}

TEST(HostRegistryTest, DeclaredProviderTriesHostAndPortFirst) {
  HostRegistry hosts;
  EXPECT_TRUE(hosts.empty());
  hosts.DeclareProvider("Git.Corp.Example", Provider::kGitLab);
  hosts.DeclareProvider("git.corp.example:8443", Provider::kGitea);
  EXPECT_FALSE(hosts.empty());

  struct Lookup {
    std::string host;
    int port;
    std::optional<Provider> expected;
  };
  const Lookup kCases[] = {
      {"git.corp.example", 0, Provider::kGitLab},   {"GIT.CORP.EXAMPLE", 0, Provider::kGitLab},
      {"git.corp.example", 443, Provider::kGitLab}, {"git.corp.example", 8443, Provider::kGitea},
      {"Git.Corp.Example", 8443, Provider::kGitea}, {"other.corp.example", 0, std::nullopt},
      {"other.corp.example", 8443, std::nullopt},   {"corp.example", 0, std::nullopt},
  };
  for (const Lookup& c : kCases) {
    EXPECT_EQ(hosts.DeclaredProvider(c.host, c.port), c.expected) << c.host << ":" << c.port;
  }
}

struct SpecCase {
  std::string spec;
  std::string host;  // looked up with port
  int port;
  Provider expected;
};

TEST(HostRegistryTest, AddHostSpecAcceptsHostAndPortForms) {
  const SpecCase kCases[] = {
      {"git.corp.example=gitlab", "git.corp.example", 0, Provider::kGitLab},
      {"GIT.Corp.Example=GitLab", "git.corp.example", 0, Provider::kGitLab},
      {" git.corp.example = gitea ", "git.corp.example", 0, Provider::kGitea},
      {"git.corp.example:8443=gitea", "git.corp.example", 8443, Provider::kGitea},
      {"code.corp=forgejo", "code.corp", 0, Provider::kGitea},
      {"scm.corp=stash", "scm.corp", 7990, Provider::kBitbucketServer},
      {"review.corp=gerrit", "review.corp", 0, Provider::kGerrit},
      {"tfs.corp=azure", "tfs.corp", 0, Provider::kAzureDevOps},
  };
  for (const SpecCase& c : kCases) {
    HostRegistry hosts;
    Status st = hosts.AddHostSpec(c.spec);
    ASSERT_TRUE(st.ok()) << c.spec << ": " << st.ToString();
    EXPECT_EQ(hosts.DeclaredProvider(c.host, c.port), c.expected) << c.spec;
  }
  // A port-specific declaration does not apply to the host on other ports.
  HostRegistry hosts;
  ASSERT_TRUE(hosts.AddHostSpec("git.corp.example:8443=gitea").ok());
  EXPECT_EQ(hosts.DeclaredProvider("git.corp.example", 0), std::nullopt);
  EXPECT_EQ(hosts.DeclaredProvider("git.corp.example", 443), std::nullopt);
}

struct ErrorCase {
  std::string input;
  std::string message;  // the exact message
};

TEST(HostRegistryTest, AddHostSpecErrorsSayWhatAndHow) {
  const ErrorCase kCases[] = {
      {"git.corp.example",
       "host declaration \"git.corp.example\" has no '=': write HOST=PROVIDER, e.g. "
       "git.corp.example=gitlab"},
      {"=gitlab",
       "host declaration \"=gitlab\" has no host before '=': write HOST=PROVIDER, e.g. "
       "git.corp.example=gitlab"},
      {"git.corp.example=gitlub",
       "host declaration \"git.corp.example=gitlub\" names unknown provider \"gitlub\": use one "
       "of github, gitlab, bitbucket, bitbucket-server, azure-devops, gitea, gerrit, gitiles, "
       "sourcehut, cgit"},
      {"git.corp.example=",
       "host declaration \"git.corp.example=\" names unknown provider \"\": use one of github, "
       "gitlab, bitbucket, bitbucket-server, azure-devops, gitea, gerrit, gitiles, sourcehut, "
       "cgit"},
      {"git.corp.example=unknown",
       "host declaration \"git.corp.example=unknown\" names unknown provider \"unknown\": use "
       "one of github, gitlab, bitbucket, bitbucket-server, azure-devops, gitea, gerrit, "
       "gitiles, sourcehut, cgit"},
      {"git.corp.example=custom",
       "host declaration \"git.corp.example=custom\" cannot declare provider \"custom\": custom "
       "hosts need link templates, which go in the config file"},
      {"https://git.corp.example=gitlab",
       "host declaration \"https://git.corp.example=gitlab\" names \"https://git.corp.example\", "
       "which is not a host name: give only the host (and port), e.g. git.corp.example=gitlab "
       "or git.corp.example:8443=gitea"},
      {"git.corp.example:https=gitlab",
       "host declaration \"git.corp.example:https=gitlab\" has an invalid port in "
       "\"git.corp.example:https\": write HOST or HOST:PORT with a port from 1 to 65535"},
      {"git.corp.example:70000=gitlab",
       "host declaration \"git.corp.example:70000=gitlab\" has an invalid port in "
       "\"git.corp.example:70000\": write HOST or HOST:PORT with a port from 1 to 65535"},
  };
  for (const ErrorCase& c : kCases) {
    HostRegistry hosts;
    Status st = hosts.AddHostSpec(c.input);
    EXPECT_EQ(st.code(), Status::Code::kInvalidArgument) << c.input;
    EXPECT_EQ(st.message(), c.message) << c.input;
    EXPECT_TRUE(hosts.empty()) << c.input << " must not declare anything";
  }
}

LinkTemplates ValidTemplates() {
  LinkTemplates t;
  t.file = "{base}/view/{commit}/{path}";
  t.blame = "{base}/annotate/{commit}/{path}";
  t.commit = "{base}/rev/{commit}";
  t.line_anchor = "#L{line}";
  t.range_anchor = "#L{line}-{end}";
  return t;
}

TEST(HostRegistryTest, DeclareTemplatesMakesTheHostCustom) {
  HostRegistry hosts;
  ASSERT_TRUE(hosts.DeclareTemplates("Code.Internal", ValidTemplates()).ok());
  LinkTemplates on_port = ValidTemplates();
  on_port.file = "{base}/other/{commit}/{path}";
  ASSERT_TRUE(hosts.DeclareTemplates("code.internal:8080", on_port).ok());

  EXPECT_EQ(hosts.DeclaredProvider("code.internal", 0), Provider::kCustom);
  EXPECT_EQ(hosts.DeclaredProvider("code.internal", 8080), Provider::kCustom);
  ASSERT_NE(hosts.Templates("code.internal", 0), nullptr);
  EXPECT_EQ(hosts.Templates("code.internal", 0)->file, "{base}/view/{commit}/{path}");
  EXPECT_EQ(hosts.Templates("CODE.INTERNAL", 9999)->file, "{base}/view/{commit}/{path}");
  ASSERT_NE(hosts.Templates("code.internal", 8080), nullptr);
  EXPECT_EQ(hosts.Templates("code.internal", 8080)->file, "{base}/other/{commit}/{path}");
  EXPECT_EQ(hosts.Templates("elsewhere.internal", 0), nullptr);

  // Optional parts may be empty; {host} and {repo} are allowed in links.
  LinkTemplates minimal;
  minimal.file = "https://cs.internal/{host}/{repo}/+/{commit}:{path}";
  minimal.commit = "https://cs.internal/{host}/{repo}/+/{commit}";
  EXPECT_TRUE(hosts.DeclareTemplates("cs.internal", minimal).ok());
}

struct TemplateErrorCase {
  std::string what;
  LinkTemplates templates;
  std::string message;
};

TEST(HostRegistryTest, DeclareTemplatesRejectsBadTemplates) {
  auto with = [](auto change) {
    LinkTemplates t = ValidTemplates();
    change(t);
    return t;
  };
  const TemplateErrorCase kCases[] = {
      {"no file", with([](LinkTemplates& t) { t.file.clear(); }),
       "link templates for host \"code.internal\" have no file template: add one, e.g. "
       "\"{base}/blob/{commit}/{path}\""},
      {"no commit", with([](LinkTemplates& t) { t.commit.clear(); }),
       "link templates for host \"code.internal\" have no commit template: add one, e.g. "
       "\"{base}/commit/{commit}\""},
      {"unknown placeholder", with([](LinkTemplates& t) { t.file = "{base}/view/{sha}/{path}"; }),
       "link template file \"{base}/view/{sha}/{path}\" for host \"code.internal\" names unknown "
       "placeholder {sha}: use {base} {host} {repo} {commit} {path}, and {line} {end} in "
       "anchors"},
      {"unknown in blame", with([](LinkTemplates& t) { t.blame = "{base}/blame/{rev}/{path}"; }),
       "link template blame \"{base}/blame/{rev}/{path}\" for host \"code.internal\" names "
       "unknown placeholder {rev}: use {base} {host} {repo} {commit} {path}, and {line} {end} "
       "in anchors"},
      {"unclosed", with([](LinkTemplates& t) { t.file = "{base}/view/{commit/{path}"; }),
       "link template file \"{base}/view/{commit/{path}\" for host \"code.internal\" names "
       "unknown placeholder {commit/{path}: use {base} {host} {repo} {commit} {path}, and "
       "{line} {end} in anchors"},
      {"dangling brace", with([](LinkTemplates& t) { t.commit = "{base}/rev/{commit"; }),
       "link template commit \"{base}/rev/{commit\" for host \"code.internal\" has a '{' at "
       "offset 11 with no closing '}': close the placeholder"},
      {"line in file",
       with([](LinkTemplates& t) { t.file = "{base}/view/{commit}/{path}#{line}"; }),
       "link template file \"{base}/view/{commit}/{path}#{line}\" for host \"code.internal\" "
       "cannot use placeholder {line}: {line} belongs in line_anchor or range_anchor"},
      {"end in line anchor", with([](LinkTemplates& t) { t.line_anchor = "#L{line}-{end}"; }),
       "link template line_anchor \"#L{line}-{end}\" for host \"code.internal\" cannot use "
       "placeholder {end}: {end} belongs in range_anchor only"},
      {"path in commit", with([](LinkTemplates& t) { t.commit = "{base}/rev/{commit}/{path}"; }),
       "link template commit \"{base}/rev/{commit}/{path}\" for host \"code.internal\" cannot "
       "use placeholder {path}: a commit link has no file path"},
      {"base in anchor", with([](LinkTemplates& t) { t.range_anchor = "{base}#{line}-{end}"; }),
       "link template range_anchor \"{base}#{line}-{end}\" for host \"code.internal\" cannot "
       "use placeholder {base}: anchors take only {line} and {end}"},
  };
  for (const TemplateErrorCase& c : kCases) {
    HostRegistry hosts;
    Status st = hosts.DeclareTemplates("code.internal", c.templates);
    EXPECT_EQ(st.code(), Status::Code::kInvalidArgument) << c.what;
    EXPECT_EQ(st.message(), c.message) << c.what;
    EXPECT_EQ(hosts.DeclaredProvider("code.internal", 0), std::nullopt) << c.what;
    EXPECT_EQ(hosts.Templates("code.internal", 0), nullptr) << c.what;
  }
}

}  // namespace
}  // namespace srclink
