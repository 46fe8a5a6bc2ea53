#include "core/resolver.h"

#include <algorithm>
#include <utility>

#include "core/frame_path.h"

namespace srclink {

namespace {

constexpr size_t kMaxLearntPrefixes = 256;

std::string JoinComponents(std::span<const std::string_view> comps) {
  std::string out;
  for (std::string_view c : comps) {
    if (!out.empty()) out += '/';
    out.append(c);
  }
  return out;
}

std::string JoinPath(std::string_view dir, std::string_view rest) {
  if (dir.empty()) return std::string(rest);
  if (rest.empty()) return std::string(dir);
  return std::string(dir) + "/" + std::string(rest);
}

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

// Whether `comps` starts with `prefix`, component by component.
bool StartsWithComponents(std::span<const std::string_view> comps,
                          std::span<const std::string_view> prefix, bool fold) {
  if (prefix.size() > comps.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (fold ? !EqualsIgnoreCase(comps[i], prefix[i]) : comps[i] != prefix[i]) return false;
  }
  return true;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool IsJvmSource(std::string_view file) {
  return EndsWith(file, ".java") || EndsWith(file, ".kt") || EndsWith(file, ".kts") ||
         EndsWith(file, ".scala") || EndsWith(file, ".groovy") || EndsWith(file, ".clj");
}

bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }

// "com.example.Foo$Inner" → {"com", "example"} and "Foo".
bool SplitJvmClass(std::string_view cls, std::vector<std::string_view>* package,
                   std::string_view* simple) {
  if (size_t slash = cls.find('/'); slash != std::string_view::npos)
    cls = cls.substr(slash + 1);  // java.base/…
  size_t dollar = cls.find('$');
  if (dollar != std::string_view::npos) cls = cls.substr(0, dollar);
  size_t dot = cls.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 >= cls.size()) return false;
  *simple = cls.substr(dot + 1);
  std::string_view pkg = cls.substr(0, dot);
  size_t start = 0;
  while (start <= pkg.size()) {
    size_t end = pkg.find('.', start);
    if (end == std::string_view::npos) end = pkg.size();
    if (end == start) return false;
    package->push_back(pkg.substr(start, end - start));
    start = end + 1;
  }
  return true;
}

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

// What a JVM writes where it has no file name.
bool IsJvmPlaceholder(std::string_view file) {
  while (!file.empty() && (file.front() == ' ' || file.front() == '\t')) file.remove_prefix(1);
  while (!file.empty() && (file.back() == ' ' || file.back() == '\t')) file.remove_suffix(1);
  return file == "Unknown Source" || file == "Native Method" || file == "<unknown>" ||
         file == "Unknown";
}

// "v2", "v10": a Go major-version suffix (there is no "/v1" nor "/v0").
bool IsMajorVersion(std::string_view c) {
  return c.size() >= 2 && c[0] == 'v' && c[1] != '0' && c != "v1" &&
         std::all_of(c.begin() + 1, c.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

// Whether `comps` holds `name` as a component (case-folded for Windows).
bool HasComponent(std::span<const std::string_view> comps, std::string_view name, bool fold) {
  for (std::string_view c : comps) {
    if (fold ? EqualsIgnoreCase(c, name) : c == name) return true;
  }
  return false;
}

// The origin a tracked repository path would have as a frame's file:
// vendor/…, third_party/…, a checked-in node_modules or venv are not the
// repository's own code.
FrameOrigin OriginOfTrackedPath(std::string_view repo_path) {
  Frame f;
  f.file = std::string(repo_path);
  return ClassifyFrame(f, NormalizeFramePath(repo_path));
}

// How a frame's path is rooted, as text that starts learnt keys and mapping
// roots, so that prefixes of different kinds never mix: "/" for absolute
// paths, "C:/" with a drive, "webpack:///" for URL forms (file: URLs are
// plain absolute paths), "" for relative paths, "../../" for paths above the
// working directory.
std::string RootKey(const FramePath& fp) {
  if (!fp.scheme.empty() && fp.scheme != "file") return fp.scheme + ":///";
  if (!fp.drive.empty()) return std::string(1, static_cast<char>(fp.drive[0] - 'a' + 'A')) + ":/";
  if (fp.absolute) return "/";
  std::string up;
  for (int i = 0; i < fp.up_levels; ++i) up += "../";
  return up;
}

// A learnt key as explanations show it.
std::string DescribeKey(const std::string& key) { return key.empty() ? "relative paths" : key; }

}  // namespace

// ------------------------------------------------------------------ names

std::string_view ResolutionStatusName(ResolutionStatus status) {
  switch (status) {
    case ResolutionStatus::kResolved:
      return "resolved";
    case ResolutionStatus::kAmbiguous:
      return "ambiguous";
    case ResolutionStatus::kUnknown:
      return "unknown";
  }
  return "unknown";
}

std::string Resolution::Dump() const {
  std::string out(ResolutionStatusName(status));
  if (status == ResolutionStatus::kResolved) out += " " + path;
  if (status == ResolutionStatus::kAmbiguous) {
    out += " " + std::to_string(candidate_count) + " [";
    for (size_t i = 0; i < candidates.size(); ++i) out += (i ? " " : "") + candidates[i];
    out += "]";
  }
  out += " rule=" + rule;
  if (user_code) out += " user";
  return out;
}

Result<CodeMapping> CodeMapping::Parse(std::string_view spec) {
  size_t eq = spec.find('=');
  if (eq == std::string_view::npos) {
    return Status::InvalidArgument("code mapping " + Quote(spec) +
                                   " has no '=': write STACK=SOURCE, e.g. /app=services/api");
  }
  CodeMapping m{std::string(spec.substr(0, eq)), std::string(spec.substr(eq + 1))};
  if (m.stack_root.empty()) {
    return Status::InvalidArgument(
        "code mapping " + Quote(spec) +
        " has an empty stack root: write STACK=SOURCE, e.g. /app=services/api");
  }
  FramePath source = NormalizeFramePath(m.source_root);
  if (source.up_levels > 0) {
    return Status::InvalidArgument("code mapping " + Quote(spec) + ": the source root " +
                                   Quote(m.source_root) +
                                   " leaves the repository; give a directory inside it");
  }
  m.source_root = source.path;
  return m;
}

// ------------------------------------------------------------------ Resolver

struct Resolver::Prepared {
  FramePath fp;
  std::vector<std::string_view> comps;  // of fp.path
  FrameOrigin origin;
  PathIndex::Match match;  // suffix match of comps
  bool matched = false;    // `match` was computed
};

namespace {

// Where the repository's id (split into components) last stands in `comps`,
// followed by at least one component: the index after it, or npos.
size_t AfterRepositoryId(std::span<const std::string_view> comps,
                         std::span<const std::string_view> id) {
  if (id.size() < 2 || comps.size() <= id.size()) return std::string_view::npos;
  for (size_t start = comps.size() - id.size(); start-- > 0;) {
    if (StartsWithComponents(comps.subspan(start), id, /*fold=*/true)) return start + id.size();
  }
  return std::string_view::npos;
}

// Whether Go module `module` is the repository `id` or one of its nested
// modules; sets `*sub` to the module's directory ("" or "tools/v2").
bool IsOwnGoModule(std::string_view module, std::string_view id, std::string* sub) {
  if (id.empty() || module.size() < id.size() ||
      !EqualsIgnoreCase(module.substr(0, id.size()), id)) {
    return false;
  }
  if (module.size() > id.size() && module[id.size()] != '/') return false;  // shop vs shopping
  *sub = std::string(module.substr(id.size()));
  while (!sub->empty() && (*sub)[0] == '/') sub->erase(0, 1);
  return true;
}

// The name a package's directory usually has: "requests", "ui" for
// "@acme/ui", "y" for "github.com/x/y", "commons-lang3" for
// "org.apache.commons:commons-lang3".
std::string_view PackageDirName(std::string_view package) {
  size_t cut = package.find_last_of("/:");
  return cut == std::string_view::npos ? package : package.substr(cut + 1);
}

}  // namespace

Resolver::Resolver(const PathIndex& index, ResolveOptions options)
    : index_(index), options_(std::move(options)) {
  // Stack roots are kept as RootKey + path ("/app", "C:/build", "webpack:///"):
  // a mapping applies only to frames rooted the same way.
  for (const CodeMapping& m : options_.mappings) {
    FramePath stack = NormalizeFramePath(m.stack_root);
    Mapping mapping{
        RootKey(stack) + stack.path, RootKey(stack), {}, NormalizeFramePath(m.source_root).path};
    std::vector<std::string_view> prefix;
    SplitComponents(stack.path, &prefix);
    mapping.prefix.assign(prefix.begin(), prefix.end());
    mappings_.push_back(std::move(mapping));
  }
  std::stable_sort(mappings_.begin(), mappings_.end(), [](const Mapping& a, const Mapping& b) {
    return a.prefix.size() > b.prefix.size();
  });
  root_ = NormalizeFramePath(options_.root_path).path;
  SplitComponents(options_.repository_id, &repository_id_parts_);
}

PathId Resolver::FindPath(std::string_view path, bool windows) const {
  return index_.Find(path, windows ? PathIndex::Case::kInsensitive : PathIndex::Case::kSensitive);
}

void Resolver::Prepare(const Frame& frame, FramePathScratch* scratch, Prepared* p) const {
  NormalizeFramePath(frame.file, scratch, &p->fp);
  p->origin = ClassifyFrame(frame, p->fp);
  // "Unknown Source", "Native Method": a JVM frame without a file name.
  if (IsJvmPlaceholder(frame.file)) p->fp = FramePath();
  p->comps.clear();
  // One allocation for the components rather than a vector growing by doubling.
  p->comps.reserve(static_cast<size_t>(std::count(p->fp.path.begin(), p->fp.path.end(), '/')) + 1);
  SplitComponents(p->fp.path, &p->comps);
  p->matched = false;
}

Resolution Resolver::Resolve(const Frame& frame) {
  Prepared p;
  Prepare(frame, &scratch_, &p);
  return Decide(frame, p);
}

std::vector<Resolution> Resolver::ResolveBatch(std::span<const Frame> frames) {
  std::vector<Prepared> prepared(frames.size());
  std::vector<std::span<const std::string_view>> queries;
  std::vector<size_t> which;
  queries.reserve(frames.size());
  which.reserve(frames.size());
  for (size_t i = 0; i < frames.size(); ++i) {
    Prepare(frames[i], &scratch_, &prepared[i]);
    if (prepared[i].origin.kind == OriginKind::kUser && !prepared[i].fp.windows &&
        !prepared[i].comps.empty()) {
      queries.emplace_back(prepared[i].comps);
      which.push_back(i);
    }
  }
  std::vector<PathIndex::Match> matches(queries.size());
  index_.LookupBatch(queries, matches.data());
  for (size_t q = 0; q < which.size(); ++q) {
    prepared[which[q]].match = std::move(matches[q]);
    prepared[which[q]].matched = true;
  }
  std::vector<Resolution> out;
  out.reserve(frames.size());
  for (size_t i = 0; i < frames.size(); ++i) out.push_back(Decide(frames[i], prepared[i]));
  return out;
}

Resolution Resolver::Decide(const Frame& frame, Prepared& p) {
  // Runtime pseudo-files ("<anonymous>", "<frozen …>") have no path but are
  // still the runtime's: classify before giving up on the file.
  const bool no_file = p.comps.empty() && frame.module.empty();
  if (p.origin.kind == OriginKind::kUser && !no_file) return ResolveUser(frame, p);
  Resolution r;
  r.origin = p.origin;
  if (no_file && p.origin.kind == OriginKind::kUser) {
    r.rule = "no-file";
    r.explanation = frame.file.empty() ? "the frame has no file name"
                                       : "the frame's file " + Quote(frame.file) + " is not a path";
    return r;
  }
  const bool fold = p.fp.windows;
  const PathIndex::Case mode = fold ? PathIndex::Case::kInsensitive : PathIndex::Case::kSensitive;
  switch (p.origin.kind) {
    case OriginKind::kRuntime:
      r.rule = "runtime";
      r.explanation = p.origin.reason +
                      "; runtime and standard library frames are not linked to the repository";
      return r;
    case OriginKind::kDependency: {
      if (p.origin.vendored) {
        // A vendored copy resolves as itself when the repository tracks it,
        // in a vendored tree too; otherwise it is someone else's code.
        PathIndex::Match m = index_.Lookup(p.comps, mode);
        std::vector<std::string_view> pkg;
        SplitComponents(p.origin.package_path, &pkg);
        PathId id = kNoPath;
        if (m.matched >= std::max<size_t>(pkg.size() + 1, 2)) {
          if (m.count == 1) {
            id = m.unique;
          } else if (m.count > 1 && !root_.empty()) {
            std::span<const std::string_view> tail(p.comps);
            id = FindPath(JoinPath(root_, JoinComponents(tail.subspan(tail.size() - m.matched))),
                          fold);
          }
        }
        if (id != kNoPath) {
          FrameOrigin tracked = OriginOfTrackedPath(index_.path(id));
          if (tracked.kind == OriginKind::kDependency && tracked.vendored) {
            r.status = ResolutionStatus::kResolved;
            r.path = std::string(index_.path(id));
            r.rule = "vendored";
            r.explanation = p.origin.reason + "; the repository tracks this copy";
            return r;
          }
        }
        r.rule = "third-party";
        r.explanation = p.origin.reason + "; the repository does not track this copy";
        return r;
      }
      // An installed package that is the repository's own.
      PathId own = kNoPath;
      if (p.origin.ecosystem == "go") {
        // Go names the module: it is ours only under the repository's id.
        std::string sub;
        if (IsOwnGoModule(p.origin.package, options_.repository_id, &sub)) {
          own = FindPath(JoinPath(sub, p.origin.package_path), fold);
          std::vector<std::string_view> dirs;
          SplitComponents(sub, &dirs);
          if (own == kNoPath && !dirs.empty() && IsMajorVersion(dirs.back())) {
            dirs.pop_back();  // github.com/org/repo/v2 lives in the repository root
            own = FindPath(JoinPath(JoinComponents(dirs), p.origin.package_path), fold);
          }
        }
      } else if (!p.origin.package_path.empty()) {
        // Other ecosystems: the package's files as a suffix of one tracked
        // path, which names the package's directory and is user code.
        std::vector<std::string_view> pkg;
        SplitComponents(p.origin.package_path, &pkg);
        PathIndex::Match m = index_.Lookup(pkg, mode);
        if (m.matched == pkg.size()) {
          if (m.count == 1) {
            own = m.unique;
          } else if (!root_.empty()) {
            own = FindPath(JoinPath(root_, p.origin.package_path), fold);
          }
        }
        if (own != kNoPath) {
          std::string_view name = PackageDirName(p.origin.package);
          std::vector<std::string_view> repo;
          SplitComponents(index_.path(own), &repo);
          bool named = HasComponent(std::span(pkg).first(pkg.size() - 1), name, fold) ||
                       HasComponent(std::span(repo).first(repo.size() - 1), name, fold);
          if (!named || OriginOfTrackedPath(index_.path(own)).kind != OriginKind::kUser) {
            own = kNoPath;
          }
        }
      }
      if (own != kNoPath) {
        r.status = ResolutionStatus::kResolved;
        r.path = std::string(index_.path(own));
        r.rule = "installed-package";
        r.user_code = true;
        r.explanation = p.origin.reason + "; the package is this repository's own (" + r.path + ")";
        return r;
      }
      r.rule = "third-party";
      r.explanation = p.origin.reason + "; not part of this repository";
      return r;
    }
    case OriginKind::kUser:
      break;
  }
  return ResolveUser(frame, p);
}

bool Resolver::TryMappings(const Prepared& p, Resolution* out) const {
  if (p.comps.empty()) return false;
  const bool fold = p.fp.windows;
  const std::string root_key = RootKey(p.fp);
  for (const Mapping& m : mappings_) {
    if (m.root_key != root_key) continue;  // "/app" never maps "app/x" or "webpack:///app/x"
    const std::vector<std::string>& prefix = m.prefix;
    if (prefix.size() >= p.comps.size()) continue;
    bool applies = true;
    for (size_t i = 0; i < prefix.size() && applies; ++i) {
      applies = fold ? EqualsIgnoreCase(p.comps[i], prefix[i]) : p.comps[i] == prefix[i];
    }
    if (!applies) continue;
    std::string candidate =
        JoinPath(m.source_root, JoinComponents(std::span(p.comps).subspan(prefix.size())));
    PathId id = FindPath(candidate, fold);
    if (id == kNoPath) {
      // The operator's mapping is authoritative: the most specific one that
      // applies decides, even when it finds nothing.
      out->status = ResolutionStatus::kUnknown;
      out->rule = "not-found";
      out->explanation = "the code mapping " + m.shown + " → " +
                         (m.source_root.empty() ? "(repository root)" : m.source_root) + " gives " +
                         candidate + ", which is not tracked at this commit; check the mapping";
      return true;
    }
    out->status = ResolutionStatus::kResolved;
    out->path = std::string(index_.path(id));
    out->rule = "mapping";
    out->explanation = "the code mapping " + m.shown + " → " +
                       (m.source_root.empty() ? "(repository root)" : m.source_root) + " gives " +
                       out->path;
    return true;
  }
  return false;
}

bool Resolver::TryModulePath(const Prepared& p, Resolution* out) const {
  if (options_.repository_id.empty()) return false;
  size_t after = AfterRepositoryId(p.comps, repository_id_parts_);
  if (after == std::string_view::npos) return false;
  std::span<const std::string_view> tail = std::span(p.comps).subspan(after);
  PathId found = FindPath(JoinComponents(tail), p.fp.windows);
  // A major-version suffix: github.com/org/repo/v2/pkg/x.go.
  if (found == kNoPath && tail.size() > 1 && IsMajorVersion(tail[0])) {
    found = FindPath(JoinComponents(tail.subspan(1)), p.fp.windows);
  }
  if (found == kNoPath) return false;
  out->status = ResolutionStatus::kResolved;
  out->path = std::string(index_.path(found));
  out->rule = "module-path";
  out->explanation =
      "the path names the repository " + options_.repository_id + "; the rest is " + out->path;
  return true;
}

bool Resolver::TryModuleName(const Frame& frame, const Prepared& p, Resolution* out) const {
  if (frame.module.empty()) return false;
  std::string_view file = p.comps.empty() ? std::string_view() : p.comps.back();
  std::vector<std::string> tries;
  std::string rule;
  std::vector<std::string_view> package;
  std::string_view simple;
  bool jvm = IsJvmSource(file) || frame.module.find('$') != std::string::npos ||
             (file.empty() && SplitJvmClass(frame.module, &package, &simple) && !simple.empty() &&
              IsUpper(simple[0]));
  package.clear();
  if (jvm) {
    if (!SplitJvmClass(frame.module, &package, &simple)) return false;
    std::string dir = JoinComponents(package);
    rule = "jvm-class";
    if (!file.empty() && p.comps.size() == 1) {
      tries.push_back(JoinPath(dir, file));
    } else if (file.empty()) {
      for (const char* ext : {".java", ".kt", ".scala", ".groovy"}) {
        tries.push_back(JoinPath(dir, std::string(simple) + ext));
      }
      // Kotlin top-level functions: Utils.kt compiles to the class UtilsKt.
      if (simple.size() > 2 && EndsWith(simple, "Kt")) {
        tries.push_back(JoinPath(dir, std::string(simple.substr(0, simple.size() - 2)) + ".kt"));
      }
    } else {
      return false;  // a real path: the suffix rule decides
    }
  } else if (p.comps.empty() || EndsWith(file, ".py")) {
    std::string dir;
    for (char c : frame.module) dir.push_back(c == '.' ? '/' : c);
    rule = "python-module";
    if (p.comps.empty()) {
      tries.push_back(dir + ".py");
      tries.push_back(dir + "/__init__.py");
    } else {
      // The file's path ends with the module's, so the module adds only the
      // directories the path lacks ("views.py" in module app.views); a
      // module that disagrees with the path ("__main__", a logger's bare
      // "views") is ignored.
      std::string full = file == "__init__.py" ? dir + "/__init__.py" : dir + ".py";
      std::vector<std::string_view> comps;
      SplitComponents(full, &comps);
      if (comps.size() <= p.comps.size()) return false;
      std::span<const std::string_view> end =
          std::span(comps).subspan(comps.size() - p.comps.size());
      for (size_t i = 0; i < end.size(); ++i) {
        if (p.fp.windows ? !EqualsIgnoreCase(end[i], p.comps[i]) : end[i] != p.comps[i]) {
          return false;
        }
      }
      tries.push_back(full);
    }
  } else {
    return false;
  }
  const bool fold = p.fp.windows;
  for (const std::string& t : tries) {
    std::vector<std::string_view> comps;
    SplitComponents(t, &comps);
    PathIndex::Match m =
        index_.Lookup(comps, fold ? PathIndex::Case::kInsensitive : PathIndex::Case::kSensitive);
    if (m.matched < comps.size() || m.count == 0) continue;
    if (m.count == 1) {
      out->status = ResolutionStatus::kResolved;
      out->path = std::string(index_.path(m.unique));
      out->rule = rule;
      out->explanation = (jvm ? "the class " : "the module ") + frame.module +
                         (jvm ? " is in " : " is ") + t + ", tracked as " + out->path;
      return true;
    }
    if (Disambiguate(p, m, comps, out)) return true;
    Ambiguous(m, comps, out);
    return true;
  }
  // Java requires a public class's file to sit in its package's directory:
  // a Foo.java elsewhere is another class, never this one. (Kotlin, Scala
  // and Groovy files may sit anywhere: the suffix rule decides.)
  if (jvm && EndsWith(file, ".java")) {
    out->rule = "not-found";
    out->explanation = "the class " + frame.module + " is in " + tries.front() +
                       ", and no tracked file ends with that; is the commit right?";
    return true;
  }
  return false;
}

bool Resolver::Disambiguate(const Prepared& p, const PathIndex::Match& match,
                            std::span<const std::string_view> comps, Resolution* out) const {
  const bool fold = p.fp.windows;
  std::span<const std::string_view> suffix = comps.subspan(comps.size() - match.matched);
  std::string tail = JoinComponents(suffix);
  if (!root_.empty()) {
    PathId id = FindPath(JoinPath(root_, tail), fold);
    if (id != kNoPath) {
      out->status = ResolutionStatus::kResolved;
      out->path = std::string(index_.path(id));
      out->rule = "root";
      out->explanation = std::to_string(match.count) + " tracked files end with " + tail +
                         "; the service root " + root_ + " selects " + out->path;
      return true;
    }
  }
  // Learnt prefixes, longest first: the frame's own prefix must be one.
  const std::string root_key = RootKey(p.fp);
  for (size_t len = p.comps.size(); len-- > 0;) {
    auto it = learnt_.find(root_key + JoinComponents(std::span(p.comps).first(len)));
    if (it == learnt_.end()) continue;
    // The winning repository prefix: strictly the most votes.
    const std::string* best = nullptr;
    uint32_t votes = 0;
    bool tie = false;
    for (const auto& [prefix, n] : it->second) {
      if (n > votes) {
        best = &prefix;
        votes = n;
        tie = false;
      } else if (n == votes) {
        tie = true;
      }
    }
    if (best == nullptr || tie) continue;
    PathId id = FindPath(JoinPath(*best, JoinComponents(std::span(p.comps).subspan(len))), fold);
    if (id == kNoPath) continue;
    out->status = ResolutionStatus::kResolved;
    out->path = std::string(index_.path(id));
    out->rule = "learnt";
    out->explanation = std::to_string(match.count) + " tracked files end with " + tail +
                       "; other frames of this service map " + DescribeKey(it->first) + " to " +
                       (best->empty() ? "the repository root" : *best) + " (" +
                       std::to_string(votes) + (votes == 1 ? " frame)" : " frames)");
    return true;
  }
  return false;
}

void Resolver::Ambiguous(const PathIndex::Match& match, std::span<const std::string_view> comps,
                         Resolution* out) const {
  // The first candidates in the order the paths were added: alphabetical
  // for git's file lists, which come sorted.
  std::vector<PathId> ids;
  out->candidate_count = index_.Candidates(match, options_.max_candidates, &ids);
  for (PathId id : ids) out->candidates.emplace_back(index_.path(id));
  std::sort(out->candidates.begin(), out->candidates.end());
  out->status = ResolutionStatus::kAmbiguous;
  out->rule = "ambiguous";
  std::string tail = JoinComponents(comps.subspan(comps.size() - match.matched));
  out->explanation = std::to_string(out->candidate_count) + " tracked files end with " + tail +
                     "; set the service root (--root, tag service_root_path) or a code mapping "
                     "(--map STACK=SOURCE) to choose";
}

void Resolver::Learn(const Prepared& p, std::string_view repo_path, uint32_t matched) {
  if (!options_.learn || matched == 0 || matched > p.comps.size()) return;
  // The repository prefix: repo_path (normalised: no empty components)
  // without its last `matched` components.
  size_t cut = repo_path.size();
  for (uint32_t i = 0; i < matched; ++i) {
    if (cut == 0) return;  // fewer components than matched
    size_t slash = repo_path.rfind('/', cut - 1);
    cut = slash == std::string_view::npos ? 0 : slash;
  }
  std::string_view repo_prefix = repo_path.substr(0, cut);
  std::string& key = learn_key_;
  key = RootKey(p.fp);
  for (size_t i = 0; i + matched < p.comps.size(); ++i) {
    if (i > 0) key += '/';
    key.append(p.comps[i]);
  }
  auto it = learnt_.find(key);
  if (it == learnt_.end()) {
    if (learnt_.size() >= kMaxLearntPrefixes) return;
    it = learnt_.emplace(key, std::map<std::string, uint32_t, std::less<>>()).first;
  }
  auto votes = it->second.find(repo_prefix);
  if (votes != it->second.end()) {
    ++votes->second;
  } else if (it->second.size() < 16) {
    it->second.emplace(repo_prefix, 1);
  }
}

Resolution Resolver::ResolveUser(const Frame& frame, Prepared& p) {
  Resolution r;
  r.origin = std::move(p.origin);  // the rules below read p's path, never its origin
  r.user_code = true;
  const bool fold = p.fp.windows;

  if (!mappings_.empty() && TryMappings(p, &r)) return r;
  if (TryModulePath(p, &r)) return r;
  if (TryModuleName(frame, p, &r)) return r;
  if (p.comps.empty()) {
    r.rule = "not-found";
    r.explanation = "no tracked file matches the module " + frame.module;
    return r;
  }
  if (!p.matched) {
    p.match =
        index_.Lookup(p.comps, fold ? PathIndex::Case::kInsensitive : PathIndex::Case::kSensitive);
    p.matched = true;
  }
  const PathIndex::Match& m = p.match;
  if (m.count == 0) {
    r.rule = "not-found";
    r.explanation = "no tracked file ends with " + std::string(p.comps.back()) +
                    "; is the commit right, and was the file generated at build time?";
    return r;
  }
  // A path naming the repository (github.com/org/repo/pkg/x.go) says where
  // the file is; when that is not tracked, only a file ending with all of it
  // (a module living in a subdirectory) may stand in.
  if (size_t after = AfterRepositoryId(p.comps, repository_id_parts_);
      after != std::string_view::npos) {
    std::span<const std::string_view> tail = std::span(p.comps).subspan(after);
    if (tail.size() > 1 && IsMajorVersion(tail[0])) tail = tail.subspan(1);
    if (m.matched < tail.size()) {
      r.rule = "not-found";
      r.explanation = "the path names the repository " + options_.repository_id +
                      ", but no tracked file ends with " + JoinComponents(tail) +
                      "; is the commit right?";
      return r;
    }
  }
  if (m.count == 1) {
    r.status = ResolutionStatus::kResolved;
    r.path = std::string(index_.path(m.unique));
    bool whole = m.matched == p.comps.size() && !p.fp.absolute && p.fp.up_levels == 0 &&
                 std::count(r.path.begin(), r.path.end(), '/') + 1 == static_cast<long>(m.matched);
    r.rule = whole ? "exact" : "suffix";
    if (whole) {
      r.explanation = "the path is a tracked file";
    } else {
      std::string& e = r.explanation;
      e.reserve(64);
      e.append("the last ").append(std::to_string(m.matched)).append(" of ");
      e.append(std::to_string(p.comps.size())).append(" path components match one tracked file");
    }
    Learn(p, r.path, m.matched);
    return r;
  }
  // Several files share the longest suffix: the service root or learnt
  // mappings decide, else a relative path that is itself a tracked file.
  if (Disambiguate(p, m, p.comps, &r)) return r;
  if (!p.fp.absolute && p.fp.up_levels == 0 && m.matched == p.comps.size()) {
    PathId id = FindPath(p.fp.path, fold);
    if (id != kNoPath) {
      r.status = ResolutionStatus::kResolved;
      r.path = std::string(index_.path(id));
      r.rule = "exact";
      size_t others = m.count - 1;
      r.explanation = "the path is a tracked file (" + std::to_string(others) +
                      (others == 1 ? " other tracked file ends the same way)"
                                   : " other tracked files end the same way)");
      return r;
    }
  }
  Ambiguous(m, p.comps, &r);
  return r;
}

}  // namespace srclink
