// Provider: which kind of git host serves a repository, and how the user
// tells srclink about hosts it cannot recognise by name.
//
// HostRegistry is the operator's configuration: "git.corp.example is GitLab"
// or "code.internal links with these templates". It is a plain value; build
// it once, then share it read-only between threads.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace srclink {

enum class Provider {
  kUnknown,
  kGitHub,           // github.com, GitHub Enterprise Server and Cloud (*.ghe.com)
  kGitLab,           // gitlab.com and self-managed
  kBitbucketCloud,   // bitbucket.org
  kBitbucketServer,  // Bitbucket Server / Data Center (/scm/KEY/repo, ssh :7999)
  kAzureDevOps,      // dev.azure.com, *.visualstudio.com
  kGitea,            // Gitea and Forgejo (gitea.com, codeberg.org)
  kGerrit,           // Gerrit with the gitiles plugin (/plugins/gitiles/)
  kGitiles,          // standalone Gitiles (*.googlesource.com)
  kSourceHut,        // git.sr.ht
  kCgit,             // cgit (git.kernel.org, …)
  kCustom,           // links from the operator's templates
};

// "github", "gitlab", "bitbucket", "bitbucket-server", "azure-devops",
// "gitea", "gerrit", "gitiles", "sourcehut", "cgit", "custom", "unknown".
std::string_view ProviderName(Provider provider);

// Accepts the names above and common aliases ("forgejo", "ghe", "azure",
// "bitbucket-datacenter", …). Case-insensitive.
std::optional<Provider> ParseProviderName(std::string_view name);

// Link templates for a host nobody knows. Placeholders:
//   {base}   web address of the repository, e.g. https://code.internal/team/app
//   {host}   host[:port]     {repo}   repository path on the host, e.g. team/app
//   {commit} commit SHA      {path}   file path, percent-encoded
//   {line}   first line      {end}    last line (range_anchor only)
// line_anchor is appended to file and blame links when one line is given,
// range_anchor when a range is given (line_anchor when it is empty).
struct LinkTemplates {
  std::string file;          // required, e.g. "{base}/view/{commit}/{path}"
  std::string blame;         // may be empty: no blame link
  std::string commit;        // required, e.g. "{base}/commit/{commit}"
  std::string line_anchor;   // e.g. "#L{line}"
  std::string range_anchor;  // e.g. "#L{line}-L{end}"
};

class HostRegistry {
 public:
  // Declares that `host` (lowercased; "host" or "host:port") runs `provider`.
  void DeclareProvider(std::string_view host, Provider provider);

  // Declares custom link templates for `host`; its provider becomes kCustom.
  // Fails when a required template is empty or names an unknown placeholder.
  Status DeclareTemplates(std::string_view host, LinkTemplates templates);

  // Parses "HOST=PROVIDER", as given to --host on the command line.
  Status AddHostSpec(std::string_view spec);

  // The declared provider for host (tries "host:port", then "host").
  std::optional<Provider> DeclaredProvider(std::string_view host, int port) const;
  // The declared templates, or nullptr.
  const LinkTemplates* Templates(std::string_view host, int port) const;

  bool empty() const { return providers_.empty(); }

 private:
  std::map<std::string, Provider, std::less<>> providers_;
  std::map<std::string, LinkTemplates, std::less<>> templates_;
};

// Provider detection by host name alone, for well-known hosts and naming
// conventions ("gitlab.corp.example" is GitLab). kUnknown when unsure.
Provider DetectProviderByHost(std::string_view host);

}  // namespace srclink
