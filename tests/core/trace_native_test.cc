#include "core/trace_native.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/stack_trace.h"

namespace srclink {
namespace {

struct TraceCase {
  std::string name;
  std::string input;
  std::string expected;  // DumpStackTrace() of ParseNativeTrace(input)
};

void RunTable(const std::vector<TraceCase>& cases) {
  for (const TraceCase& c : cases) {
    EXPECT_EQ(DumpStackTrace(ParseNativeTrace(c.input)), c.expected) << c.name;
  }
}

TEST(NativeTraceTest, Gdb) {
  RunTable({
      {"empty", "", "language native\n"},
      {"garbage", "hello\n\x01\xff\n",
       "language native\nunparsed 1: hello\nunparsed 2: \x01\xff\n"},
      {"bt with addresses, args, libraries and ??",
       "#0  0x00007ffff7a42428 in __GI_raise (sig=sig@entry=6) at "
       "../sysdeps/unix/sysv/linux/raise.c:54\n"
       "#1  0x00007ffff7a4402a in abort () from /lib/x86_64-linux-gnu/libc.so.6\n"
       "#2  0x0000555555555189 in ns::Foo<int>::bar(int) (this=0x7ffe, x=1) at src/x.cc:42\n"
       "#3  main () at x.c:10\n"
       "#4  0x0000000000000000 in ?? ()\n",
       "language native\n"
       "exception \n"
       "  frame ../sysdeps/unix/sysv/linux/raise.c:54 function=__GI_raise "
       "address=0x00007ffff7a42428 !in_app\n"
       "  frame /lib/x86_64-linux-gnu/libc.so.6 function=abort address=0x00007ffff7a4402a\n"
       "  frame src/x.cc:42 function=ns::Foo<int>::bar(int) address=0x0000555555555189\n"
       "  frame x.c:10 function=main\n"
       "  frame  function=?? address=0x0000000000000000\n"},
      {"signal, stop location, source line, threads",
       "Program received signal SIGSEGV, Segmentation fault.\n"
       "0x0000555555555189 in f (p=0x0) at a.c:3\n"
       "3\t  return *p;\n"
       "(gdb) thread apply all bt\n"
       "\n"
       "Thread 2 (Thread 0x7ffff7d89640 (LWP 12) \"w\"):\n"
       "#0  g () at b.c:9\n"
       "\n"
       "Thread 1 (Thread 0x7ffff7d8a740 (LWP 11) \"a\"):\n"
       "#0  0x0000555555555189 in f (p=0x0) at a.c:3\n"
       "#1  0x00005555555551a0 in main () at a.c:8\n",
       "language native\n"
       "exception SIGSEGV: Segmentation fault\n"
       "  frame a.c:3 function=f address=0x0000555555555189\n"
       "exception Thread 2 (Thread 0x7ffff7d89640 (LWP 12) \"w\")\n"
       "  relation thread\n"
       "  frame b.c:9 function=g\n"
       "exception Thread 1 (Thread 0x7ffff7d8a740 (LWP 11) \"a\")\n"
       "  relation thread\n"
       "  frame a.c:3 function=f address=0x0000555555555189\n"
       "  frame a.c:8 function=main address=0x00005555555551a0\n"},
      {"wrapped argument list",
       "#4  0x0000555555555189 in foo (a=1,\n"
       "    b=2) at x.c:10\n",
       "language native\n"
       "exception \n"
       "  frame x.c:10 function=foo address=0x0000555555555189\n"},
      {"std::terminate with what()",
       "terminate called after throwing an instance of 'std::runtime_error'\n"
       "  what():  boom\n"
       "Aborted (core dumped)\n"
       "#0  0x1 in raise () from /lib/libc.so.6\n",
       "language native\n"
       "exception std::runtime_error: boom\n"
       "  frame /lib/libc.so.6 function=raise address=0x1\n"},
  });
}

TEST(NativeTraceTest, Sanitizers) {
  RunTable({
      {"asan report with sections, summary and shadow bytes skipped",
       "=================================================================\n"
       "==1==ERROR: AddressSanitizer: heap-use-after-free on address 0x602 at pc 0x4c bp 0x7 sp "
       "0x7\n"
       "READ of size 4 at 0x602 thread T0\n"
       "    #0 0x4c5b1f in main /src/test.cc:12:5\n"
       "    #1 0x7f8b in __libc_start_main (/lib/x86_64-linux-gnu/libc.so.6+0x29d8f) (BuildId: "
       "abc)\n"
       "    #2 0x41d in _start (/app/test+0x41d)\n"
       "\n"
       "0x602 is located 0 bytes inside of 4-byte region [0x602,0x606)\n"
       "freed by thread T0 here:\n"
       "    #0 0x4a in free (/usr/lib/x86_64-linux-gnu/libasan.so.6+0xb4)\n"
       "    #1 0x4c in std::vector<int, std::allocator<int> >::at(unsigned long) "
       "/usr/include/c++/12/bits/stl_vector.h:1125:11\n"
       "\n"
       "previously allocated by thread T0 here:\n"
       "    #0 0x4b in __interceptor_malloc ../../../../src/libsanitizer/asan/asan_malloc_linux."
       "cpp:145\n"
       "    #1 0x4d in (anonymous namespace)::Make(int) /src/test.cc:4:10\n"
       "\n"
       "SUMMARY: AddressSanitizer: heap-use-after-free /src/test.cc:12:5 in main\n"
       "Shadow bytes around the buggy address:\n"
       "  0x0c047fff8000: fa fa fd fa\n"
       "=>0x0c047fff8010: fa fa[fd]fa\n"
       "Shadow byte legend (one shadow byte represents 8 application bytes):\n"
       "  Addressable:           00\n"
       "==1==ABORTING\n",
       "language native\n"
       "exception AddressSanitizer: heap-use-after-free on address 0x602 at pc 0x4c bp 0x7 sp "
       "0x7\\nREAD of size 4 at 0x602 thread T0\n"
       "  frame /src/test.cc:12:5 function=main address=0x4c5b1f\n"
       "  frame /lib/x86_64-linux-gnu/libc.so.6 function=__libc_start_main address=0x7f8b\n"
       "  frame /app/test function=_start address=0x41d\n"
       "exception freed by thread T0 here\n"
       "  relation thread\n"
       "  frame /usr/lib/x86_64-linux-gnu/libasan.so.6 function=free address=0x4a !in_app\n"
       "  frame /usr/include/c++/12/bits/stl_vector.h:1125:11 function=std::vector<int, "
       "std::allocator<int> >::at(unsigned long) address=0x4c\n"
       "exception previously allocated by thread T0 here\n"
       "  relation thread\n"
       "  frame ../../../../src/libsanitizer/asan/asan_malloc_linux.cpp:145 "
       "function=__interceptor_malloc address=0x4b !in_app\n"
       "  frame /src/test.cc:4:10 function=(anonymous namespace)::Make(int) address=0x4d\n"},
      {"asan SEGV with pid-prefixed notes and a frame without function",
       "==7==ERROR: AddressSanitizer: SEGV on unknown address 0x000000000000 (pc 0x1 T0)\n"
       "==7==The signal is caused by a READ memory access.\n"
       "==7==Hint: address points to the zero page.\n"
       "    #0 0x55d4 (/app/bin/svc+0x12d4)\n"
       "    #1 0x7fc1 in start (libdyld.dylib:x86_64+0x1144)\n",
       "language native\n"
       "exception AddressSanitizer: SEGV on unknown address 0x000000000000 (pc 0x1 T0)\\nThe "
       "signal is caused by a READ memory access.\\nHint: address points to the zero page.\n"
       "  frame /app/bin/svc address=0x55d4\n"
       "  frame libdyld.dylib function=start address=0x7fc1\n"},
      {"ubsan location merges with the #0 frame",
       "src/a.cc:5:3: runtime error: signed integer overflow: 2147483647 + 1 cannot be "
       "represented in type 'int'\n"
       "    #0 0x4f in f(int) /work/src/a.cc:5:3\n"
       "    #1 0x50 in main /work/src/main.cc:2:1\n"
       "x.cc:1:1: runtime error: load of null pointer\n",
       "language native\n"
       "exception runtime error: signed integer overflow: 2147483647 + 1 cannot be represented "
       "in type 'int'\n"
       "  frame /work/src/a.cc:5:3 function=f(int) address=0x4f\n"
       "  frame /work/src/main.cc:2:1 function=main address=0x50\n"
       "exception runtime error: load of null pointer\n"
       "  relation context\n"
       "  frame x.cc:1:1\n"},
      {"leak sanitizer: first leak joins the report, later ones are sections",
       "==9==ERROR: LeakSanitizer: detected memory leaks\n"
       "\n"
       "Direct leak of 8 byte(s) in 1 object(s) allocated from:\n"
       "    #0 0x1 in malloc (/lib/libasan.so.8+0x1)\n"
       "    #1 0x2 in main /src/m.c:3\n"
       "\n"
       "Indirect leak of 4 byte(s) in 1 object(s) allocated from:\n"
       "    #0 0x3 in f /src/m.c:9\n"
       "\n"
       "SUMMARY: AddressSanitizer: 12 byte(s) leaked in 2 allocation(s).\n",
       "language native\n"
       "exception LeakSanitizer: detected memory leaks\\nDirect leak of 8 byte(s) in 1 "
       "object(s) allocated from\n"
       "  frame /lib/libasan.so.8 function=malloc address=0x1 !in_app\n"
       "  frame /src/m.c:3 function=main address=0x2\n"
       "exception Indirect leak of 4 byte(s) in 1 object(s) allocated from\n"
       "  relation thread\n"
       "  frame /src/m.c:9 function=f address=0x3\n"},
      {"thread sanitizer frames without addresses",
       "WARNING: ThreadSanitizer: data race (pid=5)\n"
       "  Write of size 4 at 0x7b04 by thread T1:\n"
       "    #0 inc /src/r.c:4:6 (r+0x1234)\n"
       "  Previous read of size 4 at 0x7b04 by main thread:\n"
       "    #0 main /src/r.c:9:3 (r+0x1300)\n",
       "language native\n"
       "exception ThreadSanitizer: data race (pid=5)\\nWrite of size 4 at 0x7b04 by thread T1\n"
       "  frame /src/r.c:4:6 function=inc\n"
       "exception Previous read of size 4 at 0x7b04 by main thread\n"
       "  relation thread\n"
       "  frame /src/r.c:9:3 function=main\n"},
      {"llvm PrintStackTrace",
       "#0 0x00007f llvm::sys::Print(llvm::raw_ostream&) /src/Signals.inc:602:11\n"
       "#1 0x00007e SignalHandler(int) Signals.cpp:0:0\n",
       "language native\n"
       "exception \n"
       "  frame /src/Signals.inc:602:11 function=llvm::sys::Print(llvm::raw_ostream&) "
       "address=0x00007f\n"
       "  frame Signals.cpp function=SignalHandler(int) address=0x00007e\n"},
  });
}

TEST(NativeTraceTest, OtherUnwinders) {
  RunTable({
      {"glibc backtrace_symbols",
       "./app(_ZN3foo3barEv+0x1d) [0x55d5c3a4b1e9]\n"
       "/lib/x86_64-linux-gnu/libc.so.6(+0x29d90) [0x7f3a2b1c4d5e]\n"
       "./app() [0x400c3d]\n",
       "language native\n"
       "exception \n"
       "  frame ./app function=_ZN3foo3barEv address=0x55d5c3a4b1e9\n"
       "  frame /lib/x86_64-linux-gnu/libc.so.6 address=0x7f3a2b1c4d5e\n"
       "  frame ./app address=0x400c3d\n"},
      {"macOS backtrace_symbols",
       "0   app                                 0x000000010b1c1f29 _ZN3foo3barEv + 25\n"
       "1   libdyld.dylib                       0x00007fff6a4b1cc9 start + 1\n",
       "language native\n"
       "exception \n"
       "  frame app function=_ZN3foo3barEv address=0x000000010b1c1f29\n"
       "  frame libdyld.dylib function=start address=0x00007fff6a4b1cc9\n"},
      {"boost stacktrace and libstdc++ std::stacktrace",
       " 0# foo() at /src/x.cpp:12\n"
       " 1# bar(int) in /usr/lib/libfoo.so\n"
       " 2# 0x00007F1234 in ./app\n"
       " 3# _start\n",
       "language native\n"
       "exception \n"
       "  frame /src/x.cpp:12 function=foo()\n"
       "  frame /usr/lib/libfoo.so function=bar(int)\n"
       "  frame ./app address=0x00007F1234\n"
       "  frame  function=_start\n"},
      {"msvc std::stacktrace",
       "0> C:\\src\\x.cpp(12): app!foo+0x1D\n"
       "1> /src/y.cpp(7): bar()\n"
       "2> ntdll!RtlUserThreadStart+0x21\n",
       "language native\n"
       "exception \n"
       "  frame C:\\src\\x.cpp:12 module=app function=foo\n"
       "  frame /src/y.cpp:7 function=bar()\n"
       "  frame  module=ntdll function=RtlUserThreadStart !in_app\n"},
      {"android tombstone",
       "#00 pc 000000000004e6c8  /apex/com.android.runtime/lib64/bionic/libc.so (abort+164) "
       "(BuildId: 0f3d)\n"
       "#01 pc 0000000000003a1c  /data/app/lib/arm64/libgame.so\n",
       "language native\n"
       "exception \n"
       "  frame /apex/com.android.runtime/lib64/bionic/libc.so function=abort "
       "address=0x000000000004e6c8\n"
       "  frame /data/app/lib/arm64/libgame.so address=0x0000000000003a1c\n"},
      {"libunwind", "0x400b8d: (main+0x1d)\n",
       "language native\nexception \n  frame  function=main address=0x400b8d\n"},
      {"a second #0 starts another stack",
       "#0 0x1 in a /x.c:1\n#1 0x2 in b /x.c:2\n#0 0x3 in c /x.c:3\n",
       "language native\n"
       "exception \n"
       "  frame /x.c:1 function=a address=0x1\n"
       "  frame /x.c:2 function=b address=0x2\n"
       "exception \n"
       "  relation thread\n"
       "  frame /x.c:3 function=c address=0x3\n"},
      {"CRLF and truncated", "#0  0x1 in f (x=1) at a.c:3\r\n#1  0x2 in g (y=",
       "language native\n"
       "exception \n"
       "  frame a.c:3 function=f address=0x1\n"
       "  frame  function=g (y= address=0x2\n"},
  });
}

TEST(NativeTraceTest, Scores) {
  EXPECT_EQ(ScoreNativeTrace(""), 0);
  EXPECT_EQ(ScoreNativeTrace("==1==ERROR: AddressSanitizer: SEGV on unknown address\n"), 95);
  EXPECT_EQ(ScoreNativeTrace("a.cc:1:2: runtime error: x\n"), 90);
  EXPECT_GE(ScoreNativeTrace("#0  0x00007f in raise () from /lib/libc.so.6\n"), 85);
  EXPECT_GE(ScoreNativeTrace("./app(main+0x12) [0x400c3d]\n"), 85);
  // Rust, PHP, Ruby and Go frames are not native frames.
  EXPECT_EQ(ScoreNativeTrace("   0: rust_begin_unwind\n             at /rustc/a/x.rs:1:2\n"
                             "   1:     0x55d5 - core::panicking::panic_fmt::h0123456789abcdef\n"),
            0);
  EXPECT_EQ(ScoreNativeTrace("#0 /var/www/x.php(3): f()\n#1 {main}\n"), 0);
  EXPECT_EQ(ScoreNativeTrace("x.rb:1:in 'm'\n"), 0);
  EXPECT_EQ(ScoreNativeTrace("goroutine 1 [running]:\nmain.main()\n\t/app/main.go:12 +0x1d\n"), 0);
}

// Ruby, .NET, PHP, native and Rust traces each go to their own parser; the
// look-alikes (numbered frames, "at" lines, '#' frames) do not pull them apart.
TEST(NativeTraceTest, DetectionKeepsTheFiveLanguagesApart) {
  struct Case {
    std::string text;
    TraceLanguage language;
  };
  const std::vector<Case> cases = {
      {"x.rb:1:in 'm': e (RuntimeError)\n\tfrom x.rb:2:in '<main>'\n", TraceLanguage::kRuby},
      {"System.Exception: e\n   at A.B.C() in /x.cs:line 1\n", TraceLanguage::kDotNet},
      {"System.Exception: e\n   at A.B.C()\n   at A.B.D(String s)\n", TraceLanguage::kDotNet},
      {"Exception: e in /a.php:1\nStack trace:\n#0 /b.php(2): f()\n#1 {main}\n",
       TraceLanguage::kPhp},
      {"#0  0x00007f in raise () from /lib/libc.so.6\n#1  main () at x.c:10\n",
       TraceLanguage::kNative},
      {"    #0 0x4c5b1f in main /src/test.cc:12:5\n", TraceLanguage::kNative},
      {"src/a.cc:5:3: runtime error: signed integer overflow\n", TraceLanguage::kNative},
      {"./app(main+0x12) [0x400c3d]\n", TraceLanguage::kNative},
      {" 0# foo() at /src/x.cpp:12\n 1# main in ./app\n", TraceLanguage::kNative},
      {"thread 'main' panicked at src/main.rs:5:9:\nboom\n", TraceLanguage::kRust},
      {"stack backtrace:\n   0: app::f\n             at ./src/f.rs:1:2\n", TraceLanguage::kRust},
      {"   0:     0x55d5 - app::f::h0123456789abcdef\n             at ./src/f.rs:1:2\n",
       TraceLanguage::kRust},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(TraceLanguageName(DetectTraceLanguage(c.text)), TraceLanguageName(c.language))
        << c.text;
  }
  // Java and JavaScript frames never go to the .NET parser.
  EXPECT_NE(DetectTraceLanguage("java.lang.IllegalStateException: x\n"
                                "\tat com.example.Foo.bar(Foo.java:12)\n"),
            TraceLanguage::kDotNet);
  EXPECT_NE(DetectTraceLanguage("TypeError: x\n    at foo (/app/x.js:1:2)\n"),
            TraceLanguage::kDotNet);
}

TEST(NativeTraceTest, LinearOnHugeInputs) {
  std::string text = "==1==ERROR: AddressSanitizer: stack-overflow on address 0x1\n";
  for (int i = 0; i < 100000; ++i) {
    text += "    #" + std::to_string(i) + " 0x4c5b1f in f" + std::to_string(i) +
            "(std::vector<int, std::allocator<int> > const&) /src/t.cc:12:5\n";
  }
  StackTrace trace = ParseNativeTrace(text);
  ASSERT_EQ(trace.exceptions.size(), 1u);
  EXPECT_EQ(trace.exceptions[0].frames.size(), 100000u);

  // Deeply nested templates and parentheses on one line.
  std::string fn = "f";
  for (int i = 0; i < 100000; ++i) fn += "<std::pair<int, (";
  trace = ParseNativeTrace("    #0 0x1 in " + fn + " /src/t.cc:1:2\n");
  ASSERT_EQ(trace.FrameCount(), 1u);
  EXPECT_EQ(trace.exceptions[0].frames[0].frame.file, "/src/t.cc");
  std::string closed = "g";
  for (int i = 0; i < 100000; ++i) closed += "(";
  for (int i = 0; i < 100000; ++i) closed += ")";
  trace = ParseNativeTrace("#0  0x1 in " + closed + " (a=1) at t.c:1\n");
  ASSERT_EQ(trace.FrameCount(), 1u);
  EXPECT_EQ(trace.exceptions[0].frames[0].frame.line, 1);
}

}  // namespace
}  // namespace srclink
