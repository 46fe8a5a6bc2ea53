// Folded profiles: the text format of Brendan Gregg's stackcollapse scripts,
// which Pyroscope's /ingest takes as `format=lines`/`folded`: one stack a line,
// root first, frames separated by ';', then a space and a count:
//
//   main;handle;parse 42
//   main;handle 7
//
// DecodeFoldedProfile turns it into a Profile (core/profile.h) with the one
// sample type the caller names, one function per distinct frame name (only
// a name: no file, no lines), one location per function (a single line 0 of
// it), and one sample per input line, in order (identical stacks are not
// merged). Frame names are views into `text`; the sample type's strings are
// views into `type` and `unit`: all three must outlive the Profile.
//
// Tolerated: empty and blank lines, CRLF, spaces and tabs after the count,
// spaces inside frame names (the count is what follows the last space).
// Anything else is InvalidArgument naming the 1-based line:
//   folded profile line 3: expected "frame;frame;... count", got "main;handle"
//   folded profile line 3: count "4x2" is not a non-negative integer
//   folded profile line 3: empty frame name (frame 2)
// and the limits (bytes, samples, distinct functions, frames per stack).
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string_view>

#include "core/profile.h"
#include "core/status.h"

namespace srclink {

struct FoldedProfileLimits {
  size_t max_bytes = 64u << 20;
  size_t max_samples = 4'000'000;
  size_t max_functions = 1'000'000;
  size_t max_depth = 4096;  // frames per stack
};

Result<Profile> DecodeFoldedProfile(std::string_view text, std::string_view type,
                                    std::string_view unit, const FoldedProfileLimits& limits = {});

}  // namespace srclink
