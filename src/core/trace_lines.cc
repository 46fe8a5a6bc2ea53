#include "core/trace_lines.h"

#include <string>

namespace srclink {

bool TraceLines::Next(std::string_view* line) {
  if (done_) return false;
  size_t nl = rest_.find('\n');
  std::string_view l;
  if (nl == std::string_view::npos) {
    if (rest_.empty()) {
      done_ = true;
      return false;
    }
    l = rest_;
    rest_ = {};
    done_ = true;
  } else {
    l = rest_.substr(0, nl);
    rest_.remove_prefix(nl + 1);
  }
  if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
  ++number_;
  *line = l;
  return true;
}

std::string_view TrimTrace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::optional<int> ParseTraceNumber(std::string_view digits) {
  if (digits.empty() || digits.size() > 9) return std::nullopt;
  int v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

// The first 64 lines of `text`: all a score looks at.
std::string_view ScoreWindow(std::string_view text) {
  size_t end = 0;
  for (int i = 0; i < 64; ++i) {
    size_t nl = text.find('\n', end);
    if (nl == std::string_view::npos) return text;
    end = nl + 1;
  }
  return text.substr(0, end);
}

bool ContainsAny(std::string_view s, std::span<const std::string_view> needles) {
  for (std::string_view n : needles) {
    if (s.find(n) != std::string_view::npos) return true;
  }
  return false;
}

void KeepUnparsed(size_t text_line, std::string_view line, StackTrace* trace) {
  if (TrimTrace(line).empty()) return;
  trace->unparsed.push_back(UnparsedLine{text_line, std::string(line)});
}

void KeepUnparsedLines(std::string_view text, StackTrace* trace) {
  TraceLines lines(text);
  std::string_view line;
  while (lines.Next(&line)) KeepUnparsed(lines.number(), line, trace);
}

}  // namespace srclink
