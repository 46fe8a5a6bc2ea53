#include "core/git_refs.h"

#include <algorithm>
#include <deque>

namespace srclink {

namespace {

bool Forbidden(unsigned char c) {
  return c < 0x20 || c == 0x7f || c == ' ' || c == '~' || c == '^' || c == ':' || c == '?' ||
         c == '*' || c == '[' || c == '\\';
}

void Add(std::string full, std::vector<std::string>* out) {
  if (!IsValidRefName(full)) return;
  if (std::find(out->begin(), out->end(), full) != out->end()) return;
  out->push_back(std::move(full));
}

// A branch as a CI variable gives it: "main", "refs/heads/main", or
// Jenkins' "origin/main".
void AddBranch(std::string_view value, std::vector<std::string>* out) {
  if (value.empty()) return;
  if (value.starts_with("refs/heads/") || value.starts_with("refs/tags/")) {
    Add(std::string(value), out);
  } else if (value.starts_with("refs/")) {
    return;  // refs/pull/…, refs/merge-requests/…: not a branch
  } else {
    if (value.starts_with("origin/")) value.remove_prefix(7);
    Add("refs/heads/" + std::string(value), out);
  }
}

void AddTag(std::string_view value, std::vector<std::string>* out) {
  if (value.empty()) return;
  if (value.starts_with("refs/tags/")) {
    Add(std::string(value), out);
  } else if (!value.starts_with("refs/")) {
    Add("refs/tags/" + std::string(value), out);
  }
}

}  // namespace

bool IsValidRefName(std::string_view name) {
  if (name.empty() || name.size() > kMaxRefNameBytes || name == "@") return false;
  if (name.front() == '/' || name.front() == '-' || name.back() == '/' || name.back() == '.') {
    return false;
  }
  for (size_t i = 0; i < name.size(); ++i) {
    if (Forbidden(static_cast<unsigned char>(name[i]))) return false;
    if (i + 1 < name.size()) {
      std::string_view pair = name.substr(i, 2);
      if (pair == ".." || pair == "@{" || pair == "//") return false;
    }
  }
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string_view::npos) end = name.size();
    std::string_view component = name.substr(start, end - start);
    if (component.starts_with(".") || component.ends_with(".lock")) return false;
    start = end + 1;
  }
  return true;
}

std::vector<std::string> RefCandidates(std::string_view name) {
  if (name.starts_with("refs/")) return {std::string(name)};
  std::string n(name);
  return {"refs/" + n, "refs/tags/" + n, "refs/heads/" + n};
}

std::string_view ShortRefName(std::string_view full) {
  for (std::string_view prefix : {"refs/heads/", "refs/tags/"}) {
    if (full.starts_with(prefix)) return full.substr(prefix.size());
  }
  return full;
}

std::vector<std::string> RefsFromCiEnvironment(const EnvLookup& env) {
  // The values, kept alive (and in place) while views of them are used.
  std::deque<std::string> values;
  auto get = [&env, &values](const char* name) -> std::string_view {
    values.push_back(env(name));
    return values.back();
  };
  std::vector<std::string> out;
  // GitHub Actions: GITHUB_REF is the full ref of a push (refs/pull/N/merge
  // for a pull request, whose branch is GITHUB_HEAD_REF).
  AddBranch(get("GITHUB_REF"), &out);
  AddBranch(get("GITHUB_HEAD_REF"), &out);
  // GitLab CI.
  AddBranch(get("CI_COMMIT_BRANCH"), &out);
  AddBranch(get("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME"), &out);
  AddTag(get("CI_COMMIT_TAG"), &out);
  // CircleCI, Buildkite, Bitbucket Pipelines, Travis, Drone/Woodpecker.
  AddBranch(get("CIRCLE_BRANCH"), &out);
  AddTag(get("CIRCLE_TAG"), &out);
  AddBranch(get("BUILDKITE_BRANCH"), &out);
  AddTag(get("BUILDKITE_TAG"), &out);
  AddBranch(get("BITBUCKET_BRANCH"), &out);
  AddTag(get("BITBUCKET_TAG"), &out);
  if (get("TRAVIS_TAG").empty()) {
    AddBranch(get("TRAVIS_PULL_REQUEST_BRANCH").empty() ? get("TRAVIS_BRANCH")
                                                        : get("TRAVIS_PULL_REQUEST_BRANCH"),
              &out);
  } else {
    AddTag(get("TRAVIS_TAG"), &out);
  }
  AddBranch(get("DRONE_SOURCE_BRANCH"), &out);
  AddTag(get("DRONE_TAG"), &out);
  AddBranch(get("CI_COMMIT_SOURCE_BRANCH"), &out);  // Woodpecker
  // Azure Pipelines: the full ref; a pull request's own branch.
  AddBranch(get("SYSTEM_PULLREQUEST_SOURCEBRANCH"), &out);
  AddBranch(get("BUILD_SOURCEBRANCH"), &out);
  // Jenkins (git plugin): "origin/main".
  AddBranch(get("GIT_BRANCH"), &out);
  AddBranch(get("BRANCH_NAME"), &out);
  AddTag(get("TAG_NAME"), &out);
  // Datadog's own variables.
  AddBranch(get("DD_GIT_BRANCH"), &out);
  AddTag(get("DD_GIT_TAG"), &out);
  if (out.size() > kMaxRefsPerCommit) out.resize(kMaxRefsPerCommit);
  return out;
}

}  // namespace srclink
