// Fuzzes srclink::DecodeFoldedProfile, which reads the folded text
// ("a;b;c 42" per line) Pyroscope clients upload, and the call tree built
// from what it accepts.
//
// Invariants: no crash; on success, one function and one location per
// distinct frame name, no empty name, one value per sample, and the call
// tree's root total is the sum of the counts; on failure, a message that
// starts "folded profile".
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/call_tree.h"
#include "fuzz_util.h"
#include "ingest/folded_profile.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1u << 20)) return 0;
  std::string_view text = srclink::fuzz::AsText(data, size);
  auto p = srclink::DecodeFoldedProfile(text, "samples", "count");
  if (!p.ok()) {
    SRCLINK_FUZZ_CHECK(p.status().message().rfind("folded profile", 0) == 0, p.status().message());
    return 0;
  }
  SRCLINK_FUZZ_CHECK(p->functions.size() == p->locations.size(), "one location per function");
  SRCLINK_FUZZ_CHECK(p->sample_values.size() == p->samples.size(), "one value per sample");
  uint64_t sum = 0;
  for (int64_t v : p->sample_values) {
    SRCLINK_FUZZ_CHECK(v >= 0, "negative count");
    sum += static_cast<uint64_t>(v);
  }
  for (const auto& f : p->functions) {
    std::string_view name = p->str(f.name);
    SRCLINK_FUZZ_CHECK(!name.empty() && name.find(';') == std::string_view::npos &&
                           name.find('\n') == std::string_view::npos,
                       name);
  }
  srclink::CallTree tree;
  SRCLINK_FUZZ_CHECK(tree.AddProfile(*p, 0).ok(), "call tree");
  SRCLINK_FUZZ_CHECK(static_cast<uint64_t>(tree.total(srclink::CallTree::kRoot)) == sum,
                     "root total");
  (void)p->Dump();
  return 0;
}
