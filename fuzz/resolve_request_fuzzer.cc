// Fuzzes srclink::server::ParseResolveRequest, the hand-written one-pass
// parser of POST /api/v1/resolve bodies (untrusted JSON from any client).
//
// Invariants when it succeeds: at most kMaxResolveFrames frames, context in
// [0, kMaxSnippetContext], no negative line or column. When it fails, the
// error has a message.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_util.h"
#include "server/resolve_request.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1u << 20)) return 0;
  std::string_view body = srclink::fuzz::AsText(data, size);
  srclink::server::ResolveRequest request;
  srclink::server::FieldError error;
  if (!srclink::server::ParseResolveRequest(body, &request, &error)) {
    SRCLINK_FUZZ_CHECK(!error.message.empty(), std::string(body.substr(0, 200)));
    return 0;
  }
  SRCLINK_FUZZ_CHECK(request.frames.size() <= srclink::server::kMaxResolveFrames,
                     "too many frames");
  SRCLINK_FUZZ_CHECK(request.context >= 0 && request.context <= srclink::server::kMaxSnippetContext,
                     std::to_string(request.context));
  for (const auto& f : request.frames) {
    SRCLINK_FUZZ_CHECK(f.line >= 0 && f.column >= 0, f.Dump());
  }
  return 0;
}
