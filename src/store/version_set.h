// VersionSet encoding: a commit's set of file-version ids (uint32, dense per
// repository) as CRoaring bitmaps, stored either as a snapshot of the whole
// set or as a delta (added, removed) against a base commit's set.
//
// Encodings (bytes as stored in commits.set_data):
//   snapshot: one run-optimized Roaring bitmap, portable serialization.
//   delta:    u32 little-endian byte length of `added`, then `added` and
//             `removed`, each a run-optimized portable Roaring bitmap.
//
// Pure functions, no I/O. Decoding never trusts its input: a truncated or
// corrupt encoding is an Internal status naming what is wrong, never a crash.
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <roaring/roaring.hh>

#include "core/status.h"

namespace srclink {

// CRoaring 0.2's C++ class (global namespace; `roaring::Roaring` in newer
// releases).
using VersionSet = ::Roaring;

struct VersionSetDelta {
  VersionSet added;    // in the target, not in the base
  VersionSet removed;  // in the base, not in the target
};

// Builds a set from ids in any order (duplicates collapse).
VersionSet MakeVersionSet(const std::vector<uint32_t>& ids);

// Snapshot encoding of `set` (run-optimized first; `set` is not modified).
std::string EncodeSnapshot(const VersionSet& set);
Result<VersionSet> DecodeSnapshot(std::string_view data);

// The delta that turns `base` into `target`.
VersionSetDelta ComputeDelta(const VersionSet& base, const VersionSet& target);
std::string EncodeDelta(const VersionSetDelta& delta);
Result<VersionSetDelta> DecodeDelta(std::string_view data);

// (base - removed) | added.
VersionSet ApplyDelta(const VersionSet& base, const VersionSetDelta& delta);

// The set at the end of a chain: `snapshot` is the snapshot encoding at its
// root and `deltas` the delta encodings from the root's child to the target,
// in that order.
Result<VersionSet> ApplyChain(std::string_view snapshot, const std::vector<std::string>& deltas);

}  // namespace srclink
