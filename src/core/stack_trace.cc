#include "core/stack_trace.h"

#include <array>
#include <string>

#include "core/frame_origin.h"
#include "core/frame_path.h"
#include "core/trace_dotnet.h"
#include "core/trace_go.h"
#include "core/trace_java.h"
#include "core/trace_javascript.h"
#include "core/trace_lines.h"
#include "core/trace_native.h"
#include "core/trace_php.h"
#include "core/trace_python.h"
#include "core/trace_ruby.h"
#include "core/trace_rust.h"

namespace srclink {
namespace {

struct LanguageName {
  std::string_view name;
  TraceLanguage language;
};

constexpr std::array<LanguageName, 24> kLanguageNames = {{
    {"python", TraceLanguage::kPython},
    {"py", TraceLanguage::kPython},
    {"java", TraceLanguage::kJava},
    {"jvm", TraceLanguage::kJava},
    {"kotlin", TraceLanguage::kJava},
    {"scala", TraceLanguage::kJava},
    {"go", TraceLanguage::kGo},
    {"golang", TraceLanguage::kGo},
    {"javascript", TraceLanguage::kJavaScript},
    {"js", TraceLanguage::kJavaScript},
    {"node", TraceLanguage::kJavaScript},
    {"nodejs", TraceLanguage::kJavaScript},
    {"typescript", TraceLanguage::kJavaScript},
    {"ruby", TraceLanguage::kRuby},
    {"dotnet", TraceLanguage::kDotNet},
    {"csharp", TraceLanguage::kDotNet},
    {"c#", TraceLanguage::kDotNet},
    {"php", TraceLanguage::kPhp},
    {"native", TraceLanguage::kNative},
    {"c", TraceLanguage::kNative},
    {"cpp", TraceLanguage::kNative},
    {"c++", TraceLanguage::kNative},
    {"rust", TraceLanguage::kRust},
    {"unknown", TraceLanguage::kUnknown},
}};

// in_app from the frame's origin, unless the parser already knew better.
void MarkInApp(StackTrace* trace) {
  for (auto& exception : trace->exceptions) {
    for (auto& f : exception.frames) {
      if (!f.in_app) continue;
      if (f.frame.file.empty() && f.frame.module.empty()) continue;
      FramePath path = NormalizeFramePath(f.frame.file);
      f.in_app = ClassifyFrame(f.frame, path).kind == OriginKind::kUser;
    }
  }
}

}  // namespace

std::string_view TraceLanguageName(TraceLanguage language) {
  switch (language) {
    case TraceLanguage::kPython:
      return "python";
    case TraceLanguage::kJava:
      return "java";
    case TraceLanguage::kGo:
      return "go";
    case TraceLanguage::kJavaScript:
      return "javascript";
    case TraceLanguage::kRuby:
      return "ruby";
    case TraceLanguage::kDotNet:
      return "dotnet";
    case TraceLanguage::kPhp:
      return "php";
    case TraceLanguage::kNative:
      return "native";
    case TraceLanguage::kRust:
      return "rust";
    case TraceLanguage::kUnknown:
      break;
  }
  return "unknown";
}

TraceLanguage ParseTraceLanguage(std::string_view name) {
  std::string lower(name);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  for (const auto& entry : kLanguageNames) {
    if (entry.name == lower) return entry.language;
  }
  return TraceLanguage::kUnknown;
}

std::string TraceFrame::Dump() const {
  std::string out = frame.Dump();
  if (!address.empty()) out += " address=" + address;
  if (!in_app) out += " !in_app";
  return out;
}

size_t StackTrace::FrameCount() const {
  size_t n = 0;
  for (const auto& e : exceptions) n += e.frames.size();
  return n;
}

namespace {
std::string EscapeNewlines(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\n') {
      out += "\\n";
    } else if (c != '\r') {
      out += c;
    }
  }
  return out;
}
}  // namespace

std::string DumpStackTrace(const StackTrace& trace) {
  std::string out = "language " + std::string(TraceLanguageName(trace.language)) + "\n";
  for (const auto& e : trace.exceptions) {
    out += "exception " + EscapeNewlines(e.type);
    if (!e.message.empty()) out += ": " + EscapeNewlines(e.message);
    out += "\n";
    if (!e.relation.empty()) out += "  relation " + e.relation + "\n";
    for (const auto& f : e.frames) out += "  frame " + f.Dump() + "\n";
    if (e.omitted_frames > 0) out += "  omitted " + std::to_string(e.omitted_frames) + "\n";
  }
  for (const auto& u : trace.unparsed) {
    out += "unparsed " + std::to_string(u.text_line) + ": " + u.text + "\n";
  }
  return out;
}

const std::vector<TraceParser>& TraceParsers() {
  static const std::vector<TraceParser> kParsers = {
      {TraceLanguage::kPython, ScorePythonTrace, ParsePythonTrace},
      {TraceLanguage::kJava, ScoreJavaTrace, ParseJavaTrace},
      {TraceLanguage::kGo, ScoreGoTrace, ParseGoTrace},
      {TraceLanguage::kJavaScript, ScoreJavaScriptTrace, ParseJavaScriptTrace},
      {TraceLanguage::kRuby, ScoreRubyTrace, ParseRubyTrace},
      {TraceLanguage::kDotNet, ScoreDotNetTrace, ParseDotNetTrace},
      {TraceLanguage::kPhp, ScorePhpTrace, ParsePhpTrace},
      {TraceLanguage::kRust, ScoreRustTrace, ParseRustTrace},
      {TraceLanguage::kNative, ScoreNativeTrace, ParseNativeTrace},
  };
  return kParsers;
}

TraceLanguage DetectTraceLanguage(std::string_view text) {
  TraceLanguage best = TraceLanguage::kUnknown;
  int best_score = 0;
  for (const auto& parser : TraceParsers()) {
    int score = parser.score(text);
    if (score > best_score) {
      best_score = score;
      best = parser.language;
    }
  }
  return best;
}

Result<StackTrace> ParseStackTrace(std::string_view text, TraceLanguage language) {
  if (text.size() > kMaxStackTraceBytes) {
    return Status::InvalidArgument("stack trace is " + std::to_string(text.size()) +
                                   " bytes; the limit is " + std::to_string(kMaxStackTraceBytes));
  }
  if (language == TraceLanguage::kUnknown) language = DetectTraceLanguage(text);
  StackTrace trace;
  bool parsed = false;
  for (const auto& parser : TraceParsers()) {
    if (parser.language == language) {
      trace = parser.parse(text);
      parsed = true;
      break;
    }
  }
  if (!parsed) {
    trace.language = TraceLanguage::kUnknown;
    KeepUnparsedLines(text, &trace);
  }
  MarkInApp(&trace);
  return trace;
}

}  // namespace srclink
