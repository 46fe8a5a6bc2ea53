#include "core/resolver.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/frame.h"
#include "core/path_index.h"

namespace srclink {
namespace {

// A small monorepo: a Python service, two Node packages, a Go module at the
// root, a JVM service, a .NET project, vendored code and several Makefiles.
const std::vector<std::string> kRepo = {
    ".github/workflows/ci.yml",
    "Makefile",
    "README.md",
    "go.mod",
    "go.sum",
    "x.py",
    "json/decoder.py",
    "tools/Makefile",
    "tools/x.py",
    "tools/gen/main.go",
    "cmd/shop/main.go",
    "pkg/cart/cart.go",
    "pkg/cart/cart_test.go",
    "pkg/payment/stripe.go",
    "internal/auth/token.go",
    "internal/db/conn.go",
    "vendor/modules.txt",
    "vendor/github.com/x/y/z.go",
    "third_party/zlib/Makefile",
    "third_party/zlib/deflate.c",
    "third_party/zlib/zlib.h",
    "services/api/Makefile",
    "services/api/pyproject.toml",
    "services/api/app/__init__.py",
    "services/api/app/views.py",
    "services/api/app/models.py",
    "services/api/app/utils/__init__.py",
    "services/api/app/utils/helpers.py",
    "services/api/shop_api/__init__.py",
    "services/api/shop_api/client.py",
    "services/api/tests/__init__.py",
    "services/api/tests/test_views.py",
    "services/api/views.py",
    "services/web/Makefile",
    "services/web/package.json",
    "services/web/src/index.js",
    "services/web/src/server.js",
    "services/web/src/routes/cart.js",
    "services/web/src/utils.js",
    "packages/ui/package.json",
    "packages/ui/src/index.js",
    "packages/ui/src/Button.jsx",
    "packages/ui/src/utils.js",
    "services/billing/build.gradle.kts",
    "services/billing/src/main/java/com/acme/shop/Foo.java",
    "services/billing/src/main/java/com/acme/shop/Bar.java",
    "services/billing/src/main/java/com/acme/shop/billing/Invoice.java",
    "services/billing/src/main/kotlin/com/acme/shop/Utils.kt",
    "services/billing/src/test/java/com/acme/shop/FooTest.java",
    "Shop.sln",
    "src/Shop/Shop.csproj",
    "src/Shop/Program.cs",
    "src/Shop/Controllers/CartController.cs",
    "src/Shop/Controllers/HomeController.cs",
    "tests/Shop.Tests/CartControllerTests.cs",
    "docs/index.md",
    "scripts/deploy.sh",
    "crates/serde_shim/src/lib.rs",
};

PathIndex BuildIndex() {
  PathIndex::Builder b;
  for (const std::string& p : kRepo) b.Add(p);
  return b.Build();
}

const PathIndex& Index() {
  static const PathIndex* index = new PathIndex(BuildIndex());
  return *index;
}

Frame F(std::string file, std::string module = "") {
  Frame f;
  f.file = std::move(file);
  f.module = std::move(module);
  f.line = 1;
  return f;
}

struct Case {
  Frame frame;
  std::string expected;  // Resolution::Dump()
};

ResolveOptions Opts(std::string root = "", std::vector<std::string> maps = {},
                    std::string id = "github.com/acme/shop") {
  ResolveOptions o;
  o.root_path = std::move(root);
  o.repository_id = std::move(id);
  for (const std::string& spec : maps) {
    Result<CodeMapping> m = CodeMapping::Parse(spec);
    EXPECT_TRUE(m.ok()) << spec << ": " << m.status().ToString();
    if (m.ok()) o.mappings.push_back(*m);
  }
  return o;
}

// Each case with a fresh Resolver: no learning between them.
void RunTable(const ResolveOptions& options, const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    Resolver resolver(Index(), options);
    Resolution r = resolver.Resolve(c.frame);
    EXPECT_EQ(r.Dump(), c.expected) << c.frame.Dump() << "\n  " << r.explanation;
    EXPECT_FALSE(r.explanation.empty()) << c.frame.Dump();
  }
}

// All cases through one Resolver, in order: learning carries over.
void RunSequence(Resolver& resolver, const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    Resolution r = resolver.Resolve(c.frame);
    EXPECT_EQ(r.Dump(), c.expected) << c.frame.Dump() << "\n  " << r.explanation;
  }
}

Resolution ResolveOne(const Frame& frame, const ResolveOptions& options = Opts()) {
  Resolver resolver(Index(), options);
  return resolver.Resolve(frame);
}

TEST(ResolverTest, AbsolutePathsFromRunnersAndContainers) {
  RunTable(
      Opts(),
      {
          {F("/home/runner/work/shop/shop/services/api/app/views.py"),
           "resolved services/api/app/views.py rule=suffix user"},
          {F("/app/app/views.py"), "resolved services/api/app/views.py rule=suffix user"},
          {F("/app/app/utils/helpers.py"),
           "resolved services/api/app/utils/helpers.py rule=suffix user"},
          {F("/srv/helpers.py"), "resolved services/api/app/utils/helpers.py rule=suffix user"},
          {F("/usr/src/app/src/server.js"), "resolved services/web/src/server.js rule=suffix user"},
          {F("/usr/src/app/src/routes/cart.js"),
           "resolved services/web/src/routes/cart.js rule=suffix user"},
          {F("/go/src/github.com/acme/shop/pkg/cart/cart.go"),
           "resolved pkg/cart/cart.go rule=module-path user"},
          {F("/builds/acme/shop/internal/auth/token.go"),
           "resolved internal/auth/token.go rule=suffix user"},
          {F("/home/runner/work/shop/shop/Makefile"),
           "ambiguous 5 [Makefile services/api/Makefile services/web/Makefile "
           "third_party/zlib/Makefile tools/Makefile] rule=ambiguous user"},
          {F("/usr/src/app/src/index.js"),
           "ambiguous 2 [packages/ui/src/index.js services/web/src/index.js] "
           "rule=ambiguous user"},
          {F("/app/x.py"), "ambiguous 2 [tools/x.py x.py] rule=ambiguous user"},
          {F("/app/tools/x.py"), "resolved tools/x.py rule=suffix user"},
      });
}

TEST(ResolverTest, WindowsPathsFoldCase) {
  RunTable(Opts(),
           {
               {F("C:\\build\\src\\Shop\\Controllers\\CartController.cs"),
                "resolved src/Shop/Controllers/CartController.cs rule=suffix user"},
               {F("C:\\build\\src\\shop\\controllers\\cartcontroller.cs"),
                "resolved src/Shop/Controllers/CartController.cs rule=suffix user"},
               {F("D:/a/shop/shop\\src/Shop\\Controllers/HomeController.cs"),
                "resolved src/Shop/Controllers/HomeController.cs rule=suffix user"},
               {F("src\\Shop\\Program.cs"), "resolved src/Shop/Program.cs rule=exact user"},
               {F("SRC\\SHOP\\PROGRAM.CS"), "resolved src/Shop/Program.cs rule=exact user"},
               {F("\\\\fileserver\\builds\\shop\\src\\Shop\\Program.cs"),
                "resolved src/Shop/Program.cs rule=suffix user"},
               // POSIX paths never fold case.
               {F("/app/src/shop/program.cs"), "unknown rule=not-found user"},
               {F("/app/SRC/Shop/Program.cs"), "resolved src/Shop/Program.cs rule=suffix user"},
               {F("/APP/APP/VIEWS.PY"), "unknown rule=not-found user"},
           });
}

TEST(ResolverTest, RelativePaths) {
  RunTable(
      Opts(),
      {
          {F("services/api/app/views.py"), "resolved services/api/app/views.py rule=exact user"},
          {F("./services/api/app/views.py"), "resolved services/api/app/views.py rule=exact user"},
          {F("services/api/./app/../app/views.py"),
           "resolved services/api/app/views.py rule=exact user"},
          {F("app/views.py"), "resolved services/api/app/views.py rule=suffix user"},
          {F("../app/views.py"), "resolved services/api/app/views.py rule=suffix user"},
          {F("../../services/web/src/server.js"),
           "resolved services/web/src/server.js rule=suffix user"},
          {F("./src/index.js"),
           "ambiguous 2 [packages/ui/src/index.js services/web/src/index.js] "
           "rule=ambiguous user"},
          // A relative path that is itself tracked wins over the others ending the
          // same way.
          {F("x.py"), "resolved x.py rule=exact user"},
          {F("./Makefile"), "resolved Makefile rule=exact user"},
          {F("tools/x.py"), "resolved tools/x.py rule=exact user"},
          {F("../x.py"), "ambiguous 2 [tools/x.py x.py] rule=ambiguous user"},
      });
}

TEST(ResolverTest, UrlForms) {
  RunTable(
      Opts(),
      {
          {F("file:///home/runner/work/shop/shop/services/api/app/views.py"),
           "resolved services/api/app/views.py rule=suffix user"},
          {F("file:///C:/build/src/Shop/Program.cs"),
           "resolved src/Shop/Program.cs rule=suffix user"},
          {F("webpack:///./src/index.js"),
           "ambiguous 2 [packages/ui/src/index.js services/web/src/index.js] "
           "rule=ambiguous user"},
          {F("webpack://web/./src/index.js"),
           "ambiguous 2 [packages/ui/src/index.js services/web/src/index.js] "
           "rule=ambiguous user"},
          {F("app:///src/index.js"),
           "ambiguous 2 [packages/ui/src/index.js services/web/src/index.js] "
           "rule=ambiguous user"},
          {F("webpack:///./src/server.js"), "resolved services/web/src/server.js rule=suffix user"},
          {F("webpack://web/./src/routes/cart.js?abcd#L3"),
           "resolved services/web/src/routes/cart.js rule=suffix user"},
          {F("app:///src/Button.jsx"), "resolved packages/ui/src/Button.jsx rule=suffix user"},
          {F("https://cdn.acme.com/static/src/server.js"),
           "resolved services/web/src/server.js rule=suffix user"},
          {F("webpack:///./node_modules/react-dom/cjs/react-dom.development.js"),
           "unknown rule=third-party"},
      });
}

TEST(ResolverTest, GoModulePaths) {
  RunTable(
      Opts(),
      {
          {F("github.com/acme/shop/pkg/cart/cart.go"),
           "resolved pkg/cart/cart.go rule=module-path user"},
          {F("github.com/acme/shop/cmd/shop/main.go"),
           "resolved cmd/shop/main.go rule=module-path user"},
          {F("github.com/acme/shop/v2/pkg/cart/cart.go"),
           "resolved pkg/cart/cart.go rule=module-path user"},
          {F("/go/src/github.com/acme/shop/v3/internal/db/conn.go"),
           "resolved internal/db/conn.go rule=module-path user"},
          {F("github.com/acme/shop/internal/auth/token.go"),
           "resolved internal/auth/token.go rule=module-path user"},
          // The path says where in the repository the file is: a cart.go
          // elsewhere is not it.
          {F("github.com/acme/shop/pkg/other/cart.go"), "unknown rule=not-found user"},
          {F("github.com/acme/shop/v1/pkg/cart/cart.go"), "unknown rule=not-found user"},
          {F("/go/src/github.com/acme/shop/v2/pkg/other/cart.go"), "unknown rule=not-found user"},
          // A module in a subdirectory: the whole rest of the path must match.
          {F("github.com/acme/shop/gen/main.go"), "resolved tools/gen/main.go rule=suffix user"},
          // The module cache: a third-party module, and the repository's own.
          {F("/root/go/pkg/mod/github.com/x/y@v1.2.3/z.go"), "unknown rule=third-party"},
          {F("/home/me/go/pkg/mod/github.com/gin-gonic/gin@v1.9.1/context.go"),
           "unknown rule=third-party"},
          {F("/root/go/pkg/mod/github.com/acme/shop@v1.0.0/pkg/cart/cart.go"),
           "resolved pkg/cart/cart.go rule=installed-package user"},
          {F("/root/go/pkg/mod/github.com/acme/shop/v2@v2.1.0/pkg/cart/cart.go"),
           "resolved pkg/cart/cart.go rule=installed-package user"},
          {F("/root/go/pkg/mod/github.com/acme/shop/tools@v0.1.0/gen/main.go"),
           "resolved tools/gen/main.go rule=installed-package user"},
          {F("github.com/acme/shop@v1.0.0/pkg/payment/stripe.go"),
           "resolved pkg/payment/stripe.go rule=installed-package user"},
          {F("/root/go/pkg/mod/github.com/!acme/shop@v1.0.0/pkg/cart/cart.go"),
           "resolved pkg/cart/cart.go rule=installed-package user"},
          // A nested module's files are in its directory, not the root.
          {F("/root/go/pkg/mod/github.com/acme/shop/internal@v0.1.0/pkg/cart/cart.go"),
           "unknown rule=third-party"},
          {F("/root/go/pkg/mod/github.com/acme/shopping@v1.0.0/pkg/cart/cart.go"),
           "unknown rule=third-party"},
          // The Go standard library.
          {F("/usr/local/go/src/net/http/server.go"), "unknown rule=runtime"},
          {F("runtime/proc.go"), "unknown rule=runtime"},
          // Vendored: tracked, so linked, but not the service's own code.
          {F("/go/src/github.com/acme/shop/vendor/github.com/x/y/z.go"),
           "resolved vendor/github.com/x/y/z.go rule=vendored"},
          {F("vendor/github.com/x/y/z.go"), "resolved vendor/github.com/x/y/z.go rule=vendored"},
          {F("/app/vendor/github.com/x/other/w.go"), "unknown rule=third-party"},
      });
  // Without the repository id, Go module paths fall back to the suffix rule.
  RunTable(Opts("", {}, ""),
           {
               {F("github.com/acme/shop/pkg/cart/cart.go"),
                "resolved pkg/cart/cart.go rule=suffix user"},
               {F("/root/go/pkg/mod/github.com/acme/shop@v1.0.0/pkg/cart/cart.go"),
                "unknown rule=third-party"},
           });
}

TEST(ResolverTest, JvmClasses) {
  RunTable(
      Opts(),
      {
          {F("Foo.java", "com.acme.shop.Foo$Inner"),
           "resolved services/billing/src/main/java/com/acme/shop/Foo.java rule=jvm-class user"},
          {F("Foo.java", "com.acme.shop.Foo"),
           "resolved services/billing/src/main/java/com/acme/shop/Foo.java rule=jvm-class user"},
          {F("Foo.java", "com.acme.shop.Foo$Inner$1"),
           "resolved services/billing/src/main/java/com/acme/shop/Foo.java rule=jvm-class user"},
          {F("Invoice.java", "com.acme.shop.billing.Invoice"),
           "resolved services/billing/src/main/java/com/acme/shop/billing/Invoice.java "
           "rule=jvm-class user"},
          {F("Utils.kt", "com.acme.shop.UtilsKt"),
           "resolved services/billing/src/main/kotlin/com/acme/shop/Utils.kt rule=jvm-class "
           "user"},
          {F("Unknown Source", "com.acme.shop.Bar"),
           "resolved services/billing/src/main/java/com/acme/shop/Bar.java rule=jvm-class user"},
          {F("Unknown Source", "com.acme.shop.Bar$1"),
           "resolved services/billing/src/main/java/com/acme/shop/Bar.java rule=jvm-class user"},
          {F("", "com.acme.shop.billing.Invoice"),
           "resolved services/billing/src/main/java/com/acme/shop/billing/Invoice.java "
           "rule=jvm-class user"},
          {F("", "com.acme.shop.UtilsKt"),
           "resolved services/billing/src/main/kotlin/com/acme/shop/Utils.kt rule=jvm-class "
           "user"},
          {F("Unknown Source", "com.acme.shop.Missing"), "unknown rule=not-found user"},
          // A class of another package is not the tracked Foo.java of com.acme.shop.
          {F("Foo.java", "com.acme.other.Foo"), "unknown rule=not-found user"},
          // The JDK and well-known libraries.
          {F("HashMap.java", "java.util.HashMap"), "unknown rule=runtime"},
          {F("Unknown Source", "java.util.HashMap$Node"), "unknown rule=runtime"},
          {F("", "java.base/java.lang.Thread"), "unknown rule=runtime"},
          {F("Native Method", "jdk.internal.reflect.NativeMethodAccessorImpl"),
           "unknown rule=runtime"},
          {F("DispatcherServlet.java", "org.springframework.web.servlet.DispatcherServlet"),
           "unknown rule=third-party"},
          // A full path is resolved by its suffix.
          {F("/build/src/main/java/com/acme/shop/Foo.java", "com.acme.shop.Foo"),
           "resolved services/billing/src/main/java/com/acme/shop/Foo.java rule=suffix user"},
      });
}

TEST(ResolverTest, PythonModules) {
  RunTable(
      Opts(),
      {
          {F("", "app.views"), "resolved services/api/app/views.py rule=python-module user"},
          {F("", "app.utils"),
           "resolved services/api/app/utils/__init__.py rule=python-module user"},
          {F("", "app.utils.helpers"),
           "resolved services/api/app/utils/helpers.py rule=python-module user"},
          {F("", "shop_api"), "resolved services/api/shop_api/__init__.py rule=python-module user"},
          {F("", "app.missing"), "unknown rule=not-found user"},
          // With a file, the file decides; the module adds nothing it does not say.
          {F("/app/app/views.py", "app.views"),
           "resolved services/api/app/views.py rule=suffix user"},
          {F("views.py", "app.views"),
           "resolved services/api/app/views.py rule=python-module user"},
          // Logging's "module" is the file's stem: it must not override the path.
          {F("/app/app/views.py", "views"), "resolved services/api/app/views.py rule=suffix user"},
          {F("/app/app/views.py", "__main__"),
           "resolved services/api/app/views.py rule=suffix user"},
          // The standard library, even when the repository tracks json/decoder.py.
          {F("/usr/lib/python3.11/json/decoder.py"), "unknown rule=runtime"},
          {F("/usr/lib/python3.11/json/decoder.py", "json.decoder"), "unknown rule=runtime"},
          {F("", "json.decoder"), "unknown rule=runtime"},
          {F("C:\\Python311\\Lib\\json\\decoder.py"), "unknown rule=runtime"},
          {F("<frozen importlib._bootstrap>"), "unknown rule=runtime"},
          // site-packages: the repository's own package, or a dependency.
          {F("/usr/local/lib/python3.11/site-packages/shop_api/client.py"),
           "resolved services/api/shop_api/client.py rule=installed-package user"},
          {F("/app/.venv/lib/python3.11/site-packages/requests/models.py"),
           "unknown rule=third-party"},
          {F("/app/.venv/lib/python3.11/site-packages/x.py"), "unknown rule=third-party"},
          {F("/app/.venv/lib/python3.11/site-packages/app/views.py"),
           "resolved services/api/app/views.py rule=installed-package user"},
          {F("/usr/lib/python3/dist-packages/zlib/deflate.c"), "unknown rule=third-party"},
      });
  // The service root picks the own package among several.
  RunTable(Opts("tools"),
           {
               {F("/app/.venv/lib/python3.11/site-packages/x.py"), "unknown rule=third-party"},
           });
}

TEST(ResolverTest, NodeAndDependencies) {
  RunTable(Opts(),
           {
               {F("/app/node_modules/express/lib/router/index.js"), "unknown rule=third-party"},
               {F("/usr/src/app/node_modules/.pnpm/lodash@4.17.21/node_modules/lodash/"
                  "lodash.js"),
                "unknown rule=third-party"},
               {F("node:internal/modules/cjs/loader"), "unknown rule=runtime"},
               {F("node:fs"), "unknown rule=runtime"},
               {F("internal/process/task_queues.js"), "unknown rule=runtime"},
               {F("events.js"), "unknown rule=runtime"},
               {F("<anonymous>"), "unknown rule=runtime"},
               {F("<eval>"), "unknown rule=no-file"},
               // A workspace package installed into node_modules is the repository's own.
               {F("/app/node_modules/@acme/ui/src/Button.jsx"),
                "resolved packages/ui/src/Button.jsx rule=installed-package user"},
               {F("/app/node_modules/@acme/ui/src/index.js"),
                "resolved packages/ui/src/index.js rule=installed-package user"},
               // Vendored C, tracked.
               {F("/src/shop/third_party/zlib/deflate.c"),
                "resolved third_party/zlib/deflate.c rule=vendored"},
               {F("third_party/zlib/zlib.h"), "resolved third_party/zlib/zlib.h rule=vendored"},
               {F("/src/shop/third_party/zlib/inflate.c"), "unknown rule=third-party"},
               // A vendored frame never resolves to the repository's own code.
               {F("/src/third_party/cart/cart.go"), "unknown rule=third-party"},

               {F("/usr/include/stdio.h"), "unknown rule=runtime"},
               // A crate from the cargo registry is not the repository's own lib.rs.
               {F("/root/.cargo/registry/src/index.crates.io-6f17d22bba15001f/"
                  "serde-1.0.190/src/lib.rs"),
                "unknown rule=third-party"},
           });
}

TEST(ResolverTest, AmbiguousAndDisambiguated) {
  const Frame index_js = F("/app/src/index.js");
  RunTable(Opts(), {{index_js,
                     "ambiguous 2 [packages/ui/src/index.js services/web/src/index.js] "
                     "rule=ambiguous user"}});
  RunTable(Opts("services/web"),
           {
               {index_js, "resolved services/web/src/index.js rule=root user"},
               {F("/app/src/utils.js"), "resolved services/web/src/utils.js rule=root user"},
               {F("/app/x.py"), "ambiguous 2 [tools/x.py x.py] rule=ambiguous user"},
               // The root only chooses among candidates: a unique suffix stays.
               {F("/app/src/Button.jsx"), "resolved packages/ui/src/Button.jsx rule=suffix user"},
           });
  RunTable(Opts("./services/web/"),
           {{index_js, "resolved services/web/src/index.js rule=root user"}});
  RunTable(Opts("tools"), {
                              {F("/app/x.py"), "resolved tools/x.py rule=root user"},
                              {F("x.py"), "resolved tools/x.py rule=root user"},
                          });
  RunTable(
      Opts("", {"/app=services/web"}),
      {
          {index_js, "resolved services/web/src/index.js rule=mapping user"},
          {F("/app/src/routes/cart.js"),
           "resolved services/web/src/routes/cart.js rule=mapping user"},
          {F("file:///app/src/index.js"), "resolved services/web/src/index.js rule=mapping user"},
          // The mapping is authoritative: not under its source root is not found.
          {F("/app/src/Button.jsx"), "unknown rule=not-found user"},
          // A mapping's stack root matches whole components of absolute paths only.
          {F("/application/src/index.js"),
           "ambiguous 2 [packages/ui/src/index.js services/web/src/index.js] "
           "rule=ambiguous user"},
          {F("app/src/index.js"),
           "ambiguous 2 [packages/ui/src/index.js services/web/src/index.js] "
           "rule=ambiguous user"},
      });
  // The most specific mapping wins, whatever the order given.
  RunTable(Opts("", {"/app=services/web", "/app/ui=packages/ui"}),
           {
               {F("/app/ui/src/index.js"), "resolved packages/ui/src/index.js rule=mapping user"},
               {F("/app/src/index.js"), "resolved services/web/src/index.js rule=mapping user"},
           });
  RunTable(Opts("", {"/app/ui=packages/ui", "/app=services/web"}),
           {
               {F("/app/ui/src/index.js"), "resolved packages/ui/src/index.js rule=mapping user"},
               {F("/app/src/index.js"), "resolved services/web/src/index.js rule=mapping user"},
           });
  RunTable(
      Opts("", {"webpack:///./=packages/ui"}),
      {
          {F("webpack:///./src/index.js"), "resolved packages/ui/src/index.js rule=mapping user"},
          {F("/usr/src/app/src/index.js"),
           "ambiguous 2 [packages/ui/src/index.js services/web/src/index.js] "
           "rule=ambiguous user"},
      });
  RunTable(Opts("", {"C:\\build=src"}),
           {
               {F("C:\\build\\Shop\\Controllers\\CartController.cs"),
                "resolved src/Shop/Controllers/CartController.cs rule=mapping user"},
               {F("c:\\BUILD\\shop\\program.cs"), "resolved src/Shop/Program.cs rule=mapping user"},
           });
  // Mapping to the repository root.
  RunTable(
      Opts("", {"/src=", "/usr/src/app=services/web"}),
      {
          {F("/src/x.py"), "resolved x.py rule=mapping user"},
          {F("/usr/src/app/src/index.js"), "resolved services/web/src/index.js rule=mapping user"},
      });
}

TEST(ResolverTest, Learning) {
  {
    Resolver resolver(Index(), Opts());
    RunSequence(
        resolver,
        {
            {F("/app/src/index.js"),
             "ambiguous 2 [packages/ui/src/index.js services/web/src/index.js] "
             "rule=ambiguous user"},
            {F("/app/src/server.js"), "resolved services/web/src/server.js rule=suffix user"},
            {F("/app/src/index.js"), "resolved services/web/src/index.js rule=learnt user"},
            {F("/app/src/utils.js"), "resolved services/web/src/utils.js rule=learnt user"},
            // Another prefix learnt nothing.
            {F("/srv/src/index.js"),
             "ambiguous 2 [packages/ui/src/index.js services/web/src/index.js] "
             "rule=ambiguous user"},
            // Nor did relative or URL paths that look alike.
            {F("app/src/index.js"),
             "ambiguous 2 [packages/ui/src/index.js services/web/src/index.js] "
             "rule=ambiguous user"},
            {F("webpack:///app/src/index.js"),
             "ambiguous 2 [packages/ui/src/index.js services/web/src/index.js] "
             "rule=ambiguous user"},
            {F("webpack:///./src/Button.jsx"),
             "resolved packages/ui/src/Button.jsx rule=suffix user"},
            {F("webpack:///./src/index.js"), "resolved packages/ui/src/index.js rule=learnt user"},
            {F("/app/src/index.js"), "resolved services/web/src/index.js rule=learnt user"},
        });
  }
  {
    ResolveOptions o = Opts();
    o.learn = false;
    Resolver resolver(Index(), o);
    RunSequence(resolver, {
                              {F("/app/src/server.js"),
                               "resolved services/web/src/server.js rule=suffix user"},
                              {F("/app/src/index.js"),
                               "ambiguous 2 [packages/ui/src/index.js services/web/src/index.js] "
                               "rule=ambiguous user"},
                          });
  }
  {
    // Conflicting evidence: a tie decides nothing.
    Resolver resolver(Index(), Opts());
    RunSequence(
        resolver,
        {
            {F("/app/src/server.js"), "resolved services/web/src/server.js rule=suffix user"},
            {F("/app/src/Button.jsx"), "resolved packages/ui/src/Button.jsx rule=suffix user"},
            {F("/app/src/index.js"),
             "ambiguous 2 [packages/ui/src/index.js services/web/src/index.js] "
             "rule=ambiguous user"},
            {F("/app/src/routes/cart.js"),
             "resolved services/web/src/routes/cart.js rule=suffix user"},
            {F("/app/src/index.js"), "resolved services/web/src/index.js rule=learnt user"},
        });
  }
  {
    // The service root beats learning.
    Resolver resolver(Index(), Opts("packages/ui"));
    RunSequence(
        resolver,
        {
            {F("/app/src/server.js"), "resolved services/web/src/server.js rule=suffix user"},
            {F("/app/src/index.js"), "resolved packages/ui/src/index.js rule=root user"},
        });
  }
}

TEST(ResolverTest, UnknownFrames) {
  RunTable(Opts(), {
                       {F(""), "unknown rule=no-file"},
                       {F("   "), "unknown rule=no-file"},
                       {F("/"), "unknown rule=no-file"},
                       {F("Unknown Source"), "unknown rule=no-file"},
                       {F("/app/app/gone.py"), "unknown rule=not-found user"},
                       {F("/app/generated/bundle.min.js"), "unknown rule=not-found user"},
                       {F("views.py.orig"), "unknown rule=not-found user"},
                   });
}

TEST(ResolverTest, MaxCandidatesKeepsTheCount) {
  ResolveOptions o = Opts();
  o.max_candidates = 2;
  RunTable(o, {
                  // The earliest-added candidates (git lists paths sorted, so
                  // there they are the alphabetically first; this table is not).
                  {F("/home/runner/work/shop/shop/Makefile"),
                   "ambiguous 5 [Makefile tools/Makefile] rule=ambiguous user"},
                  {F("/srv/src/index.js"),
                   "ambiguous 2 [packages/ui/src/index.js services/web/src/index.js] "
                   "rule=ambiguous user"},
              });
  o.max_candidates = 0;
  RunTable(o, {{F("/home/runner/work/shop/shop/Makefile"), "ambiguous 5 [] rule=ambiguous user"}});
  Resolution r = ResolveOne(F("/b/Makefile"), o);
  EXPECT_EQ(r.candidate_count, 5u);
  EXPECT_TRUE(r.candidates.empty());
}

TEST(ResolverTest, Explanations) {
  EXPECT_EQ(ResolveOne(F("/app/app/views.py")).explanation,
            "the last 2 of 3 path components match one tracked file");
  EXPECT_EQ(ResolveOne(F("services/api/app/views.py")).explanation, "the path is a tracked file");
  EXPECT_EQ(ResolveOne(F("x.py")).explanation,
            "the path is a tracked file (1 other tracked file ends the same way)");
  EXPECT_EQ(ResolveOne(F("/app/src/index.js")).explanation,
            "2 tracked files end with src/index.js; set the service root (--root, tag "
            "service_root_path) or a code mapping (--map STACK=SOURCE) to choose");
  EXPECT_EQ(ResolveOne(F("/app/src/index.js"), Opts("services/web")).explanation,
            "2 tracked files end with src/index.js; the service root services/web selects "
            "services/web/src/index.js");
  EXPECT_EQ(ResolveOne(F("/app/src/index.js"), Opts("", {"/app=services/web"})).explanation,
            "the code mapping /app → services/web gives services/web/src/index.js");
  EXPECT_EQ(ResolveOne(F("webpack:///./src/server.js"), Opts("", {"webpack:///./=services/web"}))
                .explanation,
            "the code mapping webpack:/// → services/web gives services/web/src/server.js");
  EXPECT_EQ(ResolveOne(F("/src/x.py"), Opts("", {"/src="})).explanation,
            "the code mapping /src → (repository root) gives x.py");
  EXPECT_EQ(ResolveOne(F("C:\\build\\Shop\\Program.cs"), Opts("", {"C:\\build=src"})).explanation,
            "the code mapping C:/build → src gives src/Shop/Program.cs");
  EXPECT_EQ(ResolveOne(F("github.com/acme/shop/pkg/cart/cart.go")).explanation,
            "the path names the repository github.com/acme/shop; the rest is pkg/cart/cart.go");
  EXPECT_EQ(ResolveOne(F("", "app.views")).explanation,
            "the module app.views is app/views.py, tracked as services/api/app/views.py");
  EXPECT_EQ(ResolveOne(F("Foo.java", "com.acme.shop.Foo$Inner")).explanation,
            "the class com.acme.shop.Foo$Inner is in com/acme/shop/Foo.java, tracked as "
            "services/billing/src/main/java/com/acme/shop/Foo.java");
  EXPECT_EQ(ResolveOne(F("Foo.java", "com.acme.other.Foo")).explanation,
            "the class com.acme.other.Foo is in com/acme/other/Foo.java, and no tracked file ends "
            "with that; is the commit right?");
  EXPECT_EQ(ResolveOne(F("github.com/acme/shop/pkg/other/cart.go")).explanation,
            "the path names the repository github.com/acme/shop, but no tracked file ends with "
            "pkg/other/cart.go; is the commit right?");
  EXPECT_EQ(ResolveOne(F("Unknown Source")).explanation,
            "the frame's file \"Unknown Source\" is not a path");
  EXPECT_EQ(ResolveOne(F("/src/shop/third_party/zlib/inflate.c")).explanation,
            "vendored third-party tree (third_party/zlib/); the repository does not track this "
            "copy");
  EXPECT_EQ(ResolveOne(F("/app/app/gone.py")).explanation,
            "no tracked file ends with gone.py; is the commit right, and was the file generated "
            "at build time?");
  EXPECT_EQ(ResolveOne(F("")).explanation, "the frame has no file name");
  EXPECT_EQ(ResolveOne(F("/usr/lib/python3.11/json/decoder.py")).explanation,
            "Python standard library (/usr/lib/python3.11/); runtime and standard library frames "
            "are not linked to the repository");
  EXPECT_EQ(ResolveOne(F("/app/node_modules/express/lib/router/index.js")).explanation,
            "npm package in node_modules (node_modules/express/); not part of this repository");
  EXPECT_EQ(ResolveOne(F("vendor/github.com/x/y/z.go")).explanation,
            "vendored Go module (vendor/github.com/x/y/); the repository tracks this copy");
  EXPECT_EQ(ResolveOne(F("/usr/local/lib/python3.11/site-packages/shop_api/client.py")).explanation,
            "Python package in site-packages (site-packages/shop_api/); the package is this "
            "repository's own (services/api/shop_api/client.py)");
  {
    Resolver resolver(Index(), Opts());
    resolver.Resolve(F("/app/src/server.js"));
    EXPECT_EQ(resolver.Resolve(F("/app/src/index.js")).explanation,
              "2 tracked files end with src/index.js; other frames of this service map /app to "
              "services/web (1 frame)");
    resolver.Resolve(F("json/decoder.py"));
    resolver.Resolve(F("tools/x.py"));
    EXPECT_EQ(resolver.Resolve(F("Makefile")).explanation,
              "5 tracked files end with Makefile; other frames of this service map relative paths "
              "to the repository root (2 frames)");
  }
  // Every explanation is one sentence: no trailing period, no empty parts.
  for (const char* file : {"/app/x.py", "/app/app/gone.py", "node:fs", "/app/node_modules/a/b.js",
                           "/usr/src/app/src/server.js", ""}) {
    std::string e = ResolveOne(F(file)).explanation;
    EXPECT_FALSE(e.empty()) << file;
    EXPECT_NE(e.back(), '.') << file << ": " << e;
    EXPECT_EQ(e.find("  "), std::string::npos) << file << ": " << e;
  }
}

TEST(ResolverTest, ResultFields) {
  Resolution r = ResolveOne(F("/app/src/index.js"));
  EXPECT_EQ(r.status, ResolutionStatus::kAmbiguous);
  EXPECT_EQ(r.candidate_count, 2u);
  EXPECT_TRUE(r.path.empty());
  EXPECT_EQ(r.origin.kind, OriginKind::kUser);
  r = ResolveOne(F("/app/app/views.py"));
  EXPECT_EQ(r.status, ResolutionStatus::kResolved);
  EXPECT_TRUE(r.candidates.empty());
  EXPECT_EQ(r.candidate_count, 0u);
  r = ResolveOne(F("vendor/github.com/x/y/z.go"));
  EXPECT_EQ(r.origin.kind, OriginKind::kDependency);
  EXPECT_TRUE(r.origin.vendored);
  EXPECT_FALSE(r.user_code);
  EXPECT_EQ(ResolutionStatusName(ResolutionStatus::kResolved), "resolved");
  EXPECT_EQ(ResolutionStatusName(ResolutionStatus::kAmbiguous), "ambiguous");
  EXPECT_EQ(ResolutionStatusName(ResolutionStatus::kUnknown), "unknown");
}

std::vector<Frame> MixedFrames() {
  return {
      F("/app/src/index.js"),  // ambiguous, then learnt
      F("/home/runner/work/shop/shop/services/api/app/views.py"),
      F("C:\\build\\src\\shop\\controllers\\cartcontroller.cs"),  // folded
      F("/app/src/server.js"),                                    // teaches /app → services/web
      F("/app/src/index.js"),                                     // learnt
      F("/app/src/utils.js"),                                     // learnt
      F("github.com/acme/shop/pkg/cart/cart.go"),
      F("/root/go/pkg/mod/github.com/x/y@v1.2.3/z.go"),
      F("/root/go/pkg/mod/github.com/acme/shop@v1.0.0/pkg/cart/cart.go"),
      F("Foo.java", "com.acme.shop.Foo$Inner"),
      F("Unknown Source", "com.acme.shop.Bar"),
      F("HashMap.java", "java.util.HashMap"),
      F("", "app.views"),
      F("/usr/lib/python3.11/json/decoder.py"),
      F("json/decoder.py"),
      F("/app/.venv/lib/python3.11/site-packages/requests/models.py"),
      F("/usr/local/lib/python3.11/site-packages/shop_api/client.py"),
      F("/app/node_modules/express/lib/router/index.js"),
      F("node:internal/modules/cjs/loader"),
      F("vendor/github.com/x/y/z.go"),
      F("/src/third_party/zlib/deflate.c"),
      F(""),
      F("/app/app/gone.py"),
      F("/app/x.py"),
      F("x.py"),
      F("webpack:///./src/index.js"),
      F("webpack://web/./src/routes/cart.js"),
      F("app:///src/Button.jsx"),
      F("/srv/src/index.js"),
      F("/srv/src/Button.jsx"),  // teaches /srv → packages/ui
      F("/srv/src/index.js"),    // learnt
      F("/srv/src/utils.js"),    // learnt
      F("../../services/web/src/server.js"),
      F("/home/runner/work/shop/shop/Makefile"),
      F("file:///home/runner/work/shop/shop/services/api/app/views.py"),
      F("/go/src/github.com/acme/shop/internal/db/conn.go"),
      F("Utils.kt", "com.acme.shop.UtilsKt"),
      F("D:/a/shop/shop\\src/Shop\\Controllers/HomeController.cs"),
      F("/usr/local/go/src/net/http/server.go"),
      F("/app/APP/views.py"),
      F("Unknown Source"),
  };
}

TEST(ResolverTest, BatchMatchesOneByOne) {
  const std::vector<Frame> frames = MixedFrames();
  for (const ResolveOptions& o : {Opts(), Opts("services/api"), Opts("", {"/app=services/web"})}) {
    Resolver one(Index(), o);
    std::vector<std::string> expected;
    for (const Frame& f : frames) {
      Resolution r = one.Resolve(f);
      expected.push_back(r.Dump() + " | " + r.explanation);
    }
    Resolver batch(Index(), o);
    std::vector<Resolution> got = batch.ResolveBatch(frames);
    ASSERT_EQ(got.size(), frames.size());
    for (size_t i = 0; i < frames.size(); ++i) {
      EXPECT_EQ(got[i].Dump() + " | " + got[i].explanation, expected[i])
          << i << ": " << frames[i].Dump();
    }
  }
  // And the results themselves, learning included.
  Resolver batch(Index(), Opts());
  std::vector<Resolution> got = batch.ResolveBatch(frames);
  std::vector<std::string> dumps;
  for (const Resolution& r : got) dumps.push_back(r.Dump());
  const std::vector<std::string> want = {
      "ambiguous 2 [packages/ui/src/index.js services/web/src/index.js] rule=ambiguous user",
      "resolved services/api/app/views.py rule=suffix user",
      "resolved src/Shop/Controllers/CartController.cs rule=suffix user",
      "resolved services/web/src/server.js rule=suffix user",
      "resolved services/web/src/index.js rule=learnt user",
      "resolved services/web/src/utils.js rule=learnt user",
      "resolved pkg/cart/cart.go rule=module-path user",
      "unknown rule=third-party",
      "resolved pkg/cart/cart.go rule=installed-package user",
      "resolved services/billing/src/main/java/com/acme/shop/Foo.java rule=jvm-class user",
      "resolved services/billing/src/main/java/com/acme/shop/Bar.java rule=jvm-class user",
      "unknown rule=runtime",
      "resolved services/api/app/views.py rule=python-module user",
      "unknown rule=runtime",
      "resolved json/decoder.py rule=exact user",
      "unknown rule=third-party",
      "resolved services/api/shop_api/client.py rule=installed-package user",
      "unknown rule=third-party",
      "unknown rule=runtime",
      "resolved vendor/github.com/x/y/z.go rule=vendored",
      "resolved third_party/zlib/deflate.c rule=vendored",
      "unknown rule=no-file",
      "unknown rule=not-found user",
      "ambiguous 2 [tools/x.py x.py] rule=ambiguous user",
      "resolved x.py rule=learnt user",  // json/decoder.py taught: relative paths are from the root
      "ambiguous 2 [packages/ui/src/index.js services/web/src/index.js] rule=ambiguous user",
      "resolved services/web/src/routes/cart.js rule=suffix user",
      "resolved packages/ui/src/Button.jsx rule=suffix user",
      "ambiguous 2 [packages/ui/src/index.js services/web/src/index.js] rule=ambiguous user",
      "resolved packages/ui/src/Button.jsx rule=suffix user",
      "resolved packages/ui/src/index.js rule=learnt user",
      "resolved packages/ui/src/utils.js rule=learnt user",
      "resolved services/web/src/server.js rule=suffix user",
      "resolved Makefile rule=learnt user",  // the runner's checkout is the repository root
      "resolved services/api/app/views.py rule=suffix user",
      "resolved internal/db/conn.go rule=module-path user",
      "resolved services/billing/src/main/kotlin/com/acme/shop/Utils.kt rule=jvm-class user",
      "resolved src/Shop/Controllers/HomeController.cs rule=suffix user",
      "unknown rule=runtime",
      "ambiguous 2 [services/api/app/views.py services/api/views.py] rule=ambiguous user",
      "unknown rule=no-file",
  };
  ASSERT_EQ(dumps.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(dumps[i], want[i]) << frames[i].Dump();
}

TEST(ResolverTest, BatchOfNothing) {
  Resolver resolver(Index(), Opts());
  EXPECT_TRUE(resolver.ResolveBatch({}).empty());
}

TEST(CodeMappingTest, Parse) {
  struct ParseCase {
    std::string spec;
    std::string expected;  // "STACK=SOURCE" or the error message
  };
  const std::vector<ParseCase> cases = {
      {"/app=services/api", "/app=services/api"},
      {"/app=./services/api/", "/app=services/api"},
      {"/app=", "/app="},
      {"/app=.", "/app="},
      {"C:\\build=src", "C:\\build=src"},
      {"webpack:///./=services/web", "webpack:///./=services/web"},
      {"/app=services/../packages/ui", "/app=packages/ui"},
      {"/app=a=b", "/app=a=b"},
      {"/app", "code mapping \"/app\" has no '=': write STACK=SOURCE, e.g. /app=services/api"},
      {"", "code mapping \"\" has no '=': write STACK=SOURCE, e.g. /app=services/api"},
      {"=services/api",
       "code mapping \"=services/api\" has an empty stack root: write STACK=SOURCE, e.g. "
       "/app=services/api"},
      {"/app=../outside",
       "code mapping \"/app=../outside\": the source root \"../outside\" leaves the repository; "
       "give a directory inside it"},
      {"/app=services/../../x",
       "code mapping \"/app=services/../../x\": the source root \"services/../../x\" leaves the "
       "repository; give a directory inside it"},
  };
  for (const ParseCase& c : cases) {
    Result<CodeMapping> m = CodeMapping::Parse(c.spec);
    std::string got = m.ok() ? m->stack_root + "=" + m->source_root : m.status().message();
    EXPECT_EQ(got, c.expected) << c.spec;
    if (!m.ok()) {
      EXPECT_EQ(m.status().code(), Status::Code::kInvalidArgument) << c.spec;
    }
  }
}

}  // namespace
}  // namespace srclink
