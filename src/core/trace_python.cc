#include "core/trace_python.h"

#include <cstddef>
#include <string>

#include "core/trace_lines.h"

namespace srclink {
namespace {

constexpr std::string_view kTracebackHeader = "Traceback (most recent call last):";
constexpr std::string_view kContextLine =
    "During handling of the above exception, another exception occurred:";
constexpr std::string_view kCauseLine =
    "The above exception was the direct cause of the following exception:";
constexpr int kScanLines = 64;

bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || (c >= '0' && c <= '9'); }

// "ValueError", "requests.exceptions.HTTPError", "__main__.MyError".
bool IsTypeName(std::string_view s) {
  if (s.empty() || !IsIdentStart(s.front()) || s.back() == '.') return false;
  for (char c : s) {
    if (!IsIdentChar(c) && c != '.') return false;
  }
  return true;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// "2024-01-31…" or "[2024-01-31…": a log line, never part of a message.
bool StartsWithDate(std::string_view s) {
  if (!s.empty() && s.front() == '[') s.remove_prefix(1);
  return s.size() >= 10 && IsDigit(s[0]) && IsDigit(s[1]) && IsDigit(s[2]) && IsDigit(s[3]) &&
         s[4] == '-' && IsDigit(s[5]) && IsDigit(s[6]) && s[7] == '-' && IsDigit(s[8]) &&
         IsDigit(s[9]);
}

// Lines of only '^', '~' and spaces: 3.11+ error location markers, SyntaxError carets.
bool IsMarkerLine(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c != '^' && c != '~' && c != ' ' && c != '\t') return false;
  }
  return true;
}

struct FileLine {
  std::string_view file;
  int line = 0;
  std::string_view function;
};

// `File "x.py", line 42, in func` (", in func" optional). `content` is trimmed.
bool ParseFileLine(std::string_view content, FileLine* out) {
  if (!StartsWith(content, "File \"")) return false;
  std::string_view rest = content.substr(6);
  size_t end = rest.find("\", line ");
  if (end == std::string_view::npos) return false;
  std::string_view file = rest.substr(0, end);
  rest.remove_prefix(end + 8);
  size_t digits = 0;
  while (digits < rest.size() && IsDigit(rest[digits])) ++digits;
  auto line = ParseTraceNumber(rest.substr(0, digits));
  if (!line) return false;
  rest.remove_prefix(digits);
  std::string_view function;
  if (StartsWith(rest, ", in ")) {
    function = rest.substr(5);
  } else if (!rest.empty()) {
    return false;
  }
  out->file = file;
  out->line = *line;
  out->function = function;
  return true;
}

// "[Previous line repeated 996 more times]" -> 996.
bool ParseRepeated(std::string_view content, size_t* count) {
  constexpr std::string_view kPrefix = "[Previous line repeated ";
  if (!StartsWith(content, kPrefix) || !EndsWith(content, " more times]")) return false;
  std::string_view n = content.substr(kPrefix.size());
  n = n.substr(0, n.find(' '));
  auto v = ParseTraceNumber(n);
  if (!v) return false;
  *count = static_cast<size_t>(*v);
  return true;
}

// "Type: message" or "Type".
bool ParseExceptionLine(std::string_view content, std::string_view* type,
                        std::string_view* message) {
  size_t colon = content.find(':');
  std::string_view t = content.substr(0, colon);
  if (!IsTypeName(t)) return false;
  *type = t;
  *message = std::string_view();
  if (colon != std::string_view::npos) {
    std::string_view m = content.substr(colon + 1);
    if (!m.empty() && m.front() == ' ') m.remove_prefix(1);
    *message = m;
  }
  return true;
}

// A line with ExceptionGroup decoration taken apart.
struct GroupLine {
  std::string_view content;  // the text after the `|` / `+` prefixes, not trimmed on the left
  size_t indent = 0;         // column of the content's first non-blank character
  bool separator = false;    // "+-+---- 1 ----", "+------------"
  bool member = false;       // a separator that opens a numbered sub-exception
};

GroupLine StripGroupPrefix(std::string_view raw) {
  GroupLine g;
  size_t i = 0;
  for (;;) {
    while (i < raw.size() && (raw[i] == ' ' || raw[i] == '\t')) ++i;
    if (i < raw.size() && raw[i] == '|') {
      ++i;
      continue;
    }
    break;
  }
  if (i < raw.size() && raw[i] == '+') {
    if (i + 1 < raw.size() && raw[i + 1] == '-') {
      g.separator = true;
      std::string_view rest = raw.substr(i);
      for (char c : rest) {
        if (IsDigit(c)) {
          g.member = true;
          break;
        }
      }
      return g;
    }
    ++i;  // "+ Exception Group Traceback (most recent call last):"
    while (i < raw.size() && raw[i] == ' ') ++i;
  }
  g.content = raw.substr(i);
  g.indent = i;
  return g;
}

enum class Stage {
  kNone,     // outside a traceback
  kFrames,   // after "Traceback…" or a frame
  kMessage,  // after the exception line: more lines continue its message
};

class PythonParser {
 public:
  explicit PythonParser(StackTrace* trace) : trace_(trace) {}

  void Line(size_t number, std::string_view raw) {
    GroupLine g = StripGroupPrefix(raw);
    if (g.separator) {
      if (g.member) {
        pending_relation_ = "group";
        group_member_open_ = true;
      }
      stage_ = Stage::kNone;
      return;
    }
    std::string_view content = TrimTrace(g.content);
    if (content.empty()) {
      if (stage_ == Stage::kMessage) stage_ = Stage::kNone;
      return;
    }
    if (EndsWith(content, kTracebackHeader)) {
      StartException();
      stage_ = Stage::kFrames;
      return;
    }
    if (content == kContextLine) {
      pending_relation_ = "context";
      stage_ = Stage::kNone;
      return;
    }
    if (content == kCauseLine) {
      pending_relation_ = "cause";
      stage_ = Stage::kNone;
      return;
    }
    FileLine file_line;
    if (stage_ != Stage::kMessage && ParseFileLine(content, &file_line)) {
      if (stage_ == Stage::kNone) StartException();  // a traceback without its header
      TraceFrame tf;
      tf.frame.file = std::string(file_line.file);
      tf.frame.line = file_line.line;
      tf.frame.function = std::string(file_line.function);
      tf.text_line = number;
      AddTraceFrame(&Current().frames, std::move(tf));
      file_indent_ = g.indent;
      after_frame_ = true;
      stage_ = Stage::kFrames;
      return;
    }
    switch (stage_) {
      case Stage::kFrames:
        if (after_frame_ && g.indent > file_indent_) return;  // the frame's source line(s)
        if (IsMarkerLine(content)) return;
        if (size_t n = 0; ParseRepeated(content, &n)) {
          Current().omitted_frames += n;
          return;
        }
        if (ExceptionLine(content)) return;
        break;
      case Stage::kMessage:
        if (StartsWithDate(content)) {
          stage_ = Stage::kNone;
          break;
        }
        Current().message += '\n';
        Current().message += content;
        return;
      case Stage::kNone:
        if (group_member_open_ && ExceptionLine(content)) return;
        if (StartsWith(content, "and ") && EndsWith(content, " more exceptions")) return;
        break;
    }
    after_frame_ = false;
    KeepUnparsed(number, raw, trace_);
  }

 private:
  TraceException& Current() { return trace_->exceptions.back(); }

  void StartException() {
    TraceException e;
    if (!trace_->exceptions.empty()) e.relation = pending_relation_;
    pending_relation_.clear();
    group_member_open_ = false;
    after_frame_ = false;
    trace_->exceptions.push_back(std::move(e));
  }

  // The exception line closing a traceback (or a group member without one).
  bool ExceptionLine(std::string_view content) {
    std::string_view type, message;
    if (!ParseExceptionLine(content, &type, &message)) return false;
    if (stage_ == Stage::kNone || !Current().type.empty()) StartException();
    Current().type = std::string(type);
    Current().message = std::string(message);
    stage_ = Stage::kMessage;
    after_frame_ = false;
    group_member_open_ = false;
    return true;
  }

  StackTrace* trace_;
  Stage stage_ = Stage::kNone;
  std::string pending_relation_;
  bool group_member_open_ = false;
  bool after_frame_ = false;
  size_t file_indent_ = 0;
};

}  // namespace

int ScorePythonTrace(std::string_view text) {
  // Ruby 2.5-2.7 prints the same header over "\t1: from x.rb:1:in `m'" lines:
  // the header alone is only a hint.
  TraceLines lines(text);
  std::string_view line;
  bool header = false, frame = false;
  while (lines.Next(&line) && lines.number() <= kScanLines) {
    std::string_view content = TrimTrace(StripGroupPrefix(line).content);
    if (EndsWith(content, kTracebackHeader)) header = true;
    FileLine file_line;
    if (ParseFileLine(content, &file_line)) frame = true;
    if (header && frame) return 95;
  }
  if (frame) return 90;
  return header ? 40 : 0;
}

StackTrace ParsePythonTrace(std::string_view text) {
  StackTrace trace;
  trace.language = TraceLanguage::kPython;
  PythonParser parser(&trace);
  TraceLines lines(text);
  std::string_view line;
  while (lines.Next(&line)) parser.Line(lines.number(), line);
  return trace;
}

}  // namespace srclink
