// Rust panics and backtraces: see stack_trace.h for the contract every
// language parser keeps.
//
// Understands what the standard panic hook and anyhow print:
//
//   thread 'main' panicked at src/main.rs:5:9:      <- Rust >= 1.73: exception "panic",
//   called `Option::unwrap()` on a `None` value        message on the following lines,
//                                                       the location its first frame
//   thread 'main' panicked at 'msg', src/main.rs:5:9    <- the older one-line form
//   stack backtrace:
//      0: rust_begin_unwind                              <- frame; function = the symbol
//                at /rustc/<hash>/library/std/src/panicking.rs:578:5   <- its location
//     12:     0x55d5… - myapp::run::h0123456789abcdef    <- RUST_BACKTRACE=full: address set,
//                                                           the "::h<hash>" suffix dropped
//   Error: failed to load config                         <- anyhow: exception "Error"
//   Caused by:
//       0: No such file (os error 2)                     <- relation "cause"
//
// module is the symbol's path without its last segment ("myapp::handler"
// for "myapp::handler::run"). A panic in another thread starts an exception
// with relation "thread". Frames without a location whose crate is std,
// core or alloc (and rust_begin_unwind, __rust_*) are not in app; the
// others are left to ClassifyFrame. "note: run with RUST_BACKTRACE=1" lines
// are skipped.
//
// Pure; linear in the input.
#pragma once

#include <array>
#include <string_view>

#include "core/stack_trace.h"

namespace srclink {

// ScoreRustTrace returns 0 unless the first 64 lines contain one of these
// (DetectTraceLanguage checks them for every parser in one pass).
inline constexpr std::array<std::string_view, 4> kRustScoreMarkers = {
    "panicked at", "RUST_BACKTRACE", "acktrace:", ".rs:"};

int ScoreRustTrace(std::string_view text);
StackTrace ParseRustTrace(std::string_view text);

}  // namespace srclink
