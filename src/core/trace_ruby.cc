#include "core/trace_ruby.h"

#include <algorithm>
#include <initializer_list>
#include <span>
#include <string>

#include "core/trace_lines.h"

namespace srclink {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsWordChar(char c) { return IsDigit(c) || (c >= 'a' && c <= 'z') || IsUpper(c) || c == '_'; }

// "Foo", "Foo::Bar2": a Ruby constant path.
bool IsConstantPath(std::string_view s) {
  if (s.empty() || !IsUpper(s[0])) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (IsWordChar(s[i])) continue;
    if (s[i] == ':' && i + 2 < s.size() && s[i + 1] == ':' && IsUpper(s[i + 2])) {
      ++i;
      continue;
    }
    return false;
  }
  return true;
}

// One `path:line:in 'label'` (or bare `path:line`) frame.
struct RubyFrame {
  std::string_view file;
  int line = 0;
  std::string_view label;
  bool has_label = false;
  std::string_view after;  // text after the label's closing quote (": msg (Type)")
};

// The path ending just before `end` (a ':'): from the last space, so log
// prefixes ("F, [...] FATAL -- : app/x.rb") stay out of it.
std::string_view PathBefore(std::string_view s, size_t end) {
  std::string_view path = s.substr(0, end);
  size_t space = path.rfind(' ');
  if (space != std::string_view::npos) path.remove_prefix(space + 1);
  return path;
}

bool ParseRubyFrame(std::string_view s, RubyFrame* out) {
  // The first ":<digits>:in " decides; paths may hold ':' (C:/x.rb).
  size_t pos = s.find(":in ");
  while (pos != std::string_view::npos) {
    size_t j = pos;
    while (j > 0 && IsDigit(s[j - 1])) --j;
    if (j < pos && j >= 2 && s[j - 1] == ':') {
      std::string_view file = PathBefore(s, j - 1);
      auto line = ParseTraceNumber(s.substr(j, pos - j));
      if (!file.empty() && line) {
        out->file = file;
        out->line = *line;
        out->has_label = true;
        std::string_view rest = s.substr(pos + 4);
        if (!rest.empty() && (rest[0] == '\'' || rest[0] == '`')) {
          rest.remove_prefix(1);
          size_t close = rest.find("': ");
          if (close == std::string_view::npos) close = rest.rfind('\'');
          if (close == std::string_view::npos) {
            out->label = rest;
            out->after = {};
          } else {
            out->label = rest.substr(0, close);
            out->after = rest.substr(close + 1);
          }
        } else {
          size_t colon = rest.find(": ");
          out->label = rest.substr(0, colon);
          out->after = colon == std::string_view::npos ? std::string_view() : rest.substr(colon);
        }
        return true;
      }
    }
    pos = s.find(":in ", pos + 1);
  }
  // Bare "path:line" (Rails backtrace cleaners, Airbrake).
  size_t colon = s.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || s.find(' ') != std::string_view::npos) {
    return false;
  }
  auto line = ParseTraceNumber(s.substr(colon + 1));
  std::string_view file = s.substr(0, colon);
  if (!line ||
      (file.find(".rb") == std::string_view::npos && file.find(".erb") == std::string_view::npos &&
       file.find(".rake") == std::string_view::npos)) {
    return false;
  }
  out->file = file;
  out->line = *line;
  out->label = {};
  out->has_label = false;
  out->after = {};
  return true;
}

// "block in Foo#bar" -> module "Foo", function "block in bar".
void SplitLabel(std::string_view label, Frame* frame) {
  static constexpr std::string_view kPrefixes[] = {"block in ", "rescue in ", "ensure in "};
  std::string_view rest = label;
  bool again = true;
  while (again) {
    again = false;
    for (std::string_view p : kPrefixes) {
      if (StartsWith(rest, p)) {
        rest.remove_prefix(p.size());
        again = true;
      }
    }
    // "block (2 levels) in "
    if (StartsWith(rest, "block (")) {
      size_t in = rest.find(") in ");
      if (in != std::string_view::npos) {
        rest.remove_prefix(in + 5);
        again = true;
      }
    }
  }
  std::string_view prefix = label.substr(0, label.size() - rest.size());
  size_t sep = rest.find('#');
  if (sep == std::string_view::npos) {
    sep = rest.rfind('.');
    if (sep != std::string_view::npos && !IsConstantPath(rest.substr(0, sep))) {
      sep = std::string_view::npos;
    }
  }
  if (sep != std::string_view::npos && sep > 0 && IsConstantPath(rest.substr(0, sep))) {
    frame->module = std::string(rest.substr(0, sep));
    frame->function = std::string(prefix) + std::string(rest.substr(sep + 1));
  } else {
    frame->function = std::string(label);
  }
}

// ": message (Type)" after a frame's label; false when not a header.
bool ParseFrameHeader(std::string_view after, std::string* type, std::string* message) {
  if (!StartsWith(after, ": ")) return false;
  std::string_view rest = after.substr(2);
  if (EndsWith(rest, ")")) {
    size_t open = rest.rfind(" (");
    if (open != std::string_view::npos) {
      std::string_view t = rest.substr(open + 2, rest.size() - open - 3);
      if (IsConstantPath(t)) {
        *type = std::string(t);
        *message = std::string(rest.substr(0, open));
        return true;
      }
    }
  }
  if (IsConstantPath(rest)) {  // "RuntimeError" alone: message defaults to the class name
    *type = std::string(rest);
    message->clear();
    return true;
  }
  type->clear();
  *message = std::string(rest);
  return true;
}

// A name only an exception class has: "FooError", "BarException", "Net::ReadTimeout".
bool LooksLikeExceptionClass(std::string_view name) {
  if (name.find("::") != std::string_view::npos) return true;
  return EndsWith(name, "Error") || EndsWith(name, "Exception") || name == "Interrupt" ||
         name == "SystemExit" || name == "StopIteration";
}

// "NoMethodError (msg):" or "NoMethodError: msg" on a line of its own.
bool ParseHeaderLine(std::string_view s, std::string* type, std::string* message) {
  size_t i = 0;
  while (i < s.size() && (IsWordChar(s[i]) || s[i] == ':')) {
    if (s[i] == ':' && !(i + 1 < s.size() && s[i + 1] == ':')) break;
    i += s[i] == ':' ? 2 : 1;
  }
  std::string_view name = s.substr(0, std::min(i, s.size()));
  if (!IsConstantPath(name) || !LooksLikeExceptionClass(name)) return false;
  std::string_view rest = s.substr(name.size());
  if (StartsWith(rest, " (") && EndsWith(rest, "):")) {
    *type = std::string(name);
    *message = std::string(rest.substr(2, rest.size() - 4));
    return true;
  }
  if (StartsWith(rest, ": ") || rest == ":") {
    *type = std::string(name);
    *message = std::string(TrimTrace(rest.substr(1)));
    return true;
  }
  return false;
}

// A header behind a logger's prefix: "… WARN: Net::ReadTimeout: msg", "… ERROR -- : X (msg):".
bool ParseLoggedHeader(std::string_view s, std::string* type, std::string* message) {
  static constexpr std::string_view kMarkers[] = {" -- : ", " WARN: ", " ERROR: ", " FATAL: "};
  for (std::string_view m : kMarkers) {
    size_t p = s.find(m);
    if (p != std::string_view::npos && ParseHeaderLine(s.substr(p + m.size()), type, message)) {
      return true;
    }
  }
  return false;
}

// "... 12 levels..."
bool ParseOmitted(std::string_view s, size_t* n) {
  if (!StartsWith(s, "... ") || !EndsWith(s, " levels...")) return false;
  auto v = ParseTraceNumber(s.substr(4, s.size() - 4 - 10));
  if (!v) return false;
  *n = static_cast<size_t>(*v);
  return true;
}

// Drops "from " and Ruby 2.5-2.7's reversed "12: from ".
std::string_view StripFrom(std::string_view t, bool* from = nullptr) {
  size_t i = 0;
  while (i < t.size() && IsDigit(t[i])) ++i;
  if (i > 0 && t.substr(i).starts_with(": from ")) t.remove_prefix(i + 2);
  bool f = StartsWith(t, "from ");
  if (f) t.remove_prefix(5);
  if (from != nullptr) *from = f;
  return TrimTrace(t);
}

}  // namespace

int ScoreRubyTrace(std::string_view text) {
  std::string_view head = ScoreWindow(text);
  if (!ContainsAny(head, kRubyScoreMarkers)) return 0;  // cheap: most texts stop here
  TraceLines lines(head);
  std::string_view line;
  int labelled = 0;
  int bare = 0;
  while (lines.Next(&line) && lines.number() <= 64) {
    std::string_view raw = TrimTrace(line);
    std::string_view t = StripFrom(raw);
    if (t.size() < 5) continue;
    RubyFrame f;
    if (t.find(".rb:") == std::string_view::npos && t.find(".erb:") == std::string_view::npos &&
        t.find(".rake:") == std::string_view::npos) {
      continue;
    }
    if (!ParseRubyFrame(t, &f)) continue;
    if (f.has_label) {
      // Ruby 2.5-2.7 numbers its "from" lines ("3: from x.rb:1:in `m'"); nothing else does.
      if (IsDigit(raw[0]) && raw.find(": from ") != std::string_view::npos) return 100;
      if (++labelled >= 15) break;  // the score is at its cap
    } else {
      ++bare;
    }
  }
  if (labelled > 0) return std::min(95, 80 + labelled);
  if (bare > 0) return std::min(60, 40 + 5 * bare);
  return 0;
}

StackTrace ParseRubyTrace(std::string_view text) {
  StackTrace trace;
  trace.language = TraceLanguage::kRuby;
  TraceLines lines(text);
  std::string_view line;
  bool collecting_message = false;  // lines after a header, before its next frame
  bool reversed = false;            // the header closes the frames above it
  auto current = [&]() -> TraceException& {
    if (trace.exceptions.empty()) trace.exceptions.emplace_back();
    return trace.exceptions.back();
  };
  auto start_exception = [&](std::string type, std::string message) -> TraceException& {
    bool reuse = !trace.exceptions.empty() &&
                 (trace.exceptions.back().frames.empty() || reversed) &&
                 trace.exceptions.back().type.empty() && trace.exceptions.back().message.empty();
    reversed = false;
    if (!reuse) {
      trace.exceptions.emplace_back();
      if (trace.exceptions.size() > 1) trace.exceptions.back().relation = "cause";
    }
    TraceException& e = trace.exceptions.back();
    e.type = std::move(type);
    e.message = std::move(message);
    return e;
  };
  std::string type;
  std::string message;
  while (lines.Next(&line)) {
    std::string_view t = TrimTrace(line);
    if (t.empty()) {
      collecting_message = false;
      continue;
    }
    if (t == "Traceback (most recent call last):") {  // Ruby 2.5-2.7: header printed last
      reversed = true;
      continue;
    }
    bool from = false;
    std::string_view s = StripFrom(t, &from);
    size_t omitted = 0;
    if (ParseOmitted(s, &omitted)) {
      current().omitted_frames += omitted;
      collecting_message = false;
      continue;
    }
    RubyFrame f;
    if (ParseRubyFrame(s, &f)) {
      TraceFrame frame;
      frame.frame.file = std::string(f.file);
      frame.frame.line = f.line;
      frame.text_line = lines.number();
      if (f.has_label) SplitLabel(f.label, &frame.frame);
      if (!from && ParseFrameHeader(f.after, &type, &message)) {
        AddTraceFrame(&start_exception(std::move(type), std::move(message)).frames,
                      std::move(frame));
        collecting_message = true;
      } else {
        AddTraceFrame(&current().frames, std::move(frame));
        collecting_message = false;
      }
      continue;
    }
    if (ParseHeaderLine(t, &type, &message) || ParseLoggedHeader(t, &type, &message)) {
      start_exception(std::move(type), std::move(message));
      collecting_message = true;
      continue;
    }
    if (collecting_message) {
      TraceException& e = current();
      if (!e.message.empty()) e.message += '\n';
      e.message += std::string(TrimTrace(line));
      continue;
    }
    KeepUnparsed(lines.number(), line, &trace);
  }
  return trace;
}

}  // namespace srclink
