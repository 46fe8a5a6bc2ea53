#include "core/trace_rust.h"

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

// "src/main.rs:5:9" or "src/main.rs:5".
bool SplitLocation(std::string_view s, Frame* frame) {
  size_t c1 = s.rfind(':');
  if (c1 == kNone || c1 == 0) return false;
  auto n1 = ParseTraceNumber(s.substr(c1 + 1));
  if (!n1) return false;
  std::string_view head = s.substr(0, c1);
  size_t c2 = head.rfind(':');
  if (c2 != kNone && c2 > 0) {
    if (auto n2 = ParseTraceNumber(head.substr(c2 + 1))) {
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

// "thread 'main' panicked at " / "thread 'main' (1234) panicked at " -> the rest.
bool PanicRest(std::string_view t, std::string_view* rest) {
  if (!StartsWith(t, "thread '")) return false;
  size_t p = t.find("' panicked at ");
  size_t skip = 14;
  if (p == kNone) {
    size_t q = t.find("' (");
    if (q == kNone) return false;
    size_t close = t.find(") panicked at ", q);
    if (close == kNone) return false;
    p = close;
    skip = 14;
  }
  *rest = t.substr(p + skip);
  return true;
}

// Drops a mangling hash: "myapp::run::h0123456789abcdef" -> "myapp::run".
std::string_view StripHash(std::string_view s) {
  if (s.size() > 19 && s.substr(s.size() - 19, 3) == "::h") {
    std::string_view hex = s.substr(s.size() - 16);
    if (std::all_of(hex.begin(), hex.end(), IsHexDigit)) return s.substr(0, s.size() - 19);
  }
  return s;
}

// The path before the last "::" outside <...>: "myapp::handler::run" -> "myapp::handler".
std::string_view ModuleOf(std::string_view symbol) {
  int depth = 0;
  size_t last = kNone;
  for (size_t i = 0; i + 1 < symbol.size(); ++i) {
    char c = symbol[i];
    if (c == '<') {
      ++depth;
    } else if (c == '>' && depth > 0) {
      --depth;
    } else if (depth == 0 && c == ':' && symbol[i + 1] == ':') {
      last = i;
      ++i;
    }
  }
  return last == kNone ? std::string_view() : symbol.substr(0, last);
}

// Runtime frames the symbol alone gives away.
bool IsRuntimeSymbol(std::string_view symbol) {
  while (!symbol.empty() && symbol[0] == '<') symbol.remove_prefix(1);
  if (StartsWith(symbol, "impl ")) symbol.remove_prefix(5);
  for (std::string_view crate :
       {"std::", "core::", "alloc::", "panic_unwind::", "panic_abort::", "test::"}) {
    if (StartsWith(symbol, crate)) return true;
  }
  return StartsWith(symbol, "rust_begin_unwind") || StartsWith(symbol, "__rust") ||
         StartsWith(symbol, "rust_panic") || symbol == "__libc_start_main" ||
         StartsWith(symbol, "__libc_start_call_main") || symbol == "_start" ||
         symbol == "start_thread" || symbol == "clone" || symbol == "__clone" ||
         symbol == "clone3" || symbol == "__scrt_common_main_seh" ||
         symbol == "BaseThreadInitThunk" || symbol == "RtlUserThreadStart";
}

// "  12: myapp::run" or "  12:     0x55d5… - myapp::run::h0123…".
bool ParseFrameLine(std::string_view t, TraceFrame* f) {
  size_t i = 0;
  while (i < t.size() && IsDigit(t[i])) ++i;
  if (i == 0 || i > 9 || i + 1 >= t.size() || t[i] != ':' || t[i + 1] != ' ') return false;
  std::string_view rest = TrimTrace(t.substr(i + 1));
  if (rest.empty()) return false;
  if (StartsWith(rest, "0x")) {
    size_t j = 2;
    while (j < rest.size() && IsHexDigit(rest[j])) ++j;
    if (j == 2) return false;
    f->address = std::string(rest.substr(0, j));
    rest = TrimTrace(rest.substr(j));
    if (StartsWith(rest, "- ")) {
      rest = TrimTrace(rest.substr(2));
    } else if (!rest.empty()) {
      return false;
    }
  }
  std::string_view symbol = StripHash(rest);
  f->frame.function = std::string(symbol);
  f->frame.module = std::string(ModuleOf(symbol));
  return true;
}

bool IsNote(std::string_view t) {
  return StartsWith(t, "note: ") || t == "stack backtrace:" || t == "Stack backtrace:" ||
         (StartsWith(t, "---- ") && EndsWith(t, " ----"));
}

}  // namespace

int ScoreRustTrace(std::string_view text) {
  std::string_view head = ScoreWindow(text);
  if (!ContainsAny(head, kRustScoreMarkers)) return 0;  // cheap: most texts stop here
  if (head.find("RUST_BACKTRACE") != kNone) return 95;
  bool panic = head.find("panicked at") != kNone;
  TraceLines lines(head);
  std::string_view line;
  int score = 0;
  bool frame_before = false;
  while (lines.Next(&line) && lines.number() <= 64) {
    std::string_view t = TrimTrace(line);
    std::string_view rest;
    if (PanicRest(t, &rest)) return 95;
    if (t == "stack backtrace:") score = std::max(score, 60);
    if (t == "Stack backtrace:") score = std::max(score, 40);
    if (StartsWith(t, "at ") && t.find("/rustc/") != kNone) score = std::max(score, 85);
    TraceFrame f;
    if (ParseFrameLine(t, &f)) {
      frame_before = true;
      continue;
    }
    Frame loc;
    if (frame_before && StartsWith(t, "at ") && SplitLocation(t.substr(3), &loc) &&
        EndsWith(loc.file, ".rs")) {
      if (!panic) return 85;  // nothing later can score higher
      score = std::max(score, 85);
    }
    frame_before = false;
  }
  return score;
}

StackTrace ParseRustTrace(std::string_view text) {
  StackTrace trace;
  trace.language = TraceLanguage::kRust;
  TraceLines lines(text);
  std::string_view line;
  enum class State { kNone, kMessage, kOldMessage, kCauses };
  State state = State::kNone;
  size_t owner = kNone;  // exception the backtrace frames belong to

  auto start = [&](std::string type, std::string message, std::string_view relation) {
    trace.exceptions.emplace_back();
    TraceException& e = trace.exceptions.back();
    e.type = std::move(type);
    e.message = std::move(message);
    if (trace.exceptions.size() > 1) e.relation = std::string(relation);
    return trace.exceptions.size() - 1;
  };
  auto add_location = [&](size_t exception, const Frame& loc) {
    TraceFrame f;
    f.frame = loc;
    f.text_line = lines.number();
    AddTraceFrame(&trace.exceptions[exception].frames, std::move(f));
  };
  auto append = [&](std::string_view text_line) {
    std::string& m = trace.exceptions.back().message;
    if (!m.empty() || state == State::kOldMessage) m += '\n';
    m += std::string(text_line);
  };
  // "msg', src/main.rs:5:9" -> location; `head` keeps the message part.
  auto old_location = [](std::string_view s, std::string_view* head, Frame* loc) {
    size_t q = s.rfind("', ");
    if (q == kNone || !SplitLocation(s.substr(q + 3), loc)) return false;
    *head = s.substr(0, q);
    return true;
  };

  while (lines.Next(&line)) {
    std::string_view t = TrimTrace(line);
    if (state == State::kOldMessage) {
      std::string_view head;
      Frame loc;
      if (old_location(line, &head, &loc)) {
        append(head);
        add_location(trace.exceptions.size() - 1, loc);
        state = State::kNone;
      } else {
        append(line);
      }
      continue;
    }
    if (t.empty()) {
      if (state != State::kNone) state = State::kNone;
      continue;
    }
    std::string_view rest;
    if (PanicRest(t, &rest)) {
      owner = start("panic", "", "thread");
      Frame loc;
      if (StartsWith(rest, "'")) {
        std::string_view head;
        if (old_location(rest.substr(1), &head, &loc)) {
          trace.exceptions[owner].message = std::string(head);
          add_location(owner, loc);
          state = State::kNone;
        } else {
          trace.exceptions[owner].message = std::string(rest.substr(1));
          state = State::kOldMessage;
        }
      } else {
        if (EndsWith(rest, ":")) rest.remove_suffix(1);
        if (SplitLocation(rest, &loc)) {
          add_location(owner, loc);
        } else {
          trace.exceptions[owner].message = std::string(rest);
        }
        state = State::kMessage;
      }
      continue;
    }
    if (IsNote(t)) {
      state = State::kNone;
      continue;
    }
    if (StartsWith(t, "Error: ") && state == State::kNone) {
      owner = start("Error", std::string(t.substr(7)), "context");
      state = State::kMessage;
      continue;
    }
    if (t == "Caused by:") {
      state = State::kCauses;
      continue;
    }
    if (StartsWith(t, "fatal runtime error: ")) {
      owner = start("fatal runtime error", std::string(t.substr(21)), "context");
      continue;
    }
    if (state == State::kCauses) {
      std::string_view cause = t;
      size_t i = 0;
      while (i < cause.size() && IsDigit(cause[i])) ++i;
      if (i > 0 && cause.substr(i).starts_with(": ")) cause = cause.substr(i + 2);
      start("", std::string(cause), "cause");
      continue;
    }
    if (state == State::kMessage) {
      append(t);
      continue;
    }
    TraceFrame f;
    if (ParseFrameLine(t, &f)) {
      f.text_line = lines.number();
      if (owner == kNone) owner = start("", "", "context");
      AddTraceFrame(&trace.exceptions[owner].frames, std::move(f));
      continue;
    }
    Frame loc;
    if (StartsWith(t, "at ") && SplitLocation(t.substr(3), &loc) && owner != kNone &&
        !trace.exceptions[owner].frames.empty()) {
      TraceFrame& last = trace.exceptions[owner].frames.back();
      if (last.frame.file.empty()) {
        last.frame.file = std::move(loc.file);
        last.frame.line = loc.line;
        last.frame.column = loc.column;
      }
      continue;
    }
    KeepUnparsed(lines.number(), line, &trace);
  }
  // Runtime frames the text gives away by their crate, when no file says more.
  for (auto& e : trace.exceptions) {
    for (auto& f : e.frames) {
      if (f.frame.file.empty() && IsRuntimeSymbol(f.frame.function)) f.in_app = false;
    }
  }
  return trace;
}

}  // namespace srclink
