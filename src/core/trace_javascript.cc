#include "core/trace_javascript.h"

#include <algorithm>
#include <cstddef>
#include <string>

#include "core/trace_lines.h"

namespace srclink {
namespace {

constexpr int kScanLines = 64;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdentChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || IsDigit(c) || c == '_' || c == '$' ||
         c == '.';
}

struct Location {
  std::string_view file;
  int line = 0;
  int column = 0;
};

// Takes ":digits" off the end of `*s`; false (and `*s` unchanged) without one.
bool TakeNumberSuffix(std::string_view* s, int* n) {
  size_t i = s->size();
  while (i > 0 && IsDigit((*s)[i - 1])) --i;
  if (i == s->size() || i == 0 || (*s)[i - 1] != ':') return false;
  auto v = ParseTraceNumber(s->substr(i));
  if (!v) return false;
  *n = *v;
  s->remove_suffix(s->size() - i + 1);
  return true;
}

// "/app/x.js:10:5", "file:///x.mjs:3", "<anonymous>", "http://h/x.js line 2 > eval:1:5".
Location ParseLocation(std::string_view s) {
  Location loc;
  int a = 0, b = 0;
  if (TakeNumberSuffix(&s, &a)) {
    if (TakeNumberSuffix(&s, &b)) {
      loc.line = b;
      loc.column = a;
    } else {
      loc.line = a;
    }
  }
  // Firefox eval code: "http://h/x.js line 2 > eval" — the eval call site.
  size_t eval = s.find(" line ");
  if (eval != std::string_view::npos && s.find(" > ", eval) != std::string_view::npos) {
    std::string_view n = s.substr(eval + 6);
    n = n.substr(0, n.find(' '));
    if (auto v = ParseTraceNumber(n)) {
      loc.line = *v;
      loc.column = 0;
      s = s.substr(0, eval);
    }
  }
  if (StartsWith(s, "index ") && ParseTraceNumber(s.substr(6))) s = {};  // Promise.all (index 0)
  loc.file = s;
  return loc;
}

struct JsFrame {
  std::string_view function;
  Location location;
  bool v8 = false;
};

bool IsDotNetLine(std::string_view content) {
  return content.find(" in ") != std::string_view::npos &&
         content.find(":line ") != std::string_view::npos;
}

std::string_view CleanFunction(std::string_view f) {
  f = TrimTrace(f);
  if (StartsWith(f, "async ")) f.remove_prefix(6);
  if (EndsWith(f, "]")) {
    size_t as = f.rfind(" [as ");
    if (as != std::string_view::npos) f = f.substr(0, as);
  }
  return f;
}

// V8: "at fn (location)" or "at location"; `content` is trimmed, without a trailing " {".
bool ParseV8Frame(std::string_view content, JsFrame* out) {
  if (!StartsWith(content, "at ")) return false;
  std::string_view rest = TrimTrace(content.substr(3));
  if (StartsWith(rest, "async ")) rest.remove_prefix(6);  // "at async file:///x.mjs:1:2"
  if (rest.empty()) return false;
  out->v8 = true;
  out->function = {};
  if (rest.back() == ')') {
    int depth = 0;
    size_t i = rest.size();
    while (i > 0) {
      --i;
      if (rest[i] == ')') {
        ++depth;
      } else if (rest[i] == '(') {
        if (--depth == 0) break;
      }
    }
    if (depth == 0 && i > 0 && rest[i - 1] == ' ') {
      out->function = CleanFunction(rest.substr(0, i - 1));
      std::string_view location = rest.substr(i + 1, rest.size() - i - 2);
      if (StartsWith(location, "eval at ")) {
        // "eval at fn (a.js:1:1), <anonymous>:1:1": the innermost parenthesised location.
        size_t open = location.rfind('(');
        size_t close = open == std::string_view::npos ? open : location.find(')', open);
        if (close != std::string_view::npos) location = location.substr(open + 1, close - open - 1);
      }
      out->location = ParseLocation(location);
      return true;
    }
  }
  out->location = ParseLocation(rest);
  size_t open = rest.find(" (");
  if (out->location.line == 0 && open != std::string_view::npos) {
    // Cut short: "at fn (/app/x.j".
    out->function = CleanFunction(rest.substr(0, open));
    out->location = ParseLocation(rest.substr(open + 2));
  }
  return true;
}

// Firefox / Safari: "fn@location:N:N", "@location:N:N", "fn@[native code]".
bool ParseAtSignFrame(std::string_view content, JsFrame* out) {
  size_t at = content.find('@');
  if (at == std::string_view::npos || StartsWith(content, "at ")) return false;
  std::string_view location = content.substr(at + 1);
  if (location.empty() || location.find(' ') == 0) return false;
  out->v8 = false;
  out->function = content.substr(0, at);
  if (location == "[native code]") {
    out->location = Location{location, 0, 0};
    return true;
  }
  out->location = ParseLocation(location);
  return out->location.line > 0;
}

bool ParseFrame(std::string_view content, JsFrame* out) {
  return ParseV8Frame(content, out) || ParseAtSignFrame(content, out);
}

bool HasErrorSuffix(std::string_view type) {
  return EndsWith(type, "Error") || EndsWith(type, "Exception");
}

// "TypeError: msg", "Error [ERR_X]: msg", "Uncaught (in promise) Error: msg",
// "Error" (a bare name only when it ends in Error / Exception).
bool ParseHeader(std::string_view content, bool strict, std::string_view* type,
                 std::string_view* message) {
  // Browser consoles, Bluebird, and Next.js's "⨯" marker.
  for (std::string_view prefix :
       {std::string_view("Uncaught (in promise) "), std::string_view("Uncaught "),
        std::string_view("Unhandled rejection "), std::string_view("\xe2\xa8\xaf ")}) {
    if (StartsWith(content, prefix)) {
      content.remove_prefix(prefix.size());
      break;
    }
  }
  size_t i = 0;
  while (i < content.size() && IsIdentChar(content[i])) ++i;
  if (i == 0 || IsDigit(content[0]) || content[0] == '.') return false;
  std::string_view name = content.substr(0, i);
  if (StartsWith(content.substr(i), " [")) {  // Node's error code: "Error [ERR_X]"
    size_t close = content.find(']', i);
    if (close == std::string_view::npos) return false;
    i = close + 1;
  }
  std::string_view rest = content.substr(i);
  if (rest.empty()) {
    if (!HasErrorSuffix(name)) return false;
    *type = content;
    *message = {};
    return true;
  }
  if (rest.front() != ':' || StartsWith(rest, "://")) return false;  // not "file:///x.js:5"
  if (strict && !HasErrorSuffix(name)) return false;
  *type = content.substr(0, i);
  *message = TrimTrace(rest.substr(1));
  return true;
}

// "... 2 lines matching cause stack trace ..."
bool ParseMatchingLines(std::string_view content, size_t* count) {
  if (!StartsWith(content, "... ") ||
      content.find(" matching cause stack trace") == std::string_view::npos) {
    return false;
  }
  std::string_view n = content.substr(4);
  n = n.substr(0, n.find(' '));
  auto v = ParseTraceNumber(n);
  if (!v) return false;
  *count = static_cast<size_t>(*v);
  return true;
}

bool IsCaretLine(std::string_view content) {
  if (content.empty()) return false;
  for (char c : content) {
    if (c != '^' && c != ' ') return false;
  }
  return true;
}

enum class Stage {
  kNone,     // no exception yet, or after a line no rule understood
  kMessage,  // after a header, before its first frame
  kFrames,   // after a frame
};

class JsParser {
 public:
  explicit JsParser(StackTrace* trace) : trace_(trace) {}

  void Line(size_t number, std::string_view raw) {
    std::string_view content = TrimTrace(raw);
    if (content.empty()) {
      FlushContext();
      if (stage_ == Stage::kMessage) stage_ = Stage::kNone;
      return;
    }
    // Node's source context before an uncaught error: "/app/x.js:5", the source line, "^".
    if (context_lines_ == 1) {
      context_lines_ = 2;
      source_ = raw;
      source_number_ = number;
      return;
    }
    if (context_lines_ == 2) {
      context_lines_ = 0;
      if (IsCaretLine(content)) return;
      KeepUnparsed(context_number_, context_, trace_);
      Replay();
    }
    Dispatch(number, raw, content);
  }

  void Finish() { FlushContext(); }

 private:
  void FlushContext() {
    if (context_lines_ == 0) return;
    KeepUnparsed(context_number_, context_, trace_);
    if (context_lines_ == 2) {
      context_lines_ = 0;
      Replay();
    }
    context_lines_ = 0;
  }

  // The held "source" line turned out not to be one: parse it as itself, but
  // never as the start of another context (that would reorder the lines).
  void Replay() {
    replaying_ = true;
    Dispatch(source_number_, source_, TrimTrace(source_));
    replaying_ = false;
  }

  void Dispatch(size_t number, std::string_view raw, std::string_view content) {
    bool opens = false;
    if (EndsWith(content, " {")) {
      content.remove_suffix(2);
      opens = true;
    }
    if (StartsWith(content, "}") || StartsWith(content, "]")) {
      if (depth_ > 0) --depth_;
      if (depth_ < errors_depth_) errors_depth_ = 0;
      return;
    }
    if (depth_ > 0 && EndsWith(content, ",")) content.remove_suffix(1);  // inside "[errors]: ["
    JsFrame f;
    if (ParseFrame(content, &f)) {
      AddFrame(number, f);
      if (opens) ++depth_;
      return;
    }
    std::string_view type, message;
    if (StartsWith(content, "[cause]: ") &&
        ParseHeader(content.substr(9), false, &type, &message)) {
      StartException("cause", type, message);
      if (opens) ++depth_;
      return;
    }
    if (size_t n = 0; ParseMatchingLines(content, &n)) {
      if (!trace_->exceptions.empty()) trace_->exceptions.back().omitted_frames += n;
      return;
    }
    if (depth_ > 0) {
      // Inside an inspected error's properties: nested errors start exceptions, the rest is
      // skipped.
      if (ParseHeader(content, true, &type, &message)) {
        StartException(errors_depth_ > 0 ? "group" : "", type, message);
      } else if (StartsWith(content, "[errors]: [")) {
        ++depth_;
        errors_depth_ = depth_;
      } else if (EndsWith(content, "{") || EndsWith(content, "[")) {
        ++depth_;
      } else if (stage_ == Stage::kMessage && !StartsWith(content, "[")) {
        AppendMessage(content);
      }
      if (opens) ++depth_;
      return;
    }
    if (stage_ == Stage::kMessage) {
      if (opens) {
        ++depth_;
        return;
      }
      AppendMessage(content);
      return;
    }
    if (ParseHeader(content, false, &type, &message)) {
      StartException("", type, message);
      if (opens) ++depth_;
      return;
    }
    if (StartsWith(content, "Node.js v") || IsCaretLine(content)) return;
    if (stage_ != Stage::kFrames && !replaying_) {
      JsFrame loc;
      loc.location = ParseLocation(content);
      if (loc.location.line > 0 && loc.location.column == 0 && !loc.location.file.empty()) {
        context_lines_ = 1;
        context_ = raw;
        context_number_ = number;
        return;
      }
    }
    stage_ = Stage::kNone;
    KeepUnparsed(number, raw, trace_);
  }

  void AppendMessage(std::string_view content) {
    std::string& m = trace_->exceptions.back().message;
    m += '\n';
    m += content;
  }

  void StartException(std::string_view relation, std::string_view type, std::string_view message) {
    TraceException e;
    if (!trace_->exceptions.empty()) e.relation = std::string(relation);
    e.type = std::string(type);
    e.message = std::string(message);
    trace_->exceptions.push_back(std::move(e));
    stage_ = Stage::kMessage;
  }

  void AddFrame(size_t number, const JsFrame& f) {
    if (trace_->exceptions.empty()) trace_->exceptions.emplace_back();
    TraceFrame tf;
    tf.frame.file = std::string(f.location.file);
    tf.frame.line = f.location.line;
    tf.frame.column = f.location.column;
    tf.frame.function = std::string(f.function);
    tf.text_line = number;
    AddTraceFrame(&trace_->exceptions.back().frames, std::move(tf));
    stage_ = Stage::kFrames;
  }

  StackTrace* trace_;
  Stage stage_ = Stage::kNone;
  int depth_ = 0;          // open "{" / "[" of an inspected error's properties
  int errors_depth_ = 0;   // depth_ of an "[errors]: [" list, 0 outside one
  int context_lines_ = 0;  // 1: "/app/x.js:5" held; 2: and the source line under it
  bool replaying_ = false;
  std::string_view context_, source_;
  size_t context_number_ = 0, source_number_ = 0;
};

}  // namespace

int ScoreJavaScriptTrace(std::string_view text) {
  TraceLines lines(text);
  std::string_view line;
  int score = 0;
  bool header = false;
  while (lines.Next(&line) && lines.number() <= kScanLines) {
    std::string_view content = TrimTrace(line);
    if (EndsWith(content, " {")) content.remove_suffix(2);
    if (content.empty()) continue;
    JsFrame f;
    std::string_view type, message;
    if (StartsWith(content, "at ")) {
      if (IsDotNetLine(content) || !ParseV8Frame(content, &f)) continue;
      if (f.location.line > 0 && f.location.column > 0) {
        score = std::max(score, f.function.empty() ? 50 : 70);
      } else if (!f.function.empty() &&
                 (f.location.file == "<anonymous>" || f.location.file == "native")) {
        score = std::max(score, 50);
      }
    } else if (score < 60 && ParseAtSignFrame(content, &f)) {
      if (f.location.column > 0 && f.function.find(' ') == std::string_view::npos) {
        score = std::max(score, 60);
      }
    } else if (score == 0 && ParseHeader(content, true, &type, &message)) {
      header = true;
    }
    if (score >= 70 && header) break;
  }
  if (score >= 70 && header) score += 5;
  return score;
}

StackTrace ParseJavaScriptTrace(std::string_view text) {
  StackTrace trace;
  trace.language = TraceLanguage::kJavaScript;
  JsParser parser(&trace);
  TraceLines lines(text);
  std::string_view line;
  while (lines.Next(&line)) parser.Line(lines.number(), line);
  parser.Finish();
  return trace;
}

}  // namespace srclink
