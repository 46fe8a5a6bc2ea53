// CallTree: nodes in arrays (parents before children), children found by an
// open-addressing table keyed by (parent, name); totals recomputed from the
// selves after each change by one backward pass over the nodes.
#include "core/call_tree.h"

#include <algorithm>
#include <cstdio>
#include <queue>
#include <utility>

#include "core/json_text.h"
#include "core/protobuf_wire.h"

namespace srclink {
namespace {

int64_t AddWrapping(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}

constexpr std::string_view kMagic = "SLCT";

}  // namespace

CallTree::CallTree() { AddNode(kNoIndex, interner_.Intern(kRootName)); }

uint32_t CallTree::AddNode(uint32_t parent, uint32_t name) {
  const uint32_t node = static_cast<uint32_t>(nodes_.size());
  Node& n = nodes_.emplace_back();
  n.name = name;
  n.parent = parent;
  self_.push_back(0);
  total_.push_back(0);
  if (parent == kNoIndex) return node;
  Node& p = nodes_[parent];
  n.next_sibling = p.first_child;
  p.first_child = node;
  if (++p.child_count == kHubChildren) {
    if (!MakeRoom(kHubChildren))
      for (uint32_t c = p.first_child; c != kNoIndex; c = nodes_[c].next_sibling) Insert(c);
  } else if (p.child_count > kHubChildren) {
    if (!MakeRoom(1)) Insert(node);
  }
  return node;
}

namespace {
inline size_t SlotIndex(uint32_t parent, uint32_t name, int bits) {
  uint64_t k = (uint64_t{parent} << 32 | name) * 0x9E3779B97F4A7C15ull;
  return static_cast<size_t>(k >> (64 - bits));
}
}  // namespace

bool CallTree::MakeRoom(size_t more) {
  if ((hashed_ + more) * 2 <= slots_.size()) return false;
  // Grow, re-inserting every hub's children (the ones just added included).
  while ((hashed_ + more) * 2 > (size_t{1} << slot_bits_))
    slot_bits_ = std::max(slot_bits_ + 1, 10);
  slots_.assign(size_t{1} << slot_bits_, Slot());
  hashed_ = 0;
  for (uint32_t c = 1; c < size(); ++c)
    if (nodes_[nodes_[c].parent].child_count >= kHubChildren) Insert(c);
  return true;
}

void CallTree::Insert(uint32_t node) {
  const Node& n = nodes_[node];
  const size_t mask = slots_.size() - 1;
  size_t i = SlotIndex(n.parent, n.name, slot_bits_);
  while (slots_[i].child != kNoIndex) i = (i + 1) & mask;
  slots_[i] = {n.parent, n.name, node};
  ++hashed_;
}

uint32_t CallTree::FindChild(uint32_t parent, uint32_t name) const {
  const Node& p = nodes_[parent];
  if (p.child_count < kHubChildren) {
    for (uint32_t c = p.first_child; c != kNoIndex; c = nodes_[c].next_sibling)
      if (nodes_[c].name == name) return c;
    return kNoIndex;
  }
  const size_t mask = slots_.size() - 1;
  for (size_t i = SlotIndex(parent, name, slot_bits_);; i = (i + 1) & mask) {
    const Slot& s = slots_[i];
    if (s.child == kNoIndex) return kNoIndex;
    if (s.parent == parent && s.name == name) return s.child;
  }
}

uint32_t CallTree::Child(uint32_t parent, uint32_t name) {
  uint32_t child = FindChild(parent, name);
  return child != kNoIndex ? child : AddNode(parent, name);
}

void CallTree::RecomputeTotals() {
  total_ = self_;
  for (size_t node = size(); node-- > 1;)
    total_[nodes_[node].parent] = AddWrapping(total_[nodes_[node].parent], total_[node]);
}

Status CallTree::AddProfile(const Profile& profile, size_t value_index) {
  const size_t types = profile.sample_types.size();
  if (value_index >= types)
    return Status::InvalidArgument("call tree: value index " + std::to_string(value_index) +
                                   " is out of range: the profile has " + std::to_string(types) +
                                   " sample types");
  // Each location's frames as name ids, root first, computed once.
  std::vector<uint32_t> function_names(profile.functions.size(), kNoIndex);
  std::vector<uint32_t> frames;
  std::vector<uint32_t> frames_begin(profile.locations.size() + 1, 0);
  for (size_t l = 0; l < profile.locations.size(); ++l) {
    const ProfileLocation& loc = profile.locations[l];
    frames_begin[l] = static_cast<uint32_t>(frames.size());
    auto lines = profile.Lines(loc);
    uint32_t address_name = kNoIndex;
    auto by_address = [&] {
      if (address_name == kNoIndex) {
        char buf[24];
        std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(loc.address));
        address_name = interner_.Intern(buf);
      }
      return address_name;
    };
    if (lines.empty()) frames.push_back(by_address());
    for (size_t i = lines.size(); i-- > 0;) {
      uint32_t f = lines[i].function;
      if (f == kNoIndex) {
        frames.push_back(by_address());
        continue;
      }
      if (function_names[f] == kNoIndex) {
        const ProfileFunction& fn = profile.functions[f];
        std::string_view name = profile.str(fn.name);
        if (name.empty()) name = profile.str(fn.system_name);
        function_names[f] = name.empty() ? by_address() : interner_.Intern(name);
      }
      frames.push_back(function_names[f]);
    }
  }
  frames_begin[profile.locations.size()] = static_cast<uint32_t>(frames.size());

  // Each distinct stack once. A direct-mapped cache of (node, location) →
  // the node after the location's frames spares most child lookups: hot
  // paths repeat across stacks.
  struct Transition {
    uint32_t parent = kNoIndex;
    uint32_t location = 0;
    uint32_t child = 0;
  };
  constexpr int kCacheBits = 16;
  std::vector<Transition> cache(size_t{1} << kCacheBits);
  for (const StackValue& stack : SumByStack(profile, value_index)) {
    uint32_t node = kRoot;
    auto locs = profile.Locations(profile.samples[stack.sample]);
    for (size_t i = locs.size(); i-- > 0;) {
      const uint32_t loc = locs[i];
      Transition& t = cache[SlotIndex(node, loc, kCacheBits)];
      if (t.parent == node && t.location == loc) {
        node = t.child;
        continue;
      }
      const uint32_t from = node;
      for (uint32_t f = frames_begin[loc]; f < frames_begin[loc + 1]; ++f)
        node = Child(node, frames[f]);
      t = {from, loc, node};
    }
    self_[node] = AddWrapping(self_[node], stack.value);
  }
  RecomputeTotals();
  return Status::Ok();
}

void CallTree::Merge(const CallTree& other) {
  std::vector<uint32_t> names(other.interner_.size(), kNoIndex);
  std::vector<uint32_t> mapped(other.size());
  mapped[kRoot] = kRoot;
  self_[kRoot] = AddWrapping(self_[kRoot], other.self_[kRoot]);
  for (uint32_t node = 1; node < other.size(); ++node) {
    uint32_t& name = names[other.nodes_[node].name];
    if (name == kNoIndex) name = interner_.Intern(other.interner_.Get(other.nodes_[node].name));
    uint32_t mine = Child(mapped[other.nodes_[node].parent], name);
    mapped[node] = mine;
    self_[mine] = AddWrapping(self_[mine], other.self_[node]);
  }
  RecomputeTotals();
}

std::vector<uint32_t> CallTree::Children(uint32_t node) const {
  std::vector<uint32_t> out;
  for (uint32_t c = nodes_[node].first_child; c != kNoIndex; c = nodes_[c].next_sibling)
    out.push_back(c);
  std::sort(out.begin(), out.end(), [&](uint32_t a, uint32_t b) { return name(a) < name(b); });
  return out;
}

void CallTree::Prune(size_t max_nodes) {
  max_nodes = std::max<size_t>(max_nodes, 2);
  if (size() <= max_nodes) return;
  std::vector<uint32_t> child_count(size(), 0);
  for (uint32_t node = 1; node < size(); ++node) ++child_count[nodes_[node].parent];
  std::vector<uint32_t> unkept = child_count;  // children not (yet) kept, per kept node
  std::vector<bool> kept(size(), false);
  kept[kRoot] = true;
  size_t kept_count = 1;
  size_t others = child_count[kRoot] > 0 ? 1 : 0;  // kept nodes with a child not kept

  // Frontier: children of kept nodes, heaviest first (then lower index).
  auto lighter = [&](uint32_t a, uint32_t b) {
    return total_[a] != total_[b] ? total_[a] < total_[b] : a > b;
  };
  std::priority_queue<uint32_t, std::vector<uint32_t>, decltype(lighter)> frontier(lighter);
  for (uint32_t c = nodes_[kRoot].first_child; c != kNoIndex; c = nodes_[c].next_sibling)
    frontier.push(c);
  while (!frontier.empty()) {
    uint32_t node = frontier.top();
    frontier.pop();
    uint32_t p = nodes_[node].parent;
    size_t new_others = others - (unkept[p] == 1 ? 1 : 0) + (child_count[node] > 0 ? 1 : 0);
    if (kept_count + 1 + new_others > max_nodes) break;
    kept[node] = true;
    ++kept_count;
    --unkept[p];
    others = new_others;
    for (uint32_t c = nodes_[node].first_child; c != kNoIndex; c = nodes_[c].next_sibling)
      frontier.push(c);
  }

  // Rebuild: kept nodes in index order (parents first), then the "other"s.
  CallTree pruned;
  std::vector<uint32_t> mapped(size(), kNoIndex);
  mapped[kRoot] = kRoot;
  pruned.self_[kRoot] = self_[kRoot];
  std::vector<int64_t> folded(size(), 0);
  for (uint32_t node = 1; node < size(); ++node) {
    uint32_t p = nodes_[node].parent;
    if (!kept[node]) {
      if (kept[p]) folded[p] = AddWrapping(folded[p], total_[node]);
      continue;
    }
    uint32_t n = pruned.Child(mapped[p], pruned.interner_.Intern(name(node)));
    pruned.self_[n] = self_[node];
    mapped[node] = n;
  }
  const uint32_t other_name = pruned.interner_.Intern(kOtherName);
  for (uint32_t node = 0; node < size(); ++node) {
    if (!kept[node] || unkept[node] == 0) continue;
    uint32_t n = pruned.Child(mapped[node], other_name);
    pruned.self_[n] = AddWrapping(pruned.self_[n], folded[node]);
  }
  pruned.RecomputeTotals();
  *this = std::move(pruned);
}

std::string CallTree::ToJson() const {
  std::string out;
  out.reserve(size() * 48);
  // Explicit stack: per open node, its sorted children in `pending`
  // [begin, end) and the next one to write.
  struct Open {
    size_t begin, end, next;
  };
  std::vector<uint32_t> pending;
  std::vector<Open> stack;
  auto open = [&](uint32_t node) {
    out += "{\"name\":";
    AppendJsonString(&out, name(node));
    out += ",\"self\":" + std::to_string(self_[node]);
    out += ",\"total\":" + std::to_string(total_[node]);
    out += ",\"children\":[";
    std::vector<uint32_t> children = Children(node);
    size_t begin = pending.size();
    pending.insert(pending.end(), children.begin(), children.end());
    stack.push_back({begin, pending.size(), begin});
  };
  open(kRoot);
  while (!stack.empty()) {
    Open& top = stack.back();
    if (top.next == top.end) {
      out += "]}";
      pending.resize(top.begin);
      stack.pop_back();
      continue;
    }
    if (top.next > top.begin) out += ',';
    uint32_t child = pending[top.next++];
    open(child);  // may reallocate `stack`: `top` is not used after this
  }
  return out;
}

std::string CallTree::Dump() const {
  std::string out;
  struct Open {
    size_t begin, end, next;
  };
  std::vector<uint32_t> pending;
  std::vector<Open> stack;
  auto open = [&](uint32_t node) {
    out += name(node);
    out += '=' + std::to_string(total_[node]) + '/' + std::to_string(self_[node]);
    std::vector<uint32_t> children = Children(node);
    if (!children.empty()) out += " [";
    size_t begin = pending.size();
    pending.insert(pending.end(), children.begin(), children.end());
    stack.push_back({begin, pending.size(), begin});
  };
  open(kRoot);
  while (!stack.empty()) {
    Open& top = stack.back();
    if (top.next == top.end) {
      if (top.end > top.begin) out += ']';
      pending.resize(top.begin);
      stack.pop_back();
      continue;
    }
    if (top.next > top.begin) out += ' ';
    uint32_t child = pending[top.next++];
    open(child);
  }
  return out;
}

std::string CallTree::Serialize() const {
  std::string out(kMagic);
  AppendProtobufVarint(&out, kFormatVersion);
  // Only the names the nodes use, renumbered in node order.
  std::vector<uint32_t> renumbered(interner_.size(), kNoIndex);
  std::vector<uint32_t> order;
  for (uint32_t node = 0; node < size(); ++node) {
    uint32_t& r = renumbered[nodes_[node].name];
    if (r == kNoIndex) {
      r = static_cast<uint32_t>(order.size());
      order.push_back(nodes_[node].name);
    }
  }
  AppendProtobufVarint(&out, order.size());
  for (uint32_t id : order) {
    std::string_view s = interner_.Get(id);
    AppendProtobufVarint(&out, s.size());
    out += s;
  }
  AppendProtobufVarint(&out, size());
  AppendProtobufVarint(&out, ZigZagEncode(self_[kRoot]));
  for (uint32_t node = 1; node < size(); ++node) {
    AppendProtobufVarint(&out, renumbered[nodes_[node].name]);
    AppendProtobufVarint(&out, node - nodes_[node].parent);
    AppendProtobufVarint(&out, ZigZagEncode(self_[node]));
  }
  return out;
}

Result<CallTree> CallTree::Deserialize(std::string_view bytes) {
  const uint8_t* const begin = reinterpret_cast<const uint8_t*>(bytes.data());
  const uint8_t* p = begin;
  const uint8_t* const end = begin + bytes.size();
  auto fail = [&](const std::string& what) {
    return Status::InvalidArgument("call tree: " + what + " at byte " + std::to_string(p - begin));
  };
  auto varint = [&](uint64_t* v) { return ReadProtobufVarint(&p, end, v); };
  if (bytes.substr(0, kMagic.size()) != kMagic)
    return Status::InvalidArgument("call tree: not a serialized call tree (no \"SLCT\" header)");
  p += kMagic.size();
  uint64_t version, name_count, node_count, v;
  if (!varint(&version)) return fail("truncated version");
  if (version != kFormatVersion)
    return Status::InvalidArgument("call tree: format version " + std::to_string(version) +
                                   " is not supported (this build reads version " +
                                   std::to_string(kFormatVersion) + ")");
  if (!varint(&name_count)) return fail("truncated name count");
  if (name_count > static_cast<uint64_t>(end - p)) return fail("name count over the bytes left");
  CallTree tree;
  std::vector<uint32_t> names(name_count);
  for (uint64_t i = 0; i < name_count; ++i) {
    uint64_t len;
    if (!varint(&len)) return fail("truncated name length");
    if (len > static_cast<uint64_t>(end - p)) return fail("name length over the bytes left");
    names[i] = tree.interner_.Intern(std::string_view(reinterpret_cast<const char*>(p), len));
    p += len;
  }
  if (!varint(&node_count)) return fail("truncated node count");
  // The root takes one byte or more, every other node three or more.
  if (node_count == 0 || node_count - 1 > static_cast<uint64_t>(end - p) / 3)
    return fail("node count " + std::to_string(node_count) + " impossible for the bytes left");
  if (!varint(&v)) return fail("truncated root value");
  tree.self_[kRoot] = ZigZagDecode(v);
  for (uint64_t node = 1; node < node_count; ++node) {
    uint64_t name, distance;
    if (!varint(&name) || !varint(&distance) || !varint(&v)) return fail("truncated node");
    if (name >= name_count) return fail("name " + std::to_string(name) + " out of range");
    if (distance == 0 || distance > node) return fail("parent out of range");
    uint32_t parent = static_cast<uint32_t>(node - distance);
    if (tree.FindChild(parent, names[name]) != kNoIndex) return fail("duplicate child");
    uint32_t n = tree.Child(parent, names[name]);
    tree.self_[n] = ZigZagDecode(v);
  }
  if (p != end) return fail("trailing bytes");
  tree.RecomputeTotals();
  return tree;
}

}  // namespace srclink
