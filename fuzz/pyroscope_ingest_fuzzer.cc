// Fuzzes ParsePyroscopeAppName, the `name` parameter of Pyroscope's
// /ingest, which any client may send.
//
// A parse never crashes; an accepted name has a non-empty service, at most
// kMaxPyroscopeLabels labels sorted by unique keys, and parsing its Dump's
// service again gives the same service.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_util.h"
#include "ingest/pyroscope_ingest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text = srclink::fuzz::AsText(data, size);
  auto r = srclink::ParsePyroscopeAppName(text);
  if (!r.ok()) return 0;
  SRCLINK_FUZZ_CHECK(!r->service.empty(), text);
  SRCLINK_FUZZ_CHECK(r->labels.size() <= srclink::kMaxPyroscopeLabels, text);
  for (size_t i = 1; i < r->labels.size(); ++i) {
    SRCLINK_FUZZ_CHECK(r->labels[i - 1].first < r->labels[i].first, text);
  }
  auto again = srclink::ParsePyroscopeAppName(r->service);
  SRCLINK_FUZZ_CHECK(again.ok(), r->service);
  return 0;
}
