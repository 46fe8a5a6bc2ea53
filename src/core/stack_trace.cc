#include "core/stack_trace.h"

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
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
      {TraceLanguage::kPython, ScorePythonTrace, ParsePythonTrace, 95, kPythonScoreMarkers},
      {TraceLanguage::kJava, ScoreJavaTrace, ParseJavaTrace, 90, kJavaScoreMarkers},
      {TraceLanguage::kGo, ScoreGoTrace, ParseGoTrace, 95, kGoScoreMarkers},
      {TraceLanguage::kJavaScript, ScoreJavaScriptTrace, ParseJavaScriptTrace, 75,
       kJavaScriptScoreMarkers},
      {TraceLanguage::kRuby, ScoreRubyTrace, ParseRubyTrace, 100, kRubyScoreMarkers,
       kRubyStrongScoreMarkers, kRubyWeakMaxScore},
      {TraceLanguage::kDotNet, ScoreDotNetTrace, ParseDotNetTrace, 95, kDotNetScoreMarkers,
       kDotNetStrongScoreMarkers, kDotNetWeakMaxScore},
      {TraceLanguage::kPhp, ScorePhpTrace, ParsePhpTrace, 95, kPhpScoreMarkers},
      {TraceLanguage::kRust, ScoreRustTrace, ParseRustTrace, 95, kRustScoreMarkers},
      {TraceLanguage::kNative, ScoreNativeTrace, ParseNativeTrace, 95, kNativeScoreMarkers,
       kNativeStrongScoreMarkers, kNativeWeakMaxScore},
  };
  return kParsers;
}

namespace {

// Finds which parsers' score markers and strong markers occur in a text in
// one pass. Markers of three bytes or more: each position's first three
// bytes are hashed into a bitmap of the markers' first three bytes, and only
// on a hit are the markers starting with that byte compared. Shorter markers
// ("#", "0x") are searched with memchr.
class ScoreMarkerScan {
 public:
  static constexpr size_t kMaxParsers = 16;
  static uint32_t GateBit(size_t parser) { return uint32_t{1} << parser; }
  static uint32_t StrongBit(size_t parser) { return uint32_t{1} << (kMaxParsers + parser); }

  explicit ScoreMarkerScan(const std::vector<TraceParser>& parsers) {
    for (size_t p = 0; p < parsers.size() && p < kMaxParsers; ++p) {
      for (std::string_view marker : parsers[p].score_markers) Add(marker, GateBit(p));
      for (std::string_view marker : parsers[p].strong_markers) Add(marker, StrongBit(p));
    }
  }

  // GateBit(p) for each parser p whose score markers occur in `text`,
  // StrongBit(p) for each whose strong markers do.
  uint32_t Present(std::string_view text) const {
    uint32_t found = 0;
    for (const Marker& m : short_) {
      if ((found & m.bit) == 0 && ContainsShort(text, m.text)) found |= m.bit;
    }
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const size_t n = text.size();
    if (n < 3) return found;
    size_t i = 0;
    for (; i + 4 <= n; ++i) {
      uint32_t word;
      std::memcpy(&word, s + i, 4);
      if constexpr (std::endian::native == std::endian::big) word = __builtin_bswap32(word);
      if (!Hit(word)) continue;
      found = Compare(s, n, i, found);
      if (found == all_) return found;
    }
    for (; i + 3 <= n; ++i) {  // the last position: no fourth byte to load
      const uint32_t word = uint32_t{s[i]} | uint32_t{s[i + 1]} << 8 | uint32_t{s[i + 2]} << 16;
      if (Hit(word)) found = Compare(s, n, i, found);
    }
    return found;
  }

 private:
  struct Marker {
    std::string_view text;
    uint32_t bit;
  };

  // The first three bytes of a little-endian word, hashed to a bit of bitmap_.
  static uint32_t Hash(uint32_t word) { return ((word & 0xFFFFFF) * 0x9E3779B1u) >> 16; }
  bool Hit(uint32_t word) const {
    const uint32_t h = Hash(word);
    return (bitmap_[h / 64] >> (h % 64) & 1) != 0;
  }

  // Sets the bits of the markers that start at s[i].
  uint32_t Compare(const unsigned char* s, size_t n, size_t i, uint32_t found) const {
    for (const Marker& m : by_first_[s[i]]) {
      if ((found & m.bit) == 0 && m.text.size() <= n - i &&
          std::memcmp(s + i, m.text.data(), m.text.size()) == 0) {
        found |= m.bit;
      }
    }
    return found;
  }

  // A one- or two-byte marker, found by memchr on its rarer byte (not a digit or blank).
  static bool ContainsShort(std::string_view text, std::string_view marker) {
    const size_t at =
        marker.size() == 2 && (marker[0] == ' ' || (marker[0] >= '0' && marker[0] <= '9')) ? 1 : 0;
    const char* p = text.data();
    const char* end = text.data() + text.size();
    while (p < end) {
      const auto* hit = static_cast<const char*>(std::memchr(p, marker[at], end - p));
      if (hit == nullptr) return false;
      const char* start = hit - at;
      if (start >= text.data() && start + marker.size() <= end &&
          std::memcmp(start, marker.data(), marker.size()) == 0) {
        return true;
      }
      p = hit + 1;
    }
    return false;
  }

  void Add(std::string_view marker, uint32_t bit) {
    if (marker.empty()) return;
    all_ |= bit;
    if (marker.size() < 3) {
      short_.push_back({marker, bit});
      return;
    }
    const uint32_t word = static_cast<unsigned char>(marker[0]) |
                          uint32_t{static_cast<unsigned char>(marker[1])} << 8 |
                          uint32_t{static_cast<unsigned char>(marker[2])} << 16;
    const uint32_t h = Hash(word);
    bitmap_[h / 64] |= uint64_t{1} << (h % 64);
    by_first_[static_cast<unsigned char>(marker[0])].push_back({marker, bit});
  }

  std::array<uint64_t, 1024> bitmap_ = {};  // bit per hash of a long marker's first three bytes
  std::array<std::vector<Marker>, 256> by_first_;  // long markers by first byte
  std::vector<Marker> short_;                      // markers of one or two bytes
  uint32_t all_ = 0;                               // every bit some marker sets
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
    const bool markers = i < ScoreMarkerScan::kMaxParsers &&
                         (!parser.score_markers.empty() || !parser.strong_markers.empty());
    if (markers && !scanned) {
      present = kScan->Present(ScoreWindow(text));
      scanned = true;
    }
    if (markers && !parser.score_markers.empty() && (present & ScoreMarkerScan::GateBit(i)) == 0) {
      continue;  // its score would be 0
    }
    if (markers && !parser.strong_markers.empty() && parser.weak_max_score <= best_score &&
        (present & ScoreMarkerScan::StrongBit(i)) == 0) {
      continue;  // its score would be at most weak_max_score
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
