// JVM stack traces (Java, Kotlin, Scala, Groovy: Throwable.printStackTrace()
// and the logging frameworks that copy it): see stack_trace.h for the
// contract every language parser keeps.
//
//   Exception in thread "main" java.lang.IllegalStateException: boom
//   	at app//com.example.Foo$Inner.bar(Foo.java:42) ~[app.jar:1.0]
//   	... 12 more
//   Caused by: java.io.IOException: disk
//   	Suppressed: java.lang.RuntimeException: close
//
// A frame's module is the class ("com.example.Foo$Inner", without a
// "java.base/" or "app//" class-loader/module prefix), its function the
// method ("bar", "<init>", "$anonfun$run$1"), its file the file name as
// printed ("Foo.java", "Native Method", "Unknown Source"); logback's
// "~[jar:version]" suffixes are dropped. "Caused by:" gives relation "cause",
// "Suppressed:" relation "suppressed", "... N more" / "... N common frames
// omitted" the omitted_frames. A header's message continues on the lines up
// to the first frame.
#pragma once

#include <array>
#include <string_view>

#include "core/stack_trace.h"

namespace srclink {

// 90 with "Exception in thread" or "Caused by:" and a frame, 80 for a frame
// `at a.B.c(File.java:N)` (or Native Method / Unknown Source) in the first 64
// lines; 0 otherwise.
int ScoreJavaTrace(std::string_view text);
// ScoreJavaTrace returns 0 unless the first 64 lines contain one of these (a
// frame starts with "at "; DetectTraceLanguage checks them in one pass).
inline constexpr std::array<std::string_view, 1> kJavaScoreMarkers = {"at "};
StackTrace ParseJavaTrace(std::string_view text);

}  // namespace srclink
