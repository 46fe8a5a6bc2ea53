#include "core/trace_native.h"

#include <algorithm>
#include <initializer_list>
#include <span>
#include <string>

#include "core/trace_lines.h"

namespace srclink {
namespace {

constexpr size_t kNone = std::string_view::npos;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHexDigit(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// Length of a leading "0x1f…" (0 when `s` does not start with one).
size_t HexAddressLength(std::string_view s) {
  if (s.size() < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X') || !IsHexDigit(s[2])) return 0;
  size_t i = 2;
  while (i < s.size() && IsHexDigit(s[i])) ++i;
  return i;
}

size_t DigitsLength(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && IsDigit(s[i])) ++i;
  return i;
}

// "src/x.cc:42:5", "x.c:10" -> file, line, column.
bool SplitFileLineColumn(std::string_view s, Frame* frame) {
  size_t c1 = s.rfind(':');
  if (c1 == kNone || c1 == 0) return false;
  auto n1 = ParseTraceNumber(s.substr(c1 + 1));
  if (!n1) return false;
  std::string_view head = s.substr(0, c1);
  size_t c2 = head.rfind(':');
  if (c2 != kNone && c2 > 0) {
    auto n2 = ParseTraceNumber(head.substr(c2 + 1));
    if (n2) {
      frame->file = std::string(head.substr(0, c2));
      frame->line = *n2;
      frame->column = *n1;
      return true;
    }
  }
  frame->file = std::string(head);
  frame->line = *n1;
  return true;
}

// The '(' matching the ')' that ends `s`, scanning backwards; kNone if unbalanced.
size_t MatchingOpen(std::string_view s) {
  if (s.empty() || s.back() != ')') return kNone;
  int depth = 0;
  for (size_t i = s.size(); i-- > 0;) {
    if (s[i] == ')') {
      ++depth;
    } else if (s[i] == '(') {
      if (--depth == 0) return i;
    }
  }
  return kNone;
}

// "/lib/libc.so.6+0x29d8f", "libdyld.dylib:x86_64+0x1144" -> the module path.
bool ModuleOffset(std::string_view content, std::string* module) {
  size_t plus = content.rfind("+0x");
  if (plus == kNone) return false;
  std::string_view m = content.substr(0, plus);
  size_t slash = m.rfind('/');
  size_t arch = m.find(':', slash == kNone ? 0 : slash);
  if (arch != kNone) m = m.substr(0, arch);
  *module = std::string(m);
  return true;
}

// Whatever follows the address: "func /src/x.cc:12:5", "func (/lib/x.so+0x1)",
// "func (a=1) at x.c:3", "func () from /lib/x.so", "(/lib/x.so+0x1)".
void ParseFunctionAndLocation(std::string_view r, Frame* frame) {
  r = TrimTrace(r);
  if (EndsWith(r, ")")) {
    size_t b = r.rfind(" (BuildId: ");
    if (b != kNone) r = TrimTrace(r.substr(0, b));
  }
  bool gdb = false;
  size_t at = r.rfind(" at ");
  if (at != kNone && SplitFileLineColumn(r.substr(at + 4), frame)) {
    r = r.substr(0, at);
    gdb = true;
  } else {
    size_t from = r.rfind(" from ");
    if (from != kNone && r.find(' ', from + 6) == kNone) {
      frame->file = std::string(r.substr(from + 6));
      r = r.substr(0, from);
      gdb = true;
    }
  }
  r = TrimTrace(r);
  size_t open = MatchingOpen(r);
  if (open != kNone) {
    std::string_view content = r.substr(open + 1, r.size() - open - 2);
    std::string module;
    if (!gdb && (open == 0 || r[open - 1] == ' ') && ModuleOffset(content, &module)) {
      frame->file = std::move(module);
      r = TrimTrace(r.substr(0, open));
    } else if (open > 0 && r[open - 1] == ' ' &&
               (gdb || content.empty() || content.find('=') != kNone)) {
      frame->function = std::string(TrimTrace(r.substr(0, open)));  // gdb's " (args)"
      return;
    }
  }
  // A trailing location token: "/src/x.cc:12:5", "Thread.cc:111".
  size_t space = r.rfind(' ');
  std::string_view token = space == kNone ? r : r.substr(space + 1);
  if (!gdb && !token.empty()) {
    Frame loc;
    bool slash_path =
        token.find('/') != kNone && token.find('(') == kNone && token.find('<') == kNone;
    if ((SplitFileLineColumn(token, &loc) && token.find('(') == kNone) || slash_path) {
      if (frame->file.empty() || !slash_path || loc.line > 0) {
        if (loc.file.empty()) loc.file = std::string(token);
        frame->file = loc.file;
        frame->line = loc.line;
        frame->column = loc.column;
      }
      r = space == kNone ? std::string_view() : TrimTrace(r.substr(0, space));
    }
  }
  frame->function = std::string(r);
}

// "#3 0x… in f /x.cc:1" (sanitizers, gdb, LLVM, TSan) and Android's "#00 pc 0042f89  lib (f+4)".
bool ParseHashFrame(std::string_view t, TraceFrame* f, int* index) {
  if (t.size() < 3 || t[0] != '#') return false;
  size_t digits = DigitsLength(t.substr(1));
  if (digits == 0 || digits > 9) return false;
  std::string_view rest = t.substr(1 + digits);
  if (!rest.empty() && rest[0] != ' ' && rest[0] != '\t') return false;
  *index = *ParseTraceNumber(t.substr(1, digits));
  rest = TrimTrace(rest);
  if (rest.empty()) return false;
  if (StartsWith(rest, "pc ")) {  // Android tombstone / logcat
    rest = TrimTrace(rest.substr(3));
    size_t i = 0;
    while (i < rest.size() && IsHexDigit(rest[i])) ++i;
    if (i == 0) return false;
    f->address = "0x" + std::string(rest.substr(0, i));
    rest = TrimTrace(rest.substr(i));
    if (EndsWith(rest, ")")) {
      size_t b = rest.rfind(" (BuildId: ");
      if (b != kNone) rest = TrimTrace(rest.substr(0, b));
    }
    size_t open = rest.find(" (");
    if (open != kNone && EndsWith(rest, ")")) {
      std::string_view sym = rest.substr(open + 2, rest.size() - open - 3);
      size_t plus = sym.rfind('+');
      f->frame.function = std::string(sym.substr(0, plus));
      rest = rest.substr(0, open);
    }
    f->frame.file = std::string(TrimTrace(rest));
    return true;
  }
  size_t hex = HexAddressLength(rest);
  if (hex > 0) {
    f->address = std::string(rest.substr(0, hex));
    rest = TrimTrace(rest.substr(hex));
  }
  if (StartsWith(rest, "in ")) rest.remove_prefix(3);
  ParseFunctionAndLocation(rest, &f->frame);
  return !f->frame.function.empty() || !f->frame.file.empty() || !f->address.empty();
}

// Boost.Stacktrace and libstdc++'s std::stacktrace: " 0# foo() at /x.cpp:12",
// " 1# bar in /lib/x.so", " 2# 0x00007F in ./app".
bool ParseBoostFrame(std::string_view t, TraceFrame* f, int* index) {
  size_t digits = DigitsLength(t);
  if (digits == 0 || digits > 9 || t.size() < digits + 2 || t[digits] != '#' ||
      t[digits + 1] != ' ') {
    return false;
  }
  *index = *ParseTraceNumber(t.substr(0, digits));
  std::string_view r = TrimTrace(t.substr(digits + 2));
  size_t at = r.rfind(" at ");
  if (at != kNone && SplitFileLineColumn(r.substr(at + 4), &f->frame)) {
    r = r.substr(0, at);
  } else {
    size_t in = r.rfind(" in ");
    if (in != kNone) {
      f->frame.file = std::string(r.substr(in + 4));
      r = r.substr(0, in);
    }
  }
  r = TrimTrace(r);
  size_t hex = HexAddressLength(r);
  if (hex > 0 && hex == r.size()) {
    f->address = std::string(r);
  } else {
    f->frame.function = std::string(r);
  }
  return true;
}

// std::stacktrace (MSVC): "0> C:\src\x.cpp(12): app!foo+0x1D", "0> /src/x.cpp(12): foo()".
bool ParseAngleFrame(std::string_view t, TraceFrame* f, int* index) {
  size_t digits = DigitsLength(t);
  if (digits == 0 || digits > 9 || t.size() < digits + 2 || t[digits] != '>' ||
      t[digits + 1] != ' ') {
    return false;
  }
  *index = *ParseTraceNumber(t.substr(0, digits));
  std::string_view r = TrimTrace(t.substr(digits + 2));
  std::string_view function = r;
  size_t close = r.find("): ");
  if (close != kNone) {
    size_t open = r.rfind('(', close);
    if (open == kNone) return false;
    auto line = ParseTraceNumber(r.substr(open + 1, close - open - 1));
    if (!line) return false;
    f->frame.file = std::string(r.substr(0, open));
    f->frame.line = *line;
    function = r.substr(close + 3);
  }
  size_t plus = function.rfind("+0x");
  if (plus != kNone) function = function.substr(0, plus);
  size_t bang = function.find('!');
  if (bang != kNone && function.find('(') > bang) {
    f->frame.module = std::string(function.substr(0, bang));
    function = function.substr(bang + 1);
  }
  f->frame.function = std::string(function);
  return true;
}

// glibc backtrace_symbols: "./app(_ZN3foo3barEv+0x1d) [0x55d…]", "/lib/libc.so.6(+0x29d90)
// [0x7f…]".
bool ParseBacktraceSymbol(std::string_view t, TraceFrame* f) {
  if (!EndsWith(t, "]")) return false;
  size_t b = t.rfind('[');
  if (b == kNone || HexAddressLength(t.substr(b + 1)) != t.size() - b - 2) return false;
  f->address = std::string(t.substr(b + 1, t.size() - b - 2));
  std::string_view head = TrimTrace(t.substr(0, b));
  if (EndsWith(head, ")")) {
    size_t open = head.rfind('(');
    if (open == kNone) return false;
    std::string_view sym = head.substr(open + 1, head.size() - open - 2);
    size_t plus = sym.rfind('+');
    if (plus != kNone) sym = sym.substr(0, plus);
    f->frame.function = std::string(sym);
    head = head.substr(0, open);
  }
  if (head.find(' ') != kNone) return false;
  f->frame.file = std::string(head);
  return !head.empty() || !f->frame.function.empty();
}

// macOS backtrace_symbols / crash reports: "1   libfoo.dylib   0x0000000101 _ZN3foo3barEv + 25".
bool ParseMacFrame(std::string_view t, TraceFrame* f) {
  size_t digits = DigitsLength(t);
  if (digits == 0 || digits >= t.size() || t[digits] != ' ') return false;
  std::string_view r = TrimTrace(t.substr(digits));
  size_t space = r.find_first_of(" \t");
  if (space == kNone) return false;
  std::string_view image = r.substr(0, space);
  r = TrimTrace(r.substr(space));
  size_t hex = HexAddressLength(r);
  if (hex == 0) return false;
  f->address = std::string(r.substr(0, hex));
  r = TrimTrace(r.substr(hex));
  size_t plus = r.rfind(" + ");
  if (plus != kNone && DigitsLength(r.substr(plus + 3)) == r.size() - plus - 3) {
    r = r.substr(0, plus);
  }
  f->frame.file = std::string(image);
  f->frame.function = std::string(r);
  return true;
}

// libunwind examples: "0x400b8d: (main+0x1d)".
bool ParseUnwindFrame(std::string_view t, TraceFrame* f) {
  size_t hex = HexAddressLength(t);
  if (hex == 0 || !t.substr(hex).starts_with(": (") || !EndsWith(t, ")")) return false;
  std::string_view sym = t.substr(hex + 3, t.size() - hex - 4);
  size_t plus = sym.rfind("+0x");
  if (plus != kNone) sym = sym.substr(0, plus);
  f->address = std::string(t.substr(0, hex));
  f->frame.function = std::string(sym);
  return true;
}

// "==12==ERROR: AddressSanitizer: heap-use-after-free on …", "WARNING: ThreadSanitizer: data race".
bool ParseSanitizerHeader(std::string_view t, std::string* type, std::string* message) {
  size_t s = t.find("Sanitizer: ");
  if (s == kNone) return false;
  std::string_view head = t.substr(0, s);
  if (head.find("ERROR: ") == kNone && head.find("WARNING: ") == kNone) return false;
  if (StartsWith(head, "SUMMARY")) return false;
  size_t start = head.find_last_of(" =:");
  *type = std::string(
      t.substr(start == kNone ? 0 : start + 1, s + 9 - (start == kNone ? 0 : start + 1)));
  *message = std::string(TrimTrace(t.substr(s + 11)));
  return !type->empty();
}

// Strips a leading "==1234==" from sanitizer lines.
std::string_view StripPid(std::string_view t) {
  if (!StartsWith(t, "==")) return t;
  size_t end = t.find("==", 2);
  if (end == kNone || DigitsLength(t.substr(2)) != end - 2) return t;
  return t.substr(end + 2);
}

// A sanitizer section that lists frames: "freed by thread T0 here:", "Direct leak of …:".
bool IsSection(std::string_view t) {
  if (!EndsWith(t, ":")) return false;
  return EndsWith(t, " here:") || t.find(" leak of ") != kNone || StartsWith(t, "Thread T") ||
         EndsWith(t, " thread:") || t.find(" by thread T") != kNone ||
         EndsWith(t, " created at:") || (StartsWith(t, "Thread ") && t.find("(LWP ") != kNone) ||
         (StartsWith(t, "Thread ") && t.find("(Thread ") != kNone);
}

// Lines of a sanitizer report that carry nothing to keep.
bool IsReportNoise(std::string_view t) {
  return StartsWith(t, "SUMMARY: ") || StartsWith(t, "HINT: ") ||
         t.find("Sanitizer:DEADLYSIGNAL") != kNone || StartsWith(t, "=====") ||
         (StartsWith(t, "0x") && t.find(" is located ") != kNone) || StartsWith(t, "Address 0x") ||
         StartsWith(t, "This frame has ") ||
         (StartsWith(t, "[") && t.find("<== Memory access") != kNone) ||
         StartsWith(t, "AddressSanitizer can not") || t == "ABORTING" ||
         StartsWith(t, "Shadow bytes around") || StartsWith(t, "Shadow byte legend") ||
         StartsWith(t, "(gdb)") || StartsWith(t, "Objects leaked above:") ||
         StartsWith(t, "-----") || EndsWith(t, "(core dumped)") || t == "Backtrace:" ||
         t == "Stack trace:" || t == "Call stack:";
}

// "x.cc:5:3: runtime error: signed integer overflow: …"
bool ParseUbsan(std::string_view t, TraceFrame* f, std::string* message) {
  size_t re = t.find(": runtime error: ");
  if (re == kNone) return false;
  if (!SplitFileLineColumn(t.substr(0, re), &f->frame)) return false;
  *message = std::string(t.substr(re + 17));
  return true;
}

// Every frame form that does not start with '#'; `index` is -1 when unnumbered.
bool ParseOtherFrame(std::string_view t, TraceFrame* f, int* index) {
  *index = -1;
  if (IsDigit(t[0])) {
    *f = TraceFrame();
    if (ParseBoostFrame(t, f, index)) return true;
    *f = TraceFrame();
    if (ParseAngleFrame(t, f, index)) return true;
    *index = -1;
    *f = TraceFrame();
    if (ParseMacFrame(t, f)) return true;
  }
  *f = TraceFrame();
  if (ParseBacktraceSymbol(t, f)) return true;
  *f = TraceFrame();
  return ParseUnwindFrame(t, f);
}

// The same source line, one path maybe relative: "src/x.cc:5" and "/work/src/x.cc:5".
bool SameLocation(const Frame& a, const Frame& b) {
  if (a.line != b.line) return false;
  if (a.file == b.file) return true;
  const std::string& longer = a.file.size() > b.file.size() ? a.file : b.file;
  const std::string& shorter = a.file.size() > b.file.size() ? b.file : a.file;
  return !shorter.empty() && EndsWith(longer, shorter) &&
         longer[longer.size() - shorter.size() - 1] == '/';
}

// gdb's source listing after a stop: "211\t    return x;".
bool IsGdbSourceLine(std::string_view t) {
  size_t d = DigitsLength(t);
  return d > 0 && d < t.size() && t[d] == '\t';
}

// Frames the text itself marks as the sanitizer runtime, libc internals or the OS.
bool IsRuntimeFrame(const TraceFrame& f) {
  const std::string& file = f.frame.file;
  const std::string& fn = f.frame.function;
  if (file.find("libsanitizer/") != std::string::npos ||
      file.find("compiler-rt/") != std::string::npos ||
      file.find("libclang_rt.") != std::string::npos ||
      file.find("/libasan.so") != std::string::npos ||
      file.find("/libtsan.so") != std::string::npos ||
      file.find("/libubsan.so") != std::string::npos) {
    return true;
  }
  if (StartsWith(fn, "__interceptor_") || StartsWith(fn, "__asan_") ||
      StartsWith(fn, "__sanitizer_") || StartsWith(fn, "__GI_")) {
    return true;
  }
  std::string module;
  for (char c : f.frame.module)
    module += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return module == "kernel32" || module == "ntdll" || module == "kernelbase" ||
         module == "ucrtbase" || module == "msvcrt" || module == "vcruntime140";
}

}  // namespace

int ScoreNativeTrace(std::string_view text) {
  std::string_view head = ScoreWindow(text);
  if (!ContainsAny(head, kNativeScoreMarkers)) return 0;  // cheap: most texts stop here
  // Markers searched once in the window rather than on every line.
  bool sanitizer = head.find("Sanitizer: ") != kNone;
  bool ubsan = head.find(": runtime error: ") != kNone;
  int score = head.find("received signal SIG") != kNone ||
                      head.find("terminate called after throwing an instance of") != kNone
                  ? 50
                  : 0;
  TraceLines lines(head);
  std::string_view line;
  while (lines.Next(&line) && lines.number() <= 64) {
    std::string_view t = TrimTrace(line);
    if (t.empty()) continue;
    std::string type, message;
    if (sanitizer && ParseSanitizerHeader(StripPid(t), &type, &message)) return 95;
    if (ubsan && t.find(": runtime error: ") != kNone) {
      TraceFrame f;
      if (ParseUbsan(t, &f, &message)) return 90;
    }
    TraceFrame f;
    int index = 0;
    if (t[0] == '#') {
      if (ParseHashFrame(t, &f, &index)) {
        if (!f.address.empty()) {
          if (!sanitizer && !ubsan) return 85;  // nothing later can score higher
          score = std::max(score, 85);
        } else if (f.frame.line > 0 && t.find(") at ") != kNone) {
          score = std::max(score, 80);  // gdb "#1  main () at x.c:10"
        }
      }
      continue;
    }
    if (IsDigit(t[0])) {
      TraceFrame boost, angle, mac;
      if (ParseBoostFrame(t, &boost, &index) &&
          (boost.frame.line > 0 || !boost.frame.file.empty() || !boost.address.empty())) {
        score = std::max(score, 75);
      } else if (ParseAngleFrame(t, &angle, &index) && angle.frame.line > 0) {
        score = std::max(score, 70);
      } else if (ParseMacFrame(t, &mac)) {
        score = std::max(score, 60);
      }
      continue;
    }
    if (EndsWith(t, "]") && t.find(" [0x") != kNone && ParseBacktraceSymbol(t, &f) &&
        (t.find("+0x") != kNone || t.find("() [") != kNone)) {
      score = std::max(score, 85);
      continue;
    }
  }
  return score;
}

StackTrace ParseNativeTrace(std::string_view text) {
  StackTrace trace;
  trace.language = TraceLanguage::kNative;
  TraceLines lines(text);
  std::string_view line;
  bool in_report_header = false;   // after a sanitizer header, before its first frame
  bool skipping_shadow = false;    // inside a shadow-byte dump
  size_t ubsan_exception = kNone;  // exception whose only frame came from a UBSan header

  auto current = [&]() -> TraceException& {
    if (trace.exceptions.empty()) trace.exceptions.emplace_back();
    return trace.exceptions.back();
  };
  auto start = [&](std::string type, std::string message, std::string_view relation) {
    bool reuse = !trace.exceptions.empty() && trace.exceptions.back().frames.empty() &&
                 trace.exceptions.back().type.empty() && trace.exceptions.back().message.empty();
    if (!reuse) trace.exceptions.emplace_back();
    TraceException& e = trace.exceptions.back();
    e.type = std::move(type);
    e.message = std::move(message);
    if (trace.exceptions.size() > 1 && e.relation.empty()) e.relation = std::string(relation);
    ubsan_exception = kNone;
  };
  auto append_message = [&](std::string_view text_line) {
    TraceException& e = current();
    if (!e.message.empty()) e.message += '\n';
    e.message += std::string(text_line);
  };
  auto add_frame = [&](TraceFrame f, int index) {
    f.text_line = lines.number();
    in_report_header = false;
    TraceException& e = current();
    size_t here = trace.exceptions.size() - 1;
    if (ubsan_exception == here && index == 0 && e.frames.size() == 1 &&
        SameLocation(e.frames[0].frame, f.frame)) {
      e.frames[0] = std::move(f);  // the UBSan location, now with function and address
      ubsan_exception = kNone;
      return;
    }
    if (index == 0 && !e.frames.empty() && ubsan_exception != here) {
      trace.exceptions.emplace_back();
      trace.exceptions.back().relation = "thread";
    }
    ubsan_exception = kNone;
    AddTraceFrame(&trace.exceptions.back().frames, std::move(f));
  };

  while (lines.Next(&line)) {
    std::string_view t = TrimTrace(line);
    if (t.empty()) {
      skipping_shadow = false;
      continue;
    }
    std::string_view bare = StripPid(t);
    if (skipping_shadow) {
      if (bare.size() == t.size()) continue;  // "  0x0c04…: fa fa", "  Heap left redzone: fa"
      skipping_shadow = false;
    }
    if (StartsWith(bare, "Shadow bytes around") || StartsWith(bare, "Shadow byte legend")) {
      skipping_shadow = true;
      continue;
    }
    TraceFrame f;
    int index = -1;
    if (t[0] == '#' && ParseHashFrame(t, &f, &index)) {
      add_frame(std::move(f), index);
      continue;
    }
    f = TraceFrame();
    std::string type, message;
    if (ParseSanitizerHeader(bare, &type, &message)) {
      start(std::move(type), std::move(message), "context");
      in_report_header = true;
      continue;
    }
    if (ParseUbsan(t, &f, &message)) {
      start("runtime error", std::move(message), "context");
      f.text_line = lines.number();
      AddTraceFrame(&current().frames, std::move(f));
      ubsan_exception = trace.exceptions.size() - 1;
      continue;
    }
    if (IsSection(t)) {
      std::string_view section = t.substr(0, t.size() - 1);
      TraceException& e = current();
      if (e.frames.empty() && (in_report_header || !e.type.empty())) {
        append_message(section);
      } else if (e.frames.empty() && e.type.empty() && e.message.empty()) {
        e.type = std::string(section);
      } else {
        trace.exceptions.emplace_back();
        trace.exceptions.back().type = std::string(section);
        trace.exceptions.back().relation = "thread";
      }
      in_report_header = false;
      ubsan_exception = kNone;
      continue;
    }
    if (IsReportNoise(bare)) continue;
    if (in_report_header && bare.size() != t.size()) {  // "==1==The signal is caused by …"
      append_message(bare);
      continue;
    }
    if (in_report_header && (t.find(" of size ") != kNone || StartsWith(t, "The signal is"))) {
      append_message(t);
      continue;
    }
    if (ParseOtherFrame(t, &f, &index)) {
      add_frame(std::move(f), index);
      continue;
    }
    if (HexAddressLength(t) > 0 && t.substr(HexAddressLength(t)).starts_with(" in ")) {
      // gdb's stop location: "0x00005555… in f (x=1) at src/x.cc:211"
      f = TraceFrame();
      f.address = std::string(t.substr(0, HexAddressLength(t)));
      ParseFunctionAndLocation(t.substr(HexAddressLength(t) + 4), &f.frame);
      add_frame(std::move(f), -1);
      continue;
    }
    if (IsGdbSourceLine(t)) continue;
    size_t signal = t.find("received signal SIG");
    if (signal != kNone) {
      std::string_view rest = t.substr(signal + 16);
      size_t comma = rest.find(", ");
      std::string_view msg = comma == kNone ? std::string_view() : rest.substr(comma + 2);
      if (EndsWith(msg, ".")) msg.remove_suffix(1);
      start(std::string(rest.substr(0, comma)), std::string(msg), "context");
      continue;
    }
    if (StartsWith(t, "terminate called after throwing an instance of '") && EndsWith(t, "'")) {
      start(std::string(t.substr(48, t.size() - 49)), "", "context");
      continue;
    }
    if (StartsWith(t, "what():") && !trace.exceptions.empty() &&
        trace.exceptions.back().message.empty()) {
      trace.exceptions.back().message = std::string(TrimTrace(t.substr(7)));
      continue;
    }
    // gdb wraps long argument lists: "    b=2) at x.c:10" completes the frame before.
    if (!trace.exceptions.empty() && !trace.exceptions.back().frames.empty()) {
      TraceFrame& last = trace.exceptions.back().frames.back();
      size_t at = t.rfind(") at ");
      Frame loc;
      if (last.frame.file.empty() && at != kNone && SplitFileLineColumn(t.substr(at + 5), &loc)) {
        last.frame.file = loc.file;
        last.frame.line = loc.line;
        size_t args = last.frame.function.find(" (");
        if (args != kNone) last.frame.function.resize(args);
        continue;
      }
    }
    KeepUnparsed(lines.number(), line, &trace);
  }
  for (auto& e : trace.exceptions) {
    for (auto& f : e.frames) {
      if (IsRuntimeFrame(f)) f.in_app = false;
    }
  }
  return trace;
}

}  // namespace srclink
