// Python stack traces (CPython 2.7 to 3.13): see stack_trace.h for the
// contract every language parser keeps.
//
//   Traceback (most recent call last):
//     File "/app/views.py", line 42, in index        -> frame (the source line under it,
//       return render(request)                          and 3.11+ ~~~^^^ markers, are skipped)
//   ValueError: bad value                             -> exception type and message; lines up
//                                                        to the next blank line continue it
//
// Chained exceptions keep the text order (Python prints the innermost first):
// "During handling of the above exception…" gives relation "context", "The
// above exception was the direct cause…" relation "cause". ExceptionGroup
// output (`+-+---- 1 ----`, `| ` prefixes) is read with the prefixes stripped;
// each sub-exception gets relation "group". "[Previous line repeated N more
// times]" adds N to omitted_frames. Frames carry file, line and function;
// module stays empty (the text does not name it).
#pragma once

#include <array>
#include <string_view>

#include "core/stack_trace.h"

namespace srclink {

// From the first 64 lines: 95 for "Traceback (most recent call last):" and a
// `File "…", line N` line, 90 for such a line alone, 40 for the header alone
// (Ruby 2.5-2.7 prints it too); 0 otherwise.
int ScorePythonTrace(std::string_view text);
// ScorePythonTrace returns 0 unless the first 64 lines contain one of these
// (the header, or the start of a frame line; DetectTraceLanguage checks them
// for every parser in one pass).
inline constexpr std::array<std::string_view, 2> kPythonScoreMarkers = {
    "Traceback (most recent call last):", "File \""};
StackTrace ParsePythonTrace(std::string_view text);

}  // namespace srclink
