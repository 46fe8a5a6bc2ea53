#include "core/trace_dotnet.h"

#include <algorithm>
#include <initializer_list>
#include <span>
#include <string>
#include <vector>

#include "core/trace_lines.h"

namespace srclink {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsTypeChar(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '.' ||
         c == '`' || c == '+';
}

// "C:\src\File.cs:line 42", "/src/File.cs:Zeile 42", Mono's "/src/File.cs:42".
bool ParseLocation(std::string_view loc, std::string* file, int* line) {
  size_t colon = loc.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  std::string_view tail = loc.substr(colon + 1);
  std::optional<int> n = ParseTraceNumber(tail);
  if (!n) {
    size_t space = tail.rfind(' ');
    if (space == std::string_view::npos || space == 0) return false;
    n = ParseTraceNumber(tail.substr(space + 1));
    if (!n) return false;
    for (char c : tail.substr(0, space)) {
      if (c == ' ' || IsDigit(c)) return false;  // one word: "line", "Zeile", "ligne"…
    }
  }
  std::string_view path = loc.substr(0, colon);
  if (path.size() >= 2 && path.front() == '<' && path.back() == '>') path = {};  // Mono
  *file = std::string(path);
  *line = *n;
  return true;
}

// Position of the first '(' outside <...> and [...], or npos.
size_t ParamsStart(std::string_view s) {
  int depth = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '<' || c == '[') {
      ++depth;
    } else if ((c == '>' || c == ']') && depth > 0) {
      --depth;
    } else if (c == '(' && depth == 0) {
      return i;
    }
  }
  return std::string_view::npos;
}

// Position of the last `sep` ('.' or '+' when plus) outside <...> and [...].
size_t LastSeparator(std::string_view s, bool plus) {
  int depth = 0;
  size_t last = std::string_view::npos;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '<' || c == '[') {
      ++depth;
    } else if ((c == '>' || c == ']') && depth > 0) {
      --depth;
    } else if (depth == 0 && (c == '.' || (plus && c == '+'))) {
      last = i;
    }
  }
  return last;
}

// "Ns.Type.Method" -> module "Ns.Type", function "Method".
void SplitMethod(std::string_view name, Frame* frame) {
  size_t dot = LastSeparator(name, false);
  if (dot == std::string_view::npos || dot == 0) {
    frame->function = std::string(name);
    return;
  }
  if (name[dot - 1] == '.') --dot;  // "..ctor", "..cctor"
  std::string_view module = name.substr(0, dot);
  std::string_view function = name.substr(dot + 1);
  if (EndsWith(function, "]")) {  // generic method arguments: "Map[TIn,TOut]"
    size_t open = function.find('[');
    if (open != std::string_view::npos && open > 0) function = function.substr(0, open);
  }
  if (function == "MoveNext") {
    // Async state machine: "Ns.Type.<Main>d__0" or "Ns.Type+<Main>d__0".
    size_t sep = LastSeparator(module, true);
    std::string_view seg = sep == std::string_view::npos ? module : module.substr(sep + 1);
    size_t gt = seg.find('>');
    if (sep != std::string_view::npos && StartsWith(seg, "<") && gt != std::string_view::npos &&
        gt > 1 && seg.substr(gt + 1).starts_with("d__")) {
      function = seg.substr(1, gt - 1);
      module = module.substr(0, sep);
    }
  }
  frame->module = std::string(module);
  frame->function = std::string(function);
}

// `t` after "at ": "Ns.Type.Method(String a) in C:\x.cs:line 42".
bool ParseFrame(std::string_view rest, Frame* frame) {
  rest = TrimTrace(rest);
  if (StartsWith(rest, "(wrapper ")) {  // Mono: "(wrapper managed-to-native) X.Y (…)"
    size_t close = rest.find(") ");
    if (close == std::string_view::npos) return false;
    rest = TrimTrace(rest.substr(close + 2));
  }
  if (rest.empty()) return false;
  std::string_view method = rest;
  // Application Insights: "X.Y (Assembly, Version=1.0.0.0, …, PublicKeyToken=null: /src/x.cs:88)".
  if (EndsWith(rest, ")") && rest.find(", Version=") != std::string_view::npos) {
    size_t open = rest.rfind(" (");
    if (open != std::string_view::npos) {
      std::string_view content = rest.substr(open + 2, rest.size() - open - 3);
      size_t colon = content.find(": ");
      if (colon != std::string_view::npos) {
        ParseLocation(content.substr(colon + 2), &frame->file, &frame->line);
      }
      std::string_view name = TrimTrace(rest.substr(0, open));
      if (name.empty()) return false;
      SplitMethod(name, frame);
      return true;
    }
  }
  size_t in = rest.rfind(" in ");
  if (in != std::string_view::npos &&
      ParseLocation(rest.substr(in + 4), &frame->file, &frame->line)) {
    method = TrimTrace(rest.substr(0, in));
  }
  if (EndsWith(method, "]")) {  // Mono IL offset: " [0x00012]"
    size_t b = method.rfind(" [0x");
    if (b != std::string_view::npos) method = TrimTrace(method.substr(0, b));
  }
  size_t open = ParamsStart(method);
  std::string_view name = TrimTrace(method.substr(0, open));
  if (name.empty()) return false;
  SplitMethod(name, frame);
  return true;
}

bool ValidTypeName(std::string_view name, bool relaxed) {
  if (name.empty() || !((name[0] >= 'A' && name[0] <= 'Z') || (name[0] >= 'a' && name[0] <= 'z') ||
                        name[0] == '_')) {
    return false;
  }
  if (name.back() == '.') return false;
  if (relaxed) return true;
  size_t dot = name.rfind('.');
  std::string_view last = dot == std::string_view::npos ? name : name.substr(dot + 1);
  size_t tick = last.find('`');
  if (tick != std::string_view::npos) last = last.substr(0, tick);
  return EndsWith(last, "Exception") || (dot != std::string_view::npos && EndsWith(last, "Error"));
}

// "System.InvalidOperationException: msg" (after any "Unhandled exception. "):
// views into `t`, so a long "a ---> b ---> c" chain is split without copies.
bool ParseHeaderView(std::string_view t, bool relaxed, std::string_view* type,
                     std::string_view* message) {
  static constexpr std::string_view kPrefixes[] = {
      "Unhandled exception. ",
      "Unhandled Exception: ", "Unhandled exception: ", "[ERROR] FATAL UNHANDLED EXCEPTION: "};
  for (std::string_view p : kPrefixes) {
    if (StartsWith(t, p)) {
      t.remove_prefix(p.size());
      relaxed = true;
      break;
    }
  }
  size_t i = 0;
  while (i < t.size() && IsTypeChar(t[i])) ++i;
  std::string_view name = t.substr(0, i);
  std::string_view rest = t.substr(i);
  if (!ValidTypeName(name, relaxed)) return false;
  if (StartsWith(rest, " (")) {  // HRESULT or error code: "X (0x80004005): msg", "X (111): msg"
    size_t close = rest.find(')');
    if (close == std::string_view::npos || close > 20) return false;
    rest.remove_prefix(close + 1);
  }
  if (!rest.empty() && !StartsWith(rest, ": ") && rest != ":") return false;
  *type = name;
  *message = rest.empty() ? rest : TrimTrace(rest.substr(1));
  return true;
}

bool IsInnerEnd(std::string_view t) {
  return StartsWith(t, "--- End of inner exception stack trace");
}
bool IsStackBoundary(std::string_view t) {
  return StartsWith(t, "--- End of stack trace from previous location") ||
         StartsWith(t, "Exception rethrown at [") || t == "Server stack trace:" ||
         (StartsWith(t, "--- ") && EndsWith(t, " ---"));
}

// The frame text after "at ", also behind a log prefix ("Jun 27 … app[12]:    at X.Y()").
bool FindFrame(std::string_view line, std::string_view t, std::string_view* rest) {
  if (StartsWith(t, "at ") || StartsWith(t, "bei ")) {  // "bei": German runtimes
    *rest = t.substr(t[0] == 'a' ? 3 : 4);
    return true;
  }
  size_t p = line.find("   at ");
  if (p == std::string_view::npos) return false;
  *rest = line.substr(p + 6);
  return true;
}

// Weak evidence: "at A.B(…)" with '(' right after a dotted name and params
// that are .NET-like (empty, or "Type name"), not Java's "(File.java:12)".
bool LooksLikeBareFrame(std::string_view t) {
  if (!StartsWith(t, "at ") || !EndsWith(t, ")")) return false;
  std::string_view rest = t.substr(3);
  size_t open = ParamsStart(rest);
  if (open == std::string_view::npos || open == 0) return false;
  std::string_view name = rest.substr(0, open);
  if (name.find(' ') != std::string_view::npos || name.find('.') == std::string_view::npos ||
      name.find('/') != std::string_view::npos) {
    return false;
  }
  std::string_view params = rest.substr(open + 1, rest.size() - open - 2);
  if (params.empty()) return true;
  if (params == "Native Method" || params == "Unknown Source") return false;
  return params.find(' ') != std::string_view::npos && params.find(':') == std::string_view::npos;
}

}  // namespace

int ScoreDotNetTrace(std::string_view text) {
  std::string_view head = ScoreWindow(text);
  if (!ContainsAny(head, kDotNetScoreMarkers)) return 0;  // cheap: most texts stop here
  // Without a strong marker no line scores over kDotNetWeakMaxScore: skip those rules.
  const bool strong = ContainsAny(head, kDotNetStrongScoreMarkers);
  TraceLines lines(head);
  std::string_view line;
  int weak = 0;
  bool header = false;
  while (lines.Next(&line) && lines.number() <= 64) {
    std::string_view t = TrimTrace(line);
    if (StartsWith(t, "at ")) {
      if (!strong) {
        // At the weak maximum with six frames: nothing later can score higher.
        if (LooksLikeBareFrame(t) && ++weak >= 6) return kDotNetWeakMaxScore;
        continue;
      }
      std::string_view rest = t.substr(3);
      size_t in = rest.rfind(" in ");
      if (in != std::string_view::npos) {
        std::string_view loc = rest.substr(in + 4);
        size_t colon = loc.rfind(':');
        if (colon != std::string_view::npos && loc.substr(colon + 1).starts_with("line ") &&
            ParseTraceNumber(loc.substr(colon + 6))) {
          return 95;
        }
      }
      if (rest.find(", Version=") != std::string_view::npos &&
          rest.find("PublicKeyToken=") != std::string_view::npos) {
        return 90;
      }
      if (rest.find(") [0x") != std::string_view::npos &&
          rest.find("] in ") != std::string_view::npos) {
        return 90;  // Mono: "at X.Y () [0x0001c] in /src/x.cs:44"
      }
      if (LooksLikeBareFrame(t)) ++weak;
    } else if (strong &&
               (IsInnerEnd(t) || StartsWith(t, "--- End of stack trace from previous location"))) {
      return 95;
    } else {
      std::string_view type, message;
      if (ParseHeaderView(t, false, &type, &message) && type.find('.') != std::string_view::npos &&
          (StartsWith(type, "System.") || StartsWith(type, "Microsoft."))) {
        header = true;
      }
    }
  }
  if (weak > 0) return std::min(85, 55 + 5 * weak + (header ? 10 : 0));
  return header ? 20 : 0;
}

StackTrace ParseDotNetTrace(std::string_view text) {
  StackTrace trace;
  trace.language = TraceLanguage::kDotNet;
  TraceLines lines(text);
  std::string_view line;
  std::vector<size_t> open;  // exceptions whose frames may still follow, innermost last
  bool collecting_message = false;
  std::string_view type, message;

  // Adds an exception, splitting .NET Framework's one-line "outer ---> X: inner" chains.
  auto add_exceptions = [&](std::string_view type, std::string_view message, bool inner) {
    while (true) {
      std::string_view next_type, next_message;
      bool more = false;
      size_t arrow = message.find(" ---> ");
      if (arrow != std::string_view::npos &&
          ParseHeaderView(message.substr(arrow + 6), true, &next_type, &next_message)) {
        more = true;
      }
      trace.exceptions.emplace_back();
      TraceException& e = trace.exceptions.back();
      e.type = std::string(type);
      e.message = std::string(more ? message.substr(0, arrow) : message);
      if (trace.exceptions.size() > 1) e.relation = inner ? "cause" : "context";
      if (!inner) open.clear();
      open.push_back(trace.exceptions.size() - 1);
      if (!more) break;
      type = next_type;
      message = next_message;
      inner = true;
    }
  };

  while (lines.Next(&line)) {
    std::string_view t = TrimTrace(line);
    if (t.empty()) {
      collecting_message = false;
      continue;
    }
    std::string_view rest;
    if (FindFrame(line, t, &rest)) {
      TraceFrame frame;
      frame.text_line = lines.number();
      bool closes_inner = EndsWith(rest, "<---");  // AggregateException's last inner frame
      if (closes_inner) rest.remove_suffix(4);
      if (ParseFrame(rest, &frame.frame)) {
        if (open.empty()) {
          trace.exceptions.emplace_back();
          if (trace.exceptions.size() > 1) trace.exceptions.back().relation = "context";
          open.push_back(trace.exceptions.size() - 1);
        }
        AddTraceFrame(&trace.exceptions[open.back()].frames, std::move(frame));
        if (closes_inner && open.size() > 1) open.pop_back();
        collecting_message = false;
        continue;
      }
    }
    if (IsInnerEnd(t) || t == "<---") {
      if (open.size() > 1) open.pop_back();
      collecting_message = false;
      continue;
    }
    if (IsStackBoundary(t)) {
      collecting_message = false;
      continue;
    }
    if (StartsWith(t, "---> ")) {
      std::string_view inner = t.substr(5);
      if (StartsWith(inner, "(Inner Exception #")) {
        size_t close = inner.find(") ");
        if (close != std::string_view::npos) inner.remove_prefix(close + 2);
      }
      if (ParseHeaderView(inner, true, &type, &message)) {
        add_exceptions(type, message, true);
        collecting_message = true;
        continue;
      }
    }
    if (ParseHeaderView(t, false, &type, &message)) {
      add_exceptions(type, message, false);
      collecting_message = true;
      continue;
    }
    if (collecting_message && !open.empty()) {
      TraceException& e = trace.exceptions[open.back()];
      if (!e.message.empty()) e.message += '\n';
      e.message += std::string(t);
      continue;
    }
    KeepUnparsed(lines.number(), line, &trace);
  }
  return trace;
}

}  // namespace srclink
