// Frame: one stack frame as telemetry reports it, before resolution.
#pragma once

#include <string>

namespace srclink {

struct Frame {
  std::string file;      // as reported: absolute, relative, URL, Windows, Go module path…
  int line = 0;          // 1-based; 0 when unknown
  int column = 0;        // 1-based; 0 when unknown
  std::string function;  // "handle", "com.example.Foo.bar", "(*Server).Serve"
  std::string module;    // JVM class ("com.example.Foo$Inner") or Python module ("app.views")

  // "file:line" with module/function when present; for test tables.
  std::string Dump() const;
};

}  // namespace srclink
