#include "core/external_source.h"

#include <gtest/gtest.h>

namespace srclink {
namespace {

struct Case {
  std::string file;
  std::string runtime_version;
  std::string want;  // ExternalSource::Dump(), or "error: " + the start of the message
};

std::string Locate(const std::string& file, const std::string& runtime_version) {
  Frame frame;
  frame.file = file;
  FramePath path = NormalizeFramePath(file);
  FrameOrigin origin = ClassifyFrame(frame, path);
  auto located = LocateExternalSource(frame, path, origin, runtime_version);
  if (!located.ok()) return "error: " + located.status().message();
  return located->Dump();
}

TEST(ExternalSourceTest, Table) {
  const Case cases[] = {
      // Go standard library at the release tag.
      {"/usr/local/go/src/net/http/server.go", "go1.21.3",
       "https://github.com/golang/go@go1.21.3:src/net/http/server.go"},
      {"/opt/hostedtoolcache/go/1.21.3/x64/src/net/http/server.go", "",
       "https://github.com/golang/go@go1.21.3:src/net/http/server.go"},
      {"/usr/lib/go-1.21/src/runtime/proc.go", "",
       "https://github.com/golang/go@go1.21.0:src/runtime/proc.go"},
      {"/usr/lib/go-1.21/src/runtime/proc.go", "go1.21.6",
       "https://github.com/golang/go@go1.21.6:src/runtime/proc.go"},
      {"/usr/lib/go-1.19/src/runtime/proc.go", "",
       "https://github.com/golang/go@go1.19:src/runtime/proc.go"},
      {"net/http/server.go", "go1.22.1",
       "https://github.com/golang/go@go1.22.1:src/net/http/server.go"},
      {"/usr/local/go/src/net/http/server.go", "",
       "error: the Go version is not in the path; tag the telemetry with the Go runtime version"},
      // Go modules in their repositories at the version.
      {"/root/go/pkg/mod/github.com/gin-gonic/gin@v1.9.1/context.go", "",
       "https://github.com/gin-gonic/gin@v1.9.1:context.go"},
      {"/root/go/pkg/mod/github.com/!azure/azure-sdk-for-go/sdk/azcore@v1.9.0/policy/policy.go", "",
       "https://github.com/Azure/azure-sdk-for-go@sdk/azcore/v1.9.0:sdk/azcore/policy/policy.go"},
      {"/go/pkg/mod/golang.org/x/net@v0.17.0/http2/server.go", "",
       "https://github.com/golang/net@v0.17.0:http2/server.go"},
      {"/go/pkg/mod/github.com/go-chi/chi/v5@v5.0.10/mux.go", "",
       "https://github.com/go-chi/chi@v5.0.10:mux.go"},
      {"/go/pkg/mod/github.com/x/y@v0.0.0-20230101120000-abcdefabcdef/z.go", "",
       "https://github.com/x/y@abcdefabcdef:z.go"},
      {"/go/pkg/mod/github.com/x/y@v2.1.0+incompatible/z.go", "",
       "https://github.com/x/y@v2.1.0:z.go"},
      {"/go/pkg/mod/google.golang.org/grpc@v1.60.0/server.go", "",
       "https://github.com/grpc/grpc-go@v1.60.0:server.go"},
      {"/go/pkg/mod/go.uber.org/zap@v1.26.0/logger.go", "",
       "https://github.com/uber-go/zap@v1.26.0:logger.go"},
      {"/go/pkg/mod/go.opentelemetry.io/otel@v1.21.0/trace.go", "",
       "error: vanity import path go.opentelemetry.io/otel: its repository is found through "
       "https://go.opentelemetry.io/otel?go-get=1"},
      // Python standard library at the minor version's branch.
      {"/usr/lib/python3.11/json/decoder.py", "",
       "https://github.com/python/cpython@3.11:Lib/json/decoder.py"},
      {"/home/me/.pyenv/versions/3.12.1/lib/python3.12/asyncio/base_events.py", "",
       "https://github.com/python/cpython@3.12:Lib/asyncio/base_events.py"},
      {"C:\\Python311\\Lib\\json\\decoder.py", "",
       "https://github.com/python/cpython@3.11:Lib/json/decoder.py"},
      {"/usr/lib/python3.11/lib-dynload/_json.cpython-311-x86_64-linux-gnu.so", "",
       "error: a compiled extension module of the Python runtime has no Python source"},
      {"<frozen importlib._bootstrap>", "3.11.4",
       "error: not a file of the Python standard library"},
      // Nothing to link, said plainly.
      {"/app/node_modules/express/lib/router/index.js", "",
       "error: no link: srclink does not know where the source of the package express is "
       "published"},
      {"/app/src/handler.go", "", "error: the frame is the user's code"},
  };
  for (const auto& c : cases) {
    std::string got = Locate(c.file, c.runtime_version);
    if (c.want.starts_with("error: ")) {
      EXPECT_EQ(got.substr(0, c.want.size()), c.want) << c.file;
    } else {
      EXPECT_EQ(got, c.want) << c.file;
    }
  }
}

}  // namespace
}  // namespace srclink
