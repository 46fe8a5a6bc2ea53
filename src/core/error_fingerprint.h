// ErrorFingerprint: which errors are "the same issue". Two error events share
// a fingerprint when they have the same exception type and the same in-app
// frames (normalised file path and function, in order) — not line numbers,
// not addresses, not messages — so an issue survives unrelated edits, a
// redeploy to other paths under the same repository layout, and messages
// that embed ids.
//
// When no frame is in app, every frame counts; when there are no frames,
// the message with digits and hex runs blanked stands in for them.
#pragma once

#include <string>
#include <string_view>

#include "core/stack_trace.h"

namespace srclink {

// 16 lowercase hex digits (64-bit FNV-1a over the parts above).
std::string ErrorFingerprint(std::string_view type, std::string_view message,
                             const StackTrace& trace);

}  // namespace srclink
