#include "core/trace_ruby.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/stack_trace.h"

namespace srclink {
namespace {

struct TraceCase {
  std::string name;
  std::string input;
  std::string expected;  // DumpStackTrace() of ParseRubyTrace(input)
};

void RunTable(const std::vector<TraceCase>& cases) {
  for (const TraceCase& c : cases) {
    EXPECT_EQ(DumpStackTrace(ParseRubyTrace(c.input)), c.expected) << c.name;
  }
}

TEST(RubyTraceTest, Basics) {
  RunTable({
      {"empty", "", "language ruby\n"},
      {"blank lines only", "\n \t\n\r\n", "language ruby\n"},
      {"garbage", "hello world\n\x01\xff\n",
       "language ruby\nunparsed 1: hello world\nunparsed 2: \x01\xff\n"},
      {"ruby 3.4 quotes and Class#method",
       "app/models/user.rb:42:in 'User#save': boom (RuntimeError)\n"
       "\tfrom app/models/user.rb:10:in 'block in User.create'\n"
       "\tfrom bin/run:3:in '<main>'\n",
       "language ruby\n"
       "exception RuntimeError: boom\n"
       "  frame app/models/user.rb:42 module=User function=save\n"
       "  frame app/models/user.rb:10 module=User function=block in create\n"
       "  frame bin/run:3 function=<main>\n"},
      {"older backtick quotes",
       "x.rb:10:in `m': undefined local variable or method `y' for main:Object (NameError)\n"
       "\tfrom x.rb:14:in `block (2 levels) in <main>'\n",
       "language ruby\n"
       "exception NameError: undefined local variable or method `y' for main:Object\n"
       "  frame x.rb:10 function=m\n"
       "  frame x.rb:14 function=block (2 levels) in <main>\n"},
      {"namespaced class and block label",
       "lib/a/b.rb:1:in 'block in Billing::Invoice#total': x (Billing::Error)\n",
       "language ruby\n"
       "exception Billing::Error: x\n"
       "  frame lib/a/b.rb:1 module=Billing::Invoice function=block in total\n"},
      {"multi-line message",
       "t.rb:1:in '<main>': first line (RuntimeError)\n"
       "second line\n"
       "third line\n"
       "\tfrom t.rb:5:in 'Kernel#load'\n",
       "language ruby\n"
       "exception RuntimeError: first line\\nsecond line\\nthird line\n"
       "  frame t.rb:1 function=<main>\n"
       "  frame t.rb:5 module=Kernel function=load\n"},
      {"message without class", "t.rb:1:in '<main>': unhandled exception\n",
       "language ruby\n"
       "exception : unhandled exception\n"
       "  frame t.rb:1 function=<main>\n"},
      {"omitted levels",
       "t.rb:9:in 'f': deep (SystemStackError)\n"
       "\tfrom t.rb:9:in 'f'\n"
       "\t ... 10067 levels...\n"
       "\tfrom t.rb:12:in '<main>'\n",
       "language ruby\n"
       "exception SystemStackError: deep\n"
       "  frame t.rb:9 function=f\n"
       "  frame t.rb:9 function=f\n"
       "  frame t.rb:12 function=<main>\n"
       "  omitted 10067\n"},
      {"cause chain as ruby >= 3.1 prints it",
       "t.rb:4:in 'rescue in <main>': outer (RuntimeError)\n"
       "\tfrom t.rb:1:in '<main>'\n"
       "t.rb:2:in '<main>': inner (ArgumentError)\n",
       "language ruby\n"
       "exception RuntimeError: outer\n"
       "  frame t.rb:4 function=rescue in <main>\n"
       "  frame t.rb:1 function=<main>\n"
       "exception ArgumentError: inner\n"
       "  relation cause\n"
       "  frame t.rb:2 function=<main>\n"},
      {"ruby 2.5-2.7 reversed traceback",
       "Traceback (most recent call last):\n"
       "\t2: from t.rb:7:in `<main>'\n"
       "\t1: from t.rb:3:in `run'\n"
       "t.rb:2:in `fail!': nope (IOError)\n",
       "language ruby\n"
       "exception IOError: nope\n"
       "  frame t.rb:7 function=<main>\n"
       "  frame t.rb:3 function=run\n"
       "  frame t.rb:2 function=fail!\n"},
      {"rails log header and one path per line",
       "NoMethodError (undefined method `name' for nil:NilClass):\n"
       "\n"
       "app/controllers/users_controller.rb:14:in `show'\n"
       "/usr/local/bundle/gems/actionpack-7.0.8/lib/abstract_controller/base.rb:215:in "
       "`process_action'\n",
       "language ruby\n"
       "exception NoMethodError: undefined method `name' for nil:NilClass\n"
       "  frame app/controllers/users_controller.rb:14 function=show\n"
       "  frame /usr/local/bundle/gems/actionpack-7.0.8/lib/abstract_controller/base.rb:215 "
       "function=process_action\n"},
      {"Type: message header and bare path:line frames",
       "ActiveRecord::RecordNotFound: Couldn't find Post with 'id'=3\n"
       "app/controllers/posts_controller.rb:8\n"
       "config/initializers/x.rb:2\n",
       "language ruby\n"
       "exception ActiveRecord::RecordNotFound: Couldn't find Post with 'id'=3\n"
       "  frame app/controllers/posts_controller.rb:8\n"
       "  frame config/initializers/x.rb:2\n"},
      {"log prefixes before header and frames",
       "2024-05-11T08:01:44Z pid=7 WARN: Net::ReadTimeout: Net::ReadTimeout\n"
       "2024-05-11T08:01:44Z pid=7 WARN: /app/lib/client.rb:33:in `fetch'\n",
       "language ruby\n"
       "exception Net::ReadTimeout: Net::ReadTimeout\n"
       "  frame /app/lib/client.rb:33 function=fetch\n"},
      {"words that are not exception classes stay unparsed",
       "Failures:\n"
       "  Parameters: {\"id\"=>\"17\"}\n"
       "app/x.rb:1:in 'm'\n",
       "language ruby\n"
       "exception \n"
       "  frame app/x.rb:1 function=m\n"
       "unparsed 1: Failures:\n"
       "unparsed 2:   Parameters: {\"id\"=>\"17\"}\n"},
      {"windows path and jruby java frame",
       "C:/app/lib/x.rb:5:in 'X#y': e (StandardError)\n"
       "\tfrom org/jruby/RubyArray.java:1865:in 'each'\n",
       "language ruby\n"
       "exception StandardError: e\n"
       "  frame C:/app/lib/x.rb:5 module=X function=y\n"
       "  frame org/jruby/RubyArray.java:1865 function=each\n"},
      {"CRLF line endings", "a.rb:1:in 'm': boom (RuntimeError)\r\n\tfrom a.rb:2:in '<main>'\r\n",
       "language ruby\n"
       "exception RuntimeError: boom\n"
       "  frame a.rb:1 function=m\n"
       "  frame a.rb:2 function=<main>\n"},
      {"truncated mid-frame", "a.rb:1:in 'm': boom (RuntimeError)\n\tfrom a.rb:2:in '<ma",
       "language ruby\n"
       "exception RuntimeError: boom\n"
       "  frame a.rb:1 function=m\n"
       "  frame a.rb:2 function=<ma\n"},
      {"line number too large is not a frame", "a.rb:12345678901:in 'm'\n",
       "language ruby\nunparsed 1: a.rb:12345678901:in 'm'\n"},
  });
}

TEST(RubyTraceTest, DetectionAndInApp) {
  auto parsed = ParseStackTrace(
      "app/models/user.rb:42:in 'User#save': boom (RuntimeError)\n"
      "\tfrom /usr/local/bundle/gems/activerecord-7.1.0/lib/active_record/base.rb:9:in 'save'\n"
      "\tfrom /usr/local/lib/ruby/3.3.0/set.rb:5:in 'each'\n");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(DumpStackTrace(*parsed),
            "language ruby\n"
            "exception RuntimeError: boom\n"
            "  frame app/models/user.rb:42 module=User function=save\n"
            "  frame /usr/local/bundle/gems/activerecord-7.1.0/lib/active_record/base.rb:9 "
            "function=save !in_app\n"
            "  frame /usr/local/lib/ruby/3.3.0/set.rb:5 function=each !in_app\n");
}

TEST(RubyTraceTest, Scores) {
  EXPECT_EQ(ScoreRubyTrace(""), 0);
  EXPECT_EQ(ScoreRubyTrace("just some text\nmore text\n"), 0);
  EXPECT_GE(ScoreRubyTrace("x.rb:1:in 'm': e (RuntimeError)\n"), 80);
  EXPECT_EQ(ScoreRubyTrace("Traceback (most recent call last):\n\t1: from x.rb:1:in `m'\n"), 100);
  // Other languages' frames are not Ruby.
  EXPECT_EQ(ScoreRubyTrace("  File \"/app/x.py\", line 3, in run\n"), 0);
  EXPECT_EQ(ScoreRubyTrace("    at Foo.Bar() in /src/Foo.cs:line 3\n"), 0);
  EXPECT_EQ(ScoreRubyTrace("#0 /var/www/x.php(3): f()\n"), 0);
  EXPECT_EQ(ScoreRubyTrace("   0: rust_begin_unwind\n             at /rustc/abc/x.rs:1:2\n"), 0);
  EXPECT_EQ(ScoreRubyTrace("    #0 0x4c5b1f in main /src/test.cc:12:5\n"), 0);
}

TEST(RubyTraceTest, LinearOnHugeInputs) {
  std::string text = "a.rb:1:in 'm': boom (RuntimeError)\n";
  for (int i = 0; i < 100000; ++i) text += "\tfrom app/x.rb:" + std::to_string(i + 1) + ":in 'f'\n";
  StackTrace trace = ParseRubyTrace(text);
  ASSERT_EQ(trace.exceptions.size(), 1u);
  EXPECT_EQ(trace.exceptions[0].frames.size(), 100001u);
  EXPECT_EQ(trace.exceptions[0].frames.back().frame.line, 100000);

  // One very long line full of near-misses.
  std::string line;
  for (int i = 0; i < 200000; ++i) line += " :1:in x";
  trace = ParseRubyTrace(line);
  EXPECT_EQ(trace.unparsed.size(), 1u);
  EXPECT_EQ(ScoreRubyTrace(line), 0);
}

}  // namespace
}  // namespace srclink
