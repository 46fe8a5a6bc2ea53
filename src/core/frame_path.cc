#include "core/frame_path.h"

#include "core/percent_encoding.h"

namespace srclink {

namespace {

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool IsSchemeChar(char c) {
  return IsAlpha(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
}

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// "<anonymous>", "<eval>", "<unknown>": a placeholder, not a file.
bool IsPlaceholder(std::string_view s) {
  return s.size() >= 2 && s.front() == '<' && s.back() == '>' &&
         s.find_first_of("/\\") == std::string_view::npos;
}

bool IsPrefixIgnoreCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (Lower(s[i]) != prefix[i]) return false;
  }
  return true;
}

// Length of "scheme" when `s` starts with "scheme://" (or "scheme:" for the
// few schemes written without slashes), else 0.
size_t SchemeLength(std::string_view s, bool* has_slashes) {
  if (s.empty() || !IsAlpha(s[0])) return 0;
  size_t i = 1;
  while (i < s.size() && IsSchemeChar(s[i])) ++i;
  if (i >= s.size() || s[i] != ':') return 0;
  if (i == 1) return 0;  // "C:" is a drive letter, not a scheme
  if (s.substr(i).starts_with("://")) {
    *has_slashes = true;
    return i;
  }
  *has_slashes = false;
  if (IsPrefixIgnoreCase(s, "node:") || IsPrefixIgnoreCase(s, "file:")) {
    return i;  // node:internal/x, file:C:/x
  }
  return 0;
}

bool HasDriveLetter(std::string_view s) {
  return s.size() >= 2 && IsAlpha(s[0]) && s[1] == ':' &&
         (s.size() == 2 || s[2] == '/' || s[2] == '\\');
}

}  // namespace

void SplitComponents(std::string_view path, std::vector<std::string_view>* out) {
  // A byte loop: components are short, and a memchr call per component
  // costs more than it saves.
  size_t start = 0;
  for (size_t i = 0; i <= path.size(); ++i) {
    if (i < path.size() && path[i] != '/') continue;
    if (i > start) out->push_back(path.substr(start, i - start));
    start = i + 1;
  }
}

std::vector<std::string_view> FramePath::Components() const {
  std::vector<std::string_view> out;
  SplitComponents(path, &out);
  return out;
}

std::string FramePath::Dump() const {
  std::string out = path.empty() ? "<empty>" : path;
  if (absolute) out += " abs";
  if (windows) out += " win";
  if (!drive.empty()) out += " drive=" + drive;
  if (up_levels > 0) out += " up=" + std::to_string(up_levels);
  if (!scheme.empty()) out += " scheme=" + scheme;
  return out;
}

FramePath NormalizeFramePath(std::string_view raw) {
  FramePathScratch scratch;
  FramePath result;
  NormalizeFramePath(raw, &scratch, &result);
  return result;
}

void NormalizeFramePath(std::string_view raw, FramePathScratch* scratch, FramePath* out) {
  FramePath& result = *out;
  result.path.clear();
  result.absolute = false;
  result.windows = false;
  result.up_levels = 0;
  result.scheme.clear();
  result.drive.clear();
  std::string_view s = Trim(raw);
  if (IsPlaceholder(s)) return;
  std::string& decoded = scratch->decoded;  // owns percent-decoded URL text

  bool has_slashes = false;
  if (size_t n = SchemeLength(s, &has_slashes); n > 0) {
    for (char c : s.substr(0, n)) result.scheme.push_back(Lower(c));
    s.remove_prefix(n + (has_slashes ? 3 : 1));
    // URL forms: drop the query and the fragment, decode %XX.
    if (size_t q = s.find_first_of("?#"); q != std::string_view::npos) s = s.substr(0, q);
    decoded = PercentDecode(s);
    s = decoded;
    const std::string& scheme = result.scheme;
    if (scheme == "file") {
      // file:///abs/path, file://host/share/path, file:C:/x
      if (has_slashes && !s.empty() && s[0] != '/') {
        size_t slash = s.find('/');
        std::string_view host = s.substr(0, slash);
        if (host.size() == 9 && IsPrefixIgnoreCase(host, "localhost")) {
          s = slash == std::string_view::npos ? std::string_view() : s.substr(slash);
        } else {
          // file://server/share/x is the UNC path \\server\share\x: keep the server.
          decoded.insert(0, "/");
          s = decoded;
        }
      }
      if (s.size() >= 3 && s[0] == '/' && HasDriveLetter(s.substr(1))) s.remove_prefix(1);
    } else if (scheme == "node") {
      // node:internal/modules/cjs/loader — keep as a relative path.
    } else if (has_slashes) {
      // webpack:///./src/x.ts, webpack://app/./src/x.ts, app:///src/x.js,
      // https://cdn.example/js/x.js: drop the authority (host or namespace).
      if (!s.empty() && s[0] == '/') {
        s.remove_prefix(1);
      } else {
        size_t slash = s.find('/');
        s = slash == std::string_view::npos ? std::string_view() : s.substr(slash + 1);
      }
      // What remains is relative to the bundle or site root.
      while (!s.empty() && s[0] == '/') s.remove_prefix(1);
    }
  }

  // Win32 namespace prefixes: \\?\C:\x, \\.\C:\x, \\?\UNC\server\share\x.
  bool unc = false;
  if (s.size() >= 4 && (s[0] == '\\' || s[0] == '/') && (s[1] == '\\' || s[1] == '/') &&
      (s[2] == '?' || s[2] == '.') && (s[3] == '\\' || s[3] == '/')) {
    s.remove_prefix(4);
    result.windows = true;
    result.absolute = true;
    if (s.size() >= 4 && IsPrefixIgnoreCase(s, "unc") && (s[3] == '\\' || s[3] == '/')) {
      s.remove_prefix(3);
      unc = true;
    }
  }
  if (HasDriveLetter(s)) {
    result.windows = true;
    result.absolute = true;
    result.drive.push_back(Lower(s[0]));
    s.remove_prefix(2);
  } else if (unc || (s.size() >= 2 && s[0] == '\\' && s[1] == '\\')) {
    result.windows = true;  // UNC: \\server\share\path
    result.absolute = true;
  }
  if (s.find('\\') != std::string_view::npos) result.windows = true;
  if (!s.empty() && (s[0] == '/' || s[0] == '\\')) result.absolute = true;

  // Split on both separators, fold "." and "..".
  std::vector<std::string_view>& parts = scratch->parts;
  parts.clear();
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '/' || s[i] == '\\') {
      std::string_view part = s.substr(start, i - start);
      start = i + 1;
      // Whitespace around a component is noise from logs ("\r.", " x"); one
      // rule for every component keeps the result a fixed point.
      while (!part.empty() && IsSpace(part.front())) part.remove_prefix(1);
      while (!part.empty() && IsSpace(part.back())) part.remove_suffix(1);
      if (part.empty() || part == ".") continue;
      if (part == "..") {
        if (!parts.empty()) {
          parts.pop_back();
        } else if (!result.absolute) {
          ++result.up_levels;
        }
        continue;
      }
      parts.push_back(part);
    }
  }

  // What the steps above read at the start of a reference must not start the
  // result, or normalising the result would change it ("/C:/x", "a/../node:x",
  // "/ x"): consume it here too, so that the result is a fixed point.
  size_t first = 0;
  size_t last = parts.size();  // one past
  while (first < last) {
    std::string_view& part = parts[first];
    if (part == "." || part == "..") {  // what a stripped prefix left: fold it as above
      if (part == ".." && !result.absolute) ++result.up_levels;
      part = {};
    } else if (IsSpace(part.front())) {
      part.remove_prefix(1);
    } else if (IsPrefixIgnoreCase(part, "node:") || IsPrefixIgnoreCase(part, "file:")) {
      part.remove_prefix(5);
    } else if (part.size() == 2 && IsAlpha(part[0]) && part[1] == ':') {
      result.windows = true;  // "/C:/x/y.cs": a drive letter after all
      if (result.drive.empty()) result.drive.push_back(Lower(part[0]));
      part = {};
    } else {
      break;
    }
    if (part.empty()) ++first;
  }
  while (first < last && IsSpace(parts[last - 1].back())) {
    parts[last - 1].remove_suffix(1);
    if (parts[last - 1].empty()) --last;
  }
  if (last - first == 1 && IsPlaceholder(parts[first])) return;

  size_t total = 0;
  for (size_t i = first; i < last; ++i) total += parts[i].size() + 1;
  result.path.reserve(total);
  for (size_t i = first; i < last; ++i) {
    if (i > first) result.path.push_back('/');
    result.path.append(parts[i]);
  }
}

}  // namespace srclink
