// TraceLines: the small text helpers every language's stack-trace parser
// shares — iterating lines with their numbers, trimming, reading numbers —
// so each parser is only its language's rules.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

#include "core/stack_trace.h"

namespace srclink {

// Iterates the lines of `text` ('\n' or "\r\n"), numbering them from 1.
class TraceLines {
 public:
  explicit TraceLines(std::string_view text) : rest_(text) {}
  // The next line without its terminator; false at the end.
  bool Next(std::string_view* line);
  size_t number() const { return number_; }  // of the line Next() returned last

 private:
  std::string_view rest_;
  size_t number_ = 0;
  bool done_ = false;
};

std::string_view TrimTrace(std::string_view s);  // spaces, tabs, '\r'
bool StartsWith(std::string_view s, std::string_view prefix);
bool EndsWith(std::string_view s, std::string_view suffix);

// Decimal digits only, no sign, at most 9 digits (line and column numbers);
// nullopt otherwise.
std::optional<int> ParseTraceNumber(std::string_view digits);

// The first 64 lines of `text`: all a language's Score function looks at.
std::string_view ScoreWindow(std::string_view text);

// True when `s` contains any of `needles` (a Score function's cheap first check).
bool ContainsAny(std::string_view s, std::span<const std::string_view> needles);

// Adds every non-blank line of `text` to trace->unparsed.
void KeepUnparsedLines(std::string_view text, StackTrace* trace);

// Adds one line to trace->unparsed unless it is blank.
void KeepUnparsed(size_t text_line, std::string_view line, StackTrace* trace);

}  // namespace srclink
