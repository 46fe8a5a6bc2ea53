// Profile: a decoded profile — pprof's model (github.com/google/pprof,
// proto/profile.proto) in flat arrays, as DecodePprof (ingest/pprof.h) and
// DecodeFoldedProfile (ingest/folded_profile.h) produce it and CallTree and
// LineProfile consume it.
//
// Every reference is already resolved and checked by the decoder: strings
// are StringIds (indices into `strings`, always in range), and a location's
// mapping, a line's function and a sample's locations are indices into their
// arrays (kNoIndex for "none"), not pprof's ids. The original ids are kept for
// display only.
//
// Strings are views, not copies: `strings[i]` points into the bytes the
// decoder read (the uncompressed pprof, the folded text) or into the
// strings the caller passed to it (a folded profile's sample type). A Profile
// must not outlive those bytes. strings[0] is always "".
//
// Variable-length parts live in shared arrays, addressed by [begin, begin +
// count): a location's lines in `lines`, a sample's locations in
// `sample_locations` (leaf first, as in pprof) and labels in `labels`; the
// values of sample i are sample_values[i * sample_types.size() + t].
//
// A location's lines are pprof's: several when functions were inlined, with
// lines[0] the innermost (the inlined callee) and the last the function the
// code was inlined into.
//
// Thread-safety: a plain value; const access from many threads is safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace srclink {

using StringId = uint32_t;                        // index into Profile::strings
inline constexpr uint32_t kNoIndex = UINT32_MAX;  // "no mapping", "no function"

struct ProfileValueType {
  StringId type = 0;  // "cpu", "samples", "alloc_space"
  StringId unit = 0;  // "nanoseconds", "count", "bytes"
};

struct ProfileFunction {
  uint64_t id = 0;           // pprof's id (display only)
  StringId name = 0;         // human-readable: "main.(*Server).handle"
  StringId system_name = 0;  // as the system knows it: a C++ mangled name
  StringId filename = 0;     // source file: "/src/app/server.go"; 0 ("") when unknown
  int64_t start_line = 0;    // first line of the function; 0 when unknown
};

struct ProfileMapping {
  uint64_t id = 0;
  uint64_t memory_start = 0;
  uint64_t memory_limit = 0;
  uint64_t file_offset = 0;
  StringId filename = 0;  // the binary or library: "/usr/bin/app", "[vdso]"
  StringId build_id = 0;
};

struct ProfileLine {
  uint32_t function = kNoIndex;  // index into Profile::functions, or kNoIndex (none given)
  int64_t line = 0;              // 0 when unknown
  int64_t column = 0;            // 0 when unknown
};

struct ProfileLocation {
  uint64_t id = 0;
  uint32_t mapping = kNoIndex;  // index into Profile::mappings, or kNoIndex
  uint64_t address = 0;
  uint32_t lines_begin = 0;  // its lines: Profile::lines[lines_begin, lines_begin + line_count)
  uint32_t line_count = 0;   // 0: not symbolized (only the address is known)
  bool is_folded = false;
};

struct ProfileLabel {
  StringId key = 0;
  StringId str = 0;       // a string label's value (0 for numeric labels)
  int64_t num = 0;        // a numeric label's value
  StringId num_unit = 0;  // a numeric label's unit ("bytes"); 0 when none
};

struct ProfileSample {
  uint32_t locations_begin = 0;  // Profile::sample_locations[begin, begin + count), leaf first
  uint32_t location_count = 0;
  uint32_t labels_begin = 0;  // Profile::labels[begin, begin + count)
  uint32_t label_count = 0;
};

struct Profile {
  std::vector<std::string_view> strings = {std::string_view()};
  std::vector<ProfileValueType> sample_types;
  std::vector<ProfileSample> samples;
  std::vector<uint32_t> sample_locations;  // indices into `locations`
  std::vector<int64_t> sample_values;      // samples.size() * sample_types.size()
  std::vector<ProfileLabel> labels;
  std::vector<ProfileMapping> mappings;
  std::vector<ProfileLocation> locations;
  std::vector<ProfileLine> lines;
  std::vector<ProfileFunction> functions;
  std::vector<StringId> comments;
  StringId drop_frames = 0;  // regular expressions pprof applies on display; kept, not applied
  StringId keep_frames = 0;
  int64_t time_nanos = 0;      // when collection started, nanoseconds since the epoch
  int64_t duration_nanos = 0;  // how long it ran
  ProfileValueType period_type;
  int64_t period = 0;
  StringId default_sample_type = 0;  // the preferred sample type's `type` string; 0: unset

  std::string_view str(StringId id) const { return strings[id]; }
  std::span<const uint32_t> Locations(const ProfileSample& s) const {
    return {sample_locations.data() + s.locations_begin, s.location_count};
  }
  std::span<const int64_t> Values(size_t sample_index) const {
    return {sample_values.data() + sample_index * sample_types.size(), sample_types.size()};
  }
  std::span<const ProfileLabel> Labels(const ProfileSample& s) const {
    return {labels.data() + s.labels_begin, s.label_count};
  }
  std::span<const ProfileLine> Lines(const ProfileLocation& l) const {
    return {lines.data() + l.lines_begin, l.line_count};
  }

  // The index of the sample type whose type is `type` ("cpu"), if any.
  std::optional<size_t> FindSampleType(std::string_view type) const;
  // The sample type to show by default: the one default_sample_type names,
  // else the last one (pprof's convention). REQUIRES: !sample_types.empty().
  size_t DefaultSampleTypeIndex() const;

  // One line, for test tables:
  //   types=[samples/count cpu/nanoseconds] default=cpu period=cpu/nanoseconds*10000000
  //   time=1 duration=2 samples=[main.main:5;g:20+f:12=1,10 {thread=t1 bytes=64B}]
  // A sample's stack is root first, `;` between locations, `+` between the
  // lines of one location (the inlined callee last), `func:line`; a line
  // without a function is `?:line`, a location without lines its address
  // (`0x1000`). Labels print as key=str, or key=num followed by its unit.
  std::string Dump() const;
};

// A distinct stack of a profile and its summed value (see SumByStack).
struct StackValue {
  uint32_t sample = 0;  // the first sample with this stack (its locations are the stack)
  int64_t value = 0;    // the sum over every sample with this stack
};

// The profile's samples grouped by stack (the same locations in the same
// order; labels ignored), with their values of sample type `value_index`
// summed (two's-complement wrap-around), in order of first appearance;
// stacks whose sum is 0 are left out. Aggregations (CallTree, LineProfile)
// walk each distinct stack once: profiles that split one stack over many
// samples by label (Pyroscope's span labels) cost as much as one sample per
// stack. REQUIRES: value_index < sample_types.size().
std::vector<StackValue> SumByStack(const Profile& profile, size_t value_index);

}  // namespace srclink
