// StackTrace: a text stack trace as it appears in logs, span tags
// (`error.stack`, `exception.stacktrace`) and crash output, parsed into
// exceptions and their frames, chained causes kept in the order the text
// prints them.
//
// Parsing never fails on content: a line no rule understands is kept in
// `unparsed` with its line number, so a user can see what was skipped. The
// only error is input over `kMaxStackTraceBytes` (InvalidArgument).
//
// Each language has its own parser (trace_<language>.h), behind one table
// (TraceParsers()); DetectTraceLanguage() asks each one how sure it is.
// Pure: no I/O, no globals beyond constant tables; bounded work per byte.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/frame.h"
#include "core/status.h"

namespace srclink {

inline constexpr size_t kMaxStackTraceBytes = 16u << 20;

enum class TraceLanguage {
  kUnknown,
  kPython,
  kJava,  // and Kotlin, Scala, every JVM language
  kGo,
  kJavaScript,  // Node, V8, browsers (Chrome, Firefox, Safari forms)
  kRuby,
  kDotNet,  // C#, F#, VB
  kPhp,
  kNative,  // C and C++: gdb bt, backtrace_symbols, sanitizers, libunwind, Boost/std::stacktrace
  kRust,
};

// "python", "java", "go", "javascript", "ruby", "dotnet", "php", "native", "rust", "unknown".
std::string_view TraceLanguageName(TraceLanguage language);
// Accepts the names above and common aliases ("py", "jvm", "kotlin", "scala", "node", "js",
// "csharp", "c#", "c", "cpp", "c++"); kUnknown when not recognised.
TraceLanguage ParseTraceLanguage(std::string_view name);

struct TraceFrame {
  Frame frame;           // file, line, column, function, module ("" / 0 when the text omits them)
  bool in_app = true;    // false for runtime, standard library and installed-package frames
  std::string address;   // native frames: "0x00007f3a2b1c4d5e" when printed; "" otherwise
  size_t text_line = 0;  // 1-based line of the input the frame came from

  // "app/views.py:42 module=app.views function=index" plus " !in_app" when not in app.
  std::string Dump() const;
};

struct TraceException {
  std::string type;      // "ValueError", "java.lang.IllegalStateException", "panic", "" if none
  std::string message;   // may span lines; "" if none
  std::string relation;  // how it relates to the exception before it: "" for the first,
                         // "cause" (Caused by:, "The above exception was the direct cause"),
                         // "context" ("During handling of the above exception"),
                         // "suppressed", "goroutine" (Go: each further goroutine), "thread"
  std::vector<TraceFrame> frames;  // in the order the text prints them
  size_t omitted_frames = 0;       // "... 12 more", "[... skipping N frames]"
};

struct UnparsedLine {
  size_t text_line = 0;  // 1-based
  std::string text;
};

struct StackTrace {
  TraceLanguage language = TraceLanguage::kUnknown;
  std::vector<TraceException> exceptions;  // in the order the text prints them
  std::vector<UnparsedLine> unparsed;      // non-blank lines no rule understood

  size_t FrameCount() const;
};

// One language's parser. `score` says how sure it is that `text` is a trace
// of its language (0 = not at all, 100 = certain) from the first lines that
// carry frames; `parse` always returns a trace (never throws). Three facts let
// detection skip calls that cannot change its answer: `max_score` is the most
// `score` ever returns; when `score_markers` is not empty, `score` returns 0
// unless the first 64 lines contain one of them; and when `strong_markers` is
// not empty, `score` returns at most `weak_max_score` unless the first 64
// lines contain one of those (all found for every parser in one pass over the
// text).
struct TraceParser {
  TraceLanguage language;
  int (*score)(std::string_view text);
  StackTrace (*parse)(std::string_view text);
  int max_score = 100;
  std::span<const std::string_view> score_markers = {};
  std::span<const std::string_view> strong_markers = {};
  int weak_max_score = 100;
};

// The trace as text, one item a line, for the corpus and test tables:
//   language python
//   exception ValueError: bad value\nsecond line   (message '\n' escaped as \n)
//     relation cause                               (when not "")
//     frame app/views.py:42 module=app.views function=index
//     omitted 12                                   (when not 0)
//   unparsed 7: the line's text
std::string DumpStackTrace(const StackTrace& trace);

// Every language's parser, in a fixed order (ties in detection go to the earlier).
const std::vector<TraceParser>& TraceParsers();

// The language whose parser scores highest (kUnknown when every score is 0).
TraceLanguage DetectTraceLanguage(std::string_view text);

// Parses `text` as `language`, or detects it when kUnknown. Sets `in_app`
// from ClassifyFrame() (frame_origin.h) for frames the parser left in app.
// InvalidArgument when text is larger than kMaxStackTraceBytes.
Result<StackTrace> ParseStackTrace(std::string_view text,
                                   TraceLanguage language = TraceLanguage::kUnknown);

}  // namespace srclink
