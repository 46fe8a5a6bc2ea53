// Fuzzes the text stack-trace parsers (ParseStackTrace and every language's
// parser), which read crash output and span tags from untrusted telemetry.
//
// Every parse, whatever the language: the first exception has no relation;
// each frame's and each unparsed line's text_line names a line of the input;
// an unparsed line's text is that line exactly, never blank, and unparsed
// lines come in input order; line and column numbers are not negative.
// Detection picks the language whose parser scores highest, so parsing with
// the detected language gives the same trace as ParseStackTrace(text).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/stack_trace.h"
#include "core/trace_lines.h"
#include "fuzz_util.h"

namespace {

using srclink::StackTrace;

void CheckTrace(const StackTrace& trace, const std::vector<std::string_view>& lines) {
  std::string dump = srclink::DumpStackTrace(trace);
  if (!trace.exceptions.empty()) {
    SRCLINK_FUZZ_CHECK(trace.exceptions.front().relation.empty(), dump);
  }
  for (const auto& e : trace.exceptions) {
    for (const auto& f : e.frames) {
      SRCLINK_FUZZ_CHECK(f.text_line >= 1 && f.text_line <= lines.size(), dump);
      SRCLINK_FUZZ_CHECK(f.frame.line >= 0 && f.frame.column >= 0, dump);
    }
  }
  size_t previous = 0;
  for (const auto& u : trace.unparsed) {
    SRCLINK_FUZZ_CHECK(u.text_line > previous && u.text_line <= lines.size(), dump);
    SRCLINK_FUZZ_CHECK(u.text == lines[u.text_line - 1], u.text);
    SRCLINK_FUZZ_CHECK(!srclink::TrimTrace(u.text).empty(), dump);
    previous = u.text_line;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 1 << 16) return 0;  // per-line rules: longer inputs find nothing new
  std::string_view text = srclink::fuzz::AsText(data, size);

  std::vector<std::string_view> lines;
  srclink::TraceLines it(text);
  std::string_view line;
  while (it.Next(&line)) lines.push_back(line);

  for (const auto& parser : srclink::TraceParsers()) {
    int score = parser.score(text);
    SRCLINK_FUZZ_CHECK(score >= 0 && score <= 100, text);
    StackTrace trace = parser.parse(text);
    SRCLINK_FUZZ_CHECK(trace.language == parser.language, text);
    CheckTrace(trace, lines);
  }

  auto detected = srclink::ParseStackTrace(text);
  SRCLINK_FUZZ_CHECK(detected.ok(), text);
  CheckTrace(*detected, lines);
  auto again = srclink::ParseStackTrace(text, srclink::DetectTraceLanguage(text));
  SRCLINK_FUZZ_CHECK(again.ok(), text);
  SRCLINK_FUZZ_CHECK(srclink::DumpStackTrace(*again) == srclink::DumpStackTrace(*detected), text);
  return 0;
}
