#include "core/trace_lines.h"

#include <cstdint>
#include <cstring>
#include <string>

namespace srclink {

// The first 64 lines of `text`: all a score looks at. Newlines are counted
// eight bytes at a time, not found one by one.
std::string_view ScoreWindow(std::string_view text) {
  constexpr size_t kLines = 64;
  if (text.size() <= kLines) return text;  // too short to hold more lines
  constexpr uint64_t kOnes = 0x0101010101010101;
  constexpr uint64_t kLow7 = 0x7F7F7F7F7F7F7F7F;
  const char* s = text.data();
  const size_t n = text.size();
  size_t lines = 0;  // newlines before `i`
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, s + i, 8);
    w ^= kOnes * '\n';  // a newline byte becomes 0
    // 0x80 in each byte that is 0 (exact: no borrow across bytes), then summed.
    const uint64_t zero = ~(((w & kLow7) + kLow7) | w | kLow7);
    const size_t in_word = static_cast<size_t>(((zero >> 7) * kOnes) >> 56);
    if (lines + in_word >= kLines) break;
    lines += in_word;
  }
  for (; i < n; ++i) {
    if (s[i] == '\n' && ++lines == kLines) return text.substr(0, i + 1);
  }
  return text;
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
