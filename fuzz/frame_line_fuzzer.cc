// Fuzzes srclink::cli::ParseFrameLine, which reads the frames `srclink
// resolve` gets on standard input: "path[:line[:column]]" or a JSON object
// {"file": …, "line": …, "column": …, "module": …, "function": …}. Accepted
// frames then go through NormalizeFramePath and ClassifyFrame, as resolve
// does.
//
// Invariants when it succeeds: line >= 0 and column >= 0.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "cli/frame_input.h"
#include "core/frame.h"
#include "core/frame_origin.h"
#include "core/frame_path.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > srclink::cli::kMaxFrameLineBytes) return 0;
  std::string_view line = srclink::fuzz::AsText(data, size);
  auto frame = srclink::cli::ParseFrameLine(line);
  if (!frame.ok()) {
    (void)frame.status().ToString();
    return 0;
  }
  SRCLINK_FUZZ_CHECK(frame->line >= 0, frame->Dump());
  SRCLINK_FUZZ_CHECK(frame->column >= 0, frame->Dump());
  srclink::FramePath path = srclink::NormalizeFramePath(frame->file);
  srclink::FrameOrigin origin = srclink::ClassifyFrame(*frame, path);
  (void)origin.Dump();
  return 0;
}
