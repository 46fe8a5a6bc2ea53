// SourceMappings: Pyroscope's source-mapping file `.pyroscope.yaml`, which a
// repository carries so that profile frames map to its own files or to files
// of other repositories (the JDK, CPython, Go's standard library…).
//
//   version: v1                      # optional; only v1
//   source_code:
//     mappings:
//       - path: [{prefix: /app/src}]  # and/or function_name: [{prefix: org/example}]
//         language: python
//         source:
//           local: {path: src}        # or github: {owner, repo, ref, path}
//
// Matching is longest-prefix-match over every prefix of every mapping; the
// order of mappings does not matter (one prefix may not appear in two
// mappings). Prefixes end on a component boundary: "src" matches "src/x" but
// not "srcfoo/x".
//  - A path prefix is compared with the frame's file, both normalised by
//    NormalizeFramePath ("vendor/" is "vendor"; backslashes are '/'; an
//    absolute prefix only matches absolute files, a relative one only
//    relative files; case-sensitive). The result is the source path + the
//    file with the prefix removed.
//  - `$GOROOT` (e.g. "$GOROOT/src") stands for any Go root: a file that
//    ClassifyFrame calls Go's standard library (/usr/local/go/src/fmt/x.go,
//    /usr/lib/go-1.19/src/…, ~/sdk/go1.21.3/src/…, -trimpath "fmt/x.go")
//    is matched as "$GOROOT/src/fmt/x.go".
//  - A function_name prefix is compared with the function name, '.' read as
//    '/', on '/' or '$' boundaries ("org.example" matches
//    "org/example/App$Inner.run"). Only Java mappings (language java) map by
//    function: the name's class gives the file ("org/example/App$Inner.run"
//    → "org/example/App.java"), appended whole to the source path.
// Length is the prefix's normalised text. On equal lengths a path prefix
// beats a function_name prefix, and a literal path a `$GOROOT` one.
//
// Pure: no I/O. Parse bounds its work on hostile input (size, nesting,
// counts; see the limits below). Thread-safety: a parsed SourceMappings is
// immutable; Map may be called from several threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"

namespace srclink {

inline constexpr size_t kMaxSourceMappingBytes = 1 << 20;  // 1 MiB
// Nesting, over-estimated by a scan before yaml-cpp (whose recursive parser
// has its own guard at 2000 levels) sees the text: flow brackets still open
// plus block indentation levels and "- " indicators.
inline constexpr int kMaxSourceMappingNesting = 32;
inline constexpr size_t kMaxSourceMappings = 10'000;
inline constexpr size_t kMaxSourceMappingPrefixes = 100'000;  // over all mappings

// Where a frame's source lives, according to .pyroscope.yaml.
struct MappedSource {
  enum class Kind { kLocal, kGithub };
  Kind kind = Kind::kLocal;
  std::string
      repository_path;  // kLocal: path in this repository ("svc/src/x/y.py"), no leading '/'
  std::string owner;    // kGithub: "python"
  std::string repo;     // kGithub: "cpython"
  std::string ref;      // kGithub: branch, tag or commit: "v3.12.0"
  std::string path;     // kGithub: path in that repository: "Lib/json/decoder.py"
  int mapping = 0;      // 1-based index of the mapping that matched
  // For explanations: "the .pyroscope.yaml mapping for path prefix /app/src"
  // ("the svc/.pyroscope.yaml mapping for function name prefix java" when the
  // file is in svc/; "… for path prefix $GOROOT/src (GOROOT /usr/local/go)").
  std::string rule;

  // "local svc/src/x/y.py by mapping 1",
  // "github python/cpython@v3.12.0 Lib/json/decoder.py by mapping 2".
  std::string Dump() const;
};

class SourceMappings {
 public:
  // Parses the text of a .pyroscope.yaml found in `config_dir`, the
  // repository directory holding it ("" = the root; "svc/api"), which
  // prefixes local source paths. Errors name the file and point at the
  // input: ".pyroscope.yaml:3:5: <yaml syntax error>",
  // ".pyroscope.yaml: mapping 2: source must be local or github, not both".
  // An empty file, or one without source_code, has no mappings.
  static Result<SourceMappings> Parse(std::string_view yaml, std::string_view config_dir);

  // Where the frame with this file and function comes from, by the mapping
  // with the longest matching prefix; nullopt when no prefix matches. A
  // function_name prefix counts only in a Java mapping and when the function
  // names a class ("org/x/App.run", not "main").
  std::optional<MappedSource> Map(std::string_view file, std::string_view function) const;

  size_t size() const { return mappings_.size(); }
  bool empty() const { return mappings_.empty(); }

 private:
  struct Mapping {
    std::string language;
    bool github = false;
    std::string local_path;              // config_dir/path, normalised; "" = the repository root
    std::string owner, repo, ref, path;  // github; path normalised, "" = root
  };
  enum class PrefixKind { kPath, kFunction };
  struct Prefix {
    PrefixKind kind;
    size_t mapping;   // index into mappings_
    std::string raw;  // as written, for the rule
  };

  std::string file_name_;  // ".pyroscope.yaml" or "svc/.pyroscope.yaml"
  std::vector<Mapping> mappings_;
  // Canonical prefix → what it maps; keys of path prefixes are rooted
  // ("/app/src", "c:/app", "vendor"), of function prefixes '/'-separated.
  std::unordered_map<std::string, Prefix> path_prefixes_;
  std::unordered_map<std::string, Prefix> function_prefixes_;
  bool has_goroot_prefix_ = false;
};

}  // namespace srclink
