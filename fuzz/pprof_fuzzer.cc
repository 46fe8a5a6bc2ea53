// Fuzzes srclink::DecodePprof, which reads the (uncompressed) pprof profiles
// agents and SDKs upload, and the aggregations over what it accepts
// (CallTree, LineProfile).
//
// Invariants: no crash, no unbounded recursion or allocation; on success,
// every index in the Profile is in range and every sample has one value per
// sample type; the call tree's root total is the sum of the values and its
// binary form round-trips; on failure, a message that starts "pprof: ".
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/call_tree.h"
#include "core/line_profile.h"
#include "fuzz_util.h"
#include "ingest/pprof.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1u << 20)) return 0;
  std::string_view bytes = srclink::fuzz::AsText(data, size);
  srclink::PprofLimits limits;
  limits.max_samples = 10'000;
  limits.max_locations = 10'000;
  limits.max_functions = 10'000;
  limits.max_strings = 10'000;
  auto p = srclink::DecodePprof(bytes, limits);
  if (!p.ok()) {
    SRCLINK_FUZZ_CHECK(p.status().message().rfind("pprof: ", 0) == 0, p.status().message());
    return 0;
  }
  const srclink::Profile& profile = *p;
  const size_t strings = profile.strings.size();
  SRCLINK_FUZZ_CHECK(strings >= 1 && profile.strings[0].empty(), "string 0");
  for (const auto& t : profile.sample_types)
    SRCLINK_FUZZ_CHECK(t.type < strings && t.unit < strings, "sample type string");
  for (const auto& f : profile.functions)
    SRCLINK_FUZZ_CHECK(f.name < strings && f.system_name < strings && f.filename < strings,
                       "function string");
  for (const auto& l : profile.lines)
    SRCLINK_FUZZ_CHECK(l.function == srclink::kNoIndex || l.function < profile.functions.size(),
                       "line function");
  for (const auto& loc : profile.locations) {
    SRCLINK_FUZZ_CHECK(loc.mapping == srclink::kNoIndex || loc.mapping < profile.mappings.size(),
                       "location mapping");
    SRCLINK_FUZZ_CHECK(size_t{loc.lines_begin} + loc.line_count <= profile.lines.size(),
                       "location lines");
  }
  SRCLINK_FUZZ_CHECK(
      profile.sample_values.size() == profile.samples.size() * profile.sample_types.size(),
      "value count");
  for (const auto& s : profile.samples) {
    SRCLINK_FUZZ_CHECK(
        size_t{s.locations_begin} + s.location_count <= profile.sample_locations.size(),
        "sample locations");
    SRCLINK_FUZZ_CHECK(size_t{s.labels_begin} + s.label_count <= profile.labels.size(),
                       "sample labels");
    for (uint32_t l : profile.Locations(s))
      SRCLINK_FUZZ_CHECK(l < profile.locations.size(), "sample location");
    for (const auto& label : profile.Labels(s))
      SRCLINK_FUZZ_CHECK(label.key < strings && label.str < strings && label.num_unit < strings,
                         "label string");
  }
  (void)profile.Dump();
  if (profile.sample_types.empty()) return 0;

  const size_t index = profile.DefaultSampleTypeIndex();
  srclink::CallTree tree;
  SRCLINK_FUZZ_CHECK(tree.AddProfile(profile, index).ok(), "call tree");
  uint64_t sum = 0;
  for (size_t s = 0; s < profile.samples.size(); ++s)
    sum += static_cast<uint64_t>(profile.Values(s)[index]);
  SRCLINK_FUZZ_CHECK(static_cast<uint64_t>(tree.total(srclink::CallTree::kRoot)) == sum,
                     "root total");
  auto back = srclink::CallTree::Deserialize(tree.Serialize());
  SRCLINK_FUZZ_CHECK(back.ok() && back->Dump() == tree.Dump(), "call tree round trip");
  (void)tree.ToJson();

  srclink::LineProfile lines;
  SRCLINK_FUZZ_CHECK(lines.AddProfile(profile, index).ok(), "line profile");
  auto lines_back = srclink::LineProfile::Deserialize(lines.Serialize());
  SRCLINK_FUZZ_CHECK(lines_back.ok() && lines_back->Dump() == lines.Dump(),
                     "line profile round trip");
  for (const auto& f : lines.HottestFunctions(3)) (void)lines.FunctionLines(f.name);
  return 0;
}
