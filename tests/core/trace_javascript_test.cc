#include "core/trace_javascript.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "core/stack_trace.h"

namespace srclink {
namespace {

struct TraceCase {
  std::string name;
  std::string input;
  std::string expected;  // DumpStackTrace() of ParseJavaScriptTrace(input)
};

void RunTable(const std::vector<TraceCase>& cases) {
  for (const TraceCase& c : cases) {
    EXPECT_EQ(DumpStackTrace(ParseJavaScriptTrace(c.input)), c.expected) << c.name;
  }
}

TEST(JavaScriptTraceTest, V8) {
  RunTable({
      {"empty", "", "language javascript\n"},
      {"garbage", "nothing to see\n", "language javascript\nunparsed 1: nothing to see\n"},
      {"frame forms",
       "TypeError: Cannot read properties of undefined (reading 'id')\n"
       "    at UserService.load (/app/src/user.js:10:5)\n"
       "    at /app/src/x.js:1:2\n"
       "    at async Promise.all (index 0)\n"
       "    at async handler (/app/src/h.js:3:9)\n"
       "    at new Foo (/app/src/foo.js:4:11)\n"
       "    at Object.<anonymous> (/app/index.js:1:1)\n"
       "    at Router.handle [as handle_request] (/app/node_modules/express/lib/router/"
       "layer.js:95:5)\n"
       "    at Module._compile (node:internal/modules/cjs/loader:1256:14)\n"
       "    at Generator.next (<anonymous>)\n"
       "    at file:///app/x.mjs:3:7\n",
       "language javascript\n"
       "exception TypeError: Cannot read properties of undefined (reading 'id')\n"
       "  frame /app/src/user.js:10:5 function=UserService.load\n"
       "  frame /app/src/x.js:1:2\n"
       "  frame  function=Promise.all\n"
       "  frame /app/src/h.js:3:9 function=handler\n"
       "  frame /app/src/foo.js:4:11 function=new Foo\n"
       "  frame /app/index.js:1:1 function=Object.<anonymous>\n"
       "  frame /app/node_modules/express/lib/router/layer.js:95:5 function=Router.handle\n"
       "  frame node:internal/modules/cjs/loader:1256:14 function=Module._compile\n"
       "  frame <anonymous> function=Generator.next\n"
       "  frame file:///app/x.mjs:3:7\n"},
      {"eval and webpack",
       "ReferenceError: x is not defined\n"
       "    at eval (eval at <anonymous> (/app/file.js:1:1), <anonymous>:1:1)\n"
       "    at eval (webpack:///./src/x.js?abc:1:2)\n"
       "    at Object../src/x.js (http://localhost:3000/static/js/main.js:120:1)\n",
       "language javascript\n"
       "exception ReferenceError: x is not defined\n"
       "  frame /app/file.js:1:1 function=eval\n"
       "  frame webpack:///./src/x.js?abc:1:2 function=eval\n"
       "  frame http://localhost:3000/static/js/main.js:120:1 function=Object../src/x.js\n"},
      {"node error code, multi-line message, CRLF",
       "Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'x'\r\n"
       "imported from /app/a.mjs\r\n"
       "    at packageResolve (node:internal/modules/esm/resolve:844:9)\r\n",
       "language javascript\n"
       "exception Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'x'\\nimported from "
       "/app/a.mjs\n"
       "  frame node:internal/modules/esm/resolve:844:9 function=packageResolve\n"},
      {"uncaught with source context and Node version",
       "/app/index.js:5\n"
       "    throw new Error('boom');\n"
       "    ^\n"
       "\n"
       "Error: boom\n"
       "    at Object.<anonymous> (/app/index.js:5:11)\n"
       "\n"
       "Node.js v20.11.0\n",
       "language javascript\n"
       "exception Error: boom\n"
       "  frame /app/index.js:5:11 function=Object.<anonymous>\n"},
      {"a location line without a caret stays unparsed",
       "server started on http://localhost:3000\n"
       "Error: boom\n"
       "    at f (/app/a.js:1:2)\n",
       "language javascript\n"
       "exception Error: boom\n"
       "  frame /app/a.js:1:2 function=f\n"
       "unparsed 1: server started on http://localhost:3000\n"},
      {"fuzz regression: location lines in a row stay in order", "/a.js:1\n/b.js:2\nx\n",
       "language javascript\n"
       "unparsed 1: /a.js:1\n"
       "unparsed 2: /b.js:2\n"
       "unparsed 3: x\n"},
      {"browser console",
       "Uncaught (in promise) TypeError: Failed to fetch\n"
       "    at fetchUser (https://example.com/assets/index-3f2a.js:1:2345)\n",
       "language javascript\n"
       "exception TypeError: Failed to fetch\n"
       "  frame https://example.com/assets/index-3f2a.js:1:2345 function=fetchUser\n"},
      {"truncated",
       "Error: x\n"
       "    at f (/app/a.js:1:2)\n"
       "    at g (/app/b.j",
       "language javascript\n"
       "exception Error: x\n"
       "  frame /app/a.js:1:2 function=f\n"
       "  frame /app/b.j function=g\n"},
  });
}

TEST(JavaScriptTraceTest, Causes) {
  RunTable({
      {"node cause and properties",
       "Error: outer\n"
       "    at Object.<anonymous> (/app/x.js:1:7)\n"
       "    ... 2 lines matching cause stack trace ...\n"
       "    at node:internal/main/run_main_module:23:47 {\n"
       "  [cause]: Error: ENOENT: no such file or directory, open 'cfg.json'\n"
       "      at Object.openSync (node:fs:601:3)\n"
       "      at Object.readFileSync (node:fs:469:35) {\n"
       "    errno: -2,\n"
       "    code: 'ENOENT',\n"
       "    path: 'cfg.json'\n"
       "  }\n"
       "}\n",
       "language javascript\n"
       "exception Error: outer\n"
       "  frame /app/x.js:1:7 function=Object.<anonymous>\n"
       "  frame node:internal/main/run_main_module:23:47\n"
       "  omitted 2\n"
       "exception Error: ENOENT: no such file or directory, open 'cfg.json'\n"
       "  relation cause\n"
       "  frame node:fs:601:3 function=Object.openSync\n"
       "  frame node:fs:469:35 function=Object.readFileSync\n"},
      {"aggregate errors",
       "AggregateError: All promises were rejected\n"
       "    at f (/app/a.js:1:2) {\n"
       "  [errors]: [\n"
       "    Error: one\n"
       "        at g (/app/b.js:2:3),\n"
       "    Error: two\n"
       "        at h (/app/c.js:4:5)\n"
       "  ]\n"
       "}\n",
       "language javascript\n"
       "exception AggregateError: All promises were rejected\n"
       "  frame /app/a.js:1:2 function=f\n"
       "exception Error: one\n"
       "  relation group\n"
       "  frame /app/b.js:2:3 function=g\n"
       "exception Error: two\n"
       "  relation group\n"
       "  frame /app/c.js:4:5 function=h\n"},
  });
}

TEST(JavaScriptTraceTest, FirefoxAndSafari) {
  RunTable({
      {"frames only",
       "handleClick@https://example.com/app.js:10:15\n"
       "@https://example.com/app.js:20:1\n"
       "Foo</bar@http://localhost/x.js:3:4\n"
       "global code@http://localhost/x.js:9:1\n"
       "forEach@[native code]\n"
       "f@http://h/x.js line 2 > eval:1:5\n",
       "language javascript\n"
       "exception \n"
       "  frame https://example.com/app.js:10:15 function=handleClick\n"
       "  frame https://example.com/app.js:20:1\n"
       "  frame http://localhost/x.js:3:4 function=Foo</bar\n"
       "  frame http://localhost/x.js:9:1 function=global code\n"
       "  frame [native code] function=forEach\n"
       "  frame http://h/x.js:2 function=f\n"},
  });
}

TEST(JavaScriptTraceTest, Score) {
  EXPECT_EQ(ScoreJavaScriptTrace(""), 0);
  EXPECT_EQ(ScoreJavaScriptTrace("Error: x\n"), 0);
  EXPECT_EQ(ScoreJavaScriptTrace("    at f (/app/x.js:1:2)\n"), 70);
  EXPECT_EQ(ScoreJavaScriptTrace("TypeError: x\n    at f (/app/x.js:1:2)\n"), 75);
  EXPECT_EQ(ScoreJavaScriptTrace("    at /app/x.js:1:2\n"), 50);
  EXPECT_EQ(ScoreJavaScriptTrace("f@http://h/x.js:1:2\n"), 60);
  // .NET, JVM and Ruby lines are not JavaScript.
  EXPECT_EQ(ScoreJavaScriptTrace("   at Ns.C.M() in C:\\x\\File.cs:line 42\n"), 0);
  EXPECT_EQ(ScoreJavaScriptTrace("   at Ns.C.M(String s) in /src/File.cs:line 42:7\n"), 0);
  EXPECT_EQ(ScoreJavaScriptTrace("\tat a.B.c(B.java:1)\n"), 0);
  EXPECT_EQ(ScoreJavaScriptTrace("/app/x.rb:1:in 'm'\n\tfrom /app/y.rb:2:in 'n'\n"), 0);
  EXPECT_EQ(ScoreJavaScriptTrace("user@example.com:22\n"), 0);
}

TEST(JavaScriptTraceTest, LongInputs) {
  std::string name(1 << 20, 'a');
  StackTrace t = ParseJavaScriptTrace("Error: x\n    at " + name + " (/" + name + ".js:1:2)\n");
  ASSERT_EQ(t.FrameCount(), 1u);
  EXPECT_EQ(t.exceptions[0].frames[0].frame.function.size(), name.size());
  t = ParseJavaScriptTrace("    at f " + std::string(1 << 20, '(') + "\n");
  EXPECT_EQ(t.FrameCount(), 1u);

  std::string big = "RangeError: Maximum call stack size exceeded\n";
  for (int i = 0; i < 100000; ++i) big += "    at recurse (/app/src/r.js:3:10)\n";
  auto start = std::chrono::steady_clock::now();
  t = ParseJavaScriptTrace(big);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  start)
                .count();
  EXPECT_EQ(t.FrameCount(), 100000u);
  EXPECT_TRUE(t.unparsed.empty());
  EXPECT_LT(ms, 2000);
}

// Python, JVM, Go and JavaScript traces are each detected as themselves, and
// the runtime frames ParseStackTrace() classifies end up out of the app.
TEST(PythonJavaGoJavaScriptDetectionTest, EachLanguageIsItself) {
  struct Case {
    std::string input;
    TraceLanguage language;
  };
  const std::vector<Case> cases = {
      {"Traceback (most recent call last):\n  File \"a.py\", line 1, in f\nE: x\n",
       TraceLanguage::kPython},
      {"  File \"a.py\", line 1, in f\n", TraceLanguage::kPython},
      {"java.lang.Error: x\n\tat a.B.c(B.java:1)\n", TraceLanguage::kJava},
      {"Exception in thread \"main\" java.lang.Error\n\tat a.B.c(B.kt:1)\n", TraceLanguage::kJava},
      {"panic: x\n\ngoroutine 1 [running]:\nmain.main()\n\t/a/main.go:3 +0x1\n",
       TraceLanguage::kGo},
      {"main.main()\n\t/a/main.go:3 +0x1d\n", TraceLanguage::kGo},
      {"Error: x\n    at f (/app/a.js:1:2)\n", TraceLanguage::kJavaScript},
      {"f@https://h/a.js:1:2\n", TraceLanguage::kJavaScript},
      {"Error: x\n    at /app/a.js:1:2\n", TraceLanguage::kJavaScript},
      {"", TraceLanguage::kUnknown},
      {"just a log line\n", TraceLanguage::kUnknown},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(TraceLanguageName(DetectTraceLanguage(c.input)), TraceLanguageName(c.language))
        << c.input;
  }

  auto parsed = ParseStackTrace(
      "Error: x\n    at f (/app/a.js:1:2)\n    at Module._compile "
      "(node:internal/modules/cjs/loader:1256:14)\n");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(DumpStackTrace(*parsed),
            "language javascript\n"
            "exception Error: x\n"
            "  frame /app/a.js:1:2 function=f\n"
            "  frame node:internal/modules/cjs/loader:1256:14 function=Module._compile !in_app\n");
}

}  // namespace
}  // namespace srclink
