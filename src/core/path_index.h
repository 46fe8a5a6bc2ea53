// PathIndex: the files tracked at one commit, indexed for "which tracked
// paths end with these components?" — the question every frame asks.
//
// Internally a trie over path components read from the end (basename first),
// expanded lazily: a node exists only where at least two paths share a suffix,
// plus one node per path where it becomes unique. Lookups follow hashed edges
// (one probe per shared component; runs of components that every path below
// shares are skipped in one string comparison), then verify the whole match
// against a representative path, falling back to an exact walk if a hash ever
// lied. Memory stays within a small multiple of the raw path bytes (see
// docs/PERFORMANCE.md).
//
// Build with PathIndex::Builder. A built index is immutable and safe to read
// from many threads.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace srclink {

using PathId = uint32_t;
inline constexpr PathId kNoPath = 0xFFFFFFFFu;

class PathIndex {
 public:
  enum class Case { kSensitive, kInsensitive };

  // The longest suffix of a looked-up path that tracked paths share.
  struct Match {
    uint32_t matched = 0;              // trailing components matched (0: not even the basename)
    uint32_t count = 0;                // tracked paths ending with those components
    PathId unique = kNoPath;           // the path when count == 1
    uint32_t node = 0;                 // internal: where the match ended
    std::vector<uint32_t> more_nodes;  // internal: case-insensitive matches only
  };

  class Builder {
   public:
    Builder();
    ~Builder();
    Builder(Builder&&) noexcept;
    Builder& operator=(Builder&&) noexcept;

    // Adds a repository path ("src/a/b.py"; no leading '/'). Empty components
    // are skipped; duplicates are ignored. At most 2^31 paths and 4 GiB of
    // path bytes.
    void Add(std::string_view path);
    void Reserve(size_t paths, size_t bytes);

    // REQUIRES: called once.
    PathIndex Build();

    // Tests only: keep this many bits of each component hash, so that hash
    // collisions happen and the exact fallback paths run.
    void SetHashBitsForTesting(int bits);

   private:
    friend class PathIndex;
    std::unique_ptr<PathIndex> index_;
  };

  PathIndex();
  ~PathIndex();
  PathIndex(PathIndex&&) noexcept;
  PathIndex& operator=(PathIndex&&) noexcept;

  size_t size() const;
  std::string_view path(PathId id) const;

  // Longest-suffix match of `components` (in path order, e.g. {"src","x.py"}),
  // compared from the last one backwards on whole components.
  Match Lookup(std::span<const std::string_view> components, Case mode = Case::kSensitive) const;

  // Case-sensitive lookups of many queries at once, overlapping their memory
  // accesses; out[i] is Lookup(queries[i]). REQUIRES: out has queries.size().
  void LookupBatch(std::span<const std::span<const std::string_view>> queries, Match* out) const;

  // The id of exactly `path`, or kNoPath.
  PathId Find(std::string_view path, Case mode = Case::kSensitive) const;

  // The `limit` earliest-added paths of a match, in the order they were
  // added (alphabetical when added sorted, as git lists them); returns the
  // total count. Costs O(limit × branching), not O(count).
  size_t Candidates(const Match& match, size_t limit, std::vector<PathId>* out) const;

  // Heap bytes held by the index, and the raw bytes of its paths.
  size_t MemoryUsage() const;
  size_t PathBytes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace srclink
