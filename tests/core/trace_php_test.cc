#include "core/trace_php.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/stack_trace.h"

namespace srclink {
namespace {

struct TraceCase {
  std::string name;
  std::string input;
  std::string expected;  // DumpStackTrace() of ParsePhpTrace(input)
};

void RunTable(const std::vector<TraceCase>& cases) {
  for (const TraceCase& c : cases) {
    EXPECT_EQ(DumpStackTrace(ParsePhpTrace(c.input)), c.expected) << c.name;
  }
}

TEST(PhpTraceTest, Basics) {
  RunTable({
      {"empty", "", "language php\n"},
      {"garbage", "hello\n\x01\xff\n", "language php\nunparsed 1: hello\nunparsed 2: \x01\xff\n"},
      {"fatal uncaught: names move to the frame that holds the line",
       "PHP Fatal error:  Uncaught Exception: msg in /var/www/x.php:12\n"
       "Stack trace:\n"
       "#0 /var/www/src/Foo.php(42): App\\Foo->bar('a(b', Object(App\\Baz))\n"
       "#1 /var/www/index.php(3): App\\Foo::run()\n"
       "#2 {main}\n"
       "  thrown in /var/www/x.php on line 12\n",
       "language php\n"
       "exception Exception: msg\n"
       "  frame /var/www/x.php:12 module=App\\Foo function=bar\n"
       "  frame /var/www/src/Foo.php:42 module=App\\Foo function=run\n"
       "  frame /var/www/index.php:3 function={main}\n"},
      {"internal function and closures",
       "Error: Call to undefined function f() in /a/b.php:7\n"
       "Stack trace:\n"
       "#0 [internal function]: App\\{closure}(1)\n"
       "#1 /a/c.php(9): array_map(Object(Closure), Array)\n"
       "#2 {main}\n",
       "language php\n"
       "exception Error: Call to undefined function f()\n"
       "  frame /a/b.php:7 function=App\\{closure}\n"
       "  frame  function=array_map\n"
       "  frame /a/c.php:9 function={main}\n"},
      {"Next chain keeps text order",
       "Exception: inner in /x.php:3\n"
       "Stack trace:\n"
       "#0 {main}\n"
       "\n"
       "Next RuntimeException: outer in /x.php:5\n"
       "Stack trace:\n"
       "#0 {main}\n",
       "language php\n"
       "exception Exception: inner\n"
       "  frame /x.php:3 function={main}\n"
       "exception RuntimeException: outer\n"
       "  relation cause\n"
       "  frame /x.php:5 function={main}\n"},
      {"multi-line message",
       "PHP Fatal error:  Uncaught Exception: line one\n"
       "line two in /x.php:4\n"
       "Stack trace:\n"
       "#0 {main}\n",
       "language php\n"
       "exception Exception: line one\\nline two\n"
       "  frame /x.php:4 function={main}\n"},
      {"php 5 form",
       "PHP Fatal error:  Uncaught exception 'LogicException' with message 'bad' in /x.php:9\n"
       "Stack trace:\n"
       "#0 /y.php(2): f()\n"
       "#1 {main}\n",
       "language php\n"
       "exception LogicException: bad\n"
       "  frame /x.php:9 function=f\n"
       "  frame /y.php:2 function={main}\n"},
      {"trace cut before {main}: the outermost name is unknown",
       "RuntimeException: x in /a.php:1\n"
       "Stack trace:\n"
       "#0 /b.php(2): A->f()\n"
       "#1 /c.php(3): B->g()\n",
       "language php\n"
       "exception RuntimeException: x\n"
       "  frame /a.php:1 module=A function=f\n"
       "  frame /b.php:2 module=B function=g\n"
       "  frame /c.php:3\n"},
      {"laravel log with previous exception",
       "[2024-01-01 00:00:00] production.ERROR: boom {\"exception\":\"[object] "
       "(App\\\\Ex(code: 0): boom at /app/A.php:5)\n"
       "[stacktrace]\n"
       "#0 /app/B.php(6): App\\\\A->run()\n"
       "#1 {main}\n"
       "\n"
       "[previous exception] [object] (PDOException(code: 1): "
       "first line\n"
       "second line at /app/C.php:7)\n"
       "[stacktrace]\n"
       "#0 {main}\n"
       "\"} \n",
       "language php\n"
       "exception App\\Ex: boom\n"
       "  frame /app/A.php:5 module=App\\A function=run\n"
       "  frame /app/B.php:6 function={main}\n"
       "exception PDOException: first line\\nsecond line\n"
       "  relation cause\n"
       "  frame /app/C.php:7 function={main}\n"},
      {"symfony console blocks",
       "In Foo.php line 12:\n"
       "\n"
       "  [RuntimeException]\n"
       "  boom\n"
       "\n"
       "Exception trace:\n"
       "  at /app/src/Foo.php:12\n"
       " App\\Foo->bar() at /app/src/Cmd.php:30\n"
       " App\\Cmd->run() at /app/bin/console:9\n",
       "language php\n"
       "exception RuntimeException: boom\n"
       "  frame /app/src/Foo.php:12 module=App\\Foo function=bar\n"
       "  frame /app/src/Cmd.php:30 module=App\\Cmd function=run\n"
       "  frame /app/bin/console:9\n"},
      {"plain PHP errors with xdebug stack",
       "PHP Warning:  Undefined variable $x in /w/a.php on line 3\n"
       "PHP Stack trace:\n"
       "PHP   1. {main}() /w/index.php:0\n"
       "PHP   2. include() /w/index.php:5\n"
       "PHP   3. App\\render($v = 1) /w/a.php:9\n",
       "language php\n"
       "exception Warning: Undefined variable $x\n"
       "  frame /w/a.php:3 function=App\\render\n"
       "  frame /w/index.php:5 function={main}\n"
       "  frame /w/a.php:9 function=include\n"},
      {"eval'd code and PHP 8.4 closure names",
       "Exception: e in /a.php(3) : eval()'d code:1\n"
       "Stack trace:\n"
       "#0 /a.php(3): {closure:App\\X::y():12}()\n"
       "#1 {main}\n",
       "language php\n"
       "exception Exception: e\n"
       "  frame /a.php(3) : eval()'d code:1 function={closure:App\\X::y():12}\n"
       "  frame /a.php:3 function={main}\n"},
      {"CRLF and truncated",
       "Exception: e in /a.php:1\r\nStack trace:\r\n#0 /b.php(2): f()\r\n#1 /c.php(",
       "language php\n"
       "exception Exception: e\n"
       "  frame /a.php:1 function=f\n"
       "  frame /b.php:2\n"
       "unparsed 4: #1 /c.php(\n"},
  });
}

TEST(PhpTraceTest, DetectionAndInApp) {
  auto parsed = ParseStackTrace(
      "PHP Fatal error:  Uncaught Exception: e in /var/www/vendor/acme/lib/src/A.php:3\n"
      "Stack trace:\n"
      "#0 /var/www/src/B.php(4): Acme\\A->f()\n"
      "#1 {main}\n");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(DumpStackTrace(*parsed),
            "language php\n"
            "exception Exception: e\n"
            "  frame /var/www/vendor/acme/lib/src/A.php:3 module=Acme\\A function=f !in_app\n"
            "  frame /var/www/src/B.php:4 function={main}\n");
}

TEST(PhpTraceTest, Scores) {
  EXPECT_EQ(ScorePhpTrace(""), 0);
  EXPECT_EQ(ScorePhpTrace("#0 /var/www/x.php(3): f()\n"), 95);
  EXPECT_EQ(ScorePhpTrace("#1 {main}\n"), 95);
  EXPECT_EQ(ScorePhpTrace("[stacktrace]\n"), 95);
  // gdb and sanitizer frames also start with '#'.
  EXPECT_EQ(ScorePhpTrace("#0  0x00007f in raise () from /lib/libc.so.6\n"), 0);
  EXPECT_EQ(ScorePhpTrace("    #0 0x4c5b1f in main /src/test.cc:12:5\n"), 0);
  EXPECT_EQ(ScorePhpTrace("#1  main () at x.c:10\n"), 0);
  EXPECT_EQ(ScorePhpTrace("x.rb:1:in 'm'\n"), 0);
}

TEST(PhpTraceTest, LinearOnHugeInputs) {
  std::string text = "Exception: e in /a.php:1\nStack trace:\n";
  for (int i = 0; i < 100000; ++i) {
    text += "#" + std::to_string(i) + " /src/F.php(" + std::to_string(i + 1) + "): A->f" +
            std::to_string(i) + "()\n";
  }
  text += "#100000 {main}\n";
  StackTrace trace = ParsePhpTrace(text);
  ASSERT_EQ(trace.exceptions.size(), 1u);
  EXPECT_EQ(trace.exceptions[0].frames.size(), 100001u);
  EXPECT_EQ(trace.exceptions[0].frames.back().frame.function, "{main}");

  std::string line = "#0 ";
  for (int i = 0; i < 200000; ++i) line += "(1";
  trace = ParsePhpTrace(line);
  EXPECT_EQ(trace.unparsed.size(), 1u);
}

}  // namespace
}  // namespace srclink
