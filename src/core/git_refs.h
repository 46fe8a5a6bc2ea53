// Git ref names — branches and tags — as srclink records them with an
// upload and as telemetry names them instead of a commit SHA
// (`service_git_ref=main`, `--commit v1.4.2`).
//
// Recorded refs are full names: "refs/heads/main", "refs/tags/v1.4.2". A
// short name is looked up as git does (gitrevisions(7)): refs/<name>, then
// refs/tags/<name>, then refs/heads/<name>. A ref moves: the server keeps
// the commit of its latest upload.
//
// Pure functions; the environment is read through a callback.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace srclink {

inline constexpr size_t kMaxRefNameBytes = 255;
inline constexpr size_t kMaxRefsPerCommit = 64;

// Whether `name` is a well-formed ref name (git check-ref-format's rules, a
// little stricter): 1–255 bytes, no control characters, space, ~ ^ : ? * [ \,
// no "..", "@{", "//", no component starting with '.' or ending with
// ".lock", not starting with '/' or '-', not ending with '/' or '.', not "@".
bool IsValidRefName(std::string_view name);

// Full names to try for `name`, in git's order: {"refs/heads/main"} for a
// full name; {"refs/main", "refs/tags/main", "refs/heads/main"} for "main".
std::vector<std::string> RefCandidates(std::string_view name);

// "refs/heads/main" → "main", "refs/tags/v1" → "v1"; other names unchanged.
std::string_view ShortRefName(std::string_view full);

// Reads one environment variable; "" when unset.
using EnvLookup = std::function<std::string(const char* name)>;

// The branch and tag a CI job builds, as full ref names, from the variables
// CI systems set (GitHub Actions, GitLab CI, CircleCI, Buildkite, Bitbucket
// Pipelines, Azure Pipelines, Jenkins, Travis, Drone/Woodpecker) and
// DD_GIT_BRANCH / DD_GIT_TAG. Pull-request merge refs are left out (they are
// not the branch). Invalid names are dropped; no duplicates; input order.
std::vector<std::string> RefsFromCiEnvironment(const EnvLookup& env);

}  // namespace srclink
