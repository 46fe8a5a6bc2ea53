// Fuzzes srclink::ParseDatadogSrcmap, which reads the `event` and
// `repository` parts datadog-ci posts to /api/v2/srcmap. The input is split
// at the first NUL byte into the two parts.
//
// Invariants when it succeeds: a 40-hex commit SHA, every path relative,
// non-empty, without "." or ".." components, at most 4096 bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_util.h"
#include "ingest/datadog_srcmap.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (4u << 20)) return 0;
  std::string_view text = srclink::fuzz::AsText(data, size);
  size_t nul = text.find('\0');
  std::string_view event = text.substr(0, nul);
  std::string_view repository =
      nul == std::string_view::npos ? std::string_view() : text.substr(nul + 1);
  auto parsed = srclink::ParseDatadogSrcmap(event, repository);
  if (!parsed.ok()) {
    SRCLINK_FUZZ_CHECK(!parsed.status().message().empty(), "empty error");
    return 0;
  }
  SRCLINK_FUZZ_CHECK(parsed->commit_sha.size() == 40, parsed->commit_sha);
  for (const auto& path : parsed->paths) {
    SRCLINK_FUZZ_CHECK(!path.empty() && path.size() <= 4096 && path.front() != '/', path);
    SRCLINK_FUZZ_CHECK(path != "." && path != ".." && path.find("/../") == std::string::npos &&
                           !path.starts_with("../") && !path.ends_with("/.."),
                       path);
  }
  return 0;
}
