// TraceLines: the small text helpers every language's stack-trace parser
// shares — iterating lines with their numbers, trimming, reading numbers —
// so each parser is only its language's rules.
#pragma once

#include <cstddef>
#include <cstring>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "core/stack_trace.h"

namespace srclink {

// Iterates the lines of `text` ('\n' or "\r\n"), numbering them from 1.
class TraceLines {
 public:
  explicit TraceLines(std::string_view text) : rest_(text) {}
  // The next line without its terminator; false at the end.
  bool Next(std::string_view* line) {
    if (done_) return false;
    const void* nl = rest_.empty() ? nullptr : std::memchr(rest_.data(), '\n', rest_.size());
    std::string_view l;
    if (nl == nullptr) {
      if (rest_.empty()) {
        done_ = true;
        return false;
      }
      l = rest_;
      rest_ = {};
      done_ = true;
    } else {
      const size_t n = static_cast<size_t>(static_cast<const char*>(nl) - rest_.data());
      l = rest_.substr(0, n);
      rest_.remove_prefix(n + 1);
    }
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    ++number_;
    *line = l;
    return true;
  }
  size_t number() const { return number_; }  // of the line Next() returned last

 private:
  std::string_view rest_;
  size_t number_ = 0;
  bool done_ = false;
};

// Spaces, tabs, '\r' off both ends.
inline std::string_view TrimTrace(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) --e;
  return s.substr(b, e - b);
}
// Inline so that a literal prefix compiles to a fixed-size comparison.
inline bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}
inline bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Decimal digits only, no sign, at most 9 digits (line and column numbers);
// nullopt otherwise.
inline std::optional<int> ParseTraceNumber(std::string_view digits) {
  if (digits.empty() || digits.size() > 9) return std::nullopt;
  int v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

// The first 64 lines of `text`: all a language's Score function looks at.
std::string_view ScoreWindow(std::string_view text);

// True when `s` contains any of `needles` (a Score function's cheap first check).
bool ContainsAny(std::string_view s, std::span<const std::string_view> needles);

// Appends a frame, with room for eight from the first (most exceptions print
// several: fewer reallocations than doubling from one).
inline void AddTraceFrame(std::vector<TraceFrame>* frames, TraceFrame&& frame) {
  if (frames->capacity() == 0) frames->reserve(8);
  frames->push_back(std::move(frame));
}

// Adds every non-blank line of `text` to trace->unparsed.
void KeepUnparsedLines(std::string_view text, StackTrace* trace);

// Adds one line to trace->unparsed unless it is blank.
void KeepUnparsed(size_t text_line, std::string_view line, StackTrace* trace);

}  // namespace srclink
