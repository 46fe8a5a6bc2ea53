#include "core/path_index.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <queue>
#include <unordered_map>

namespace srclink {

namespace {

constexpr uint32_t kNone = 0xFFFFFFFFu;

inline uint64_t HashBytes(const char* p, size_t n) {
  uint64_t h = 0x9E3779B97F4A7C15ull ^ (n * 0xff51afd7ed558ccdull);
  while (n >= 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    h = (h ^ v) * 0xbf58476d1ce4e5b9ull;
    h ^= h >> 31;
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    uint64_t v = 0;
    std::memcpy(&v, p, n);
    h = (h ^ v) * 0x94d049bb133111ebull;
    h ^= h >> 29;
  }
  return h ^ (h >> 32);
}

inline uint64_t HashEdge(uint32_t parent, uint32_t comp) {
  uint64_t h = ((static_cast<uint64_t>(parent) << 32) | comp) * 0x9E3779B97F4A7C15ull;
  return h ^ (h >> 29);
}

// Maps a 64-bit hash onto [0, n) without a division.
inline size_t Reduce(uint64_t hash, size_t n) {
  return static_cast<size_t>((static_cast<unsigned __int128>(hash) * n) >> 64);
}

inline char FoldAscii(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string Fold(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = FoldAscii(c);
  return out;
}

bool EqualFolded(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (FoldAscii(a[i]) != FoldAscii(b[i])) return false;
  }
  return true;
}

// Walks a '/'-separated path's components from the last one backwards.
class ReverseComponents {
 public:
  explicit ReverseComponents(std::string_view path) : path_(path), end_(path.size()) {}
  bool Next(std::string_view* out) {
    if (end_ == 0) return false;
    size_t slash = path_.rfind('/', end_ - 1);
    size_t start = slash == std::string_view::npos ? 0 : slash + 1;
    *out = path_.substr(start, end_ - start);
    end_ = slash == std::string_view::npos ? 0 : slash;
    return true;
  }

 private:
  std::string_view path_;
  size_t end_;
};

void SplitPathComponents(std::string_view path, std::vector<std::string_view>* out) {
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) out->push_back(path.substr(start, end - start));
    start = end + 1;
  }
}

size_t CountComponents(std::string_view path) {
  if (path.empty()) return 0;
  size_t n = 1;
  for (char c : path) n += c == '/';
  return n;
}

}  // namespace

struct PathIndex::Impl {
  // Paths: bytes in one arena, each followed by a NUL, path i at
  // [offsets[i], offsets[i+1] - 1). The arena starts with a NUL too, so a
  // path can be read backwards from its end alone.
  std::string chars = std::string(1, '\0');
  std::vector<uint32_t> offsets{1};

  // Interned components (exact; used to build and by the exact fallback).
  std::string comp_chars;
  std::vector<uint32_t> comp_offsets{0};
  std::vector<uint64_t> comp_slots;  // (id + 1) | (hash high bits << 32); 0 = empty
  std::vector<uint64_t> comp_hash;   // lookup hash of each component
  size_t comp_count = 0;
  uint64_t hash_mask = ~0ull;                                     // all bits, except in tests
  std::unordered_map<std::string, std::vector<uint32_t>> folded;  // fold(c) → ids with fold(c) != c

  // Trie nodes; node 0 is the root (the empty suffix).
  struct Node {
    uint32_t count = 0;         // paths ending at or below
    uint32_t first = kNone;     // a path below; the path when count == 1
    uint32_t terminal = kNone;  // the path ending exactly here
    uint32_t child = kNone;     // first child, for enumeration
    uint32_t sibling = kNone;
  };
  std::vector<Node> nodes{Node{}};

  // Exact edges (parent, component id) → node.
  struct Edge {
    uint32_t parent;
    uint32_t comp;
    uint32_t node;  // 0 = empty slot (the root is nobody's child)
  };
  std::vector<Edge> edges;
  size_t edge_count = 0;

  // Lookup table: hash of a whole suffix → its node, with what a lookup
  // needs to know about that node inline. Every depth of a frame can be
  // probed at once, without waiting for the depth above.
  static constexpr uint32_t kShared = 0x80000000u;    // id is a node shared by several paths
  static constexpr uint32_t kCollided = 0xFFFFFFFFu;  // two suffixes share this key: walk exactly
  struct Slot {
    uint64_t key;  // 0 = empty
    uint32_t id;   // the unique path's id (< 2^31), kShared | node, or kCollided
    uint32_t end;  // where the unique (or a representative) path ends in `chars`
  };
  std::vector<Slot> slots;

  std::string_view Path(uint32_t id) const {
    return std::string_view(chars).substr(offsets[id], offsets[id + 1] - 1 - offsets[id]);
  }
  // The path that ends at `end`, found by reading backwards to its NUL.
  std::string_view PathEndingAt(uint32_t end) const {
    uint32_t start = end;
    while (chars[start - 1] != '\0') --start;
    return std::string_view(chars).substr(start, end - start);
  }
  std::string_view Comp(uint32_t id) const {
    return std::string_view(comp_chars)
        .substr(comp_offsets[id], comp_offsets[id + 1] - comp_offsets[id]);
  }
  uint64_t LookupHash(std::string_view s) const {
    return HashBytes(s.data(), s.size()) & hash_mask;
  }

  // The key of a suffix one component longer than the one keyed `parent_key`.
  static constexpr uint64_t kRootKey = 0x2545F4914F6CDD1Dull;
  static uint64_t SuffixKey(uint64_t parent_key, uint64_t comp_hash) {
    uint64_t h = (comp_hash ^ (parent_key * 0x9E3779B97F4A7C15ull)) * 0xbf58476d1ce4e5b9ull;
    h ^= h >> 31;
    return h | 1;  // never 0
  }

  const Slot* FindSlot(uint64_t key) const {
    size_t n = slots.size();
    for (size_t i = Reduce(key, n);; i = (i + 1 == n) ? 0 : i + 1) {
      const Slot& s = slots[i];
      if (s.key == key) return &s;
      if (s.key == 0) return nullptr;
    }
  }

  uint32_t FindComp(std::string_view s) const {
    if (comp_slots.empty()) return kNone;
    uint64_t h = HashBytes(s.data(), s.size());
    size_t mask = comp_slots.size() - 1;
    uint32_t frag = static_cast<uint32_t>(h >> 32);
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      uint64_t slot = comp_slots[i];
      if (slot == 0) return kNone;
      if (static_cast<uint32_t>(slot >> 32) == frag) {
        uint32_t id = static_cast<uint32_t>(slot) - 1;
        if (Comp(id) == s) return id;
      }
    }
  }

  void InsertCompSlot(uint32_t id, uint64_t h) {
    size_t mask = comp_slots.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      if (comp_slots[i] == 0) {
        comp_slots[i] = (static_cast<uint64_t>(id) + 1) | (h & 0xFFFFFFFF00000000ull);
        return;
      }
    }
  }

  uint32_t InternComp(std::string_view s) {
    if ((comp_count + 1) * 2 > comp_slots.size()) {
      std::vector<uint64_t> old;
      old.swap(comp_slots);
      comp_slots.assign(old.empty() ? 1024 : old.size() * 2, 0);
      for (uint32_t id = 0; id < comp_count; ++id) {
        std::string_view c = Comp(id);
        InsertCompSlot(id, HashBytes(c.data(), c.size()));
      }
    }
    uint32_t found = FindComp(s);
    if (found != kNone) return found;
    uint32_t id = static_cast<uint32_t>(comp_count++);
    comp_chars.append(s);
    comp_offsets.push_back(static_cast<uint32_t>(comp_chars.size()));
    InsertCompSlot(id, HashBytes(s.data(), s.size()));
    return id;
  }

  uint32_t FindChild(uint32_t parent, uint32_t comp) const {
    if (edges.empty()) return 0;
    size_t n = edges.size();
    for (size_t i = Reduce(HashEdge(parent, comp), n);; i = (i + 1 == n) ? 0 : i + 1) {
      const Edge& e = edges[i];
      if (e.node == 0) return 0;
      if (e.parent == parent && e.comp == comp) return e.node;
    }
  }

  void PlaceEdge(const Edge& edge) {
    size_t n = edges.size();
    for (size_t i = Reduce(HashEdge(edge.parent, edge.comp), n);; i = (i + 1 == n) ? 0 : i + 1) {
      if (edges[i].node == 0) {
        edges[i] = edge;
        return;
      }
    }
  }

  void ResizeEdges(size_t capacity) {
    std::vector<Edge> old;
    old.swap(edges);
    edges.assign(capacity, Edge{0, 0, 0});
    for (const Edge& e : old) {
      if (e.node != 0) PlaceEdge(e);
    }
  }

  uint32_t AddChild(uint32_t parent, uint32_t comp, uint32_t path, bool ends_here) {
    if ((edge_count + 1) * 4 > edges.size() * 3)
      ResizeEdges(edges.empty() ? 1024 : edges.size() * 2);
    uint32_t id = static_cast<uint32_t>(nodes.size());
    Node node;
    node.count = 1;
    node.first = path;
    node.terminal = ends_here ? path : kNone;
    node.sibling = nodes[parent].child;
    nodes.push_back(node);
    nodes[parent].child = id;
    PlaceEdge(Edge{parent, comp, id});
    ++edge_count;
    return id;
  }

  // How many components, from depth `from` (0 = basename) up to depth
  // `limit`, `path` shares with `comps` (in path order, compared from the end).
  template <typename Eq>
  static uint32_t Shared(std::string_view path, size_t from, size_t limit,
                         std::span<const std::string_view> comps, Eq eq) {
    ReverseComponents it(path);
    std::string_view c;
    for (size_t i = 0; i < from; ++i) {
      if (!it.Next(&c)) return 0;
    }
    const size_t k = comps.size();
    if (limit > k) limit = k;
    uint32_t n = 0;
    while (from + n < limit && it.Next(&c) && eq(c, comps[k - 1 - (from + n)])) ++n;
    return n;
  }

  static bool Equal(std::string_view a, std::string_view b) { return a == b; }

  void FinishMatch(uint32_t node, uint32_t matched, Match* match) const {
    match->node = node;
    match->matched = matched;
    match->count = matched == 0 ? 0 : nodes[node].count;
    match->unique = match->count == 1 ? nodes[node].first : kNoPath;
  }

  // The exact walk over interned components: the reference the fast walk
  // falls back to when a hash lied.
  Match ExactLookup(std::span<const std::string_view> comps) const {
    Match match;
    const size_t k = comps.size();
    uint32_t node = 0;
    uint32_t matched = 0;
    for (size_t d = 0; d < k; ++d) {
      uint32_t comp = FindComp(comps[k - 1 - d]);
      if (comp == kNone) break;
      uint32_t child = FindChild(node, comp);
      if (child == 0) break;
      node = child;
      matched = static_cast<uint32_t>(d + 1);
      if (nodes[node].count == 1) {
        matched += Shared(Path(nodes[node].first), d + 1, k, comps, Equal);
        break;
      }
    }
    FinishMatch(node, matched, &match);
    return match;
  }

  // A case-sensitive lookup in three phases, so that a batch can overlap
  // the memory accesses of several lookups: Probe computes every depth's
  // key and prefetches its slot; Select finds the deepest suffix present and
  // prefetches the path that verifies it; Finish verifies.
  static constexpr size_t kMaxProbes = 48;
  struct Pending {
    std::span<const std::string_view> comps;
    size_t probes = 0;
    uint64_t keys[kMaxProbes];
    uint32_t where[kMaxProbes];
    const Slot* deepest = nullptr;
    size_t depth = 0;
    bool exact = false;  // fall back to ExactLookup
  };

  void Probe(std::span<const std::string_view> comps, Pending* q) const {
    q->comps = comps;
    q->deepest = nullptr;
    q->depth = 0;
    q->exact = false;
    const size_t k = comps.size();
    const size_t n = slots.size();
    q->probes = n == 0 ? 0 : std::min(k, kMaxProbes);
    uint64_t key = kRootKey;
    for (size_t d = 0; d < q->probes; ++d) {
      key = SuffixKey(key, LookupHash(comps[k - 1 - d]));
      q->keys[d] = key;
      q->where[d] = static_cast<uint32_t>(Reduce(key, n));
      __builtin_prefetch(&slots[q->where[d]]);
    }
  }

  void Select(Pending* q) const {
    const size_t n = slots.size();
    for (size_t d = 0; d < q->probes; ++d) {
      const Slot* found = nullptr;
      for (size_t i = q->where[d];; i = (i + 1 == n) ? 0 : i + 1) {
        if (slots[i].key == q->keys[d]) {
          found = &slots[i];
          break;
        }
        if (slots[i].key == 0) break;
      }
      if (found == nullptr) break;
      if (found->id == kCollided) {
        q->exact = true;
        return;
      }
      q->deepest = found;
      q->depth = d + 1;
      if (found->id < kShared) break;  // one path below: nothing deeper is stored
    }
    if (q->deepest == nullptr) return;
    if (q->deepest->id >= kShared) {
      if (q->depth == kMaxProbes) q->exact = true;
      __builtin_prefetch(&nodes[q->deepest->id & ~kShared]);
    }
    __builtin_prefetch(&chars[q->deepest->end - 1]);
    if (q->deepest->end >= 64) __builtin_prefetch(&chars[q->deepest->end - 64]);
  }

  // How many of `comps` (from the last one) the path ending at `end` shares,
  // up to `limit`, comparing the frame's components against the bytes
  // before `end` directly: no scan for the path's start or separators.
  uint32_t SharedAtEnd(uint32_t end, size_t limit, std::span<const std::string_view> comps) const {
    const char* base = chars.data();
    const size_t k = comps.size();
    if (limit > k) limit = k;
    size_t pos = end;
    uint32_t n = 0;
    while (n < limit) {
      std::string_view c = comps[k - 1 - n];
      if (c.size() >= pos || std::memchr(c.data(), '\0', c.size()) != nullptr) break;
      size_t start = pos - c.size();
      if (std::memcmp(base + start, c.data(), c.size()) != 0) break;
      char before = base[start - 1];
      if (before == '\0') return n + 1;  // the whole path matched
      if (before != '/') break;          // only the end of a component matched
      ++n;
      pos = start - 1;
    }
    return n;
  }

  void Finish(const Pending& q, Match* match) const {
    *match = Match();
    if (q.exact) {
      *match = ExactLookup(q.comps);
      return;
    }
    if (q.deepest == nullptr) return;
    // Verify against a real path: hashes find, strings decide.
    if (q.deepest->id < kShared) {
      uint32_t shared = SharedAtEnd(q.deepest->end, q.comps.size(), q.comps);
      if (shared < q.depth) {
        *match = ExactLookup(q.comps);
        return;
      }
      match->matched = shared;
      match->count = 1;
      match->unique = q.deepest->id;
      match->node = kNone;  // Candidates() uses `unique`
      return;
    }
    if (SharedAtEnd(q.deepest->end, q.depth, q.comps) < q.depth) {
      *match = ExactLookup(q.comps);
      return;
    }
    FinishMatch(q.deepest->id & ~kShared, static_cast<uint32_t>(q.depth), match);
  }

  // Case-insensitive: follows, over the exact edges, every component that
  // folds to the same text. The cold path (Windows frames), kept simple.
  Match FoldedLookup(std::span<const std::string_view> comps) const {
    const size_t k = comps.size();
    std::vector<uint32_t> frontier{0}, next, ids;
    std::vector<std::pair<uint32_t, uint32_t>> finished;  // (unique node, matched)
    uint32_t depth = 0;
    for (size_t d = 0; d < k && !frontier.empty(); ++d) {
      ids.clear();
      std::string f = Fold(comps[k - 1 - d]);
      if (uint32_t id = FindComp(f); id != kNone) ids.push_back(id);
      if (auto it = folded.find(f); it != folded.end())
        ids.insert(ids.end(), it->second.begin(), it->second.end());
      next.clear();
      for (uint32_t node : frontier) {
        for (uint32_t id : ids) {
          uint32_t child = FindChild(node, id);
          if (child == 0) continue;
          if (nodes[child].count == 1) {
            uint32_t extra = Shared(Path(nodes[child].first), d + 1, k, comps, EqualFolded);
            finished.emplace_back(child, static_cast<uint32_t>(d + 1) + extra);
          } else {
            next.push_back(child);
          }
        }
      }
      if (!next.empty()) {
        frontier.swap(next);
        depth = static_cast<uint32_t>(d + 1);
      } else {
        break;
      }
    }
    Match match;
    uint32_t best = depth;
    for (const auto& [node, matched] : finished) best = std::max(best, matched);
    if (best == 0) return match;
    std::vector<uint32_t> chosen;
    if (depth == best) chosen = frontier;
    for (const auto& [node, matched] : finished) {
      if (matched == best) chosen.push_back(node);
    }
    match.matched = best;
    match.node = chosen[0];
    match.more_nodes.assign(chosen.begin() + 1, chosen.end());
    for (uint32_t n : chosen) match.count += nodes[n].count;
    if (match.count == 1) match.unique = nodes[chosen[0]].first;
    return match;
  }
};

// ---------------------------------------------------------------- Builder

PathIndex::Builder::Builder() : index_(new PathIndex()) {}
PathIndex::Builder::~Builder() = default;
PathIndex::Builder::Builder(Builder&&) noexcept = default;
PathIndex::Builder& PathIndex::Builder::operator=(Builder&&) noexcept = default;

void PathIndex::Builder::SetHashBitsForTesting(int bits) {
  index_->impl_->hash_mask = bits >= 64 ? ~0ull : ((1ull << bits) - 1);
}

void PathIndex::Builder::Reserve(size_t paths, size_t bytes) {
  Impl& m = *index_->impl_;
  m.chars.reserve(bytes);
  m.offsets.reserve(paths + 1);
  m.nodes.reserve(paths * 2);
}

void PathIndex::Builder::Add(std::string_view raw) {
  Impl& m = *index_->impl_;
  if (m.offsets.size() > 0x7FFFFFFFu) return;
  // Normalise into the arena: no empty components.
  size_t start = m.chars.size();
  for (size_t i = 0; i < raw.size();) {
    size_t slash = raw.find('/', i);
    if (slash == std::string_view::npos) slash = raw.size();
    if (slash > i) {
      if (m.chars.size() > start) m.chars.push_back('/');
      m.chars.append(raw.substr(i, slash - i));
    }
    i = slash + 1;
  }
  if (m.chars.size() == start || m.chars.size() > 0xFFFFFFFFu) {
    m.chars.resize(start);
    return;
  }
  uint32_t p = static_cast<uint32_t>(m.offsets.size() - 1);
  std::string_view path(m.chars.data() + start, m.chars.size() - start);

  // Components, basename first.
  thread_local std::vector<uint32_t> comps;
  comps.clear();
  ReverseComponents it(path);
  std::string_view c;
  while (it.Next(&c)) comps.push_back(m.InternComp(c));
  // Interning may have grown comp_chars, but `path` points into m.chars: fine.

  thread_local std::vector<uint32_t> visited;
  visited.clear();
  uint32_t node = 0;
  for (size_t d = 0; d < comps.size(); ++d) {
    bool last = d + 1 == comps.size();
    uint32_t child = m.FindChild(node, comps[d]);
    if (child == 0) {
      m.AddChild(node, comps[d], p, last);
      for (uint32_t v : visited) ++m.nodes[v].count;
      ++m.nodes[0].count;
      m.chars.push_back('\0');
      m.offsets.push_back(static_cast<uint32_t>(m.chars.size()));
      return;
    }
    Impl::Node& existing = m.nodes[child];
    if (existing.count == 1 && existing.terminal != existing.first) {
      // The one path below ends deeper: materialise its next component.
      uint32_t q = existing.first;
      std::string_view qpath = m.Path(q);
      if (qpath == path) {  // duplicate
        m.chars.resize(start);
        return;
      }
      ReverseComponents qit(qpath);
      std::string_view qc;
      for (size_t i = 0; i <= d + 1; ++i) qit.Next(&qc);
      size_t qdepth = CountComponents(qpath);
      m.AddChild(child, m.FindComp(qc), q, qdepth == d + 2);
    }
    if (last) {
      if (m.nodes[child].terminal != kNone) {  // duplicate
        m.chars.resize(start);
        return;
      }
      m.nodes[child].terminal = p;
    }
    visited.push_back(child);
    node = child;
  }
  for (uint32_t v : visited) ++m.nodes[v].count;
  ++m.nodes[0].count;
  m.chars.push_back('\0');
  m.offsets.push_back(static_cast<uint32_t>(m.chars.size()));
}

PathIndex PathIndex::Builder::Build() {
  Impl& m = *index_->impl_;
  // Tighten the tables now that their sizes are known.
  m.ResizeEdges(m.edge_count + m.edge_count / 3 + 16);
  m.nodes.shrink_to_fit();
  m.chars.shrink_to_fit();
  m.offsets.shrink_to_fit();
  m.comp_chars.shrink_to_fit();
  m.comp_offsets.shrink_to_fit();
  m.comp_hash.resize(m.comp_count);
  for (uint32_t id = 0; id < m.comp_count; ++id) {
    std::string_view c = m.Comp(id);
    m.comp_hash[id] = m.LookupHash(c);
    std::string f = Fold(c);
    if (f != c) m.folded[f].push_back(id);
  }

  // Suffix keys, parents before children (children are created after them).
  std::vector<uint64_t> keys(m.nodes.size(), 0);
  std::vector<uint32_t> parent(m.nodes.size(), 0), comp(m.nodes.size(), 0);
  for (const Impl::Edge& e : m.edges) {
    if (e.node == 0) continue;
    parent[e.node] = e.parent;
    comp[e.node] = e.comp;
  }
  keys[0] = Impl::kRootKey;
  m.slots.assign(m.edge_count + m.edge_count / 3 + 16, Impl::Slot{0, 0, 0});
  const size_t n_slots = m.slots.size();
  for (uint32_t id = 1; id < m.nodes.size(); ++id) {
    keys[id] = Impl::SuffixKey(keys[parent[id]], m.comp_hash[comp[id]]);
    const Impl::Node& n = m.nodes[id];
    uint32_t slot_id = n.count == 1 ? n.first : (Impl::kShared | id);
    uint32_t end = m.offsets[n.first + 1] - 1;
    for (size_t i = Reduce(keys[id], n_slots);; i = (i + 1 == n_slots) ? 0 : i + 1) {
      Impl::Slot& slot = m.slots[i];
      if (slot.key == 0) {
        slot = Impl::Slot{keys[id], slot_id, end};
        break;
      }
      if (slot.key == keys[id]) {  // two suffixes, one key: lookups through it walk exactly
        slot.id = Impl::kCollided;
        break;
      }
    }
  }
  PathIndex out = std::move(*index_);
  index_.reset(new PathIndex());
  return out;
}

// -------------------------------------------------------------- PathIndex

PathIndex::PathIndex() : impl_(new Impl()) {}
PathIndex::~PathIndex() = default;
PathIndex::PathIndex(PathIndex&&) noexcept = default;
PathIndex& PathIndex::operator=(PathIndex&&) noexcept = default;

size_t PathIndex::size() const { return impl_->offsets.size() - 1; }

std::string_view PathIndex::path(PathId id) const { return impl_->Path(id); }

PathIndex::Match PathIndex::Lookup(std::span<const std::string_view> components, Case mode) const {
  if (mode == Case::kInsensitive) return impl_->FoldedLookup(components);
  Impl::Pending q;
  impl_->Probe(components, &q);
  impl_->Select(&q);
  Match match;
  impl_->Finish(q, &match);
  return match;
}

void PathIndex::LookupBatch(std::span<const std::span<const std::string_view>> queries,
                            Match* out) const {
  constexpr size_t kGroup = 8;
  Impl::Pending pending[kGroup];
  for (size_t base = 0; base < queries.size(); base += kGroup) {
    size_t g = std::min(kGroup, queries.size() - base);
    for (size_t i = 0; i < g; ++i) impl_->Probe(queries[base + i], &pending[i]);
    for (size_t i = 0; i < g; ++i) impl_->Select(&pending[i]);
    for (size_t i = 0; i < g; ++i) impl_->Finish(pending[i], &out[base + i]);
  }
}

PathId PathIndex::Find(std::string_view path, Case mode) const {
  std::vector<std::string_view> comps;
  SplitPathComponents(path, &comps);
  if (comps.empty()) return kNoPath;
  Match match = Lookup(comps, mode);
  if (match.matched != comps.size()) return kNoPath;
  // The file is exactly `path` when it has no more components than matched:
  // the unique path, or the path ending at a matched node.
  const Impl& m = *impl_;
  if (match.count == 1) {
    return CountComponents(m.Path(match.unique)) == comps.size() ? match.unique : kNoPath;
  }
  // Case-insensitively several may fit ("Docs/A.md", "docs/a.md"): the one
  // spelled exactly like `path` first.
  PathId found = kNoPath;
  std::vector<uint32_t> nodes{match.node};
  nodes.insert(nodes.end(), match.more_nodes.begin(), match.more_nodes.end());
  for (uint32_t n : nodes) {
    PathId t = m.nodes[n].terminal;
    if (t == kNone) continue;
    if (m.Path(t) == path) return t;
    if (found == kNoPath) found = t;
  }
  return found;
}

size_t PathIndex::Candidates(const Match& match, size_t limit, std::vector<PathId>* out) const {
  const Impl& m = *impl_;
  if (match.matched == 0) return 0;
  if (match.count == 1) {
    if (limit > 0) out->push_back(match.unique);
    return 1;
  }
  size_t total = m.nodes[match.node].count;
  for (uint32_t n : match.more_nodes) total += m.nodes[n].count;
  // Best-first by smallest path id: a node's `first` is the smallest id below
  // it (ids grow in insertion order and `first` is the path that made the
  // node), so popping the smallest yields ids in increasing order and stops
  // after `limit` without walking the rest of a large subtree.
  struct Entry {
    uint32_t id;    // smallest path id below (or the path itself)
    uint32_t node;  // kNone: `id` is a path to output
    bool operator>(const Entry& o) const { return id > o.id; }
  };
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> queue;
  queue.push({m.nodes[match.node].first, match.node});
  for (uint32_t n : match.more_nodes) queue.push({m.nodes[n].first, n});
  size_t emitted = 0;
  while (!queue.empty() && emitted < limit) {
    Entry e = queue.top();
    queue.pop();
    if (e.node == kNone) {
      out->push_back(e.id);
      ++emitted;
      continue;
    }
    const Impl::Node& n = m.nodes[e.node];
    if (n.count == 1) {
      out->push_back(n.first);
      ++emitted;
      continue;
    }
    if (n.terminal != kNone) queue.push({n.terminal, kNone});
    for (uint32_t c = n.child; c != kNone; c = m.nodes[c].sibling)
      queue.push({m.nodes[c].first, c});
  }
  return total;
}

size_t PathIndex::MemoryUsage() const {
  const Impl& m = *impl_;
  size_t bytes =
      m.chars.capacity() + m.offsets.capacity() * sizeof(uint32_t) + m.comp_chars.capacity() +
      m.comp_offsets.capacity() * sizeof(uint32_t) + m.comp_slots.capacity() * sizeof(uint64_t) +
      m.nodes.capacity() * sizeof(Impl::Node) + m.edges.capacity() * sizeof(Impl::Edge) +
      m.slots.capacity() * sizeof(Impl::Slot) + m.comp_hash.capacity() * sizeof(uint64_t);
  for (const auto& [key, ids] : m.folded) {
    bytes += key.capacity() + sizeof(key) + ids.capacity() * sizeof(uint32_t) + 48;
  }
  return bytes;
}

size_t PathIndex::PathBytes() const { return impl_->chars.size() - 1 - size(); }

}  // namespace srclink
