// FramePath: a frame's file reference normalised into path components.
//
// Handles what stack frames carry: absolute paths from CI runners and
// containers, Windows paths (drive letters, UNC, mixed separators), relative
// paths with ./ and ../, and URL forms (file://, webpack:///./src/x.ts,
// webpack://app/./src/x.ts, app:///src/x.js, http(s)://host/x.js), with query
// strings and fragments of URL forms removed and %XX decoded.
//
// Pure and allocation-light: the hot path of resolution.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace srclink {

struct FramePath {
  std::string path;       // components joined by '/', no leading '/', no "." or ".."
  bool absolute = false;  // the input was rooted (/x, C:\x, \\server\share, file:///x)
  bool windows = false;   // drive letter, UNC or backslashes: match case-insensitively
  int up_levels = 0;      // leading ".." that could not be folded ("../../src/x" → 2)
  std::string scheme;     // "file", "webpack", "app", "http", "https", "node", … or ""
  std::string drive;      // "c" for C:\…, lowercased; "" otherwise

  // Components of `path` (views into it).
  std::vector<std::string_view> Components() const;
  // "path abs win up=2 scheme=webpack" for test tables.
  std::string Dump() const;
};

// Normalises `raw`. Never fails: an empty or unparseable reference gives an
// empty path. Bounded work: linear in raw.size().
FramePath NormalizeFramePath(std::string_view raw);

// Buffers NormalizeFramePath reuses from call to call: with one scratch (and
// one FramePath) kept across a batch, normalising allocates nothing once the
// buffers have grown. Not thread-safe; one per thread.
struct FramePathScratch {
  std::string decoded;                  // percent-decoded URL text
  std::vector<std::string_view> parts;  // components before joining
};

// NormalizeFramePath(raw), written into `*out` (its strings keep their
// capacity). `out` must not view memory `raw` lives in.
void NormalizeFramePath(std::string_view raw, FramePathScratch* scratch, FramePath* out);

// Splits a '/'-separated path into components, skipping empty ones.
void SplitComponents(std::string_view path, std::vector<std::string_view>* out);

}  // namespace srclink
