#include "core/trace_dotnet.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/stack_trace.h"

namespace srclink {
namespace {

struct TraceCase {
  std::string name;
  std::string input;
  std::string expected;  // DumpStackTrace() of ParseDotNetTrace(input)
};

void RunTable(const std::vector<TraceCase>& cases) {
  for (const TraceCase& c : cases) {
    EXPECT_EQ(DumpStackTrace(ParseDotNetTrace(c.input)), c.expected) << c.name;
  }
}

TEST(DotNetTraceTest, Basics) {
  RunTable({
      {"empty", "", "language dotnet\n"},
      {"garbage", "hello\n\n\x01\xff\n",
       "language dotnet\nunparsed 1: hello\nunparsed 3: \x01\xff\n"},
      {"windows path with line",
       "System.InvalidOperationException: Sequence contains no elements\n"
       "   at System.Linq.ThrowHelper.ThrowNoElementsException()\n"
       "   at App.Orders.OrderService.Next(String queue, Int32 max) in "
       "C:\\src\\App\\Orders\\OrderService.cs:line 42\n",
       "language dotnet\n"
       "exception System.InvalidOperationException: Sequence contains no elements\n"
       "  frame  module=System.Linq.ThrowHelper function=ThrowNoElementsException\n"
       "  frame C:\\src\\App\\Orders\\OrderService.cs:42 module=App.Orders.OrderService "
       "function=Next\n"},
      {"unhandled prefix, linux path, async state machine, previous-location marker",
       "Unhandled exception. System.Exception: boom\n"
       "   at App.Program.<Main>d__0.MoveNext() in /src/App/Program.cs:line 12\n"
       "--- End of stack trace from previous location ---\n"
       "   at App.Worker+<RunAsync>d__3.MoveNext() in /src/App/Worker.cs:line 7\n"
       "   at App.Program.<Main>(String[] args)\n",
       "language dotnet\n"
       "exception System.Exception: boom\n"
       "  frame /src/App/Program.cs:12 module=App.Program function=Main\n"
       "  frame /src/App/Worker.cs:7 module=App.Worker function=RunAsync\n"
       "  frame  module=App.Program function=<Main>\n"},
      {"inner exception on its own line, then back to the outer",
       "System.InvalidOperationException: outer\n"
       " ---> System.ArgumentException: inner\n"
       "second line of inner\n"
       "   at A.B.Inner() in /x/B.cs:line 5\n"
       "   --- End of inner exception stack trace ---\n"
       "   at A.B.Outer() in /x/B.cs:line 10\n",
       "language dotnet\n"
       "exception System.InvalidOperationException: outer\n"
       "  frame /x/B.cs:10 module=A.B function=Outer\n"
       "exception System.ArgumentException: inner\\nsecond line of inner\n"
       "  relation cause\n"
       "  frame /x/B.cs:5 module=A.B function=Inner\n"},
      {".NET Framework inline chain of three",
       "System.Exception: a ---> System.IO.IOException: b ---> System.Exception: c\n"
       "   at X.C()\n"
       "   --- End of inner exception stack trace ---\n"
       "   at X.B()\n"
       "   --- End of inner exception stack trace ---\n"
       "   at X.A()\n",
       "language dotnet\n"
       "exception System.Exception: a\n"
       "  frame  module=X function=A\n"
       "exception System.IO.IOException: b\n"
       "  relation cause\n"
       "  frame  module=X function=B\n"
       "exception System.Exception: c\n"
       "  relation cause\n"
       "  frame  module=X function=C\n"},
      {"HRESULT and error codes after the type",
       "System.Net.Sockets.SocketException (111): Connection refused\n"
       "   at S.T.U()\n",
       "language dotnet\n"
       "exception System.Net.Sockets.SocketException: Connection refused\n"
       "  frame  module=S.T function=U\n"},
      {"AggregateException inner blocks",
       "System.AggregateException: One or more errors occurred. (x)\n"
       " ---> (Inner Exception #0) System.Exception: x\n"
       "   at P.Q.R() in /p/Q.cs:line 3<---\n"
       "   at P.Q.S()\n",
       "language dotnet\n"
       "exception System.AggregateException: One or more errors occurred. (x)\n"
       "  frame  module=P.Q function=S\n"
       "exception System.Exception: x\n"
       "  relation cause\n"
       "  frame /p/Q.cs:3 module=P.Q function=R\n"},
      {"generics, constructors, lambdas, nested types",
       "System.Exception: e\n"
       "   at System.Collections.Generic.List`1.get_Item(Int32 index)\n"
       "   at App.Repo`1..ctor(IDb db) in /a/Repo.cs:line 9\n"
       "   at App.Util.Map[TIn,TOut](IEnumerable`1 source, Func`2 f)\n"
       "   at App.Page.<>c__DisplayClass0_0.<OnGet>b__0(Item i) in /a/Page.cs:line 30\n"
       "   at App.Outer+Inner.Run()\n",
       "language dotnet\n"
       "exception System.Exception: e\n"
       "  frame  module=System.Collections.Generic.List`1 function=get_Item\n"
       "  frame /a/Repo.cs:9 module=App.Repo`1 function=.ctor\n"
       "  frame  module=App.Util function=Map\n"
       "  frame /a/Page.cs:30 module=App.Page.<>c__DisplayClass0_0 function=<OnGet>b__0\n"
       "  frame  module=App.Outer+Inner function=Run\n"},
      {"Mono IL offsets and unknown files",
       "NullReferenceException: Object reference not set to an instance of an object\n"
       "  at Game.Slot.Refresh () [0x0001c] in /Users/dev/Game/Slot.cs:44\n"
       "  at UnityEngine.Object.Foo () [0x00000] in <6b3f0c2c3c6e4d0d>:0\n"
       "  at (wrapper managed-to-native) UnityEngine.Object.Internal(UnityEngine.Object)\n",
       "language dotnet\n"
       "exception NullReferenceException: Object reference not set to an instance of an "
       "object\n"
       "  frame /Users/dev/Game/Slot.cs:44 module=Game.Slot function=Refresh\n"
       "  frame  module=UnityEngine.Object function=Foo\n"
       "  frame  module=UnityEngine.Object function=Internal\n"},
      {"application insights assembly form",
       "System.Exception: e\n"
       "   at Api.Q+<NextAsync>d__7.MoveNext (Api, Version=1.0.0.0, Culture=neutral, "
       "PublicKeyToken=null: /src/Api/Q.cs:88)\n"
       "   at System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw "
       "(System.Private.CoreLib, "
       "Version=6.0.0.0, Culture=neutral, PublicKeyToken=7cec85d7bea7798e)\n",
       "language dotnet\n"
       "exception System.Exception: e\n"
       "  frame /src/Api/Q.cs:88 module=Api.Q function=NextAsync\n"
       "  frame  module=System.Runtime.ExceptionServices.ExceptionDispatchInfo function=Throw\n"},
      {"localized frame and line words",
       "System.Exception: Fehler\n"
       "   bei X.Y() in C:\\a\\X.cs:Zeile 7\n"
       "   at X.Z() in C:\\a\\X.cs:Zeile 8\n",
       "language dotnet\n"
       "exception System.Exception: Fehler\n"
       "  frame C:\\a\\X.cs:7 module=X function=Y\n"
       "  frame C:\\a\\X.cs:8 module=X function=Z\n"},
      {"log prefixes (systemd, ASP.NET Core console)",
       "fail: Microsoft.AspNetCore.Server.Kestrel[13]\n"
       "      System.Exception: e\n"
       "Jun 27 14:22:21 host app[123]:    at App.A.B() in /src/A.cs:line 4\n",
       "language dotnet\n"
       "exception System.Exception: e\n"
       "  frame /src/A.cs:4 module=App.A function=B\n"
       "unparsed 1: fail: Microsoft.AspNetCore.Server.Kestrel[13]\n"},
      {"frames before any header", "   at A.B.C() in /x.cs:line 1\n",
       "language dotnet\n"
       "exception \n"
       "  frame /x.cs:1 module=A.B function=C\n"},
      {"CRLF and truncated", "System.Exception: e\r\n   at A.B.C(Int32 x) in /x.cs:li",
       "language dotnet\n"
       "exception System.Exception: e\n"
       "  frame  module=A.B function=C\n"},
  });
}

TEST(DotNetTraceTest, DetectionAndInApp) {
  auto parsed = ParseStackTrace(
      "System.Exception: e\n"
      "   at System.Linq.Enumerable.First[TSource](IEnumerable`1 source)\n"
      "   at App.A.B() in /src/App/A.cs:line 4\n");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(DumpStackTrace(*parsed),
            "language dotnet\n"
            "exception System.Exception: e\n"
            "  frame  module=System.Linq.Enumerable function=First !in_app\n"
            "  frame /src/App/A.cs:4 module=App.A function=B\n");
}

TEST(DotNetTraceTest, Scores) {
  EXPECT_EQ(ScoreDotNetTrace(""), 0);
  EXPECT_EQ(ScoreDotNetTrace("   at A.B() in /x.cs:line 3\n"), 95);
  EXPECT_EQ(ScoreDotNetTrace("--- End of inner exception stack trace ---\n"), 95);
  EXPECT_GE(ScoreDotNetTrace("System.Exception: e\n   at A.B()\n   at A.C(String s)\n"), 60);
  // JavaScript and Java frames are not .NET frames.
  EXPECT_EQ(ScoreDotNetTrace("Error: x\n    at foo (/app/x.js:1:2)\n    at /app/y.js:3:4\n"), 0);
  EXPECT_EQ(ScoreDotNetTrace("    at Object.<anonymous> (/app/x.js:1:2)\n"), 0);
  EXPECT_EQ(ScoreDotNetTrace("java.lang.IllegalStateException: x\n"
                             "\tat com.example.Foo.bar(Foo.java:12)\n"
                             "\tat java.base/java.lang.Thread.run(Thread.java:833)\n"
                             "\tat sun.misc.Unsafe.park(Native Method)\n"),
            0);
  EXPECT_EQ(ScoreDotNetTrace("app/x.rb:1:in 'm'\n"), 0);
}

TEST(DotNetTraceTest, LinearOnHugeInputs) {
  std::string text = "System.Exception: e\n";
  for (int i = 0; i < 100000; ++i) {
    text += "   at Ns.Type.Method" + std::to_string(i) + "(String a) in /src/F.cs:line 1\n";
  }
  StackTrace trace = ParseDotNetTrace(text);
  ASSERT_EQ(trace.exceptions.size(), 1u);
  EXPECT_EQ(trace.exceptions[0].frames.size(), 100000u);

  // Deeply nested generic names and a very long line.
  std::string name = "at A.B";
  for (int i = 0; i < 100000; ++i) name += "<X";
  for (int i = 0; i < 100000; ++i) name += ">";
  name += ".M() in /x.cs:line 1";
  trace = ParseDotNetTrace(name);
  ASSERT_EQ(trace.FrameCount(), 1u);
  EXPECT_EQ(trace.exceptions[0].frames[0].frame.function, "M");

  // Many nested "--->" chains.
  std::string chain = "System.Exception: a";
  for (int i = 0; i < 10000; ++i) chain += " ---> System.Exception: a";
  trace = ParseDotNetTrace(chain + "\n");
  EXPECT_EQ(trace.exceptions.size(), 10001u);
}

}  // namespace
}  // namespace srclink
