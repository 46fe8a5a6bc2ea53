// JavaScript stack traces: V8 (Node, Chrome, Edge, Deno, Bun) and the
// SpiderMonkey/JavaScriptCore form (Firefox, Safari): see stack_trace.h for
// the contract every language parser keeps.
//
//   TypeError: Cannot read properties of undefined (reading 'id')
//       at async UserService.load [as get] (/app/src/user.js:10:5)
//       at new Foo (file:///app/x.mjs:3:7)
//       at /app/x.js:1:2                           (anonymous: function "")
//       at eval (eval at <anonymous> (/app/a.js:1:1), <anonymous>:1:1)
//   handler@https://cdn.example.com/app.js:1:2     (Firefox / Safari)
//
// A frame's function is the name as printed without "async " and " [as
// m]" ("new Foo", "Object.<anonymous>", "UserService.load"); file is the
// location as printed (URLs and "webpack:///./src/x.js?abc" kept whole;
// normalisation happens later), then line and column. An eval frame points
// at the eval call site (the innermost location in its parentheses).
//
// Node's inspection of an error object is followed: "[cause]: Error: …"
// gives relation "cause", errors in an "[errors]: [" list relation "group",
// "... N lines matching cause stack trace ..." adds N to omitted_frames, and
// property lines ("code: 'ENOENT',") are skipped. The source context Node
// prints before an uncaught error ("/app/x.js:5", the line, "^") and the
// closing "Node.js v20.11.0" are skipped too.
#pragma once

#include <array>
#include <string_view>

#include "core/stack_trace.h"

namespace srclink {

// 70 for a V8 frame "at fn (…:N:N)" in the first 64 lines (75 with an
// "…Error: " header), 60 for a Firefox/Safari frame "fn@…:N:N", 50 for only
// anonymous V8 frames "at /x.js:N:N"; 0 otherwise. Lines of .NET form
// (" in …:line N") never count.
int ScoreJavaScriptTrace(std::string_view text);
// ScoreJavaScriptTrace returns 0 unless the first 64 lines contain one of
// these (V8's "at " frames, Firefox's and Safari's "fn@location";
// DetectTraceLanguage checks them in one pass).
inline constexpr std::array<std::string_view, 2> kJavaScriptScoreMarkers = {"at ", "@"};
StackTrace ParseJavaScriptTrace(std::string_view text);

}  // namespace srclink
