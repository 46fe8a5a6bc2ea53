#include "core/trace_python.h"

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
  std::string expected;  // DumpStackTrace() of ParsePythonTrace(input)
};

void RunTable(const std::vector<TraceCase>& cases) {
  for (const TraceCase& c : cases) {
    EXPECT_EQ(DumpStackTrace(ParsePythonTrace(c.input)), c.expected) << c.name;
  }
}

TEST(PythonTraceTest, Basics) {
  RunTable({
      {"empty", "", "language python\n"},
      {"blank lines only", "\n  \n\t\n", "language python\n"},
      {"garbage", "hello world\n\x01\xff\n",
       "language python\nunparsed 1: hello world\nunparsed 2: \x01\xff\n"},
      {"simple",
       "Traceback (most recent call last):\n"
       "  File \"/app/views.py\", line 42, in index\n"
       "    return render(request)\n"
       "  File \"/app/render.py\", line 7, in render\n"
       "    raise ValueError(\"bad value\")\n"
       "ValueError: bad value\n",
       "language python\n"
       "exception ValueError: bad value\n"
       "  frame /app/views.py:42 function=index\n"
       "  frame /app/render.py:7 function=render\n"},
      {"dotted type, no message, module frame",
       "Traceback (most recent call last):\n"
       "  File \"main.py\", line 3, in <module>\n"
       "    main()\n"
       "requests.exceptions.HTTPError\n",
       "language python\n"
       "exception requests.exceptions.HTTPError\n"
       "  frame main.py:3 function=<module>\n"},
      {"multi-line message ends at a blank line",
       "Traceback (most recent call last):\n"
       "  File \"m.py\", line 1, in <module>\n"
       "pydantic_core._pydantic_core.ValidationError: 1 validation error for User\n"
       "age\n"
       "  Input should be a valid integer [type=int_parsing]\n"
       "\n"
       "after the trace\n",
       "language python\n"
       "exception pydantic_core._pydantic_core.ValidationError: 1 validation error for "
       "User\\nage\\nInput should be a valid integer [type=int_parsing]\n"
       "  frame m.py:1 function=<module>\n"
       "unparsed 7: after the trace\n"},
      {"message stops at a log line",
       "Traceback (most recent call last):\n"
       "  File \"m.py\", line 1, in <module>\n"
       "KeyError: 'x'\n"
       "2024-05-01 10:00:00,123 INFO next request\n",
       "language python\n"
       "exception KeyError: 'x'\n"
       "  frame m.py:1 function=<module>\n"
       "unparsed 4: 2024-05-01 10:00:00,123 INFO next request\n"},
      {"log prefix before the trace",
       "2024-05-01 10:00:00,123 ERROR [app] request failed\n"
       "Traceback (most recent call last):\n"
       "  File \"/srv/app.py\", line 9, in handle\n"
       "RuntimeError: boom\n",
       "language python\n"
       "exception RuntimeError: boom\n"
       "  frame /srv/app.py:9 function=handle\n"
       "unparsed 1: 2024-05-01 10:00:00,123 ERROR [app] request failed\n"},
      {"CRLF",
       "Traceback (most recent call last):\r\n"
       "  File \"a.py\", line 2, in f\r\n"
       "    g()\r\n"
       "NameError: name 'g' is not defined\r\n",
       "language python\n"
       "exception NameError: name 'g' is not defined\n"
       "  frame a.py:2 function=f\n"},
      {"truncated in a frame line",
       "Traceback (most recent call last):\n"
       "  File \"a.py\", line 2, in f\n"
       "  File \"b.py\", li",
       "language python\n"
       "exception \n"
       "  frame a.py:2 function=f\n"
       "unparsed 3:   File \"b.py\", li\n"},
      {"frames without the header",
       "  File \"a.py\", line 2, in f\n"
       "    g()\n"
       "TypeError: 'NoneType' object is not callable\n",
       "language python\n"
       "exception TypeError: 'NoneType' object is not callable\n"
       "  frame a.py:2 function=f\n"},
  });
}

TEST(PythonTraceTest, SourceLinesAndMarkers) {
  RunTable({
      {"3.11 location markers and multi-line source",
       "Traceback (most recent call last):\n"
       "  File \"/app/x.py\", line 10, in run\n"
       "    response = handle_uncaught_exception(\n"
       "        request, resolver, sys.exc_info()\n"
       "    )\n"
       "  File \"/app/y.py\", line 3, in f\n"
       "    return a[0] / b\n"
       "           ~~~~~^~~\n"
       "ZeroDivisionError: division by zero\n",
       "language python\n"
       "exception ZeroDivisionError: division by zero\n"
       "  frame /app/x.py:10 function=run\n"
       "  frame /app/y.py:3 function=f\n"},
      {"frozen frame without source, SyntaxError caret",
       "Traceback (most recent call last):\n"
       "  File \"<frozen runpy>\", line 198, in _run_module_as_main\n"
       "  File \"/app/m.py\", line 4\n"
       "    print \"hi\"\n"
       "    ^^^^^^^^^^\n"
       "SyntaxError: Missing parentheses in call to 'print'. Did you mean print(...)?\n",
       "language python\n"
       "exception SyntaxError: Missing parentheses in call to 'print'. Did you mean print(...)?\n"
       "  frame <frozen runpy>:198 function=_run_module_as_main\n"
       "  frame /app/m.py:4\n"},
      {"recursion",
       "Traceback (most recent call last):\n"
       "  File \"r.py\", line 1, in f\n"
       "    def f(): f()\n"
       "  [Previous line repeated 996 more times]\n"
       "RecursionError: maximum recursion depth exceeded\n",
       "language python\n"
       "exception RecursionError: maximum recursion depth exceeded\n"
       "  frame r.py:1 function=f\n"
       "  omitted 996\n"},
      {"Windows path",
       "Traceback (most recent call last):\n"
       "  File \"C:\\Users\\me\\app\\main.py\", line 5, in <module>\n"
       "OSError: [WinError 2] The system cannot find the file specified\n",
       "language python\n"
       "exception OSError: [WinError 2] The system cannot find the file specified\n"
       "  frame C:\\Users\\me\\app\\main.py:5 function=<module>\n"},
  });
}

TEST(PythonTraceTest, Chains) {
  RunTable({
      {"context and cause, text order",
       "Traceback (most recent call last):\n"
       "  File \"a.py\", line 2, in f\n"
       "KeyError: 'k'\n"
       "\n"
       "During handling of the above exception, another exception occurred:\n"
       "\n"
       "Traceback (most recent call last):\n"
       "  File \"a.py\", line 4, in f\n"
       "ValueError: v\n"
       "\n"
       "The above exception was the direct cause of the following exception:\n"
       "\n"
       "Traceback (most recent call last):\n"
       "  File \"b.py\", line 9, in g\n"
       "app.errors.AppError: failed\n",
       "language python\n"
       "exception KeyError: 'k'\n"
       "  frame a.py:2 function=f\n"
       "exception ValueError: v\n"
       "  relation context\n"
       "  frame a.py:4 function=f\n"
       "exception app.errors.AppError: failed\n"
       "  relation cause\n"
       "  frame b.py:9 function=g\n"},
  });
}

TEST(PythonTraceTest, ExceptionGroups) {
  RunTable({
      {"3.11 group",
       "  + Exception Group Traceback (most recent call last):\n"
       "  |   File \"/app/g.py\", line 8, in <module>\n"
       "  |     raise ExceptionGroup(\"many\", [ValueError(1), TypeError(2)])\n"
       "  | ExceptionGroup: many (2 sub-exceptions)\n"
       "  +-+---------------- 1 ----------------\n"
       "    | Traceback (most recent call last):\n"
       "    |   File \"/app/g.py\", line 3, in f\n"
       "    |     raise ValueError(1)\n"
       "    | ValueError: 1\n"
       "    +---------------- 2 ----------------\n"
       "    | TypeError: 2\n"
       "    +------------------------------------\n",
       "language python\n"
       "exception ExceptionGroup: many (2 sub-exceptions)\n"
       "  frame /app/g.py:8 function=<module>\n"
       "exception ValueError: 1\n"
       "  relation group\n"
       "  frame /app/g.py:3 function=f\n"
       "exception TypeError: 2\n"
       "  relation group\n"},
      {"more exceptions elided",
       "  + Exception Group Traceback (most recent call last):\n"
       "  | ExceptionGroup: eg (20 sub-exceptions)\n"
       "  +-+---------------- 1 ----------------\n"
       "    | ValueError: 0\n"
       "    +---------------- ... ----------------\n"
       "    | and 19 more exceptions\n"
       "    +------------------------------------\n",
       "language python\n"
       "exception ExceptionGroup: eg (20 sub-exceptions)\n"
       "exception ValueError: 0\n"
       "  relation group\n"},
  });
}

TEST(PythonTraceTest, Score) {
  EXPECT_EQ(ScorePythonTrace(""), 0);
  EXPECT_EQ(ScorePythonTrace("hello\nworld\n"), 0);
  EXPECT_EQ(ScorePythonTrace("x\nTraceback (most recent call last):\n  File \"a.py\", line 1\n"),
            95);
  // Ruby 2.5-2.7 uses the same header.
  EXPECT_EQ(ScorePythonTrace("Traceback (most recent call last):\n"
                             "\t1: from script/import.rb:22:in `<main>'\n"
                             "script/import.rb:22:in `Integer': bad (ArgumentError)\n"),
            40);
  EXPECT_EQ(ScorePythonTrace("  File \"a.py\", line 2, in f\n"), 90);
  EXPECT_EQ(ScorePythonTrace("\tat com.x.Foo.bar(Foo.java:1)\n"), 0);
  EXPECT_EQ(ScorePythonTrace("    at f (/app/x.js:1:2)\n"), 0);
  EXPECT_EQ(ScorePythonTrace("goroutine 1 [running]:\n"), 0);
}

TEST(PythonTraceTest, LongInputs) {
  std::string line(1 << 20, 'x');
  StackTrace t = ParsePythonTrace("Traceback (most recent call last):\n  File \"" + line +
                                  "\", line 1, in f\nE: " + line + "\n");
  ASSERT_EQ(t.FrameCount(), 1u);
  EXPECT_EQ(t.exceptions[0].frames[0].frame.file.size(), line.size());
  EXPECT_EQ(t.exceptions[0].message.size(), line.size());

  std::string big = "Traceback (most recent call last):\n";
  for (int i = 0; i < 100000; ++i) big += "  File \"/app/m.py\", line 1, in f\n    f()\n";
  big += "RecursionError: deep\n";
  auto start = std::chrono::steady_clock::now();
  t = ParsePythonTrace(big);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  start)
                .count();
  EXPECT_EQ(t.FrameCount(), 100000u);
  EXPECT_EQ(t.exceptions[0].type, "RecursionError");
  EXPECT_TRUE(t.unparsed.empty());
  EXPECT_LT(ms, 2000);
}

}  // namespace
}  // namespace srclink
