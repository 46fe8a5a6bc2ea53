// FrameInput: one frame as `srclink resolve` reads it — "path[:line[:column]]"
// or a JSON object {"file": …, "line": …, "column": …, "module": …, "function": …}.
#pragma once

#include <string_view>

#include "core/frame.h"
#include "core/status.h"

namespace srclink::cli {

inline constexpr size_t kMaxFrameLineBytes = 64 * 1024;

// Parses one line (without its newline). Errors say what is wrong.
Result<Frame> ParseFrameLine(std::string_view line);

}  // namespace srclink::cli
