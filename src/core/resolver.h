// Resolver: which tracked file of a commit a stack frame denotes — exactly
// one, or "ambiguous" with the candidates, or "unknown" with the reason.
// Never a wrong file silently.
//
// Rules, in order (the first that decides wins; Resolution::rule names it):
//   runtime            a language runtime or standard library frame: never linked
//   installed-package  site-packages, node_modules, the Go module cache… whose
//                      package is the repository's own
//   vendored           a vendored dependency (vendor/, third_party/) the repository tracks
//   third-party        any other dependency: not linked
//   mapping            an explicit code mapping (stack root → source root); the
//                      most specific one that applies decides, even "not found"
//   module-path        a Go module path (github.com/org/repo/pkg/x.go) or
//                      GOPATH path with the repository's id in it
//   jvm-class          a JVM class (com.example.Foo$Inner) plus file name
//   python-module      a Python module name (app.views) adding directories the
//                      file name lacks
//   exact              a relative path that is a tracked file
//   suffix             the one tracked file with the longest common suffix
//                      on whole path components
//   root               several share that suffix; the service root
//                      (service_root_path) selects one
//   learnt             several share it; a mapping learnt from this service's
//                      unambiguous frames selects one
// Otherwise: ambiguous (candidates listed) or unknown (not-found, no-file).
//
// A Resolver learns from the frames it resolves; use one per service (or per
// request). Not thread-safe; the PathIndex it reads may be shared.
#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/frame.h"
#include "core/frame_origin.h"
#include "core/frame_path.h"
#include "core/path_index.h"
#include "core/status.h"

namespace srclink {

// "/app" → "services/api": frames under stack_root come from source_root.
struct CodeMapping {
  std::string stack_root;   // as frames show it: "/app", "C:\\build", "webpack:///./"
  std::string source_root;  // repository directory; "" is the repository root

  // Parses "STACK=SOURCE" as given to --map.
  static Result<CodeMapping> Parse(std::string_view spec);
};

struct ResolveOptions {
  std::string root_path;              // where the service lives in the repository ("services/api")
  std::vector<CodeMapping> mappings;  // explicit; the most specific stack root wins
  std::string repository_id;          // "github.com/org/repo", for Go module paths
  bool learn = true;                  // learn mappings from unambiguous frames
  size_t max_candidates = 10;         // candidates listed for an ambiguous frame
};

enum class ResolutionStatus { kResolved, kAmbiguous, kUnknown };
std::string_view ResolutionStatusName(
    ResolutionStatus status);  // "resolved", "ambiguous", "unknown"

struct Resolution {
  ResolutionStatus status = ResolutionStatus::kUnknown;
  std::string path;                     // when resolved
  std::vector<std::string> candidates;  // when ambiguous: up to max_candidates
  size_t candidate_count = 0;           // when ambiguous: all of them
  bool user_code = false;               // the service's own code (not runtime, not a dependency)
  std::string rule;  // the rule that decided (see above), or "not-found", "no-file", "ambiguous"
  std::string explanation;  // one sentence: what matched, or why nothing did and what to do
  FrameOrigin origin;

  // "resolved src/x.py rule=suffix user", "ambiguous 3 [a b c] rule=ambiguous".
  std::string Dump() const;
};

class Resolver {
 public:
  // `index` must outlive the Resolver.
  Resolver(const PathIndex& index, ResolveOptions options);
  // Not copyable: members view its own strings.
  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;

  Resolution Resolve(const Frame& frame);

  // Resolve() for each frame, overlapping their index lookups; same results
  // as resolving them one by one in order.
  std::vector<Resolution> ResolveBatch(std::span<const Frame> frames);

 private:
  struct Prepared;
  void Prepare(const Frame& frame, FramePathScratch* scratch, Prepared* p) const;
  Resolution Decide(const Frame& frame, Prepared& p);
  Resolution ResolveUser(const Frame& frame, Prepared& p);
  bool TryMappings(const Prepared& p, Resolution* out) const;
  bool TryModulePath(const Prepared& p, Resolution* out) const;
  bool TryModuleName(const Frame& frame, const Prepared& p, Resolution* out) const;
  bool Disambiguate(const Prepared& p, const PathIndex::Match& match,
                    std::span<const std::string_view> comps, Resolution* out) const;
  void Ambiguous(const PathIndex::Match& match, std::span<const std::string_view> comps,
                 Resolution* out) const;
  void Learn(const Prepared& p, std::string_view repo_path, uint32_t matched);
  PathId FindPath(std::string_view path, bool windows) const;

  const PathIndex& index_;
  ResolveOptions options_;
  // A code mapping, normalised once: applies to frames rooted like it
  // (root_key: "/", "C:/", "webpack:///", "") whose path starts with prefix.
  struct Mapping {
    std::string shown;  // "/app", "C:/build": for explanations
    std::string root_key;
    std::vector<std::string> prefix;
    std::string source_root;  // normalised repository directory
  };
  std::vector<Mapping> mappings_;                      // most specific (longest prefix) first
  std::string root_;                                   // normalised root path
  std::vector<std::string_view> repository_id_parts_;  // of options_.repository_id
  FramePathScratch scratch_;                           // reused by every frame's normalisation
  // Learnt: frame prefix → (repository prefix → votes). Transparent
  // comparators: a frame looks its prefix up without allocating.
  std::map<std::string, std::map<std::string, uint32_t, std::less<>>, std::less<>> learnt_;
  std::string learn_key_;  // Learn()'s key, reused from frame to frame
};

}  // namespace srclink
