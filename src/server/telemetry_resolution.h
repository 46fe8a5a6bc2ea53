// TelemetryResolution: the frames of stored telemetry (an error event's
// stack, a code origin's entry frame) resolved at the commit the telemetry
// was built from — named by its own git tags, else by the tags the server
// learnt for the same service and version — into repository paths, links
// and code, as /api/v1/resolve does; frames outside the repository get a
// link to their own source when core/external_source.h knows it.
//
// When nothing can be resolved (no tags, commit not uploaded, a ref srclink
// cannot map) every frame says why and how to fix it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/frame.h"
#include "server/commit_cache.h"
#include "server/server_context.h"

namespace srclink::server {

// Where the telemetry's code is: what its git tags (or learnt tags) say.
struct CodeLocation {
  std::string repository_url;
  std::string commit;
  std::string root_path;
  std::string source;  // "telemetry" or "learnt (service api, version 1.2)"
};

class TelemetryResolution {
 public:
  // Looks the commit up (short SHAs too). On failure every Resolve() result
  // carries `problem()` instead of a path.
  TelemetryResolution(ServerContext& ctx, const CodeLocation& location);

  // The location's failure to resolve, "" when the commit is known.
  const std::string& problem() const { return problem_; }
  const std::string& commit_sha() const { return sha_; }  // full SHA when known

  // One object per frame, in order: {"status", "path", "user_code", "rule",
  // "explanation", "links", "snippet" | "snippet_error", "external"} or
  // {"status": "unavailable", "explanation": problem} when the commit is not known.
  nlohmann::ordered_json Resolve(const std::vector<Frame>& frames, bool snippets, int context,
                                 const std::string& runtime_version);

 private:
  ServerContext& ctx_;
  CodeLocation location_;
  std::optional<RepositoryUrl> repo_;
  CommitCache::SnapshotPtr snapshot_;
  std::string sha_;
  std::string problem_;
};

}  // namespace srclink::server
