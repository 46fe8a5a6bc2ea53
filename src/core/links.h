// Links: browser URLs to a file, its blame, or a commit on a repository's git
// host, with that host's own anchors for a line or a line range.
//
// Paths are percent-encoded per segment (spaces, '#', '?', '%', non-ASCII);
// query-string forms (Azure DevOps, Bitbucket Server, cgit) are encoded as
// query values. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/provider.h"
#include "core/repository_url.h"
#include "core/status.h"

namespace srclink {

// Lines [start, end], 1-based. start == 0: no line. end == 0 or end == start:
// one line.
struct LineRange {
  int start = 0;
  int end = 0;
  bool empty() const { return start == 0; }
  bool single() const { return end == 0 || end == start; }
  // Parses "42" or "10-20". Errors say what is wrong with the text.
  static Result<LineRange> Parse(std::string_view text);
};

enum class LinkKind { kFile, kBlame, kCommit };
std::string_view LinkKindName(LinkKind kind);  // "file", "blame", "commit"

struct SourceLinks {
  std::string file;
  std::string blame;  // empty when the host has no blame view
  std::string commit;
};

// The URL of `kind` for `path` at `commit`. `path` is a repository path
// ("src/a b.py"); ignored for kCommit. `hosts` supplies custom templates.
// Fails for Provider::kUnknown (the message says how to declare the host),
// for an empty commit, and for an empty path when kind is not kCommit.
Result<std::string> MakeLink(const RepositoryUrl& repo, LinkKind kind, std::string_view commit,
                             std::string_view path, LineRange lines, const HostRegistry& hosts);

// All three links at once.
Result<SourceLinks> MakeLinks(const RepositoryUrl& repo, std::string_view commit,
                              std::string_view path, LineRange lines, const HostRegistry& hosts);

}  // namespace srclink
