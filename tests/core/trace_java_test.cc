#include "core/trace_java.h"

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
  std::string expected;  // DumpStackTrace() of ParseJavaTrace(input)
};

void RunTable(const std::vector<TraceCase>& cases) {
  for (const TraceCase& c : cases) {
    EXPECT_EQ(DumpStackTrace(ParseJavaTrace(c.input)), c.expected) << c.name;
  }
}

TEST(JavaTraceTest, Basics) {
  RunTable({
      {"empty", "", "language java\n"},
      {"garbage", "no trace here\n", "language java\nunparsed 1: no trace here\n"},
      {"main thread",
       "Exception in thread \"main\" java.lang.IllegalStateException: boom\n"
       "\tat com.example.Foo$Inner.bar(Foo.java:42)\n"
       "\tat com.example.Main.main(Main.java:7)\n",
       "language java\n"
       "exception java.lang.IllegalStateException: boom\n"
       "  frame Foo.java:42 module=com.example.Foo$Inner function=bar\n"
       "  frame Main.java:7 module=com.example.Main function=main\n"},
      {"no message, placeholders, constructors",
       "java.lang.NullPointerException\n"
       "\tat java.base/jdk.internal.reflect.NativeMethodAccessorImpl.invoke0(Native Method)\n"
       "\tat sun.reflect.GeneratedMethodAccessor12.invoke(Unknown Source)\n"
       "\tat com.x.Y.<init>(Y.java:5)\n",
       "language java\n"
       "exception java.lang.NullPointerException\n"
       "  frame Native Method module=jdk.internal.reflect.NativeMethodAccessorImpl "
       "function=invoke0\n"
       "  frame Unknown Source module=sun.reflect.GeneratedMethodAccessor12 function=invoke\n"
       "  frame Y.java:5 module=com.x.Y function=<init>\n"},
      {"module and class-loader prefixes, jar suffixes",
       "java.lang.RuntimeException: x\n"
       "\tat java.base/java.lang.Thread.run(Thread.java:833)\n"
       "\tat app//com.x.Y.z(Y.java:5)\n"
       "\tat com.foo@1.2/com.foo.Z.w(Z.java:9)\n"
       "\tat org.springframework.core.X.y(X.java:10) ~[spring-core-5.3.jar:5.3.1]\n"
       "\tat sun.misc.U.v(U.java:1) [na:1.8.0_292]\n"
       "\tat com.x.Foo$$Lambda$14/0x0000000800c03000.run(Unknown Source)\n",
       "language java\n"
       "exception java.lang.RuntimeException: x\n"
       "  frame Thread.java:833 module=java.lang.Thread function=run\n"
       "  frame Y.java:5 module=com.x.Y function=z\n"
       "  frame Z.java:9 module=com.foo.Z function=w\n"
       "  frame X.java:10 module=org.springframework.core.X function=y\n"
       "  frame U.java:1 module=sun.misc.U function=v\n"
       "  frame Unknown Source module=com.x.Foo$$Lambda$14/0x0000000800c03000 function=run\n"},
      {"Kotlin and Scala",
       "kotlin.KotlinNullPointerException\n"
       "\tat com.x.AppKt.main(App.kt:12)\n"
       "\tat kotlinx.coroutines.DispatchedTask.run(DispatchedTask.kt:106)\n"
       "scala.MatchError: 5 (of class java.lang.Integer)\n"
       "\tat com.x.Job.$anonfun$run$1(Job.scala:20)\n"
       "\tat scala.concurrent.Future$.apply(Future.scala:659)\n",
       "language java\n"
       "exception kotlin.KotlinNullPointerException\n"
       "  frame App.kt:12 module=com.x.AppKt function=main\n"
       "  frame DispatchedTask.kt:106 module=kotlinx.coroutines.DispatchedTask function=run\n"
       "exception scala.MatchError: 5 (of class java.lang.Integer)\n"
       "  frame Job.scala:20 module=com.x.Job function=$anonfun$run$1\n"
       "  frame Future.scala:659 module=scala.concurrent.Future$ function=apply\n"},
      {"multi-line message, CRLF",
       "java.lang.IllegalArgumentException: first\r\n"
       "second line\r\n"
       "\tat a.B.c(B.java:1)\r\n",
       "language java\n"
       "exception java.lang.IllegalArgumentException: first\\nsecond line\n"
       "  frame B.java:1 module=a.B function=c\n"},
      {"log line before and after",
       "2024-05-01 10:00:00.123 ERROR 1 --- [main] o.s.boot.SpringApplication : Application run "
       "failed\n"
       "java.lang.IllegalStateException: Failed to execute CommandLineRunner\n"
       "\tat org.springframework.boot.SpringApplication.callRunner(SpringApplication.java:798)\n"
       "2024-05-01 10:00:01.000 INFO 1 --- [main] shutting down\n",
       "language java\n"
       "exception java.lang.IllegalStateException: Failed to execute CommandLineRunner\n"
       "  frame SpringApplication.java:798 module=org.springframework.boot.SpringApplication "
       "function=callRunner\n"
       "unparsed 1: 2024-05-01 10:00:00.123 ERROR 1 --- [main] o.s.boot.SpringApplication : "
       "Application run failed\n"
       "unparsed 4: 2024-05-01 10:00:01.000 INFO 1 --- [main] shutting down\n"},
      {"truncated frame",
       "java.io.IOException: x\n"
       "\tat a.B.c(B.java:1)\n"
       "\tat a.B.d(B.ja",
       "language java\n"
       "exception java.io.IOException: x\n"
       "  frame B.java:1 module=a.B function=c\n"
       "unparsed 3: \tat a.B.d(B.ja\n"},
  });
}

TEST(JavaTraceTest, CausesAndSuppressed) {
  RunTable({
      {"caused by with omitted frames",
       "java.lang.RuntimeException: outer\n"
       "\tat a.B.c(B.java:1)\n"
       "Caused by: java.io.IOException: inner\n"
       "\tat a.C.d(C.java:2)\n"
       "\t... 12 more\n"
       "Caused by: java.net.SocketTimeoutException\n"
       "\tat a.D.e(D.java:3)\n"
       "\t... 5 common frames omitted\n",
       "language java\n"
       "exception java.lang.RuntimeException: outer\n"
       "  frame B.java:1 module=a.B function=c\n"
       "exception java.io.IOException: inner\n"
       "  relation cause\n"
       "  frame C.java:2 module=a.C function=d\n"
       "  omitted 12\n"
       "exception java.net.SocketTimeoutException\n"
       "  relation cause\n"
       "  frame D.java:3 module=a.D function=e\n"
       "  omitted 5\n"},
      {"suppressed with a nested cause",
       "java.lang.Exception: main\n"
       "\tat a.M.run(M.java:10)\n"
       "\tSuppressed: java.lang.IllegalStateException: close failed\n"
       "\t\tat a.R.close(R.java:4)\n"
       "\t\t... 1 more\n"
       "\tCaused by: java.io.IOException: disk\n"
       "\t\tat a.R.flush(R.java:8)\n"
       "\t\t... 2 more\n"
       "Caused by: java.lang.Error: root\n"
       "\t... 3 more\n",
       "language java\n"
       "exception java.lang.Exception: main\n"
       "  frame M.java:10 module=a.M function=run\n"
       "exception java.lang.IllegalStateException: close failed\n"
       "  relation suppressed\n"
       "  frame R.java:4 module=a.R function=close\n"
       "  omitted 1\n"
       "exception java.io.IOException: disk\n"
       "  relation cause\n"
       "  frame R.java:8 module=a.R function=flush\n"
       "  omitted 2\n"
       "exception java.lang.Error: root\n"
       "  relation cause\n"
       "  omitted 3\n"},
      {"second thread",
       "Exception in thread \"main\" java.lang.Error: a\n"
       "\tat a.B.c(B.java:1)\n"
       "Exception in thread \"pool-1-thread-2\" java.lang.Error: b\n"
       "\tat a.B.d(B.java:2)\n",
       "language java\n"
       "exception java.lang.Error: a\n"
       "  frame B.java:1 module=a.B function=c\n"
       "exception java.lang.Error: b\n"
       "  relation thread\n"
       "  frame B.java:2 module=a.B function=d\n"},
  });
}

TEST(JavaTraceTest, Score) {
  EXPECT_EQ(ScoreJavaTrace(""), 0);
  EXPECT_EQ(ScoreJavaTrace("java.lang.Error: x\n"), 0);
  EXPECT_EQ(ScoreJavaTrace("java.lang.Error: x\n\tat a.B.c(B.java:1)\n"), 80);
  EXPECT_EQ(ScoreJavaTrace("Exception in thread \"main\" java.lang.Error\n\tat a.B.c(B.java:1)\n"),
            90);
  EXPECT_EQ(ScoreJavaTrace("x\n\tat a.B.c(Native Method)\n"), 80);
  // Not JVM: V8 frames have a column and a blank before "(", .NET frames " in …:line N".
  EXPECT_EQ(ScoreJavaTrace("    at f (/app/x.js:1:2)\n    at a.b(x.js:1:2)\n"), 0);
  EXPECT_EQ(ScoreJavaTrace("   at Ns.C.M() in C:\\x\\File.cs:line 42\n"), 0);
  EXPECT_EQ(ScoreJavaTrace("Traceback (most recent call last):\n"), 0);
}

TEST(JavaTraceTest, LongInputs) {
  std::string name(1 << 20, 'a');
  StackTrace t = ParseJavaTrace("java.lang.Error: " + name + "\n\tat x." + name + "(F.java:1)\n");
  ASSERT_EQ(t.FrameCount(), 1u);
  EXPECT_EQ(t.exceptions[0].frames[0].frame.function.size(), name.size());

  std::string big = "java.lang.StackOverflowError\n";
  for (int i = 0; i < 100000; ++i) big += "\tat com.x.Foo.recurse(Foo.java:12)\n";
  auto start = std::chrono::steady_clock::now();
  t = ParseJavaTrace(big);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  start)
                .count();
  EXPECT_EQ(t.FrameCount(), 100000u);
  EXPECT_TRUE(t.unparsed.empty());
  EXPECT_LT(ms, 2000);
}

}  // namespace
}  // namespace srclink
