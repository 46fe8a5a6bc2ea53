// GitTags: the repository and commit a piece of telemetry was built from,
// decided from its attributes, labels and tags in one documented precedence
// (docs/API.md, "Git tags"), first source wins, for each field separately:
//
//   1. OpenTelemetry resource attributes  vcs.repository.url.full,
//      vcs.ref.head.revision (deprecated: vcs.repository.ref.revision);
//      a ref from vcs.ref.head.name (deprecated vcs.repository.ref.name)
//      only when no revision is given
//   2. Datadog span meta                  _dd.git.repository_url, _dd.git.commit.sha
//   3. Datadog tags (DD_TAGS, span tags)   git.repository_url, git.commit.sha
//   4. a DD_TAGS value                    "git.repository_url:…,git.commit.sha:…"
//   5. environment                        DD_GIT_REPOSITORY_URL, DD_GIT_COMMIT_SHA
//   6. OCI image labels                   org.opencontainers.image.source, …revision
//   7. Pyroscope labels                   service_repository, service_git_ref,
//                                         service_root_path
//   8. Kubernetes pod annotation          ad.datadoghq.com/tags (a JSON object of
//                                         the Datadog tags of 3)
//
// URLs are normalised by RepositoryUrl (credentials stripped); a value that
// is not a repository URL, a SHA or a ref is skipped with a problem saying
// why, and the next source is used. When nothing names them, the server
// falls back to what it learnt for the same service and version.
//
// Pure: no I/O. Input sizes are bounded by the callers' limits; JSON is
// parsed without recursion beyond one object level.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/provider.h"

namespace srclink {

struct GitTags {
  std::string repository_url;  // sanitized; "" when no source names one
  std::string repository_id;   // canonical id, "github.com/acme/shop"
  std::string commit;          // 40 hex digits, a shorter hex prefix, or a ref ("main", "v1.2.3")
  std::string root_path;       // where the service lives in the repository ("" = root)
  std::string url_source;      // the attribute that gave the URL: "vcs.repository.url.full"
  std::string commit_source;   // the attribute that gave the commit
  std::vector<std::string> problems;  // values skipped and why, for the user

  bool has_repository() const { return !repository_id.empty(); }
  bool has_commit() const { return !commit.empty(); }
  bool full_sha() const;  // commit is 40 hex digits

  // "url=github.com/acme/shop (git.repository_url) commit=3f2c… (git.commit.sha) root=svc"
  std::string Dump() const;
};

using Attribute = std::pair<std::string_view, std::string_view>;

// Reads the git tags from `attributes` (any mix of sources; names are matched exactly,
// except that environment names also match lowercased). `hosts` declares self-hosted providers.
GitTags ExtractGitTags(const std::vector<Attribute>& attributes,
                       const HostRegistry* hosts = nullptr);

// True for the attribute names ExtractGitTags() reads (decoders keep only these).
bool IsGitTagAttribute(std::string_view name);

// True for a value that can name a commit: hex of 7..40 digits, or a git ref name
// (no spaces, control characters, "..", "~^:?*[\\", at most 255 bytes).
bool IsCommitOrRef(std::string_view value);

}  // namespace srclink
