#include "core/trace_java.h"

#include <cstddef>
#include <string>

#include "core/trace_lines.h"

namespace srclink {
namespace {

constexpr int kScanLines = 64;
constexpr std::string_view kThreadPrefix = "Exception in thread \"";

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsJavaIdentChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || IsDigit(c) || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}

// "java.lang.IllegalStateException", "com.example.Foo$Bar": dotted, no blanks.
bool IsQualifiedTypeName(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.' || IsDigit(s.front())) return false;
  bool dot = false;
  char prev = 0;
  for (char c : s) {
    if (c == '.') {
      if (prev == '.') return false;
      dot = true;
    } else if (!IsJavaIdentChar(c)) {
      return false;
    }
    prev = c;
  }
  return dot;
}

struct JavaFrame {
  std::string_view class_name;
  std::string_view method;
  std::string_view file;
  int line = 0;
};

// "at [loader/][module@version/]com.x.Foo.bar(Foo.java:42)[ ~[jar:ver]]"; `content` is trimmed.
bool ParseFrameLine(std::string_view content, JavaFrame* out) {
  if (!StartsWith(content, "at ")) return false;
  std::string_view rest = TrimTrace(content.substr(3));
  size_t open = rest.find('(');
  if (open == std::string_view::npos || open == 0) return false;
  size_t close = rest.find(')', open);
  if (close == std::string_view::npos) return false;
  std::string_view name = rest.substr(0, open);
  std::string_view location = rest.substr(open + 1, close - open - 1);
  if (location.empty()) return false;
  if (name.find(' ') != std::string_view::npos || name.find('\t') != std::string_view::npos) {
    return false;
  }
  // Class-loader and module prefixes: "app//", "java.base/", "lib@1.2/". A
  // hidden class's "/0x…" suffix ("Foo$$Lambda$14/0x0000000800c03000") stays.
  for (;;) {
    size_t slash = name.find('/');
    if (slash == std::string_view::npos) break;
    std::string_view prefix = name.substr(0, slash);
    std::string_view after = name.substr(slash + 1);
    if (prefix.find('$') != std::string_view::npos || StartsWith(after, "0x")) break;
    name = after;
    while (!name.empty() && name.front() == '/') name.remove_prefix(1);
  }
  size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == name.size()) return false;
  out->class_name = name.substr(0, dot);
  out->method = name.substr(dot + 1);
  out->line = 0;
  out->file = location;
  size_t colon = location.rfind(':');
  if (colon != std::string_view::npos) {
    if (auto line = ParseTraceNumber(location.substr(colon + 1))) {
      out->file = location.substr(0, colon);
      out->line = *line;
    }
  }
  return true;
}

// A frame as only the JVM prints it: "(File.ext:N)" with no column, or a placeholder.
bool IsJvmFrame(std::string_view content) {
  JavaFrame f;
  if (!ParseFrameLine(content, &f)) return false;
  if (f.file == "Native Method" || f.file == "Unknown Source") return true;
  if (f.line == 0) return false;
  size_t dot = f.file.rfind('.');
  if (dot == std::string_view::npos) return false;
  // "x.js:1:2" leaves "x.js:1" as the file: not a JVM frame.
  return f.file.find(':') == std::string_view::npos;
}

// "... 12 more", "... 12 common frames omitted".
bool ParseOmitted(std::string_view content, size_t* count) {
  if (!StartsWith(content, "... ")) return false;
  std::string_view rest = content.substr(4);
  size_t space = rest.find(' ');
  if (space == std::string_view::npos) return false;
  std::string_view tail = rest.substr(space);
  if (tail != " more" && tail != " common frames omitted") return false;
  auto n = ParseTraceNumber(rest.substr(0, space));
  if (!n) return false;
  *count = static_cast<size_t>(*n);
  return true;
}

// "Type: message" / "Type" with a dotted type.
bool ParseHeader(std::string_view s, std::string_view* type, std::string_view* message) {
  size_t colon = s.find(':');
  std::string_view t = TrimTrace(s.substr(0, colon));
  if (!IsQualifiedTypeName(t)) return false;
  *type = t;
  *message = std::string_view();
  if (colon != std::string_view::npos) *message = TrimTrace(s.substr(colon + 1));
  return true;
}

enum class Stage {
  kNone,     // no exception yet, or after a line no rule understood
  kMessage,  // after a header, before its first frame
  kFrames,   // after a frame
};

class JavaParser {
 public:
  explicit JavaParser(StackTrace* trace) : trace_(trace) {}

  void Line(size_t number, std::string_view raw) {
    std::string_view content = TrimTrace(raw);
    if (content.empty()) {
      if (stage_ == Stage::kMessage) stage_ = Stage::kNone;
      return;
    }
    JavaFrame f;
    if (ParseFrameLine(content, &f)) {
      if (trace_->exceptions.empty()) StartException("", "", "");
      TraceFrame tf;
      tf.frame.module = std::string(f.class_name);
      tf.frame.function = std::string(f.method);
      tf.frame.file = std::string(f.file);
      tf.frame.line = f.line;
      tf.text_line = number;
      AddTraceFrame(&trace_->exceptions.back().frames, std::move(tf));
      stage_ = Stage::kFrames;
      return;
    }
    if (size_t n = 0; ParseOmitted(content, &n) && !trace_->exceptions.empty()) {
      trace_->exceptions.back().omitted_frames += n;
      stage_ = Stage::kFrames;
      return;
    }
    std::string_view type, message;
    if (StartsWith(content, "Caused by: ") && ParseHeader(content.substr(11), &type, &message)) {
      StartException("cause", type, message);
      return;
    }
    if (StartsWith(content, "Suppressed: ") && ParseHeader(content.substr(12), &type, &message)) {
      StartException("suppressed", type, message);
      return;
    }
    if (StartsWith(content, kThreadPrefix)) {
      size_t quote = content.find("\" ", kThreadPrefix.size());
      if (quote != std::string_view::npos &&
          ParseHeader(content.substr(quote + 2), &type, &message)) {
        StartException("thread", type, message);
        return;
      }
    }
    if (stage_ == Stage::kMessage) {
      std::string& m = trace_->exceptions.back().message;
      m += '\n';
      m += content;
      return;
    }
    if (ParseHeader(content, &type, &message)) {
      StartException("", type, message);
      return;
    }
    stage_ = Stage::kNone;
    KeepUnparsed(number, raw, trace_);
  }

 private:
  void StartException(std::string_view relation, std::string_view type, std::string_view message) {
    TraceException e;
    if (!trace_->exceptions.empty()) e.relation = std::string(relation);
    e.type = std::string(type);
    e.message = std::string(message);
    trace_->exceptions.push_back(std::move(e));
    stage_ = Stage::kMessage;
  }

  StackTrace* trace_;
  Stage stage_ = Stage::kNone;
};

}  // namespace

int ScoreJavaTrace(std::string_view text) {
  TraceLines lines(text);
  std::string_view line;
  bool frame = false, marker = false;
  while (lines.Next(&line) && lines.number() <= kScanLines) {
    std::string_view content = TrimTrace(line);
    if (StartsWith(content, "at ")) {
      frame = frame || IsJvmFrame(content);
    } else if (StartsWith(content, kThreadPrefix) || StartsWith(content, "Caused by: ")) {
      marker = true;
    }
    if (frame && marker) break;
  }
  if (!frame) return 0;
  return marker ? 90 : 80;
}

StackTrace ParseJavaTrace(std::string_view text) {
  StackTrace trace;
  trace.language = TraceLanguage::kJava;
  JavaParser parser(&trace);
  TraceLines lines(text);
  std::string_view line;
  while (lines.Next(&line)) parser.Line(lines.number(), line);
  return trace;
}

}  // namespace srclink
