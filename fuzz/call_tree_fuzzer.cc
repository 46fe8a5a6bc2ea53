// Fuzzes srclink::CallTree::Deserialize and LineProfile::Deserialize, which
// read the aggregates srclink stores (and may read back from a damaged or
// tampered database). The first byte picks which (even: CallTree, odd:
// LineProfile); the rest is the serialized form.
//
// Invariants: no crash, no recursion, no allocation beyond what the bytes can
// describe; on success, Serialize() gives back bytes that deserialize to the
// same thing, every node's total is its self plus its children's totals,
// and Prune keeps the root's total; on failure, a message naming the format.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/call_tree.h"
#include "core/line_profile.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0 || size > (1u << 20)) return 0;
  std::string_view bytes = srclink::fuzz::AsText(data + 1, size - 1);
  if (data[0] & 1) {
    auto lp = srclink::LineProfile::Deserialize(bytes);
    if (!lp.ok()) {
      SRCLINK_FUZZ_CHECK(lp.status().message().rfind("line profile: ", 0) == 0,
                         lp.status().message());
      return 0;
    }
    auto again = srclink::LineProfile::Deserialize(lp->Serialize());
    SRCLINK_FUZZ_CHECK(again.ok() && again->Dump() == lp->Dump(), "line profile round trip");
    for (const auto& f : lp->HottestFunctions(5, srclink::LineProfile::Order::kBySelf))
      (void)lp->FunctionLines(f.name);
    srclink::LineProfile merged = *lp;
    merged.Merge(*lp);
    return 0;
  }
  auto tree = srclink::CallTree::Deserialize(bytes);
  if (!tree.ok()) {
    SRCLINK_FUZZ_CHECK(tree.status().message().rfind("call tree: ", 0) == 0,
                       tree.status().message());
    return 0;
  }
  auto again = srclink::CallTree::Deserialize(tree->Serialize());
  SRCLINK_FUZZ_CHECK(again.ok() && again->Dump() == tree->Dump(), "call tree round trip");
  for (uint32_t n = 0; n < tree->size(); ++n) {
    uint64_t sum = static_cast<uint64_t>(tree->self(n));
    for (uint32_t c : tree->Children(n)) sum += static_cast<uint64_t>(tree->total(c));
    SRCLINK_FUZZ_CHECK(sum == static_cast<uint64_t>(tree->total(n)), "total = self + children");
  }
  (void)tree->ToJson();
  const int64_t root = tree->total(srclink::CallTree::kRoot);
  srclink::CallTree merged = *tree;
  merged.Merge(*tree);
  srclink::CallTree pruned = *tree;
  pruned.Prune(1 + tree->size() / 2);
  SRCLINK_FUZZ_CHECK(pruned.total(srclink::CallTree::kRoot) == root, "prune keeps the total");
  SRCLINK_FUZZ_CHECK(pruned.size() <= std::max<size_t>(2, 1 + tree->size() / 2), "prune size");
  return 0;
}
