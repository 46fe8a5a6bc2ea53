// Benchmarks ParseStackTrace() (detection included) on text stack traces.
//   build/bench/stack_trace_bench --benchmark_counters_tabular=true
// Target: >= 100 MB/s on one core for the mixed buffer (BM_ParseStackTraceMixed).
//
// The mixed buffer is every trace of the corpus (tests/data/traces/<language>/
// *.txt, found from this file's path or $SRCLINK_TRACE_CORPUS) plus one
// embedded trace of each of the nine languages, each parsed on its own as a
// server would parse span tags.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/stack_trace.h"

namespace {

namespace fs = std::filesystem;
using srclink::ParseStackTrace;
using srclink::TraceLanguage;

// One short, representative trace of each language, so the benchmark runs
// without the source tree.
const char* const kEmbedded[] = {
    "Traceback (most recent call last):\n"
    "  File \"/app/views.py\", line 42, in index\n"
    "    return render(request)\n"
    "  File \"/usr/lib/python3.11/json/decoder.py\", line 337, in decode\n"
    "    obj, end = self.raw_decode(s, idx=_w(s, 0).end())\n"
    "json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)\n",

    "Exception in thread \"main\" java.lang.IllegalStateException: boom\n"
    "\tat com.example.Foo$Inner.bar(Foo.java:42)\n"
    "\tat java.base/java.lang.Thread.run(Thread.java:833)\n"
    "Caused by: java.io.IOException: disk\n"
    "\tat com.example.Disk.write(Disk.java:7)\n"
    "\t... 2 more\n",

    "panic: runtime error: index out of range [3] with length 3\n\n"
    "goroutine 1 [running]:\n"
    "main.parse({0xc000012120, 0x3, 0x3})\n"
    "\t/app/main.go:41 +0x1b9\n"
    "main.main()\n"
    "\t/app/main.go:22 +0x105\n"
    "exit status 2\n",

    "TypeError: Cannot read properties of undefined (reading 'id')\n"
    "    at load (/app/src/user.js:10:5)\n"
    "    at async Promise.all (index 0)\n"
    "    at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)\n"
    "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)\n",

    "/app/lib/user.rb:12:in `find': not found (ActiveRecord::RecordNotFound)\n"
    "\tfrom /app/app/controllers/users_controller.rb:5:in `show'\n"
    "\tfrom /usr/lib/ruby/3.2.0/benchmark.rb:311:in `realtime'\n",

    "System.InvalidOperationException: Sequence contains no elements\n"
    "   at System.Linq.ThrowHelper.ThrowNoElementsException()\n"
    "   at Shop.Orders.OrderService.Get(Int32 id) in /src/Shop/Orders/OrderService.cs:line 42\n"
    "   at Shop.Api.OrdersController.Show(Int32 id) in /src/Shop/Api/OrdersController.cs:line 17\n",

    "PHP Fatal error:  Uncaught Exception: boom in /var/www/src/Service.php:12\n"
    "Stack trace:\n"
    "#0 /var/www/src/Controller.php(30): App\\Service->run()\n"
    "#1 /var/www/public/index.php(8): App\\Controller->handle()\n"
    "#2 {main}\n"
    "  thrown in /var/www/src/Service.php on line 12\n",

    "#0  0x00007f3a2b1c4d5e in raise () from /lib/x86_64-linux-gnu/libc.so.6\n"
    "#1  0x000055d4c2a1b2c3 in Parser::parse (this=0x7ffd, s=...) at src/parser.cc:88\n"
    "#2  0x000055d4c2a1b4f0 in main (argc=1, argv=0x7ffd) at src/main.cc:12\n",

    "thread 'main' panicked at src/main.rs:5:5:\n"
    "called `Option::unwrap()` on a `None` value\n"
    "stack backtrace:\n"
    "   0: rust_begin_unwind\n"
    "             at "
    "/rustc/a28077b28a02b92985b3a3faecf92813155f1ea1/library/std/src/panicking.rs:645:5\n"
    "   1: app::main\n"
    "             at ./src/main.rs:5:5\n",
};

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path CorpusRoot() {
  if (const char* env = std::getenv("SRCLINK_TRACE_CORPUS")) return env;
  return fs::path(__FILE__).parent_path().parent_path() / "tests" / "data" / "traces";
}

const std::vector<std::string>& Traces() {
  static const auto* traces = [] {
    auto* out = new std::vector<std::string>(std::begin(kEmbedded), std::end(kEmbedded));
    std::error_code ec;
    std::vector<fs::path> files;
    for (fs::recursive_directory_iterator it(CorpusRoot(), ec), end; !ec && it != end;
         it.increment(ec)) {
      if (it->is_regular_file() && it->path().extension() == ".txt") files.push_back(it->path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) out->push_back(ReadFile(f));
    return out;
  }();
  return *traces;
}

// Each trace parsed on its own, language detected.
void BM_ParseStackTraceMixed(benchmark::State& state) {
  const auto& traces = Traces();
  size_t bytes = 0, frames = 0;
  for (const auto& t : traces) bytes += t.size();
  for (auto _ : state) {
    frames = 0;
    for (const auto& t : traces) {
      auto parsed = ParseStackTrace(t);
      frames += parsed->FrameCount();
      benchmark::DoNotOptimize(parsed);
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  state.counters["traces"] = static_cast<double>(traces.size());
  state.counters["frames"] = static_cast<double>(frames);
}
BENCHMARK(BM_ParseStackTraceMixed);

// Detection alone (it reads only the first 64 lines of each trace).
void BM_DetectTraceLanguage(benchmark::State& state) {
  const auto& traces = Traces();
  size_t bytes = 0;
  for (const auto& t : traces) bytes += t.size();
  for (auto _ : state) {
    for (const auto& t : traces) benchmark::DoNotOptimize(srclink::DetectTraceLanguage(t));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_DetectTraceLanguage);

// One very deep trace (100,000 frames) per language: the per-line cost.
std::string DeepTrace(int which) {
  std::string out;
  const char* head[] = {"Traceback (most recent call last):\n", "java.lang.StackOverflowError\n",
                        ("runtime: goroutine stack exceeds 1000000000-byte limit\n"
                         "fatal error: stack overflow\n\ngoroutine 1 [running]:\n"),
                        "RangeError: Maximum call stack size exceeded\n"};
  const char* frame[] = {"  File \"/app/src/tree.py\", line 14, in walk\n    return walk(n)\n",
                         "\tat com.example.tree.Walker.walk(Walker.java:14)\n",
                         "main.walk(0xc000010000, 0x1)\n\t/app/src/tree.go:14 +0x1d\n",
                         "    at walk (/app/src/tree.js:14:10)\n"};
  out += head[which];
  for (int i = 0; i < 100000; ++i) out += frame[which];
  return out;
}

void BM_ParseStackTraceDeep(benchmark::State& state) {
  const std::string text = DeepTrace(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto parsed = ParseStackTrace(text);
    benchmark::DoNotOptimize(parsed);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
  state.SetLabel(std::string(srclink::TraceLanguageName(srclink::DetectTraceLanguage(text))));
}
BENCHMARK(BM_ParseStackTraceDeep)->DenseRange(0, 3)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
