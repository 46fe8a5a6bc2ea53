// ExternalSource: where the code of a frame outside the user's repository
// lives, when that can be known from the frame alone — the Go standard
// library in golang/go at the Go release tag, a Go module from the module
// cache (`pkg/mod/<module>@<version>/…`) in the module's repository at that
// version, the Python standard library in python/cpython at the minor
// version's branch — so even third-party frames get a link to the exact line.
//
// When nothing can be linked, the result says why, plainly ("the Go version
// is not in the path", "vanity import path example.org/x: its repository is
// not known"). Pure; no network lookups.
#pragma once

#include <string>
#include <string_view>

#include "core/frame.h"
#include "core/frame_origin.h"
#include "core/frame_path.h"
#include "core/status.h"

namespace srclink {

struct ExternalSource {
  std::string repository_url;  // "https://github.com/golang/go"
  std::string ref;   // tag, branch or commit: "go1.21.3", "v1.9.1", "3.11", "6b1f1a5c1a2e"
  std::string path;  // in that repository: "src/net/http/server.go"
  std::string what;  // "Go standard library go1.21.3", "Go module github.com/x/y v1.2.3"

  // "https://github.com/golang/go@go1.21.3:src/net/http/server.go" for test tables.
  std::string Dump() const;
};

// `origin` is ClassifyFrame(frame, path). `runtime_version` is the language
// runtime's version when the telemetry says it ("go1.21.3", "3.11.7"; "" if
// not), used when the path does not carry it. NotFound, with the reason, when
// the frame's code cannot be located; InvalidArgument for a user frame.
Result<ExternalSource> LocateExternalSource(const Frame& frame, const FramePath& path,
                                            const FrameOrigin& origin,
                                            std::string_view runtime_version = "");

}  // namespace srclink
