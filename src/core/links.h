// Links: browser URLs to a file, its blame, or a commit on a repository's git
// host, with that host's own anchors for a line or a line range.
//
// Paths are percent-encoded per segment (spaces, '#', '?', '%', non-ASCII);
// query-string forms (Azure DevOps, Bitbucket Server, cgit) are encoded as
// query values. Pure functions; thread-safe.
#pragma once

#include <memory>
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

// The same at a tag or branch instead of a commit ("go1.21.3", "3.11"), for
// code outside the user's repository whose release is known by name
// (core/external_source.h). Links at refs move when the ref moves; commits
// are preferred whenever one is known.
Result<std::string> MakeRefLink(const RepositoryUrl& repo, LinkKind kind, std::string_view ref,
                                std::string_view path, LineRange lines, const HostRegistry& hosts);

// All three links at once.
Result<SourceLinks> MakeLinks(const RepositoryUrl& repo, std::string_view commit,
                              std::string_view path, LineRange lines, const HostRegistry& hosts);

// Links of many files at one commit of one repository: the provider, the web
// base and the commit are checked and derived once, so each file only adds
// its encoded path and anchor. MakeLinks(path, lines) gives exactly what
// MakeLinks(repo, commit, path, lines, hosts) gives, errors included.
// `repo` and `hosts` must outlive the builder. Thread-compatible (const calls
// may run concurrently).
class LinkBuilder {
 public:
  LinkBuilder(const RepositoryUrl& repo, std::string_view commit, const HostRegistry& hosts);
  ~LinkBuilder();
  LinkBuilder(LinkBuilder&&) noexcept;
  LinkBuilder& operator=(LinkBuilder&&) noexcept;

  Result<SourceLinks> MakeLinks(std::string_view path, LineRange lines) const;

 private:
  struct Prepared;
  std::unique_ptr<Prepared> prepared_;
};

}  // namespace srclink
