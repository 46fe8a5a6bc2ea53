// Bounded decompression of request bodies and blob records: zstd (any
// number of frames) and gzip (any number of members). Output never exceeds
// `max_output` bytes, so a small compressed input cannot exhaust memory
// (a "zip bomb"). Thread-safety: plain functions.
#pragma once

#include <string>
#include <string_view>

namespace srclink::server {

struct Decompressed {
  enum class Outcome { kOk, kTooLarge, kCorrupt };
  Outcome outcome = Outcome::kOk;
  std::string data;   // when kOk
  std::string error;  // when kCorrupt: what the decompressor said
};

Decompressed DecompressZstd(std::string_view input, size_t max_output);
Decompressed DecompressGzip(std::string_view input, size_t max_output);

}  // namespace srclink::server
