#include "core/frame_origin.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/frame.h"
#include "core/frame_path.h"

namespace srclink {
namespace {

struct OriginCase {
  std::string file;
  std::string module;
  std::string function;
  std::string expected;  // FrameOrigin::Dump()
};

std::string Classify(const OriginCase& c) {
  Frame frame;
  frame.file = c.file;
  frame.module = c.module;
  frame.function = c.function;
  return ClassifyFrame(frame, NormalizeFramePath(c.file)).Dump();
}

void RunTable(const std::vector<OriginCase>& cases) {
  for (const OriginCase& c : cases) {
    EXPECT_EQ(Classify(c), c.expected) << "file=\"" << c.file << "\" module=\"" << c.module
                                       << "\" function=\"" << c.function << "\"";
  }
}

TEST(FrameOriginTest, Python) {
  RunTable({
      {"/usr/lib/python3.11/json/decoder.py", "", "", "runtime python 3.11"},
      {"/usr/local/lib/python3.12/asyncio/base_events.py", "", "", "runtime python 3.12"},
      {"/opt/homebrew/Cellar/python@3.11/3.11.7/Frameworks/Python.framework/Versions/3.11/lib/"
       "python3.11/threading.py",
       "", "", "runtime python 3.11"},
      {"/home/me/.pyenv/versions/3.11.7/lib/python3.11/json/decoder.py", "", "",
       "runtime python 3.11"},
      {"~/.pyenv/versions/3.11.7/lib/python3.11/runpy.py", "", "", "runtime python 3.11"},
      {"C:\\Python311\\Lib\\json\\decoder.py", "", "", "runtime python 3.11"},
      {"/usr/lib/python3.13t/threading.py", "", "", "runtime python 3.13"},
      {"/usr/lib/python2.7/json/decoder.py", "", "", "runtime python 2.7"},
      {"<frozen importlib._bootstrap>", "", "_call_with_frames_removed", "runtime python"},
      {"<string>", "", "<module>", "runtime python"},
      {"<stdin>", "", "<module>", "runtime python"},
      // Dependencies: site-packages / dist-packages anywhere.
      {"/app/.venv/lib/python3.11/site-packages/requests/models.py", "", "",
       "dependency python requests path=requests/models.py"},
      {"/home/runner/work/app/app/.venv/lib/python3.11/site-packages/x.py", "", "",
       "dependency python x path=x.py"},
      {"/usr/lib/python3/dist-packages/six.py", "", "", "dependency python six path=six.py"},
      {"/usr/lib/python3.11/site-packages/urllib3/connectionpool.py", "", "",
       "dependency python urllib3 path=urllib3/connectionpool.py"},
      {"C:\\Users\\me\\AppData\\Local\\Programs\\Python\\Python311\\Lib\\site-packages\\x.py", "",
       "", "dependency python x path=x.py"},
      {"C:\\Users\\me\\AppData\\Local\\Programs\\Python\\Python311\\LIB\\Site-Packages\\Django\\"
       "core\\handlers\\base.py",
       "", "", "dependency python Django path=Django/core/handlers/base.py"},
      {"/usr/local/lib/python3.8/site-packages/foo-1.2-py3.8.egg/foo/bar.py", "", "",
       "dependency python foo 1.2 path=foo/bar.py"},
      {"/usr/local/lib/python3.11/site-packages/_cffi_backend.cpython-311-x86_64-linux-gnu.so", "",
       "", "dependency python _cffi_backend path=_cffi_backend.cpython-311-x86_64-linux-gnu.so"},
      {"/usr/lib/python3.11/lib-dynload/_json.cpython-311-x86_64-linux-gnu.so", "", "",
       "runtime python 3.11"},
      // Module names without a file.
      {"", "json.decoder", "raw_decode", "runtime python"},
      {"", "importlib._bootstrap", "_find_and_load", "runtime python"},
      {"", "requests.models", "json", "user"},
      {"", "app.views", "index", "user"},
      // Traps.
      {"/app/src/sitepackages_helper.py", "", "", "user"},
      {"/app/src/site-packages.py", "", "", "user"},
      {"/app/lib/python_helpers/x.py", "", "", "user"},
      {"/srv/app/lib/python3.11.bak/x.py", "", "", "user"},
      {"/app/app/views.py", "app.views", "index", "user"},
  });
}

TEST(FrameOriginTest, Node) {
  RunTable({
      {"node:internal/modules/cjs/loader", "", "Module._compile", "runtime node"},
      {"node:fs", "", "readFileSync", "runtime node"},
      {"internal/modules/cjs/loader.js", "", "", "runtime node"},
      {"internal/process/task_queues.js", "", "processTicksAndRejections", "runtime node"},
      {"native", "", "Array.forEach", "runtime node"},
      {"<anonymous>", "", "eval", "runtime node"},
      {"events.js", "", "EventEmitter.emit", "runtime node"},
      {"_stream_readable.js", "", "", "runtime node"},
      {"timers.js", "", "listOnTimeout", "runtime node"},
      {"net.js", "", "", "runtime node"},
      {"index.js", "", "", "user"},
      {"/app/node_modules/express/lib/router/index.js", "", "",
       "dependency node express path=express/lib/router/index.js"},
      {"/app/node_modules/@org/pkg/dist/x.js", "", "",
       "dependency node @org/pkg path=pkg/dist/x.js"},
      {"/app/node_modules/a/node_modules/b/index.js", "", "", "dependency node b path=b/index.js"},
      {"/app/node_modules/.pnpm/lodash@4.17.21/node_modules/lodash/lodash.js", "", "",
       "dependency node lodash 4.17.21 path=lodash/lodash.js"},
      {"/app/node_modules/.pnpm/@babel+core@7.23.0_supports-color@8.1.1/node_modules/@babel/core/"
       "lib/index.js",
       "", "", "dependency node @babel/core 7.23.0 path=core/lib/index.js"},
      {"/app/node_modules/.pnpm/react-dom@18.2.0(react@18.2.0)/node_modules/react-dom/index.js", "",
       "", "dependency node react-dom 18.2.0 path=react-dom/index.js"},
      {"/app/.yarn/cache/lodash-npm-4.17.21-6382451519-eb835a2e51.zip/node_modules/lodash/"
       "lodash.js",
       "", "", "dependency node lodash 4.17.21 path=lodash/lodash.js"},
      {"webpack:///./node_modules/react-dom/cjs/react-dom.development.js", "", "",
       "dependency node react-dom path=react-dom/cjs/react-dom.development.js"},
      {"C:\\app\\Node_Modules\\left-pad\\index.js", "", "",
       "dependency node left-pad path=left-pad/index.js"},
      {"/usr/local/lib/node_modules/npm/lib/npm.js", "", "",
       "dependency node npm path=npm/lib/npm.js"},
      // Traps.
      {"/srv/app/node_modules_backup/x.js", "", "", "user"},
      {"/app/src/internal/x.js", "", "", "user"},
      {"/app/src/vendors/x.js", "", "", "user"},
      {"webpack:///./src/events.js", "", "", "user"},
      {"/app/events.js", "", "", "user"},
  });
}

TEST(FrameOriginTest, Go) {
  RunTable({
      {"/usr/local/go/src/net/http/server.go", "", "net/http.(*conn).serve", "runtime go"},
      {"/usr/lib/go-1.21/src/runtime/proc.go", "", "", "runtime go go1.21"},
      {"/opt/hostedtoolcache/go/1.21.3/x64/src/net/http/server.go", "", "", "runtime go go1.21.3"},
      {"/root/sdk/go1.21.3/src/runtime/panic.go", "", "", "runtime go go1.21.3"},
      {"$GOROOT/src/net/http/server.go", "", "", "runtime go"},
      {"/usr/local/Cellar/go/1.21.3/libexec/src/fmt/print.go", "", "", "runtime go go1.21.3"},
      {"/usr/lib/golang/src/runtime/asm_amd64.s", "", "", "runtime go"},
      {"C:\\Program Files\\Go\\src\\runtime\\proc.go", "", "", "runtime go"},
      {"/usr/local/go/src/vendor/golang.org/x/net/http2/hpack/hpack.go", "", "", "runtime go"},
      {"/root/go/pkg/mod/golang.org/toolchain@v0.0.1-go1.22.1.linux-amd64/src/runtime/proc.go", "",
       "", "runtime go go1.22.1"},
      {"net/http/server.go", "", "", "runtime go"},
      {"runtime/proc.go", "", "", "runtime go"},
      {"internal/poll/fd_unix.go", "", "", "runtime go"},
      {"<autogenerated>", "", "", "runtime go"},
      {"/home/me/go/pkg/mod/github.com/gin-gonic/gin@v1.9.1/context.go", "", "",
       "dependency go github.com/gin-gonic/gin v1.9.1 path=context.go"},
      {"/go/pkg/mod/github.com/!azure/azure-sdk-for-go/sdk/azcore@v1.9.0/runtime/pipeline.go", "",
       "",
       "dependency go github.com/Azure/azure-sdk-for-go/sdk/azcore v1.9.0 "
       "path=runtime/pipeline.go"},
      {"C:\\Users\\me\\go\\pkg\\mod\\github.com\\!burnt!sushi\\toml@v1.3.2\\decode.go", "", "",
       "dependency go github.com/BurntSushi/toml v1.3.2 path=decode.go"},
      {"github.com/x/y@v1.2.3/z.go", "", "", "dependency go github.com/x/y v1.2.3 path=z.go"},
      {"google.golang.org/grpc@v1.60.0-rc.1/server.go", "", "",
       "dependency go google.golang.org/grpc v1.60.0-rc.1 path=server.go"},
      {"/app/vendor/github.com/x/y/z.go", "", "",
       "dependency go github.com/x/y path=z.go vendored"},
      {"vendor/go.uber.org/zap/logger.go", "", "",
       "dependency go go.uber.org/zap path=logger.go vendored"},
      {"vendor/golang.org/x/net/http2/server.go", "", "",
       "dependency go golang.org/x/net path=http2/server.go vendored"},
      // Traps.
      {"src/runtime/x.go", "", "", "user"},
      {"/home/me/go/src/github.com/org/repo/pkg/x.go", "", "", "user"},
      {"/app/internal/x.go", "", "", "user"},
      {"internal/auth/x.go", "", "", "user"},
      {"cmd/server/main.go", "", "", "user"},
      {"github.com/org/repo/internal/auth/x.go", "", "", "user"},
      {"/app/src/net/x.go", "", "", "user"},
      {"net/http/server.py", "", "", "user"},
  });
}

TEST(FrameOriginTest, Jvm) {
  RunTable({
      {"HashMap.java", "java.util.HashMap", "get", "runtime jvm"},
      {"Unknown Source", "sun.reflect.NativeMethodAccessorImpl", "invoke0", "runtime jvm"},
      {"Native Method", "jdk.internal.reflect.NativeMethodAccessorImpl", "invoke0", "runtime jvm"},
      {"", "java.base/java.lang.Thread", "run", "runtime jvm"},
      {"", "", "javax.servlet.http.HttpServlet.service", "runtime jvm"},
      {"Thread.java", "com.sun.proxy.$Proxy12", "", "runtime jvm"},
      {"Continuation.kt", "kotlinx.coroutines.DispatchedTask", "run", "runtime jvm"},
      {"", "kotlin.collections.CollectionsKt", "first", "runtime jvm"},
      {"Future.scala", "scala.concurrent.Future$", "apply", "runtime jvm"},
      {"DispatcherServlet.java", "org.springframework.web.servlet.DispatcherServlet", "doDispatch",
       "dependency jvm org.springframework"},
      {"", "io.netty.channel.nio.NioEventLoop", "run", "dependency jvm io.netty"},
      {"", "com.google.common.collect.ImmutableList", "of", "dependency jvm com.google.common"},
      {"", "jakarta.servlet.http.HttpServlet", "service", "dependency jvm jakarta"},
      {"/home/me/.m2/repository/org/springframework/spring-core/6.1.2/spring-core-6.1.2.jar", "",
       "", "dependency jvm org.springframework:spring-core 6.1.2"},
      {"/home/me/.gradle/caches/modules-2/files-2.1/com.squareup.okhttp3/okhttp/4.12.0/abc123/"
       "okhttp-4.12.0.jar",
       "", "", "dependency jvm com.squareup.okhttp3:okhttp 4.12.0"},
      {"spring-core-6.1.2.jar", "", "", "dependency jvm spring-core 6.1.2"},
      {"/app/app.jar!/BOOT-INF/lib/jackson-databind-2.15.3.jar!/com/fasterxml/Foo.class", "", "",
       "dependency jvm jackson-databind 2.15.3 path=com/fasterxml/Foo.class"},
      {"/usr/lib/jvm/java-17-openjdk-amd64/lib/src.zip", "", "", "runtime jvm"},
      // Traps.
      {"Foo.java", "com.example.Foo", "bar", "user"},
      {"src/main/java/com/example/Foo.java", "com.example.Foo", "bar", "user"},
      {"/app/app.jar", "", "", "user"},
      {"Unknown Source", "com.example.Foo$Inner", "run", "user"},
  });
}

TEST(FrameOriginTest, Dotnet) {
  RunTable({
      {"", "", "System.Threading.Tasks.Task.ExecuteWithThreadLocal", "runtime dotnet"},
      {"", "", "Microsoft.AspNetCore.Routing.EndpointMiddleware.Invoke", "runtime dotnet"},
      {"/_/src/libraries/System.Private.CoreLib/src/System/Threading/Tasks/Task.cs", "",
       "System.Threading.Tasks.Task.InnerInvoke", "runtime dotnet"},
      {"/_/src/coreclr/System.Private.CoreLib/src/System/Runtime/CompilerServices/"
       "AsyncMethodBuilderCore.cs",
       "", "", "runtime dotnet"},
      {"D:\\a\\_work\\1\\s\\src\\libraries\\System.Text.Json\\src\\System\\Text\\Json\\"
       "JsonSerializer.cs",
       "", "", "runtime dotnet"},
      {"/_/src/Http/Routing/src/EndpointMiddleware.cs", "",
       "Microsoft.AspNetCore.Routing.EndpointMiddleware.Invoke", "runtime dotnet"},
      {"/usr/share/dotnet/shared/Microsoft.NETCore.App/8.0.0/System.Private.CoreLib.dll", "", "",
       "runtime dotnet 8.0.0"},
      {"C:\\Users\\me\\.nuget\\packages\\newtonsoft.json\\13.0.3\\lib\\net6.0\\Newtonsoft.Json.dll",
       "", "", "dependency dotnet newtonsoft.json 13.0.3 path=lib/net6.0/Newtonsoft.Json.dll"},
      {"C:\\Program Files\\dotnet\\shared\\Microsoft.AspNetCore.App\\8.0.1\\"
       "Microsoft.AspNetCore.dll",
       "", "", "runtime dotnet 8.0.1"},
      {"/usr/share/dotnet/sdk/NuGetFallbackFolder/microsoft.extensions.logging/2.1.1/lib/x.dll", "",
       "", "dependency dotnet microsoft.extensions.logging 2.1.1 path=lib/x.dll"},
      // Traps.
      {"/_/src/MyApp/Controllers/HomeController.cs", "", "MyApp.Controllers.HomeController.Index",
       "user"},
      {"/home/runner/work/app/src/libraries/Shared/Util.cs", "", "Shared.Util.Run", "user"},
      {"D:\\a\\_work\\1\\s\\src\\libraries\\MyLib\\Foo.cs", "", "MyLib.Foo.Bar", "user"},
  });
}

TEST(FrameOriginTest, Ruby) {
  RunTable({
      {"/usr/lib/ruby/3.1.0/json/common.rb", "", "", "runtime ruby 3.1.0"},
      {"/usr/local/lib/ruby/3.2.0/net/http.rb", "", "", "runtime ruby 3.2.0"},
      {"/home/me/.rbenv/versions/3.2.2/lib/ruby/3.2.0/logger.rb", "", "", "runtime ruby 3.2.0"},
      {"/home/me/.rvm/rubies/ruby-3.2.2/lib/ruby/3.2.0/set.rb", "", "", "runtime ruby 3.2.0"},
      {"<internal:kernel>", "", "then", "runtime ruby"},
      {"/usr/local/bundle/gems/rack-3.0.8/lib/rack/builder.rb", "", "",
       "dependency ruby rack 3.0.8 path=lib/rack/builder.rb"},
      {"/home/me/.rvm/gems/ruby-3.2.2/gems/actionpack-7.1.2/lib/action_controller/metal.rb", "", "",
       "dependency ruby actionpack 7.1.2 path=lib/action_controller/metal.rb"},
      {"/usr/local/lib/ruby/gems/3.2.0/gems/aws-sdk-core-3.190.0/lib/seahorse.rb", "", "",
       "dependency ruby aws-sdk-core 3.190.0 path=lib/seahorse.rb"},
      {"/app/vendor/bundle/ruby/3.2.0/gems/nokogiri-1.15.4-x86_64-linux/lib/nokogiri.rb", "", "",
       "dependency ruby nokogiri 1.15.4 path=lib/nokogiri.rb"},
      {"/app/vendor/bundle/ruby/3.2.0/bundler/gems/rails-1a2b3c4d5e6f/actionpack/lib/x.rb", "", "",
       "dependency ruby rails 1a2b3c4d5e6f path=actionpack/lib/x.rb"},
      // Traps.
      {"/app/lib/ruby_helpers/x.rb", "", "", "user"},
      {"/app/lib/ruby/tasks/x.rb", "", "", "user"},
      {"/app/app/models/gems/gem_finder.rb", "", "", "user"},
  });
}

TEST(FrameOriginTest, PhpAndVendored) {
  RunTable({
      {"/var/www/html/vendor/laravel/framework/src/Illuminate/Routing/Router.php", "", "",
       "dependency php laravel/framework path=src/Illuminate/Routing/Router.php vendored"},
      {"/var/www/vendor/composer/ClassLoader.php", "", "",
       "dependency php composer path=ClassLoader.php vendored"},
      {"/src/third_party/abseil-cpp/absl/strings/str_cat.cc", "", "",
       "dependency native abseil-cpp path=absl/strings/str_cat.cc vendored"},
      {"third-party/zlib/inflate.c", "", "", "dependency native zlib path=inflate.c vendored"},
      {"/app/external/imgui/imgui.cpp", "", "", "dependency native imgui path=imgui.cpp vendored"},
      {"/app/static/vendor/jquery/jquery.min.js", "", "",
       "dependency node jquery path=jquery.min.js vendored"},
      {"Engine/Source/ThirdParty/PhysX/src/x.cpp", "", "",
       "dependency native PhysX path=src/x.cpp vendored"},
      {"/app/third_party/foo/vendor/bar/x.c", "", "",
       "dependency native foo path=vendor/bar/x.c vendored"},
      // Traps: a file directly in vendor/ or external/ names no package.
      {"/app/src/external/api_client.py", "", "", "user"},
      {"/app/src/vendors/x.js", "", "", "user"},
      {"/app/src/vendor.js", "", "", "user"},
  });
}

TEST(FrameOriginTest, Rust) {
  RunTable({
      {"/rustc/90b35a6239c3d8bdabc530a6a0816f7ff89a0aaf/library/std/src/panicking.rs", "", "",
       "runtime rust 90b35a6239c3d8bdabc530a6a0816f7ff89a0aaf"},
      {"/rustc/c67326b063bd27ed04f306ba2e372cd92e0a8751/library/core/src/fmt/rt.rs", "", "",
       "runtime rust c67326b063bd27ed04f306ba2e372cd92e0a8751"},
      {"/home/me/.rustup/toolchains/stable-x86_64-unknown-linux-gnu/lib/rustlib/src/rust/library/"
       "std/src/rt.rs",
       "", "", "runtime rust"},
      {"/home/me/.cargo/registry/src/index.crates.io-6f17d22bba15001f/tokio-1.35.1/src/runtime/"
       "park.rs",
       "", "", "dependency rust tokio 1.35.1 path=src/runtime/park.rs"},
      {"/usr/local/cargo/registry/src/github.com-1ecc6299db9ec823/sha-1-0.10.0/src/lib.rs", "", "",
       "dependency rust sha-1 0.10.0 path=src/lib.rs"},
      {"/home/me/.cargo/git/checkouts/hyper-0123456789abcdef/1a2b3c4/src/client.rs", "", "",
       "dependency rust hyper 1a2b3c4 path=src/client.rs"},
      {"/app/src/rustc/x.rs", "", "", "user"},
  });
}

TEST(FrameOriginTest, Native) {
  RunTable({
      {"/usr/include/c++/12/bits/stl_vector.h", "", "", "runtime native"},
      {"/usr/include/x86_64-linux-gnu/bits/string_fortified.h", "", "", "runtime native"},
      {"/usr/lib/gcc/x86_64-linux-gnu/12/include/emmintrin.h", "", "", "runtime native"},
      {"/usr/lib/llvm-14/include/c++/v1/vector", "", "", "runtime native"},
      {"../sysdeps/unix/sysv/linux/raise.c", "", "", "runtime native"},
      {"./nptl/pthread_create.c", "", "", "runtime native"},
      {"../csu/libc-start.c", "", "", "runtime native"},
      {"/build/glibc-SzIz7B/glibc-2.31/nptl/pthread_create.c", "", "", "runtime native"},
      {"/usr/src/debug/glibc-2.34-100.el9.x86_64/nptl/pthread_create.c", "", "", "runtime native"},
      {"libc.so.6", "", "", "runtime native"},
      {"/lib/x86_64-linux-gnu/libc.so.6", "", "", "runtime native"},
      {"/lib/x86_64-linux-gnu/libssl.so.3", "", "", "runtime native"},
      {"/build/llvm-toolchain-14/compiler-rt/lib/asan/asan_interceptors.cpp", "", "",
       "runtime native"},
      {"/usr/local/include/boost/asio/detail/impl/scheduler.ipp", "", "", "runtime native"},
      {"/opt/rh/gcc-toolset-12/root/usr/include/c++/12/bits/shared_ptr_base.h", "", "",
       "runtime native"},
      {"C:\\Program Files\\Microsoft Visual Studio\\2022\\Community\\VC\\Tools\\MSVC\\14.38.33130\\"
       "include\\xmemory",
       "", "", "runtime native"},
      {"D:\\a\\_work\\1\\s\\src\\vctools\\crt\\vcstartup\\src\\startup\\exe_common.inl", "", "",
       "runtime native"},
      {"/app/build/vcpkg_installed/x64-linux/include/fmt/core.h", "", "",
       "dependency native fmt path=include/fmt/core.h"},
      {"/app/build/_deps/googletest-src/googletest/src/gtest.cc", "", "",
       "dependency native googletest path=googletest/src/gtest.cc vendored"},
      {"/home/me/.conan/data/fmt/10.1.1/_/_/package/abc123/include/fmt/core.h", "", "",
       "dependency native fmt 10.1.1 path=include/fmt/core.h"},
      // Traps.
      {"/app/src/include/c_api.h", "", "", "user"},
      {"sysdeps/x.py", "", "", "user"},
      {"/home/me/src/usr/include/x.h", "", "", "user"},
      {"/app/build/libmyapp.so", "", "", "user"},
  });
}

TEST(FrameOriginTest, UserCode) {
  RunTable({
      {"/home/runner/work/app/app/src/main.py", "", "", "user"},
      {"C:\\build\\src\\Foo.cs", "", "MyApp.Foo.Bar", "user"},
      {"file:///app/x.py", "", "", "user"},
      {"webpack:///./src/x.ts", "", "", "user"},
      {"app:///src/index.js", "", "", "user"},
      {"", "", "", "user"},
      {"", "", "main", "user"},
  });
}

TEST(FrameOriginTest, Reasons) {
  struct ReasonCase {
    std::string file;
    std::string module;
    std::string reason;
  };
  const std::vector<ReasonCase> cases = {
      {"/usr/lib/python3.11/json/decoder.py", "", "Python standard library (/usr/lib/python3.11/)"},
      {"C:\\Python311\\Lib\\json\\decoder.py", "", "Python standard library (C:/Python311/Lib/)"},
      {"/app/.venv/lib/python3.11/site-packages/requests/models.py", "",
       "Python package in site-packages (site-packages/requests/)"},
      {"/app/node_modules/@org/pkg/dist/x.js", "",
       "npm package in node_modules (node_modules/@org/pkg/)"},
      {"/usr/local/go/src/net/http/server.go", "", "Go standard library (/usr/local/go/src/)"},
      {"/go/pkg/mod/github.com/x/y@v1.2.3/z.go", "",
       "Go module cache (pkg/mod/github.com/x/y@v1.2.3/)"},
      {"node:fs", "", "Node.js built-in module (node:fs)"},
      {"HashMap.java", "java.util.HashMap", "JDK class (java.)"},
      {"/app/x.py", "", "no runtime, dependency or vendored marker in the path"},
  };
  for (const ReasonCase& c : cases) {
    Frame frame;
    frame.file = c.file;
    frame.module = c.module;
    EXPECT_EQ(ClassifyFrame(frame, NormalizeFramePath(c.file)).reason, c.reason) << c.file;
  }
}

TEST(FrameOriginTest, KindNames) {
  EXPECT_EQ(OriginKindName(OriginKind::kUser), "user");
  EXPECT_EQ(OriginKindName(OriginKind::kRuntime), "runtime");
  EXPECT_EQ(OriginKindName(OriginKind::kDependency), "dependency");
  FrameOrigin origin;
  origin.kind = OriginKind::kDependency;
  origin.ecosystem = "python";
  origin.package = "requests";
  origin.version = "2.31.0";
  origin.package_path = "requests/models.py";
  EXPECT_EQ(origin.Dump(), "dependency python requests 2.31.0 path=requests/models.py");
}

}  // namespace
}  // namespace srclink
