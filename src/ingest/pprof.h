// pprof: profiles in Google's pprof format (github.com/google/pprof,
// proto/profile.proto, package perftools.profiles), as Go's runtime/pprof,
// Pyroscope's SDKs and the OpenTelemetry eBPF profiler write them, decoded
// into a Profile (core/profile.h).
//
// DecodePprof reads the protobuf wire format directly (core/protobuf_wire.h),
// copying no strings: the Profile's strings are views into
// `uncompressed_bytes`, which must outlive it. Unknown fields, and known
// fields with an unexpected wire type, are skipped as libprotobuf would;
// repeated integers are accepted packed and unpacked.
//
// Compression is the caller's business: pprof files and most uploads are
// gzip-compressed, which IsGzip() tells by the magic bytes 1f 8b (a protobuf
// message can never start with them: 0x1f would be field 3 of wire type 7).
// DecodePprof refuses gzip bytes with a message that says so.
//
// Validation — every failure is InvalidArgument with a message that starts
// "pprof: " and names the item by its index (samples) or id (locations,
// functions, mappings):
//   - the protobuf is well formed ("pprof: malformed protobuf: truncated
//     varint at byte 12 (field 1 of Sample)");
//   - string_table[0] is "", and every string index is in the table
//     ("pprof: function id 3's name is string 9, but the string table has 7 strings");
//   - ids are nonzero and unique per kind; every location id a sample names,
//     every function id a line names (0 means "no function" and is kept as
//     kNoIndex) and every nonzero mapping id a location names exists
//     ("pprof: sample 4 refers to location id 99, which the profile does not define");
//   - every sample has one value per sample type
//     ("pprof: sample 12 has 3 values but the profile declares 2 sample types");
//   - PprofLimits: bytes, samples, locations, functions, strings.
// Samples are numbered from 0 in the order of the input.
//
// Memory: the Profile's arrays, about twice the input for typical profiles
// (4 bytes per stack frame of 2–3 bytes); at most ~8 bytes per input byte
// (nothing but one-byte packed values, or location ids over 32 bits).
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string_view>

#include "core/profile.h"
#include "core/status.h"

namespace srclink {

struct PprofLimits {
  size_t max_bytes = 64u << 20;  // the uncompressed profile
  size_t max_samples = 4'000'000;
  size_t max_locations = 1'000'000;
  size_t max_functions = 1'000'000;
  size_t max_strings = 1'000'000;
};

// True when `bytes` start with gzip's magic number (1f 8b).
inline bool IsGzip(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

// Decodes an uncompressed pprof Profile message. The result's strings are
// views into `uncompressed_bytes`.
Result<Profile> DecodePprof(std::string_view uncompressed_bytes, const PprofLimits& limits = {});

}  // namespace srclink
