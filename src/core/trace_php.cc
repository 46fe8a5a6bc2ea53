#include "core/trace_php.h"

#include <algorithm>
#include <initializer_list>
#include <span>
#include <string>
#include <vector>

#include "core/trace_lines.h"

namespace srclink {
namespace {

constexpr size_t kNone = std::string_view::npos;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsClassChar(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '\\';
}

// Monolog/Laravel JSON-escape names: "App\\Foo" -> "App\Foo".
std::string Unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    out += s[i];
    if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == '\\') ++i;
  }
  return out;
}

// "/var/www/x.php:12" -> file, line.
bool SplitPathLine(std::string_view loc, std::string* file, int* line) {
  size_t colon = loc.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  auto n = ParseTraceNumber(loc.substr(colon + 1));
  if (!n) return false;
  *file = std::string(loc.substr(0, colon));
  *line = *n;
  return true;
}

// Ends with `sep` + "path:12" (+ `close`): cuts it off `s` and returns the location.
bool CutLocation(std::string_view* s, std::string_view sep, std::string_view close,
                 std::string* file, int* line) {
  std::string_view v = *s;
  if (!EndsWith(v, close)) return false;
  v.remove_suffix(close.size());
  size_t at = v.rfind(sep);
  if (at == std::string_view::npos) return false;
  if (!SplitPathLine(v.substr(at + sep.size()), file, line)) return false;
  *s = s->substr(0, at);
  return true;
}

// "App\Foo->bar('x')" -> module "App\Foo", function "bar".
void SplitCall(std::string_view call, Frame* frame) {
  int depth = 0;
  size_t end = call.size();
  size_t sep = std::string_view::npos;
  size_t sep_len = 0;
  for (size_t i = 0; i < call.size(); ++i) {
    char c = call[i];
    if (c == '{') {
      ++depth;
    } else if (c == '}' && depth > 0) {
      --depth;
    } else if (depth == 0 && c == '(') {
      end = i;
      break;
    } else if (depth == 0 && i + 1 < call.size() &&
               ((c == '-' && call[i + 1] == '>') || (c == ':' && call[i + 1] == ':'))) {
      sep = i;
      sep_len = 2;
    }
  }
  std::string_view name = call.substr(0, end);
  if (sep != std::string_view::npos && sep < end) {
    frame->module = Unescape(name.substr(0, sep));
    frame->function = Unescape(name.substr(sep + sep_len));
  } else {
    frame->function = Unescape(name);
  }
}

// "#3 /var/www/x.php(42): App\Foo->bar()", "#4 [internal function]: f()", "#5 {main}".
bool ParseHashFrame(std::string_view t, Frame* frame) {
  if (t.size() < 3 || t[0] != '#') return false;
  size_t i = 1;
  while (i < t.size() && IsDigit(t[i])) ++i;
  if (i == 1 || i >= t.size() || t[i] != ' ') return false;
  std::string_view r = TrimTrace(t.substr(i + 1));
  if (r == "{main}") {
    frame->function = "{main}";
    return true;
  }
  if (StartsWith(r, "[internal function]: ")) {
    SplitCall(r.substr(21), frame);
    return true;
  }
  for (size_t k = r.find('('); k != std::string_view::npos; k = r.find('(', k + 1)) {
    size_t j = k + 1;
    while (j < r.size() && IsDigit(r[j])) ++j;
    if (j > k + 1 && r.substr(j).starts_with("): ")) {
      frame->file = std::string(r.substr(0, k));
      frame->line = ParseTraceNumber(r.substr(k + 1, j - k - 1)).value_or(0);
      SplitCall(r.substr(j + 3), frame);
      return true;
    }
    if (j > k + 1 && j == r.size() - 1 && r[j] == ')') {  // "#0 /x.php(12)" without a call
      frame->file = std::string(r.substr(0, k));
      frame->line = ParseTraceNumber(r.substr(k + 1, j - k - 1)).value_or(0);
      return true;
    }
  }
  return false;
}

// Xdebug: "PHP   2. App\Foo->bar() /var/www/x.php:20" or "0.0002  400000   2. f() /x.php:3".
bool ParseXdebugFrame(std::string_view t, Frame* frame) {
  if (StartsWith(t, "PHP ")) t = TrimTrace(t.substr(4));
  size_t space = t.rfind(' ');
  if (space == std::string_view::npos) return false;
  std::string file;
  int line = 0;
  if (!SplitPathLine(t.substr(space + 1), &file, &line)) return false;
  std::string_view head = TrimTrace(t.substr(0, space));
  // The last "N. " before the call.
  size_t dot = std::string_view::npos;
  for (size_t p = head.find(". "); p != std::string_view::npos; p = head.find(". ", p + 1)) {
    if (p > 0 && IsDigit(head[p - 1])) {
      dot = p;
      break;
    }
  }
  if (dot == std::string_view::npos) return false;
  size_t d = dot;
  while (d > 0 && IsDigit(head[d - 1])) --d;
  if (d > 0 && head[d - 1] != ' ') return false;
  frame->file = std::move(file);
  frame->line = line;
  SplitCall(TrimTrace(head.substr(dot + 2)), frame);
  return true;
}

struct Header {
  std::string type;
  std::string message;
  std::string file;
  int line = 0;
  bool located = false;  // " in /path:12" seen
  bool cause = false;    // "Next …"
  bool open = false;     // the message may continue on the next lines
};

// "PHP Fatal error:  Uncaught X: m in /p.php:3", "Next X: m in …", "X: m in /p.php:3",
// PHP 5's "Uncaught exception 'X' with message 'm' in /p.php:3".
bool ParseHeader(std::string_view t, Header* h) {
  *h = Header();
  std::string_view s = t;
  bool fatal = false;
  size_t fe = s.find("Fatal error: ");
  if (fe != std::string_view::npos) {
    s = TrimTrace(s.substr(fe + 13));
    fatal = true;
  }
  bool uncaught = false;
  if (StartsWith(s, "Uncaught ")) {
    s.remove_prefix(9);
    uncaught = true;
  } else if (StartsWith(s, "Next ")) {
    s.remove_prefix(5);
    h->cause = true;
  }
  if (StartsWith(s, "exception '")) {  // PHP 5
    size_t q = s.find("' with message '", 11);
    if (q == std::string_view::npos) return false;
    h->type = std::string(s.substr(11, q - 11));
    s = s.substr(q + 16);
    if (CutLocation(&s, " in ", "", &h->file, &h->line)) {
      h->located = true;
      if (EndsWith(s, "'")) s.remove_suffix(1);
    } else {
      h->open = true;
    }
    h->message = std::string(s);
    return true;
  }
  size_t i = 0;
  while (i < s.size() && IsClassChar(s[i])) ++i;
  if (i == 0 || (s[0] == '\\' && i == 1)) return false;
  std::string_view type = s.substr(0, i);
  std::string_view rest = s.substr(i);
  if (!StartsWith(rest, ": ") && rest != ":") return false;
  if (!(type[0] >= 'A' && type[0] <= 'Z') && type[0] != '\\') return false;
  rest = rest.size() > 1 ? rest.substr(2) : std::string_view();
  h->type = Unescape(type);
  if (CutLocation(&rest, " in ", "", &h->file, &h->line)) {
    h->located = true;
  } else if (fatal || uncaught || h->cause) {
    h->open = true;
  } else {
    return false;  // "Foo: bar" alone is too weak to be a PHP exception
  }
  h->message = std::string(rest);
  return true;
}

// "PHP Warning:  msg in /x.php on line 3" (errors that are not exceptions).
bool ParseErrorLine(std::string_view t, Header* h) {
  static constexpr std::string_view kKinds[] = {
      "Fatal error", "Parse error", "Warning", "Notice", "Deprecated", "Recoverable fatal error"};
  std::string_view s = t;
  size_t php = s.find("PHP ");
  if (php != std::string_view::npos) s = s.substr(php + 4);
  for (std::string_view kind : kKinds) {
    if (!StartsWith(s, kind) || !s.substr(kind.size()).starts_with(": ")) continue;
    std::string_view rest = TrimTrace(s.substr(kind.size() + 2));
    if (StartsWith(rest, "Uncaught ")) return false;
    size_t on = rest.rfind(" on line ");
    if (on == std::string_view::npos) return false;
    auto n = ParseTraceNumber(rest.substr(on + 9));
    size_t in = rest.rfind(" in ", on);
    if (!n || in == std::string_view::npos) return false;
    *h = Header();
    h->type = std::string(kind);
    h->message = std::string(rest.substr(0, in));
    h->file = std::string(rest.substr(in + 4, on - in - 4));
    h->line = *n;
    h->located = true;
    return true;
  }
  return false;
}

// Laravel/Monolog: "… [object] (App\\X(code: 0): msg at /p.php:12)".
bool ParseMonologHeader(std::string_view t, Header* h) {
  size_t obj = t.find("[object] (");
  if (obj == std::string_view::npos) return false;
  *h = Header();
  h->cause = t.substr(0, obj).find("[previous exception]") != std::string_view::npos;
  std::string_view s = t.substr(obj + 10);
  size_t code = s.find("(code: ");
  if (code == std::string_view::npos) return false;
  h->type = Unescape(s.substr(0, code));
  size_t close = s.find("): ", code);
  if (close == std::string_view::npos) return false;
  std::string_view rest = s.substr(close + 3);
  if (CutLocation(&rest, " at ", ")", &h->file, &h->line)) {
    h->located = true;
  } else {
    h->open = true;
  }
  h->message = std::string(rest);
  return true;
}

bool IsThrownIn(std::string_view t) {
  if (StartsWith(t, "PHP ")) t = TrimTrace(t.substr(4));
  return StartsWith(t, "thrown in ");
}

bool IsStackTraceLine(std::string_view t) {
  return t == "Stack trace:" || t == "PHP Stack trace:" || t == "[stacktrace]" ||
         EndsWith(t, "PHP Stack trace:") || t == "Call Stack:";
}

// "In Foo.php line 12:" (Symfony console).
bool IsSymfonyBlock(std::string_view t) {
  if (!StartsWith(t, "In ") || !EndsWith(t, ":")) return false;
  size_t line = t.rfind(" line ");
  return line != std::string_view::npos &&
         ParseTraceNumber(t.substr(line + 6, t.size() - line - 7)).has_value();
}

// Symfony console trace: "at /p.php:12" or "App\Foo->bar() at /p.php:30".
bool ParseSymfonyFrame(std::string_view t, Frame* frame) {
  std::string_view head = t;
  std::string file;
  int line = 0;
  if (StartsWith(t, "at ")) {
    if (!SplitPathLine(t.substr(3), &file, &line)) return false;
    head = {};
  } else if (!CutLocation(&head, " at ", "", &file, &line)) {
    return false;
  }
  frame->file = std::move(file);
  frame->line = line;
  if (!head.empty()) SplitCall(TrimTrace(head), frame);
  return true;
}

enum class FrameKind {
  kThrowSite,   // "… in /p.php:3" in a header, Symfony's "at /p.php:3": where it was thrown
  kCall,        // "#0 /p.php(42): f()": /p.php:42 called f(); innermost first
  kXdebugCall,  // "PHP   2. f() /p.php:20": /p.php:20 called f(); outermost first
};

// PHP names, on each frame, the function that was *called* at its file:line;
// the function holding that line is the caller, named on the next frame out.
// Moves every name one frame inwards so function and line agree, drops the
// "{main}" frame that only carried a name, and blanks the outermost name
// when the trace stops before "{main}".
void MoveFunctionsToCallers(const std::vector<FrameKind>& kinds, std::vector<TraceFrame>* frames) {
  std::vector<TraceFrame>& f = *frames;
  size_t n = std::min(f.size(), kinds.size());
  std::vector<bool> drop(f.size(), false);
  for (size_t i = 0; i < n; ++i) {
    if (kinds[i] == FrameKind::kXdebugCall) continue;
    if (i + 1 < n && kinds[i + 1] == FrameKind::kCall) {
      f[i].frame.function = f[i + 1].frame.function;
      f[i].frame.module = f[i + 1].frame.module;
    } else if (kinds[i] == FrameKind::kCall) {
      if (f[i].frame.file.empty() && f[i].frame.function == "{main}") {
        drop[i] = true;
      } else {
        f[i].frame.function.clear();
        f[i].frame.module.clear();
      }
    }
  }
  // Xdebug lists outermost first: each name moves to the frame after it.
  size_t last_xdebug = kNone;
  std::string function, module;  // of the frame before, as printed
  for (size_t i = 0; i < n; ++i) {
    if (kinds[i] != FrameKind::kXdebugCall) continue;
    std::string own_function = std::move(f[i].frame.function);
    std::string own_module = std::move(f[i].frame.module);
    if (last_xdebug == kNone) {
      drop[i] = own_function == "{main}";  // "1. {main}() /index.php:0"
    }
    f[i].frame.function = std::move(function);
    f[i].frame.module = std::move(module);
    function = std::move(own_function);
    module = std::move(own_module);
    last_xdebug = i;
  }
  if (last_xdebug != kNone) {
    for (size_t i = 0; i < n; ++i) {  // the error happened inside the innermost call
      if (kinds[i] == FrameKind::kThrowSite && f[i].frame.function.empty()) {
        f[i].frame.function = function;
        f[i].frame.module = module;
      }
    }
  }
  size_t out = 0;
  for (size_t i = 0; i < f.size(); ++i) {
    if (drop[i]) continue;
    if (out != i) f[out] = std::move(f[i]);
    ++out;
  }
  f.resize(out);
}

}  // namespace

int ScorePhpTrace(std::string_view text) {
  std::string_view head = ScoreWindow(text);
  if (!ContainsAny(head, kPhpScoreMarkers)) return 0;  // cheap: most texts stop here
  TraceLines lines(head);
  std::string_view line;
  int score = 0;
  while (lines.Next(&line) && lines.number() <= 64) {
    std::string_view t = TrimTrace(line);
    if (t.empty()) continue;
    if (t[0] == '#') {
      Frame f;
      if (ParseHashFrame(t, &f) && (f.function == "{main}" || EndsWith(f.file, ".php") ||
                                    StartsWith(t.substr(t.find(' ') + 1), "[internal function]"))) {
        return 95;
      }
      continue;
    }
    if (t == "[stacktrace]" || EndsWith(t, "PHP Stack trace:")) return 95;
    if (IsThrownIn(t) && t.find(" on line ") != std::string_view::npos) return 95;
    if (t.find("Fatal error: ") != std::string_view::npos &&
        (t.find(".php") != std::string_view::npos)) {
      score = std::max(score, 70);
    }
    if (IsSymfonyBlock(t) && t.find(".php line ") != std::string_view::npos) {
      score = std::max(score, 70);
    }
    if (t == "Exception trace:" && score >= 70) return 90;
  }
  return score;
}

StackTrace ParsePhpTrace(std::string_view text) {
  StackTrace trace;
  trace.language = TraceLanguage::kPhp;
  TraceLines lines(text);
  std::string_view line;
  enum class State { kNone, kMessage, kMonologMessage, kSymfonyMessage, kSymfonyTrace };
  State state = State::kNone;
  Header h;

  auto current = [&]() -> TraceException& {
    if (trace.exceptions.empty()) trace.exceptions.emplace_back();
    return trace.exceptions.back();
  };
  // Per exception, per frame: how PHP printed it (see MoveFunctionsToCallers).
  std::vector<std::vector<FrameKind>> kinds;
  auto push = [&](TraceFrame f, FrameKind kind) {
    current();
    kinds.resize(trace.exceptions.size());
    AddTraceFrame(&trace.exceptions.back().frames, std::move(f));
    kinds.back().push_back(kind);
  };
  auto add_throw_site = [&](const std::string& file, int l, size_t text_line) {
    TraceFrame f;
    f.frame.file = file;
    f.frame.line = l;
    f.text_line = text_line;
    push(std::move(f), FrameKind::kThrowSite);
  };
  auto start = [&](Header& header, size_t text_line) {
    trace.exceptions.emplace_back();
    TraceException& e = trace.exceptions.back();
    e.type = std::move(header.type);
    e.message = std::move(header.message);
    if (trace.exceptions.size() > 1) e.relation = "cause";
    if (header.located) add_throw_site(header.file, header.line, text_line);
  };
  // A message line that may end with the location (" in /p.php:3" or " at /p.php:3)").
  auto continue_message = [&](std::string_view t, std::string_view sep, std::string_view close) {
    std::string file;
    int l = 0;
    std::string_view part = t;
    bool done = CutLocation(&part, sep, close, &file, &l);
    TraceException& e = current();
    e.message += '\n';
    e.message += std::string(part);
    if (done) add_throw_site(file, l, lines.number());
    return done;
  };

  while (lines.Next(&line)) {
    std::string_view t = TrimTrace(line);
    if (t.empty()) continue;
    TraceFrame frame;
    frame.text_line = lines.number();
    if (IsStackTraceLine(t)) {
      if (state != State::kSymfonyTrace) state = State::kNone;
      continue;
    }
    if (ParseHashFrame(t, &frame.frame)) {
      push(std::move(frame), FrameKind::kCall);
      state = State::kNone;
      continue;
    }
    if (IsThrownIn(t) || t == "\"}" || StartsWith(t, "\"} ")) {
      state = State::kNone;
      continue;
    }
    if (IsSymfonyBlock(t)) {
      Header empty;
      start(empty, lines.number());
      state = State::kSymfonyMessage;
      continue;
    }
    if (state == State::kSymfonyMessage) {
      if (t == "Exception trace:") {
        state = State::kSymfonyTrace;
      } else if (t.size() > 2 && t.front() == '[' && t.back() == ']' && current().type.empty()) {
        current().type = std::string(t.substr(1, t.size() - 2));
      } else {
        TraceException& e = current();
        if (!e.message.empty()) e.message += '\n';
        e.message += std::string(t);
      }
      continue;
    }
    if (state == State::kSymfonyTrace && ParseSymfonyFrame(t, &frame.frame)) {
      bool site = frame.frame.function.empty();
      push(std::move(frame), site ? FrameKind::kThrowSite : FrameKind::kCall);
      continue;
    }
    if (ParseMonologHeader(t, &h)) {
      bool open = h.open;
      start(h, lines.number());
      state = open ? State::kMonologMessage : State::kNone;
      continue;
    }
    if (state == State::kMonologMessage) {
      if (continue_message(t, " at ", ")")) state = State::kNone;
      continue;
    }
    if (ParseErrorLine(t, &h) || ParseHeader(t, &h)) {
      bool open = h.open;
      start(h, lines.number());
      state = open ? State::kMessage : State::kNone;
      continue;
    }
    if (state == State::kMessage) {
      if (continue_message(t, " in ", "")) state = State::kNone;
      continue;
    }
    if (ParseXdebugFrame(t, &frame.frame)) {
      push(std::move(frame), FrameKind::kXdebugCall);
      continue;
    }
    KeepUnparsed(lines.number(), line, &trace);
  }
  kinds.resize(trace.exceptions.size());
  for (size_t i = 0; i < trace.exceptions.size(); ++i) {
    MoveFunctionsToCallers(kinds[i], &trace.exceptions[i].frames);
  }
  return trace;
}

}  // namespace srclink
