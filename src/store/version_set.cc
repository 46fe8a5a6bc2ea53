#include "store/version_set.h"

#include <cstring>

namespace srclink {
namespace {

std::string Serialize(const VersionSet& set) {
  VersionSet copy = set;
  copy.runOptimize();
  copy.shrinkToFit();
  std::string out(copy.getSizeInBytes(/*portable=*/true), '\0');
  size_t written = copy.write(out.data(), /*portable=*/true);
  out.resize(written);
  return out;
}

// CRoaring's readSafe returns an empty bitmap on malformed input instead of
// failing, so sizes are cross-checked: a valid portable encoding re-serializes
// to exactly as many bytes as it occupies.
Result<VersionSet> Deserialize(std::string_view data, const char* what) {
  if (data.empty()) {
    return Status::Internal(std::string("stored version set is corrupt: the ") + what +
                            " bitmap is empty (0 bytes); re-upload the commit");
  }
  roaring_bitmap_t* raw = roaring_bitmap_portable_deserialize_safe(data.data(), data.size());
  if (raw == nullptr) {
    return Status::Internal(std::string("stored version set is corrupt: the ") + what +
                            " bitmap (" + std::to_string(data.size()) +
                            " bytes) does not decode; re-upload the commit");
  }
  VersionSet set(raw);
  if (set.getSizeInBytes(/*portable=*/true) != data.size()) {
    return Status::Internal(std::string("stored version set is corrupt: the ") + what +
                            " bitmap has " + std::to_string(data.size()) + " bytes but encodes " +
                            std::to_string(set.getSizeInBytes(true)) + "; re-upload the commit");
  }
  return set;
}

}  // namespace

VersionSet MakeVersionSet(const std::vector<uint32_t>& ids) {
  VersionSet set;
  if (!ids.empty()) set.addMany(ids.size(), ids.data());
  return set;
}

std::string EncodeSnapshot(const VersionSet& set) { return Serialize(set); }

Result<VersionSet> DecodeSnapshot(std::string_view data) { return Deserialize(data, "snapshot"); }

VersionSetDelta ComputeDelta(const VersionSet& base, const VersionSet& target) {
  VersionSetDelta delta;
  delta.added = target - base;
  delta.removed = base - target;
  return delta;
}

std::string EncodeDelta(const VersionSetDelta& delta) {
  std::string added = Serialize(delta.added);
  std::string removed = Serialize(delta.removed);
  std::string out;
  out.reserve(4 + added.size() + removed.size());
  uint32_t n = static_cast<uint32_t>(added.size());
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  out += added;
  out += removed;
  return out;
}

Result<VersionSetDelta> DecodeDelta(std::string_view data) {
  if (data.size() < 4) {
    return Status::Internal("stored version set is corrupt: a delta of " +
                            std::to_string(data.size()) +
                            " bytes is shorter than its 4-byte header; re-upload the commit");
  }
  uint32_t n = 0;
  for (int i = 0; i < 4; ++i)
    n |= static_cast<uint32_t>(static_cast<unsigned char>(data[i])) << (8 * i);
  if (n > data.size() - 4) {
    return Status::Internal("stored version set is corrupt: a delta's added bitmap claims " +
                            std::to_string(n) + " bytes of " + std::to_string(data.size() - 4) +
                            "; re-upload the commit");
  }
  Result<VersionSet> added = Deserialize(data.substr(4, n), "delta's added");
  if (!added.ok()) return added.status();
  Result<VersionSet> removed = Deserialize(data.substr(4 + n), "delta's removed");
  if (!removed.ok()) return removed.status();
  VersionSetDelta delta;
  delta.added = std::move(added).value();
  delta.removed = std::move(removed).value();
  return delta;
}

VersionSet ApplyDelta(const VersionSet& base, const VersionSetDelta& delta) {
  VersionSet out = base - delta.removed;
  out |= delta.added;
  return out;
}

Result<VersionSet> ApplyChain(std::string_view snapshot, const std::vector<std::string>& deltas) {
  Result<VersionSet> set = DecodeSnapshot(snapshot);
  if (!set.ok()) return set.status();
  VersionSet current = std::move(set).value();
  for (const std::string& encoded : deltas) {
    Result<VersionSetDelta> delta = DecodeDelta(encoded);
    if (!delta.ok()) return delta.status();
    current -= delta->removed;
    current |= delta->added;
  }
  return current;
}

}  // namespace srclink
