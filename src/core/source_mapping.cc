#include "core/source_mapping.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <exception>
#include <new>

#include "core/frame.h"
#include "core/frame_origin.h"
#include "core/frame_path.h"
#include "core/git_refs.h"

namespace srclink {

namespace {

constexpr std::string_view kGoroot = "$GOROOT";

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

bool EndsWithIgnoreCase(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && EqualsIgnoreCase(s.substr(s.size() - suffix.size()), suffix);
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string Quoted(std::string_view s) {
  constexpr size_t kMax = 80;
  std::string out = "\"";
  out.append(s.substr(0, kMax));
  if (s.size() > kMax) out += "…";
  out += '"';
  return out;
}

std::string JoinPath(std::string_view base, std::string_view rest) {
  if (base.empty()) return std::string(rest);
  if (rest.empty()) return std::string(base);
  std::string out(base);
  out += '/';
  out.append(rest);
  return out;
}

// A path inside a repository: '/' or '\' separated, "." dropped, ".." folded.
// False when it climbs above the root. Leading separators are dropped.
bool NormalizeRepositoryPath(std::string_view raw, std::string* out) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= raw.size(); ++i) {
    if (i < raw.size() && raw[i] != '/' && raw[i] != '\\') continue;
    std::string_view part = raw.substr(start, i - start);
    start = i + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (parts.empty()) return false;
      parts.pop_back();
      continue;
    }
    parts.push_back(part);
  }
  out->clear();
  for (std::string_view part : parts) {
    if (!out->empty()) *out += '/';
    out->append(part);
  }
  return true;
}

bool IsAbsolutePath(std::string_view s) {
  if (!s.empty() && (s[0] == '/' || s[0] == '\\')) return true;
  return s.size() >= 2 && s[1] == ':' &&
         ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z'));
}

// What a normalised frame path is rooted at: "/", "c:/", "../../" or "".
std::string PathRoot(const FramePath& fp) {
  std::string root;
  if (!fp.drive.empty()) root += fp.drive + ":";
  if (fp.absolute) root += '/';
  for (int i = 0; i < fp.up_levels; ++i) root += "../";
  return root;
}

// A function name or function prefix as '/'-separated components: dots read
// as '/', a JVM signature "(…)…" dropped.
std::string FunctionKey(std::string_view name) {
  name = Trim(name.substr(0, name.find('(')));
  std::string out;
  size_t start = 0;
  for (size_t i = 0; i <= name.size(); ++i) {
    if (i < name.size() && name[i] != '/' && name[i] != '.') continue;
    std::string_view part = name.substr(start, i - start);
    start = i + 1;
    if (part.empty()) continue;
    if (!out.empty()) out += '/';
    out.append(part);
  }
  return out;
}

// "org/example/App$Inner.method" or "org.example.App$Inner.method" →
// "org/example/App.java"; "" when the name has no class and method.
std::string JavaSourceFile(std::string_view function) {
  function = Trim(function.substr(0, function.find('(')));
  size_t dot = function.rfind('.');
  if (dot == std::string_view::npos) return "";
  std::string_view cls = function.substr(0, dot);
  cls = cls.substr(0, cls.find('$'));  // inner, anonymous and lambda classes
  std::string file = FunctionKey(cls);
  if (file.empty() || file.back() == '/') return "";
  return file + ".java";
}

// True when `file` (normalised) is Go standard library under
// /usr/local/go/src/: `rest` is then a std package path.
bool IsGoStdPath(std::string_view rest) {
  std::string file = "/usr/local/go/src/";
  file.append(rest);
  Frame frame;
  frame.file = file;
  FrameOrigin origin = ClassifyFrame(frame, NormalizeFramePath(file));
  return origin.kind == OriginKind::kRuntime && origin.ecosystem == "go";
}

// True when `dir` looks like a GOROOT: dir/src/fmt/print.go is the std library.
bool IsGorootDir(std::string_view dir) {
  std::string file(dir);
  if (!file.empty() && file.back() != '/') file += '/';
  file += "src/fmt/print.go";
  Frame frame;
  frame.file = file;
  FrameOrigin origin = ClassifyFrame(frame, NormalizeFramePath(file));
  return origin.kind == OriginKind::kRuntime && origin.ecosystem == "go";
}

// For a Go standard-library file, the GOROOT ("/usr/local/go"; "" for a
// -trimpath import path) and the path under GOROOT/src ("fmt/print.go").
bool SplitGoroot(std::string_view file, const FramePath& fp, std::string* goroot,
                 std::string* rest) {
  if (!EndsWithIgnoreCase(fp.path, ".go") && !EndsWithIgnoreCase(fp.path, ".s")) return false;
  Frame frame;
  frame.file = std::string(file);
  FrameOrigin origin = ClassifyFrame(frame, fp);
  if (origin.kind != OriginKind::kRuntime || origin.ecosystem != "go") return false;
  std::string root = PathRoot(fp);
  std::vector<std::string_view> parts = fp.Components();
  std::string dir = root;
  for (size_t i = 0; i + 2 < parts.size(); ++i) {
    if (EqualsIgnoreCase(parts[i], "src") && i > 0) {
      std::string_view tail =
          std::string_view(fp.path).substr(parts[i + 1].data() - fp.path.data());
      if (IsGoStdPath(tail) && IsGorootDir(dir)) {
        *goroot = dir;
        *rest = std::string(tail);
        return true;
      }
    }
    if (!dir.empty() && dir.back() != '/') dir += '/';
    dir.append(parts[i]);
  }
  if (root.empty() && IsGoStdPath(fp.path)) {  // -trimpath: "fmt/print.go"
    goroot->clear();
    *rest = fp.path;
    return true;
  }
  return false;
}

// ---- Bounding the input before yaml-cpp sees it ----

// Nesting depth, over-estimated: flow brackets still open (wherever they
// are) plus block indentation levels plus the "- " / "? " indicators and a
// "key:" starting a line. yaml-cpp's parser recurses once per level (its own
// guard stops at 2000); real files need fewer than 10.
Status CheckNesting(std::string_view text, const std::string& file_name) {
  std::vector<size_t> indents;
  int flow = 0;
  size_t line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    ++line_no;
    size_t indent = 0;
    while (indent < line.size() && line[indent] == ' ') ++indent;
    std::string_view body = line.substr(indent);
    int block = 0;
    if (!body.empty() && body[0] != '#' && body != "\r") {
      while (!indents.empty() && indents.back() > indent) indents.pop_back();
      if (indents.empty() || indents.back() < indent) indents.push_back(indent);
      block = static_cast<int>(indents.size());
      while (body.size() >= 1 && (body[0] == '-' || body[0] == '?' || body[0] == ':') &&
             (body.size() == 1 || body[1] == ' ' || body[1] == '\t' || body[1] == '\r')) {
        ++block;
        body.remove_prefix(1);
        while (!body.empty() && (body[0] == ' ' || body[0] == '\t')) body.remove_prefix(1);
      }
      if (body.find(':') != std::string_view::npos) ++block;
    }
    int deepest = flow;
    for (char c : line) {
      if (c == '[' || c == '{') {
        deepest = std::max(deepest, ++flow);
      } else if ((c == ']' || c == '}') && flow > 0) {
        --flow;
      }
    }
    if (block + deepest > kMaxSourceMappingNesting) {
      return Status::InvalidArgument(file_name + ":" + std::to_string(line_no) +
                                     ": nested deeper than " +
                                     std::to_string(kMaxSourceMappingNesting) +
                                     " levels of lists and maps (a source mapping needs about 6)");
    }
    if (end == text.size()) break;
    pos = end + 1;
  }
  return Status::Ok();
}

// ---- Reading the YAML tree ----

const char* TypeName(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return "nothing";
    case YAML::NodeType::Scalar:
      return "a string";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Undefined:
      break;
  }
  return "undefined";
}

// Reads one file's tree; every error names the file, and the mapping or the
// line it is about.
class Reader {
 public:
  explicit Reader(const std::string& file_name) : file_name_(file_name) {}

  Status At(const YAML::Node& node, const std::string& msg) const {
    YAML::Mark mark = node.Mark();
    if (mark.is_null()) return Status::InvalidArgument(file_name_ + ": " + msg);
    return Status::InvalidArgument(file_name_ + ":" + std::to_string(mark.line + 1) + ":" +
                                   std::to_string(mark.column + 1) + ": " + msg);
  }
  Status InMapping(size_t index, const std::string& msg) const {
    return Status::InvalidArgument(file_name_ + ": mapping " + std::to_string(index) + ": " + msg);
  }

  // A map's key as text; false for a key that is not a string.
  static bool Key(const YAML::Node& key, std::string* out) {
    if (!key.IsScalar()) return false;
    *out = key.Scalar();
    return true;
  }

  // A scalar's text ("" for null); false for a list or a map.
  static bool Text(const YAML::Node& node, std::string* out) {
    if (node.IsNull()) {
      out->clear();
      return true;
    }
    if (!node.IsScalar()) return false;
    *out = std::string(Trim(node.Scalar()));
    return true;
  }

 private:
  const std::string& file_name_;
};

struct RawPrefix {
  bool function;
  std::string text;
};

struct RawMapping {
  std::vector<RawPrefix> prefixes;
  std::string language;
  bool has_local = false, has_github = false;
  std::string local_path;
  std::string owner, repo, ref, github_path;
};

std::string KindName(bool function) { return function ? "function_name" : "path"; }

}  // namespace

std::string MappedSource::Dump() const {
  std::string out;
  if (kind == Kind::kLocal) {
    out = "local " + repository_path;
  } else {
    out = "github " + owner + "/" + repo + "@" + ref + " " + path;
  }
  return out + " by mapping " + std::to_string(mapping);
}

Result<SourceMappings> SourceMappings::Parse(std::string_view yaml, std::string_view config_dir) {
  SourceMappings out;
  std::string dir;
  if (!NormalizeRepositoryPath(config_dir, &dir)) {
    return Status::InvalidArgument("the directory of .pyroscope.yaml, " + Quoted(config_dir) +
                                   ", is outside the repository");
  }
  out.file_name_ = JoinPath(dir, ".pyroscope.yaml");
  const std::string& name = out.file_name_;

  if (yaml.size() > kMaxSourceMappingBytes) {
    return Status::InvalidArgument(name + ": " + std::to_string(yaml.size()) +
                                   " bytes is over the 1 MiB limit");
  }
  if (Status s = CheckNesting(yaml, name); !s.ok()) return s;

  Reader r(name);
  std::vector<RawMapping> raw;
  size_t prefix_count = 0;
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    if (root.IsNull()) return out;
    if (!root.IsMap()) {
      return r.At(root, std::string("expected a map with source_code, found ") + TypeName(root));
    }
    std::optional<YAML::Node> mappings;
    bool seen_version = false, seen_source_code = false;
    for (const auto& kv : root) {
      std::string key;
      if (!Reader::Key(kv.first, &key)) return r.At(kv.first, "a key must be a string");
      if (key == "version") {
        std::string version;
        if (seen_version) return r.At(kv.first, "version is given twice");
        seen_version = true;
        if (!Reader::Text(kv.second, &version) || version != "v1") {
          return r.At(kv.second, "version " + Quoted(version) + " is not supported (only v1)");
        }
      } else if (key == "source_code") {
        if (seen_source_code) return r.At(kv.first, "source_code is given twice");
        seen_source_code = true;
        if (kv.second.IsNull()) continue;
        if (!kv.second.IsMap()) {
          return r.At(kv.second, std::string("source_code must be a map with mappings, not ") +
                                     TypeName(kv.second));
        }
        for (const auto& sc : kv.second) {
          std::string sc_key;
          if (!Reader::Key(sc.first, &sc_key)) return r.At(sc.first, "a key must be a string");
          if (sc_key != "mappings") {
            return r.At(sc.first,
                        "unknown key " + Quoted(sc_key) + " in source_code (expected mappings)");
          }
          if (mappings) return r.At(sc.first, "mappings is given twice");
          mappings.emplace(sc.second);
        }
      } else {
        return r.At(kv.first, "unknown key " + Quoted(key) + " (expected version, source_code)");
      }
    }
    if (!mappings || mappings->IsNull()) return out;
    if (!mappings->IsSequence()) {
      return r.At(*mappings,
                  std::string("source_code.mappings must be a list, not ") + TypeName(*mappings));
    }

    size_t index = 0;
    for (const auto& node : *mappings) {
      ++index;
      if (index > kMaxSourceMappings) {
        return Status::InvalidArgument(name + ": more than " + std::to_string(kMaxSourceMappings) +
                                       " mappings");
      }
      if (!node.IsMap()) {
        return r.InMapping(index, std::string("must be a map with path or function_name, "
                                              "language and source, not ") +
                                      TypeName(node));
      }
      RawMapping m;
      bool seen[5] = {};
      for (const auto& kv : node) {
        std::string key;
        if (!Reader::Key(kv.first, &key)) return r.InMapping(index, "a key must be a string");
        static constexpr std::string_view kKeys[] = {"path", "function_name", "language", "source"};
        size_t k = std::find(std::begin(kKeys), std::end(kKeys), key) - std::begin(kKeys);
        if (k == std::size(kKeys)) {
          return r.InMapping(index, "unknown key " + Quoted(key) +
                                        " (expected path, function_name, language, source)");
        }
        if (seen[k]) return r.InMapping(index, key + " is given twice");
        seen[k] = true;
        const YAML::Node& value = kv.second;
        if (key == "path" || key == "function_name") {
          bool function = key == "function_name";
          if (value.IsNull()) continue;
          if (!value.IsSequence()) {
            return r.InMapping(
                index, key + " must be a list of prefixes (- prefix: a/b), not " + TypeName(value));
          }
          size_t item_no = 0;
          for (const auto& item : value) {
            ++item_no;
            if (++prefix_count > kMaxSourceMappingPrefixes) {
              return Status::InvalidArgument(
                  name + ": more than " + std::to_string(kMaxSourceMappingPrefixes) + " prefixes");
            }
            std::string where = key + " " + std::to_string(item_no);
            if (!item.IsMap()) {
              return r.InMapping(
                  index,
                  where + " must be a map with a prefix (- prefix: a/b), not " + TypeName(item));
            }
            std::optional<std::string> text;
            for (const auto& p : item) {
              std::string pkey;
              if (!Reader::Key(p.first, &pkey)) return r.InMapping(index, "a key must be a string");
              if (pkey != "prefix") {
                return r.InMapping(
                    index, "unknown key " + Quoted(pkey) + " in " + where + " (expected prefix)");
              }
              if (text) return r.InMapping(index, where + ": prefix is given twice");
              // "prefix: [a/b]", as some generators write it.
              const YAML::Node v =
                  p.second.IsSequence() && p.second.size() == 1 ? p.second[0] : p.second;
              std::string t;
              if (!Reader::Text(v, &t)) {
                return r.InMapping(index,
                                   where + ": prefix must be a string or a one-element list");
              }
              text = std::move(t);
            }
            if (!text) return r.InMapping(index, where + " has no prefix");
            if (text->empty()) return r.InMapping(index, where + ": prefix is empty");
            m.prefixes.push_back({function, std::move(*text)});
          }
        } else if (key == "language") {
          if (!Reader::Text(value, &m.language)) {
            return r.InMapping(index, std::string("language must be a word like go, java or "
                                                  "python, not ") +
                                          TypeName(value));
          }
          if (!m.language.empty() && m.language.find_first_of(" \t\r\n") != std::string::npos) {
            return r.InMapping(index, "language must be a word like go, java or python, not " +
                                          Quoted(m.language));
          }
        } else {  // source
          if (value.IsNull()) continue;
          if (!value.IsMap()) {
            return r.InMapping(index, std::string("source must be a map with local or github, "
                                                  "not ") +
                                          TypeName(value));
          }
          for (const auto& s : value) {
            std::string skey;
            if (!Reader::Key(s.first, &skey)) return r.InMapping(index, "a key must be a string");
            if (skey != "local" && skey != "github") {
              return r.InMapping(
                  index, "unknown key " + Quoted(skey) + " in source (expected local or github)");
            }
            bool github = skey == "github";
            if (github ? m.has_github : m.has_local) {
              return r.InMapping(index, "source." + skey + " is given twice");
            }
            (github ? m.has_github : m.has_local) = true;
            const YAML::Node& src = s.second;
            if (src.IsNull()) continue;
            if (!src.IsMap()) {
              return r.InMapping(index, "source." + skey + " must be a map, not " + TypeName(src));
            }
            bool seen_field[4] = {};
            for (const auto& f : src) {
              std::string fkey;
              static constexpr std::string_view kLocal[] = {"path"};
              static constexpr std::string_view kGithub[] = {"owner", "repo", "ref", "path"};
              if (!Reader::Key(f.first, &fkey)) {
                return r.InMapping(index, "a key must be a string");
              }
              size_t fi = 0;
              bool known;
              if (github) {
                fi = std::find(std::begin(kGithub), std::end(kGithub), fkey) - std::begin(kGithub);
                known = fi < std::size(kGithub);
              } else {
                known = fkey == kLocal[0];
              }
              if (!known) {
                return r.InMapping(index, "unknown key " + Quoted(fkey) + " in source." + skey +
                                              (github ? " (expected owner, repo, ref, path)"
                                                      : " (expected path)"));
              }
              if (seen_field[fi]) {
                return r.InMapping(index, "source." + skey + "." + fkey + " is given twice");
              }
              seen_field[fi] = true;
              std::string* dest = !github           ? &m.local_path
                                  : fkey == "owner" ? &m.owner
                                  : fkey == "repo"  ? &m.repo
                                  : fkey == "ref"   ? &m.ref
                                                    : &m.github_path;
              if (!Reader::Text(f.second, dest)) {
                return r.InMapping(index, "source." + skey + "." + fkey +
                                              " must be a string, not " + TypeName(f.second));
              }
            }
          }
        }
      }
      raw.push_back(std::move(m));
    }
  } catch (const YAML::Exception& e) {
    if (e.mark.is_null()) return Status::InvalidArgument(name + ": " + e.msg);
    return Status::InvalidArgument(name + ":" + std::to_string(e.mark.line + 1) + ":" +
                                   std::to_string(e.mark.column + 1) + ": " + e.msg);
  } catch (const std::bad_alloc&) {
    return Status::InvalidArgument(name + ": too large to read");
  } catch (const std::exception& e) {
    return Status::Internal(name + ": reading YAML failed: " + e.what());
  }

  // Validation: each mapping on its own, then prefixes across mappings.
  out.mappings_.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    const RawMapping& m = raw[i];
    size_t index = i + 1;
    if (m.language.empty()) return r.InMapping(index, "language is missing (go, java, python…)");
    if (m.prefixes.empty()) {
      return r.InMapping(index, "needs at least one path or function_name prefix");
    }
    if (m.has_local && m.has_github)
      return r.InMapping(index, "source must be local or github, not both");
    if (!m.has_local && !m.has_github) return r.InMapping(index, "source must be local or github");
    Mapping mapping;
    mapping.language = m.language;
    mapping.github = m.has_github;
    if (m.has_local) {
      if (IsAbsolutePath(m.local_path)) {
        return r.InMapping(index, "source.local.path " + Quoted(m.local_path) +
                                      " must be relative to the directory holding .pyroscope.yaml");
      }
      if (!NormalizeRepositoryPath(JoinPath(dir, m.local_path), &mapping.local_path)) {
        return r.InMapping(index,
                           "source.local.path " + Quoted(m.local_path) + " leaves the repository");
      }
    } else {
      const std::pair<const char*, const std::string*> names[] = {{"owner", &m.owner},
                                                                  {"repo", &m.repo}};
      for (const auto& [field, value] : names) {
        std::string what = std::string("source.github.") + field;
        if (value->empty()) return r.InMapping(index, what + " is missing");
        if (value->find_first_of("/\\ \t\r\n") != std::string::npos) {
          return r.InMapping(index, what + " " + Quoted(*value) + " is not a GitHub " +
                                        (field[0] == 'o' ? "owner" : "repository name"));
        }
      }
      if (m.ref.empty())
        return r.InMapping(index, "source.github.ref is missing (a branch, tag or commit)");
      if (!IsValidRefName(m.ref)) {
        return r.InMapping(
            index, "source.github.ref " + Quoted(m.ref) + " is not a valid branch, tag or commit");
      }
      if (!NormalizeRepositoryPath(m.github_path, &mapping.path)) {
        return r.InMapping(
            index, "source.github.path " + Quoted(m.github_path) + " leaves the repository");
      }
      mapping.owner = m.owner;
      mapping.repo = m.repo;
      mapping.ref = m.ref;
    }
    out.mappings_.push_back(std::move(mapping));

    for (const RawPrefix& p : m.prefixes) {
      std::string key;
      if (p.function) {
        key = FunctionKey(p.text);
      } else {
        FramePath fp = NormalizeFramePath(p.text);
        key = PathRoot(fp) + fp.path;
      }
      if (key.empty()) {
        return r.InMapping(
            index, KindName(p.function) + " prefix " + Quoted(p.text) + " names nothing to match");
      }
      auto& table = p.function ? out.function_prefixes_ : out.path_prefixes_;
      auto [it, inserted] = table.try_emplace(
          key, Prefix{p.function ? PrefixKind::kFunction : PrefixKind::kPath, i, p.text});
      if (!inserted && it->second.mapping != i) {
        return r.InMapping(index, KindName(p.function) + " prefix " + Quoted(p.text) +
                                      " is already in mapping " +
                                      std::to_string(it->second.mapping + 1));
      }
      if (!p.function && (key == kGoroot || key.starts_with("$GOROOT/"))) {
        out.has_goroot_prefix_ = true;
      }
    }
  }
  return out;
}

std::optional<MappedSource> SourceMappings::Map(std::string_view file,
                                                std::string_view function) const {
  const Prefix* best = nullptr;
  size_t best_len = 0;
  std::string best_rest;
  std::string best_goroot;
  bool best_is_goroot = false;

  auto consider = [&](const std::unordered_map<std::string, Prefix>& table, std::string_view key,
                      std::string_view rest, bool goroot) {
    if (best != nullptr && key.size() <= best_len) return false;
    auto it = table.find(std::string(key));
    if (it == table.end()) return false;
    best = &it->second;
    best_len = key.size();
    best_rest = std::string(rest);
    best_is_goroot = goroot;
    return true;
  };
  // Every component-boundary prefix of root + path, longest last.
  auto scan_path = [&](std::string_view root, std::string_view path, bool goroot) {
    std::string key(root);
    if (!key.empty()) consider(path_prefixes_, key, path, goroot);
    for (size_t k = 0; k <= path.size(); ++k) {
      if (k < path.size() && path[k] != '/') continue;
      key.assign(root);
      key.append(path.substr(0, k));
      consider(path_prefixes_, key, k < path.size() ? path.substr(k + 1) : "", goroot);
    }
  };

  if (!path_prefixes_.empty() && !file.empty()) {
    FramePath fp = NormalizeFramePath(file);
    if (!fp.path.empty() || fp.absolute) scan_path(PathRoot(fp), fp.path, false);
    std::string goroot, rest;
    if (has_goroot_prefix_ && SplitGoroot(file, fp, &goroot, &rest)) {
      std::string virtual_path = "src/" + rest;
      const Prefix* before = best;
      // "$GOROOT/src/fmt/print.go": the root "$GOROOT" is a component.
      std::string full = std::string(kGoroot) + "/" + virtual_path;
      scan_path("", full, true);
      if (best != before) best_goroot = goroot;
    }
  }

  std::string java_file;
  if (!function_prefixes_.empty() && !function.empty()) {
    std::string key = FunctionKey(function);
    for (size_t k = 1; k <= key.size(); ++k) {
      if (k < key.size() && key[k] != '/' && key[k] != '$') continue;
      std::string_view candidate = std::string_view(key).substr(0, k);
      if (best != nullptr && candidate.size() <= best_len) continue;
      auto it = function_prefixes_.find(std::string(candidate));
      if (it == function_prefixes_.end()) continue;
      if (!EqualsIgnoreCase(mappings_[it->second.mapping].language, "java")) continue;
      if (java_file.empty()) java_file = JavaSourceFile(function);
      if (java_file.empty()) break;
      best = &it->second;
      best_len = candidate.size();
      best_rest = java_file;
      best_is_goroot = false;
    }
  }

  if (best == nullptr) return std::nullopt;
  const Mapping& m = mappings_[best->mapping];
  MappedSource out;
  out.mapping = static_cast<int>(best->mapping) + 1;
  if (m.github) {
    out.kind = MappedSource::Kind::kGithub;
    out.owner = m.owner;
    out.repo = m.repo;
    out.ref = m.ref;
    out.path = JoinPath(m.path, best_rest);
  } else {
    out.kind = MappedSource::Kind::kLocal;
    out.repository_path = JoinPath(m.local_path, best_rest);
  }
  out.rule = "the " + file_name_ + " mapping for " +
             (best->kind == PrefixKind::kPath ? "path prefix " : "function name prefix ") +
             best->raw;
  if (best_is_goroot && !best_goroot.empty()) out.rule += " (GOROOT " + best_goroot + ")";
  return out;
}

}  // namespace srclink
