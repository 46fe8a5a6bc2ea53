#include "core/trace_rust.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/stack_trace.h"

namespace srclink {
namespace {

struct TraceCase {
  std::string name;
  std::string input;
  std::string expected;  // DumpStackTrace() of ParseRustTrace(input)
};

void RunTable(const std::vector<TraceCase>& cases) {
  for (const TraceCase& c : cases) {
    EXPECT_EQ(DumpStackTrace(ParseRustTrace(c.input)), c.expected) << c.name;
  }
}

TEST(RustTraceTest, Basics) {
  RunTable({
      {"empty", "", "language rust\n"},
      {"garbage", "hello\n\x01\xff\n", "language rust\nunparsed 1: hello\nunparsed 2: \x01\xff\n"},
      {"rust >= 1.73 panic with message lines and note",
       "thread 'main' panicked at src/main.rs:5:9:\n"
       "called `Option::unwrap()` on a `None` value\n"
       "second line\n"
       "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n",
       "language rust\n"
       "exception panic: called `Option::unwrap()` on a `None` value\\nsecond line\n"
       "  frame src/main.rs:5:9\n"},
      {"older quoted form",
       "thread 'main' panicked at 'attempt to divide by zero', src/lib.rs:10:5\n",
       "language rust\n"
       "exception panic: attempt to divide by zero\n"
       "  frame src/lib.rs:10:5\n"},
      {"older quoted form over several lines",
       "thread 'w' panicked at 'line one\n"
       "line two', src/lib.rs:3:1\n",
       "language rust\n"
       "exception panic: line one\\nline two\n"
       "  frame src/lib.rs:3:1\n"},
      {"backtrace with at lines",
       "thread 'main' panicked at src/main.rs:2:5:\n"
       "boom\n"
       "stack backtrace:\n"
       "   0: rust_begin_unwind\n"
       "             at "
       "/rustc/90b35a6239c3d8bdabc530a6a0816f7ff89a0aaf/library/std/src/panicking.rs:597:5\n"
       "   1: core::panicking::panic_fmt\n"
       "   2: myapp::handler::run\n"
       "             at ./src/handler.rs:14:9\n"
       "   3: <myapp::Job as core::ops::FnOnce<()>>::call_once\n"
       "             at ./src/job.rs:3:1\n"
       "note: Some details are omitted, run with `RUST_BACKTRACE=full` for a verbose backtrace.\n",
       "language rust\n"
       "exception panic: boom\n"
       "  frame src/main.rs:2:5\n"
       "  frame /rustc/90b35a6239c3d8bdabc530a6a0816f7ff89a0aaf/library/std/src/panicking.rs:597:5 "
       "function=rust_begin_unwind\n"
       "  frame  module=core::panicking function=core::panicking::panic_fmt !in_app\n"
       "  frame ./src/handler.rs:14:9 module=myapp::handler function=myapp::handler::run\n"
       "  frame ./src/job.rs:3:1 module=<myapp::Job as core::ops::FnOnce<()>> "
       "function=<myapp::Job as core::ops::FnOnce<()>>::call_once\n"},
      {"RUST_BACKTRACE=full: addresses, hashes dropped, unknown frames",
       "thread '<unnamed>' panicked at 'x', src/a.rs:1:1\n"
       "stack backtrace:\n"
       "   0:     0x55a4c1f3b2d0 - std::panicking::begin_panic::h6aeaf83abc038fe6\n"
       "   1:     0x55a4c1d0a4c9 - app::step::h1a2b3c4d5e6f7081\n"
       "                               at /w/app/src/a.rs:1:1\n"
       "   2:                0x0 - <unknown>\n",
       "language rust\n"
       "exception panic: x\n"
       "  frame src/a.rs:1:1\n"
       "  frame  module=std::panicking function=std::panicking::begin_panic "
       "address=0x55a4c1f3b2d0 !in_app\n"
       "  frame /w/app/src/a.rs:1:1 module=app function=app::step address=0x55a4c1d0a4c9\n"
       "  frame  function=<unknown> address=0x0\n"},
      {"panics in two threads, thread id form",
       "thread 'tokio-runtime-worker' (4711) panicked at src/a.rs:1:2:\n"
       "first\n"
       "thread 'main' panicked at src/b.rs:3:4:\n"
       "second\n",
       "language rust\n"
       "exception panic: first\n"
       "  frame src/a.rs:1:2\n"
       "exception panic: second\n"
       "  relation thread\n"
       "  frame src/b.rs:3:4\n"},
      {"anyhow error with causes and backtrace",
       "Error: failed to load config\n"
       "\n"
       "Caused by:\n"
       "    0: could not read `app.toml`\n"
       "    1: No such file or directory (os error 2)\n"
       "\n"
       "Stack backtrace:\n"
       "   0: app::config::load\n"
       "             at ./src/config.rs:9:5\n",
       "language rust\n"
       "exception Error: failed to load config\n"
       "  frame ./src/config.rs:9:5 module=app::config function=app::config::load\n"
       "exception : could not read `app.toml`\n"
       "  relation cause\n"
       "exception : No such file or directory (os error 2)\n"
       "  relation cause\n"},
      {"fatal runtime error and test harness noise",
       "---- tests::overflow stdout ----\n"
       "thread 'tests::overflow' has overflowed its stack\n"
       "fatal runtime error: stack overflow\n",
       "language rust\n"
       "exception fatal runtime error: stack overflow\n"
       "unparsed 2: thread 'tests::overflow' has overflowed its stack\n"},
      {"CRLF and truncated",
       "thread 'main' panicked at src/main.rs:1:2:\r\nboom\r\n\r\nstack backtrace:\r\n"
       "   0: app::f\r\n             at ./src/m",
       "language rust\n"
       "exception panic: boom\n"
       "  frame src/main.rs:1:2\n"
       "  frame  module=app function=app::f\n"
       "unparsed 6:              at ./src/m\n"},
  });
}

TEST(RustTraceTest, DetectionAndInApp) {
  auto parsed = ParseStackTrace(
      "thread 'main' panicked at src/main.rs:2:5:\n"
      "boom\n"
      "stack backtrace:\n"
      "   0: tokio::runtime::park::CachedParkThread::block_on\n"
      "             at /home/u/.cargo/registry/src/index.crates.io-6f17d22bba15001f/"
      "tokio-1.35.1/src/runtime/park.rs:281:63\n"
      "   1: app::main\n"
      "             at ./src/main.rs:2:5\n");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(DumpStackTrace(*parsed),
            "language rust\n"
            "exception panic: boom\n"
            "  frame src/main.rs:2:5\n"
            "  frame /home/u/.cargo/registry/src/index.crates.io-6f17d22bba15001f/tokio-1.35.1/"
            "src/runtime/park.rs:281:63 module=tokio::runtime::park::CachedParkThread "
            "function=tokio::runtime::park::CachedParkThread::block_on !in_app\n"
            "  frame ./src/main.rs:2:5 module=app function=app::main\n");
}

TEST(RustTraceTest, Scores) {
  EXPECT_EQ(ScoreRustTrace(""), 0);
  EXPECT_EQ(ScoreRustTrace("thread 'main' panicked at src/main.rs:5:9:\n"), 95);
  EXPECT_EQ(ScoreRustTrace("   0: app::f\n             at ./src/f.rs:1:2\n"), 85);
  // Native numbered frames and JS "at" lines are not Rust.
  EXPECT_EQ(ScoreRustTrace("#0  0x00007f in raise () from /lib/libc.so.6\n"), 0);
  EXPECT_EQ(ScoreRustTrace(" 0# foo() at /src/x.cpp:12\n"), 0);
  EXPECT_EQ(ScoreRustTrace("Error: x\n    at foo (/app/x.js:1:2)\n"), 0);
}

TEST(RustTraceTest, LinearOnHugeInputs) {
  std::string text = "thread 'main' panicked at src/main.rs:1:1:\nboom\nstack backtrace:\n";
  for (int i = 0; i < 100000; ++i) {
    text += "  " + std::to_string(i) + ": app::f" + std::to_string(i) +
            "\n             at ./src/f.rs:" + std::to_string(i + 1) + ":1\n";
  }
  StackTrace trace = ParseRustTrace(text);
  ASSERT_EQ(trace.exceptions.size(), 1u);
  EXPECT_EQ(trace.exceptions[0].frames.size(), 100001u);
  EXPECT_EQ(trace.exceptions[0].frames.back().frame.line, 100000);

  std::string symbol = "   0: a";
  for (int i = 0; i < 100000; ++i) symbol += "::<b<c";
  trace = ParseRustTrace(symbol + "\n");
  EXPECT_EQ(trace.FrameCount(), 1u);
}

}  // namespace
}  // namespace srclink
