// RepositoryUrl: a git remote as people write it, understood.
//
// Parse() accepts every form found in git remotes, CI variables and telemetry
// tags: http(s) (with or without credentials and ports), ssh://, scp-like
// git@host:owner/repo.git, git://, bare host/owner/repo, GitLab subgroups,
// Azure DevOps (https, ssh v3, *.visualstudio.com), Bitbucket Server
// (/scm/KEY/repo, ssh :7999), Gerrit (/a/ prefix, ssh :29418).
//
// Credentials never survive parsing: `sanitized` has no password, token,
// query or fragment; an http(s) user name is dropped too (it is often a
// token), while an ssh user (git@) is kept, being part of the syntax.
//
// Rejected, with the reason: local paths and file://, schemes other than
// http(s)/ssh/git, a missing host or repository path, '..' in the path, '@'
// after the host (a password holding '/'), credentials without a scheme, and
// scp-like or bare forms whose host has no dot (ssh aliases) unless declared.
// Azure DevOps Services (dev.azure.com, *.visualstudio.com, ssh v3) all map to
// dev.azure.com/ORG/PROJECT/_git/REPO; Azure DevOps Server keeps its host.
//
// Id() is the canonical identity `host[:port]/path` with no scheme and no
// .git suffix, the same for every clone URL of one repository (ssh ports are
// not part of it; a non-default http(s) port is). Telemetry tags carry it.
#pragma once

#include <string>
#include <string_view>

#include "core/provider.h"
#include "core/status.h"

namespace srclink {

struct RepositoryUrl {
  std::string sanitized;  // the input without credentials, query or fragment
  std::string scheme;     // "https", "http", "ssh" or "git"
  std::string host;       // lowercased, without port
  int web_port = 0;       // non-default http(s) port kept in Id(); 0 otherwise
  std::string path;       // canonical repository path, no leading '/', no .git
  std::string web_path;   // path as the web UI serves it (cgit keeps .git)
  Provider provider = Provider::kUnknown;

  // "github.com/org/repo", "git.corp:8443/team/app".
  std::string Id() const;
  // "https://github.com/org/repo": where browser links start.
  std::string WebBase() const;
  // "id (provider)" for test tables.
  std::string Dump() const;

  // Parses `input`; `hosts` may declare providers of self-hosted hosts.
  // Errors name the input with credentials removed and say what to do.
  static Result<RepositoryUrl> Parse(std::string_view input, const HostRegistry* hosts = nullptr);
};

// Removes anything that looks like credentials from free text that may hold a
// URL (user:password@, tokens in query strings). For error messages and logs.
std::string RedactCredentials(std::string_view text);

}  // namespace srclink
