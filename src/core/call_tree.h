// CallTree: the merged call tree of profiles at function granularity — what
// a flame graph draws. The root ("total") has the stacks' outermost
// functions as children; a node's children are the functions it called,
// keyed by name, so two stacks share a node as long as their names agree
// from the root down. Recursion is not folded: f → g → f is three nodes.
//
// For one sample type (`value_index`), each sample's value is added to the
// node of its innermost frame (`self`); a node's `total` is its self plus
// its children's totals, i.e. every sample whose stack passes through it.
// The root's total is the sum of all samples (its self: samples without
// locations).
//
// A sample's frames, root first: its locations from the last (root) to the
// first (leaf), and within a location its lines from the last (the function
// the others were inlined into) to lines[0] (the innermost), so inlined
// functions are frames of their own, as pprof's flame graph shows them. A
// frame's name is its function's name, else its system name; a line
// without a function, or a location without lines, is named by the
// location's address ("0x4a2f10"). Samples with the same stack are summed
// first (SumByStack, core/profile.h); stacks whose value is 0 add nothing.
//
// Values add with two's-complement wrap-around, never undefined behaviour
// (hostile profiles); negative values (diff profiles) are allowed.
//
// Every operation works without recursion (explicit stacks): trees can be
// thousands of levels deep. Nodes are numbered so that a parent's index is
// below its children's; node 0 is the root.
//
// Thread-safety: a plain value; const access from many threads is safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/profile.h"
#include "core/status.h"
#include "core/string_interner.h"

namespace srclink {

class CallTree {
 public:
  static constexpr uint32_t kRoot = 0;
  static constexpr std::string_view kRootName = "total";
  static constexpr std::string_view kOtherName = "other";  // Prune()'s folded children
  // Serialize() writes this version; Deserialize() reads it only.
  static constexpr uint32_t kFormatVersion = 1;

  CallTree();

  // Adds `profile`'s samples, valued by sample type `value_index`.
  // InvalidArgument when the profile has no such sample type.
  Status AddProfile(const Profile& profile, size_t value_index);

  // Adds `other`'s nodes and values to this tree (as if its profiles had
  // been added here).
  void Merge(const CallTree& other);

  // Keeps at most max(max_nodes, 2) nodes, the "other" nodes included: nodes
  // are taken heaviest total first (ties: the older node) from the children
  // of those already kept, starting at the root, until the next one would
  // not fit. Under each kept node, the children not kept are replaced by one
  // child named "other" whose self is their totals' sum, so every kept
  // node's total is unchanged and the root's stays exact. If a kept child is
  // itself named "other", the folded value goes into its self. Does nothing
  // when the tree is small enough.
  void Prune(size_t max_nodes);

  // The tree, node by node.
  size_t size() const { return nodes_.size(); }  // nodes, the root included
  std::string_view name(uint32_t node) const { return interner_.Get(nodes_[node].name); }
  uint32_t parent(uint32_t node) const { return nodes_[node].parent; }  // kNoIndex for the root
  int64_t self(uint32_t node) const { return self_[node]; }
  int64_t total(uint32_t node) const { return total_[node]; }
  // `node`'s children, sorted by name.
  std::vector<uint32_t> Children(uint32_t node) const;

  // The flame graph as JSON text, every node as
  //   {"name":"main.handle","self":12,"total":40,"children":[…]}
  // from the root ({"name":"total",…}), children sorted by name; nodes
  // without children have "children":[]. Names are JSON strings (invalid
  // UTF-8 replaced, core/json_text.h); values are integers. The nesting is
  // as deep as the tree (written without recursion; readers beware).
  std::string ToJson() const;

  // A compact binary form for storage: "SLCT", the version, the names, then
  // the nodes in index order (name, distance to the parent, self; totals are
  // recomputed). Deserialize() checks everything (magic, version, every
  // count and index against the bytes left, parents before children, no two
  // children with one name, no trailing bytes) and returns InvalidArgument
  // ("call tree: …") on anything else.
  std::string Serialize() const;
  static Result<CallTree> Deserialize(std::string_view bytes);

  // One line for test tables, children sorted by name, `name=total/self`:
  //   total=10/0 [main=10/0 [a=7/7 b=3/3]]
  std::string Dump() const;

 private:
  // The child of `parent` named `name`, created if missing.
  uint32_t Child(uint32_t parent, uint32_t name);
  // kNoIndex when missing.
  uint32_t FindChild(uint32_t parent, uint32_t name) const;
  uint32_t AddNode(uint32_t parent, uint32_t name);
  // Grows the table if `more` entries would fill it over half; then it
  // holds every hub's child already (returns true).
  bool MakeRoom(size_t more);
  void Insert(uint32_t node);
  void RecomputeTotals();

  // Children are found by walking the parent's list while it has fewer than
  // kHubChildren of them (most nodes: one or two), through the table after:
  // new deep paths then stay in the cache lines just written.
  static constexpr uint32_t kHubChildren = 8;
  struct Node {
    uint32_t name = 0;  // interned
    uint32_t parent = kNoIndex;
    uint32_t first_child = kNoIndex;
    uint32_t next_sibling = kNoIndex;
    uint32_t child_count = 0;
  };
  struct Slot {
    uint32_t parent;
    uint32_t name;
    uint32_t child = kNoIndex;  // kNoIndex: empty
  };

  StringInterner interner_;
  // Per node.
  std::vector<Node> nodes_;
  std::vector<int64_t> self_;
  std::vector<int64_t> total_;
  // (parent, name) → child for the children of hubs, open addressing.
  std::vector<Slot> slots_;
  int slot_bits_ = 0;
  size_t hashed_ = 0;
};

}  // namespace srclink
