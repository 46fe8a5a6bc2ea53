#include "core/stack_trace.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

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
  FramePathScratch scratch;  // one set of buffers for every frame of the trace
  FramePath path;
  for (auto& exception : trace->exceptions) {
    for (auto& f : exception.frames) {
      if (!f.in_app) continue;
      if (f.frame.file.empty() && f.frame.module.empty()) continue;
      NormalizeFramePath(f.frame.file, &scratch, &path);
      f.in_app = ClassifyFrameKind(f.frame, path) == OriginKind::kUser;
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
  // The maximum scores are the largest each Score function returns
  // (tests/core/trace_detection_test.cc checks them against the corpus).
  static const std::vector<TraceParser> kParsers = {
      {TraceLanguage::kPython, ScorePythonTrace, ParsePythonTrace, 95},
      {TraceLanguage::kJava, ScoreJavaTrace, ParseJavaTrace, 90},
      {TraceLanguage::kGo, ScoreGoTrace, ParseGoTrace, 95},
      {TraceLanguage::kJavaScript, ScoreJavaScriptTrace, ParseJavaScriptTrace, 75},
      {TraceLanguage::kRuby, ScoreRubyTrace, ParseRubyTrace, 100, kRubyScoreMarkers},
      {TraceLanguage::kDotNet, ScoreDotNetTrace, ParseDotNetTrace, 95, kDotNetScoreMarkers},
      {TraceLanguage::kPhp, ScorePhpTrace, ParsePhpTrace, 95, kPhpScoreMarkers},
      {TraceLanguage::kRust, ScoreRustTrace, ParseRustTrace, 95, kRustScoreMarkers},
      {TraceLanguage::kNative, ScoreNativeTrace, ParseNativeTrace, 95, kNativeScoreMarkers},
  };
  return kParsers;
}

namespace {

// Finds which parsers' score markers occur in a text in one pass: each pair
// of bytes is looked up in a bitmap of the markers' first two bytes, and only
// the markers starting with them are compared (one-byte markers by a table).
class ScoreMarkerScan {
 public:
  explicit ScoreMarkerScan(const std::vector<TraceParser>& parsers) {
    for (size_t p = 0; p < parsers.size() && p < 32; ++p) {
      for (std::string_view marker : parsers[p].score_markers) {
        if (marker.empty()) continue;
        const uint32_t bit = 1u << p;
        gated_ |= bit;
        const auto first = static_cast<unsigned char>(marker[0]);
        if (marker.size() == 1) {
          single_[first] |= bit;
          continue;
        }
        const size_t pair = Pair(first, static_cast<unsigned char>(marker[1]));
        pairs_[pair / 64] |= uint64_t{1} << (pair % 64);
        by_first_[first].push_back({marker, bit});
      }
    }
  }

  // A bit per parser (by index) whose markers occur in `text`.
  uint32_t Present(std::string_view text) const {
    uint32_t found = 0;
    const size_t n = text.size();
    for (size_t i = 0; i < n; ++i) {
      const auto c = static_cast<unsigned char>(text[i]);
      found |= single_[c];
      if (i + 1 == n) break;
      const size_t pair = Pair(c, static_cast<unsigned char>(text[i + 1]));
      if ((pairs_[pair / 64] >> (pair % 64) & 1) == 0) continue;
      std::string_view rest = text.substr(i);
      for (const Marker& m : by_first_[c]) {
        if ((found & m.parser) == 0 && rest.starts_with(m.text)) found |= m.parser;
      }
      if (found == gated_) break;
    }
    return found;
  }

 private:
  struct Marker {
    std::string_view text;
    uint32_t parser;  // its bit
  };
  static size_t Pair(unsigned char a, unsigned char b) { return size_t{a} << 8 | b; }

  std::array<uint32_t, 256> single_ = {};  // one-byte markers' parsers, by byte
  std::array<uint64_t, 1024> pairs_ = {};  // bit per first two bytes of longer markers
  std::array<std::vector<Marker>, 256> by_first_;
  uint32_t gated_ = 0;  // parsers with markers
};

}  // namespace

TraceLanguage DetectTraceLanguage(std::string_view text) {
  const std::vector<TraceParser>& parsers = TraceParsers();
  static const ScoreMarkerScan* const kScan = new ScoreMarkerScan(parsers);
  TraceLanguage best = TraceLanguage::kUnknown;
  int best_score = 0;
  bool scanned = false;
  uint32_t present = 0;
  for (size_t i = 0; i < parsers.size(); ++i) {
    const TraceParser& parser = parsers[i];
    // Ties go to the earlier parser: one that cannot score higher than the
    // best so far cannot change the answer.
    if (parser.max_score <= best_score) continue;
    if (!parser.score_markers.empty() && i < 32) {
      if (!scanned) {
        present = kScan->Present(ScoreWindow(text));
        scanned = true;
      }
      if ((present & (1u << i)) == 0) continue;  // its score would be 0
    }
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
