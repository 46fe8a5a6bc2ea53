// Fuzzes NormalizeFramePath and ClassifyFrame: stack frames come from
// telemetry, i.e. from whoever can make a program crash.
//
// Input: "FILE" or "FILE\nFUNCTION\nMODULE".
// Invariants on the normalised path: no leading '/', no empty component
// ("//", trailing '/'), no "." or ".." component; normalising it again gives
// the same path; Components() joined by '/' is the path; up_levels >= 0.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/frame.h"
#include "core/frame_origin.h"
#include "core/frame_path.h"
#include "fuzz_util.h"

namespace {

void CheckPath(const srclink::FramePath& fp) {
  const std::string& p = fp.path;
  SRCLINK_FUZZ_CHECK(fp.up_levels >= 0, p);
  if (p.empty()) return;
  SRCLINK_FUZZ_CHECK(p.front() != '/', p);
  SRCLINK_FUZZ_CHECK(p.back() != '/', p);
  SRCLINK_FUZZ_CHECK(p.find("//") == std::string::npos, p);

  std::vector<std::string_view> parts;
  srclink::SplitComponents(p, &parts);
  std::string joined;
  for (std::string_view part : parts) {
    SRCLINK_FUZZ_CHECK(part != "." && part != "..", p);
    if (!joined.empty()) joined += '/';
    joined += part;
  }
  SRCLINK_FUZZ_CHECK(joined == p, p);

  std::string joined2;
  for (std::string_view part : fp.Components()) {
    SRCLINK_FUZZ_CHECK(!part.empty(), p);
    if (!joined2.empty()) joined2 += '/';
    joined2 += part;
  }
  SRCLINK_FUZZ_CHECK(joined2 == p, p);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 8192) return 0;
  auto fields = srclink::fuzz::SplitFields(srclink::fuzz::AsText(data, size), '\n', 3);

  srclink::Frame frame;
  frame.file = std::string(fields[0]);
  if (fields.size() > 1) frame.function = std::string(fields[1]);
  if (fields.size() > 2) frame.module = std::string(fields[2]);
  frame.line = 42;

  srclink::FramePath fp = srclink::NormalizeFramePath(frame.file);
  CheckPath(fp);

  // Stable: a normalised path is its own normal form.
  srclink::FramePath again = srclink::NormalizeFramePath(fp.path);
  if (again.path != fp.path)
    srclink::fuzz::Fail("NormalizeFramePath is not stable", fp.path + " -> " + again.path);

  srclink::FrameOrigin origin = srclink::ClassifyFrame(frame, fp);
  SRCLINK_FUZZ_CHECK(!srclink::OriginKindName(origin.kind).empty(), origin.Dump());
  (void)origin.Dump();
  (void)fp.Dump();
  (void)frame.Dump();
  return 0;
}
