// Ruby stack traces: see stack_trace.h for the contract every language parser keeps.
//
// Understands what `ruby` prints for an uncaught exception, in both the
// Ruby >= 3.4 quoting ('Foo#bar') and the older backtick one (`bar'):
//
//   app/models/user.rb:42:in 'User#save': boom (RuntimeError)   <- exception + first frame
//   second message line                                          <- message continues
//   	from app/models/user.rb:10:in 'block in <main>'
//   	 ... 12 levels...                                           <- omitted_frames
//   app/lib/x.rb:3:in 'm': inner (ArgumentError)                 <- its cause (relation "cause")
//
// Ruby 2.5-2.7's reversed form ("Traceback (most recent call last):", then
// "\t2: from x.rb:7:in `<main>'" lines, the header last) gives the header to
// the frames above it. Also the backtraces Rails, Sentry and test runners log: a header
// `NoMethodError (undefined method 'x' for nil):` or `NoMethodError: msg`,
// (also behind a logger prefix ending in "WARN: " or " -- : "), then one
// `path:line:in 'label'` (or bare `path:line`) per line. Labels
// `Class#method`, `Class.method` and `block in Class#method` set module to
// the class and function to the rest ("block in method"); other labels go
// whole into function.
//
// Pure; linear in the input.
#pragma once

#include <array>
#include <string_view>

#include "core/stack_trace.h"

namespace srclink {

// ScoreRubyTrace returns 0 unless the first 64 lines contain one of these
// (DetectTraceLanguage checks them for every parser in one pass).
inline constexpr std::array<std::string_view, 3> kRubyScoreMarkers = {".rb:", ".erb:", ".rake:"};
// ...and at most kRubyWeakMaxScore unless they contain this (Ruby 2.5-2.7's
// numbered "3: from x.rb:1:in `m'" lines).
inline constexpr std::array<std::string_view, 1> kRubyStrongScoreMarkers = {": from "};
inline constexpr int kRubyWeakMaxScore = 95;

int ScoreRubyTrace(std::string_view text);
StackTrace ParseRubyTrace(std::string_view text);

}  // namespace srclink
