// Go stack traces (panics, fatal errors, SIGQUIT dumps, debug.Stack(),
// runtime/debug output): see stack_trace.h for the contract every language
// parser keeps.
//
//   panic: boom [recovered]                    -> exception "panic", message "boom [recovered]";
//   	panic: boom                                indented panics and "[signal …]" continue it
//
//   goroutine 1 [running]:                     -> frames of the panic (or a new exception
//   main.(*Server).Handle(0xc000010000, ...)      "goroutine" for each further goroutine,
//   	/app/server.go:42 +0x1d                    relation "goroutine")
//   created by main.main in goroutine 1
//   	/app/main.go:10 +0x25
//   exit status 2
//
// A frame is its function line and the file line under it: module is the
// package path ("github.com/x/y/pkg", "main"), function the rest as printed
// without arguments ("(*Server).Handle", "main.func1"), file and line from the
// tab-indented line ("+0x1d" dropped). "fatal error: …" gives type "fatal
// error", "SIGSEGV: …" type "SIGSEGV".
#pragma once

#include <array>
#include <string_view>

#include "core/stack_trace.h"

namespace srclink {

// 95 for "goroutine N [", 90 for a "panic: " line with a "\t….go:N" line, 85
// for a "….go:N +0x…" line, in the first 64 lines; 0 otherwise.
int ScoreGoTrace(std::string_view text);
// ScoreGoTrace returns 0 unless the first 64 lines contain one of these (a
// goroutine header, or a "file.go:N" line; DetectTraceLanguage checks them in
// one pass).
inline constexpr std::array<std::string_view, 2> kGoScoreMarkers = {"goroutine ", ".go:"};
StackTrace ParseGoTrace(std::string_view text);

}  // namespace srclink
