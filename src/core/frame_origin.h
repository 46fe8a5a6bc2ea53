// FrameOrigin: whose code a frame is — the user's, a language runtime or
// standard library, or an installed dependency — decided from the frame's
// normalised path, its module and its function alone (no repository needed).
//
// A runtime frame is never linked to a repository file, even when the end of
// its path coincides with one. A dependency frame may still resolve when the
// installed package is the repository's own; `package_path` is what the
// repository would then track.
#pragma once

#include <string>

#include "core/frame.h"
#include "core/frame_path.h"

namespace srclink {

enum class OriginKind {
  kUser,        // nothing says otherwise: the user's code
  kRuntime,     // language runtime or standard library (GOROOT, the JDK, /usr/lib/python3.X,
                // node:internal, /usr/include…)
  kDependency,  // an installed package (site-packages, node_modules, gems, vendor/, Go module
                // cache, cargo registry…)
};

std::string_view OriginKindName(OriginKind kind);  // "user", "runtime", "dependency"

struct FrameOrigin {
  OriginKind kind = OriginKind::kUser;
  std::string ecosystem;  // "python", "node", "go", "jvm", "dotnet", "ruby", "php", "rust",
                          // "native"; "" if unknown
  std::string reason;     // why, for explanations: "Python standard library (/usr/lib/python3.11/)"
  std::string package;  // dependency: "requests", "@org/pkg", "github.com/x/y", "rack"; runtime: ""
  std::string version;  // when the path tells: "v1.2.3" (Go module), "3.1.0" (gem), "3.11" (Python
                        // stdlib), "go1.21.3"
  std::string
      package_path;  // dependency: the file's path as the package's own repository would track it
                     // ("mypkg/x.py" for site-packages/mypkg/x.py, "pkg/dist/x.js" for
                     // node_modules/@org/pkg/dist/x.js,
                     //  "z.go" for pkg/mod/github.com/x/y@v1.2.3/z.go, "lib/rack/x.rb" for
                     //  gems/rack-3.1.0/lib/rack/x.rb)
  bool vendored = false;  // the dependency is vendored into the tree (vendor/, third_party/): a
                          // tracked copy may exist

  // "dependency python requests 2.31.0 path=requests/models.py" for test tables.
  std::string Dump() const;
};

FrameOrigin ClassifyFrame(const Frame& frame, const FramePath& path);

// ClassifyFrame(frame, path).kind, without writing the user-code reason.
OriginKind ClassifyFrameKind(const Frame& frame, const FramePath& path);

}  // namespace srclink
