// .NET stack traces (C#, F#, VB): see stack_trace.h for the contract every
// language parser keeps.
//
// Understands Exception.ToString() as .NET Framework, .NET Core and Mono
// print it, alone or inside ASP.NET Core / systemd logs:
//
//   Unhandled exception. System.InvalidOperationException: outer   <- exception
//    ---> System.ArgumentException: inner                          <- relation "cause"
//      at App.Repo.Load(String id) in /src/App/Repo.cs:line 42     <- frame of "inner"
//      --- End of inner exception stack trace ---                  <- back to "outer"
//      at App.Program.<Main>d__0.MoveNext() in C:\src\App\Program.cs:line 12
//   --- End of stack trace from previous location ---              <- skipped
//
// A frame's module is the type ("App.Repo", nested types keep their '+'),
// its function the method ("Load", generic arguments dropped); an async state machine
// "Type.<Main>d__0.MoveNext" becomes module "Type", function "Main".
// Mono's "[0x00000] in <file>:42", Application Insights'
// "Method (Assembly, Version=…)" and AggregateException's
// "---> (Inner Exception #0) X: msg" … "<---" are understood too, as are
// localized line words (":Zeile 42") and German "bei" for "at".
//
// Pure; linear in the input.
#pragma once

#include <array>
#include <string_view>

#include "core/stack_trace.h"

namespace srclink {

// ScoreDotNetTrace returns 0 unless the first 64 lines contain one of these
// (DetectTraceLanguage checks them for every parser in one pass).
inline constexpr std::array<std::string_view, 4> kDotNetScoreMarkers = {"at ", "--- End of",
                                                                        "System.", "Microsoft."};
// ...and at most kDotNetWeakMaxScore unless they contain one of these (the
// inner-exception and async boundaries, " in file:line N", a strong-named
// assembly, Mono's "[0x…] in").
inline constexpr std::array<std::string_view, 4> kDotNetStrongScoreMarkers = {
    "--- End of", ":line ", "PublicKeyToken=", ") [0x"};
inline constexpr int kDotNetWeakMaxScore = 85;

int ScoreDotNetTrace(std::string_view text);
StackTrace ParseDotNetTrace(std::string_view text);

}  // namespace srclink
