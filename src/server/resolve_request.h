// ResolveRequest: the body of POST /api/v1/resolve (docs/API.md), read in one
// pass straight into frames — no JSON document is built, since this is the
// server's hot path (a 100-frame body parses in tens of microseconds).
//
// Errors name the field at fault as the API reports it ("frames[2].line",
// "mappings[0].stack_root", "context"), or no field when the body is not
// JSON at all. Unknown members are ignored. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/frame.h"
#include "core/resolver.h"

namespace srclink::server {

inline constexpr size_t kMaxResolveFrames = 1000;
inline constexpr int kMaxSnippetContext = 50;
inline constexpr int kDefaultSnippetContext = 5;

struct ResolveRequest {
  std::string repository_url;  // required
  std::string commit_sha;      // required unless `service`; full or prefix (CommitCache checks)
  std::string service;         // instead of the git fields: the service's learnt tags
  std::string version;         // with service: that version's tags ("" = the latest seen)
  ResolveOptions options;      // root_path and mappings from the body
  std::vector<Frame> frames;   // required (may be empty); at most kMaxResolveFrames
  bool snippets = false;
  int context = kDefaultSnippetContext;  // 0..kMaxSnippetContext
};

struct FieldError {
  std::string field;    // "" when the body as a whole is at fault
  std::string message;  // starts with the field's name when there is one
};

// Parses `body`. On failure returns false and fills *error. With "service"
// (and optionally "version"), repository_url and commit_sha may be left out:
// the route fills them from the git tags learnt from the service's telemetry.
bool ParseResolveRequest(std::string_view body, ResolveRequest* request, FieldError* error);

}  // namespace srclink::server
