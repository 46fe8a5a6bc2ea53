// The payload of `datadog-ci git-metadata upload`, as srclink receives it on
// POST /api/v2/srcmap (the Datadog "sourcemap intake" route).
//
// Wire format (datadog-ci 5.25.0, captured in tests/data/datadog_ci/):
// multipart/form-data, not compressed (Content-Encoding is never set for this
// command), header DD-API-KEY, two parts, both Content-Type application/json:
//
//   event       (filename "event"):
//     {"cli_version":"5.25.0","git_commit_sha":"<sha>",
//      "git_repository_url":"<url>","type":"repository"}
//   repository  (filename "repository"):
//     {"data":[{"files":["README.md", …],"hash":"<sha>",
//               "repository_url":"<url>"}],"version":1}
//
// `files` is the raw output of `git ls-files` split on newlines, so a path
// holding bytes git quotes (non-ASCII, '"', '\\', control characters) arrives
// C-quoted: "\"dir/\\303\\274.txt\"". ParseDatadogSrcmap unquotes such paths.
// `repository_url` is the origin remote (or --repository-url) as written;
// credentials may still be in it: the caller must sanitize (RepositoryUrl).
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace srclink {

inline constexpr size_t kDatadogSrcmapMaxFiles = 2'000'000;
inline constexpr size_t kDatadogSrcmapMaxPathBytes = 4096;

struct DatadogSrcmap {
  std::string repository_url;      // raw, as sent (may hold credentials)
  std::string commit_sha;          // 40 lowercase hex digits
  std::vector<std::string> paths;  // unquoted, sorted, unique
  std::string cli_version;         // event.cli_version, or "" when absent
};

// Parses the two parts. Errors are InvalidArgument and name the part and
// field, e.g. `repository part: field "data[0].hash" must be a 40-digit hex
// commit SHA, got "xyz"`. When `error_field` is given, it receives the field
// as "repository.data[0].hash" on failure (for the error answer's "field").
//
// Checks: both parts are JSON objects; event.type is "repository";
// repository.version is 1; repository.data holds exactly one commit whose
// hash is a full SHA-1 and repository_url a non-empty string; event's
// git_commit_sha and git_repository_url, when present, agree with it; at most
// kDatadogSrcmapMaxFiles files, each a relative path of at most
// kDatadogSrcmapMaxPathBytes bytes of valid UTF-8 with no NUL and no "."/".."
// or empty component. Duplicate paths (git lists a conflicted file once per
// stage) are merged.
Result<DatadogSrcmap> ParseDatadogSrcmap(std::string_view event_json,
                                         std::string_view repository_json,
                                         std::string* error_field = nullptr);

// Undoes git's C-style path quoting ("\"a\\tb\\303\\274\"" → "a\tbü"). A
// string not starting and ending with '"' is returned as is. Fails on a bad
// escape.
Result<std::string> UnquoteGitPath(std::string_view path);

}  // namespace srclink
