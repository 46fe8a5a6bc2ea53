// Native (C and C++) stack traces: see stack_trace.h for the contract every
// language parser keeps.
//
// Understands, alone or mixed in one text:
//   gdb `bt`        #0  0x00007f… in ns::f<int> (this=0x1, x=1) at src/x.cc:42
//                   #1  main () at x.c:10        #2  0x… in abort () from /lib/…/libc.so.6
//                   "Thread 2 (Thread 0x… (LWP 9)):" starts a new exception (relation
//                   "thread"); "Program received signal SIGSEGV, Segmentation fault." sets
//                   type "SIGSEGV", message "Segmentation fault".
//   sanitizers      ==1==ERROR: AddressSanitizer: heap-use-after-free on address …
//                   (type "AddressSanitizer", message the rest plus "READ of size …"),
//                       #0 0x4c5b1f in main /src/test.cc:12:5
//                       #1 0x7f… in __libc_start_main (/lib/x86_64-linux-gnu/libc.so.6+0x29d8f)
//                   Later sections ("freed by thread T0 here:", "previously allocated by
//                   thread T0 here:", "Thread T1 created by T0 here:", further
//                   "Direct leak of 8 byte(s) …:", TSan's "Previous write … by main thread:")
//                   each start an exception of that type with relation "thread"; the first
//                   section of a report joins the report's message instead. UBSan
//                   "x.cc:5:3: runtime error: msg" is type "runtime error" with the location
//                   as its first frame. SUMMARY and shadow-byte dumps are skipped.
//   LLVM/TSan       #0 0x… llvm::f(int) /src/x.cpp:1:2       #0 foo /src/x.c:5:3 (a.out+0x12)
//   backtrace_symbols  ./app(_ZN3foo3barEv+0x1d) [0x55d…]    (file = the binary, function =
//                   the symbol as printed, mangled or not); macOS
//                   "1   libfoo.dylib   0x0000… _ZN3foo3barEv + 25"
//   Boost.Stacktrace / std::stacktrace   " 0# foo() at /src/x.cpp:12", " 1# bar in /lib/x.so",
//                   "0> /src/x.cpp(12): app!foo+0x1D"
//   Android         #00 pc 0000000000042f89  /system/lib64/libc.so (abort+164)
//   libunwind       0x400b8d: (main+0x1d)
// gdb's unnumbered stop location ("0x… in f () at x.cc:3") is a frame too.
// Frames of the sanitizer runtime (libsanitizer, compiler-rt, __interceptor_*),
// glibc internals (__GI_*) and Windows system modules (KERNEL32!, ntdll!) are
// marked not in app. `address` is set whenever the text prints one. Function names may hold
// spaces, templates and parentheses; they are cut by scanning from the
// line's end, never by recursion.
//
// Pure; linear in the input.
#pragma once

#include <array>
#include <string_view>

#include "core/stack_trace.h"

namespace srclink {

// ScoreNativeTrace returns 0 unless the first 64 lines contain one of these
// (DetectTraceLanguage checks them for every parser in one pass).
inline constexpr std::array<std::string_view, 7> kNativeScoreMarkers = {
    "#", "0x", "runtime error: ", "> ", "terminate called", "received signal", "Sanitizer"};
// ...and at most kNativeWeakMaxScore unless they contain one of these (a
// sanitizer's report).
inline constexpr std::array<std::string_view, 2> kNativeStrongScoreMarkers = {"Sanitizer: ",
                                                                              ": runtime error: "};
inline constexpr int kNativeWeakMaxScore = 85;

int ScoreNativeTrace(std::string_view text);
StackTrace ParseNativeTrace(std::string_view text);

}  // namespace srclink
