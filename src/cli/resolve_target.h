// ResolveTarget: what `srclink resolve` and `srclink trace` resolve frames
// against — the tracked paths of a checkout's HEAD (libgit2) or of a list
// file — with the repository and commit their links point at; and how one
// resolution is shown (a JSON object, or text for people).
#pragma once

#include <iosfwd>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/frame.h"
#include "core/path_index.h"
#include "core/provider.h"
#include "core/repository_url.h"
#include "core/resolver.h"
#include "core/status.h"

namespace srclink::cli {

inline constexpr size_t kMaxTrackedPathBytes = 4096;

struct ResolveTargetOptions {
  std::string repo_dir;        // a checkout ("" = "."), unless `files` is set
  std::string files;           // a file listing tracked paths, one per line
  std::string repository_url;  // overrides the checkout's remote, for links
  std::string commit;          // overrides the checkout's HEAD, for links
  bool quiet = false;          // no warnings (JSON output)
};

struct ResolveTarget {
  PathIndex index;
  std::string commit;
  std::optional<RepositoryUrl> repo;
  std::string source;  // "/x at abc123def456" for the header line
};

// Loads the tracked paths. Errors name the file or checkout and how to fix it;
// a remote that is not a repository URL is a warning (no links), not an error.
Status LoadResolveTarget(const ResolveTargetOptions& o, const HostRegistry& hosts,
                         std::ostream& warnings, ResolveTarget* t);

// {"frame": input, "status", "line", "path" | "candidates", "user_code", "rule",
//  "explanation", "origin", "links"}: one line of `srclink resolve --json`.
nlohmann::ordered_json ResolutionJson(const std::string& input, const Frame& frame,
                                      const Resolution& r, const ResolveTarget& t,
                                      const HostRegistry& hosts);

// The same for people: the input, status, path, explanation, candidates, links.
void PrintResolution(const std::string& input, const Frame& frame, const Resolution& r,
                     const ResolveTarget& t, const HostRegistry& hosts, std::ostream& out);

}  // namespace srclink::cli
