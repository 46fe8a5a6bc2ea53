// LineProfile: per function, per source file, per line: how much of a
// sample type was spent on that line (self) and under it (total) — what
// `go tool pprof -list <function>` prints as flat and cum, additive across
// profiles.
//
// Semantics, as pprof computes -list (internal/driver: `list` aggregates at
// "lines" granularity, i.e. addresses dropped and inlined frames kept;
// internal/graph/graph.go newGraph; internal/report/source.go printSource),
// for one sample type (`value_index`) and each sample of value v ≠ 0:
//   - A sample's frames are all lines of all its locations: a location with
//     inlined functions has several lines, and each line is a frame of its
//     own function at its own line (lines[0] the innermost). A line counts
//     for the function that line belongs to, not the one it was inlined into.
//   - self (pprof's flat): v is added to exactly one line, the innermost
//     line (lines[0]) of the sample's first location (the leaf). A leaf
//     location without lines, or whose line has no function, adds no self.
//   - total (pprof's cum): v is added once to every distinct (function name,
//     file, line) among the sample's frames, however often it recurs in the
//     stack (recursion is deduplicated within the sample, as pprof's
//     seenNode does).
//   - Function level (HottestFunctions): a function's self is the sum of its
//     lines' selves; its total counts v once per sample in which the function
//     appears on any line in any file (pprof's `top -cum` at function
//     granularity, deduplicated the same way).
//   - Samples with the same stack are summed first (SumByStack), which
//     changes nothing above; stacks of value 0 are skipped, lines without a
//     function ignored. Lines whose function has no file are kept under file
//     "" (-list hides them), and line 0 (unknown) is kept as line 0.
// Keys are by name: functions are identified by their name (`name`, else
// `system_name` when the name is empty), so two pprof functions with one name
// in one file are one; pprof keeps them apart when their system names, start
// lines or binaries (mapping file) differ, and then counts a sample that
// passes through both twice on that line — the only place the numbers may
// differ from -list.
// Each (function, file) keeps the first nonzero start_line seen.
//
// Values add with two's-complement wrap-around (hostile input is never
// undefined behaviour).
//
// Thread-safety: a plain value; const access from many threads is safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/profile.h"
#include "core/status.h"
#include "core/string_interner.h"

namespace srclink {

class LineProfile {
 public:
  // Serialize() writes this version; Deserialize() reads it only.
  static constexpr uint32_t kFormatVersion = 1;

  struct LineStat {
    int64_t line = 0;
    int64_t self = 0;
    int64_t total = 0;
  };
  struct FileLines {
    std::string file;             // "" when the profile did not say
    int64_t start_line = 0;       // the function's first line in this file; 0 when unknown
    std::vector<LineStat> lines;  // sorted by line
  };
  struct FunctionStat {
    std::string name;
    int64_t self = 0;
    int64_t total = 0;
  };
  enum class Order { kByTotal, kBySelf };

  // Adds `profile`'s samples, valued by sample type `value_index`.
  // InvalidArgument when the profile has no such sample type.
  Status AddProfile(const Profile& profile, size_t value_index);

  // Adds `other` to this profile (per line and per function, values add).
  // Per-sample deduplication was done when each was built, so merging
  // profiles is exact.
  void Merge(const LineProfile& other);

  // The function's files (sorted by file) and their lines; empty when the
  // function is unknown.
  std::vector<FileLines> FunctionLines(std::string_view name) const;

  // The `n` functions with the highest total (kByTotal) or self (kBySelf),
  // ties broken by the other value, then by name.
  std::vector<FunctionStat> HottestFunctions(size_t n, Order order = Order::kByTotal) const;

  size_t function_count() const { return functions_.size(); }
  size_t line_count() const { return lines_.size(); }

  // A compact binary form for storage: "SLLP", the version, the strings,
  // the functions (name, self, total), the (function, file) pairs (start
  // line) and their lines (line, self, total). Deserialize() checks every
  // count and index against the bytes left, that no key appears twice, and
  // that no bytes trail; anything else is InvalidArgument ("line profile: …").
  std::string Serialize() const;
  static Result<LineProfile> Deserialize(std::string_view bytes);

  // One line for test tables, functions by name, files by name, lines by number:
  //   f=10/4 [a.go@3 {5=4/4 7=6/0}] g=6/6 [b.go {9=6/6}]
  // as name=total/self, file@start_line (when known), line=total/self.
  std::string Dump() const;

 private:
  struct Function {
    uint32_t name = 0;  // interned
    int64_t self = 0;
    int64_t total = 0;
    std::vector<uint32_t> files;  // indices into files_
  };
  struct File {
    uint32_t function = 0;  // index into functions_
    uint32_t file = 0;      // interned
    int64_t start_line = 0;
    std::vector<uint32_t> lines;  // indices into lines_
  };
  struct Line {
    uint32_t file = 0;  // index into files_
    int64_t line = 0;
    int64_t self = 0;
    int64_t total = 0;
  };

  uint32_t FunctionIndex(std::string_view name);
  uint32_t FileIndex(uint32_t function, std::string_view file, int64_t start_line);
  uint32_t LineIndex(uint32_t file, int64_t line);

  StringInterner strings_;  // function names and file names
  std::vector<Function> functions_;
  std::vector<File> files_;
  std::vector<Line> lines_;
  std::unordered_map<uint32_t, uint32_t> function_of_name_;  // interned name → functions_
  std::unordered_map<uint64_t, uint32_t> file_of_;           // (function, file) → files_
  struct LineKeyHash {
    size_t operator()(const std::pair<uint32_t, int64_t>& k) const {
      return std::hash<uint64_t>{}((uint64_t{k.first} << 40) ^ static_cast<uint64_t>(k.second));
    }
  };
  std::unordered_map<std::pair<uint32_t, int64_t>, uint32_t, LineKeyHash> line_of_;
};

}  // namespace srclink
