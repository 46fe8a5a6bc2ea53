#include "core/external_source.h"

#include <array>
#include <vector>

namespace srclink {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsHex12(std::string_view s) {
  if (s.size() != 12) return false;
  for (char c : s) {
    if (!(IsDigit(c) || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string Join(const std::vector<std::string_view>& parts, size_t from) {
  std::string out;
  for (size_t i = from; i < parts.size(); ++i) {
    if (!out.empty()) out += '/';
    out.append(parts[i]);
  }
  return out;
}

// "go1.21.3" from "go1.21.3", "1.21.3" or "go1.21.3 X:nocoverageredesign"; "" if none.
std::string GoRelease(std::string_view v) {
  if (v.starts_with("go")) v.remove_prefix(2);
  std::string out;
  for (char c : v) {
    if (IsDigit(c) || c == '.') {
      out += c;
    } else {
      break;
    }
  }
  size_t dot = out.find('.');
  if (out.empty() || dot == std::string::npos || dot + 1 == out.size()) return "";
  // From Go 1.21 on the first release of a minor version is tagged go1.21.0;
  // before, go1.20.
  if (out.find('.', dot + 1) == std::string::npos && out.starts_with("1.") &&
      std::stoi(out.substr(dot + 1, 4)) >= 21) {
    out += ".0";
  }
  return "go" + out;
}

// "go1.21" from "go1.21.3".
std::string_view GoMinor(std::string_view release) {
  size_t first = release.find('.');
  if (first == std::string_view::npos) return release;
  return release.substr(0, release.find('.', first + 1));
}

// "3.11" from "3.11", "3.11.7" or "Python 3.11.7"; "" if none.
std::string PythonMinor(std::string_view v) {
  size_t start = 0;
  while (start < v.size() && !IsDigit(v[start])) ++start;
  v.remove_prefix(start);
  size_t dot = v.find('.');
  if (dot == std::string_view::npos || dot == 0) return "";
  size_t end = dot + 1;
  while (end < v.size() && IsDigit(v[end])) ++end;
  if (end == dot + 1) return "";
  return std::string(v.substr(0, end));
}

Result<ExternalSource> GoStandardLibrary(const FramePath& path, const FrameOrigin& origin,
                                         std::string_view runtime_version) {
  std::vector<std::string_view> parts = path.Components();
  // GOROOT/src/<package>/<file>: the last "src" whose next part is not "vendor"'s
  // owner; a -trimpath frame ("net/http/server.go") has no src at all.
  size_t src = std::string_view::npos;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    if (parts[i] == "src") src = i;
  }
  std::string in_repo;
  if (src != std::string_view::npos) {
    in_repo = "src/" + Join(parts, src + 1);
  } else if (!path.absolute && !parts.empty() && parts[0].find('.') == std::string_view::npos) {
    in_repo = "src/" + path.path;
  } else {
    return Status::NotFound("no GOROOT/src/ in the path, so the file in golang/go is not known");
  }
  if (parts.back().starts_with("<")) return Status::NotFound("generated code has no source file");
  // The path may say only the minor release (Debian's /usr/lib/go-1.21); the
  // telemetry's runtime version refines it when it agrees.
  std::string release = GoRelease(origin.version);
  std::string reported = GoRelease(runtime_version);
  if (release.empty() || (!reported.empty() && GoMinor(reported) == GoMinor(release))) {
    release = reported;
  }
  if (release.empty()) {
    return Status::NotFound(
        "the Go version is not in the path; tag the telemetry with the Go runtime version "
        "(process.runtime.version) to link the standard library");
  }
  return ExternalSource{"https://github.com/golang/go", release, in_repo,
                        "Go standard library " + release};
}

struct GoHost {
  std::string_view prefix;      // module path prefix
  std::string_view repository;  // "" = the prefix's first 3 elements are the repository
  size_t repo_elements;         // elements of the module path naming the repository
};

// Where well-known module paths live. Anything else is a vanity path whose
// repository is only found by an HTTP lookup (?go-get=1), which srclink does not do.
constexpr std::array<GoHost, 9> kGoHosts = {{
    {"github.com/", "", 3},
    {"gitlab.com/", "", 3},
    {"bitbucket.org/", "", 3},
    {"codeberg.org/", "", 3},
    {"golang.org/x/", "https://github.com/golang/", 3},
    {"google.golang.org/grpc", "https://github.com/grpc/grpc-go", 1},
    {"google.golang.org/protobuf", "https://github.com/protocolbuffers/protobuf-go", 1},
    {"google.golang.org/genproto", "https://github.com/googleapis/go-genproto", 1},
    {"go.uber.org/", "https://github.com/uber-go/", 2},
}};

Result<ExternalSource> GoModule(const FrameOrigin& origin) {
  const std::string& module = origin.package;
  std::vector<std::string_view> parts;
  SplitComponents(module, &parts);
  std::string repository;
  size_t repo_elements = 0;
  for (const auto& host : kGoHosts) {
    if (!module.starts_with(host.prefix)) continue;
    if (host.repository.empty()) {
      if (parts.size() < 3) break;
      repository = "https://" + Join({parts[0], parts[1], parts[2]}, 0);
    } else if (host.repository.back() == '/') {
      if (parts.size() < host.repo_elements) break;
      repository = std::string(host.repository) + std::string(parts[host.repo_elements - 1]);
    } else {
      repository = std::string(host.repository);
    }
    repo_elements = host.repository.empty() || host.repository.back() == '/' ? host.repo_elements
                                                                             : parts.size();
    break;
  }
  if (repository.empty() && module.starts_with("gopkg.in/")) {
    // gopkg.in/yaml.v3 → github.com/go-yaml/yaml, branch or tag per version;
    // gopkg.in/user/pkg.v1 → github.com/user/pkg.
    return Status::NotFound("gopkg.in module " + module +
                            ": its repository is chosen by gopkg.in's redirects, not linked");
  }
  if (repository.empty()) {
    return Status::NotFound("vanity import path " + module +
                            ": its repository is found through https://" + module +
                            "?go-get=1, which srclink does not query");
  }
  // Inside the repository: the module's subdirectory, without a major-version
  // suffix (/v2 is a branch convention as often as a directory).
  std::vector<std::string_view> sub(
      parts.begin() + static_cast<long>(std::min(repo_elements, parts.size())), parts.end());
  if (!sub.empty() && sub.back().size() >= 2 && sub.back()[0] == 'v' &&
      sub.back().find_first_not_of("0123456789", 1) == std::string_view::npos) {
    sub.pop_back();
  }
  std::string subdir = Join(sub, 0);
  std::string path = subdir.empty() ? origin.package_path : subdir + "/" + origin.package_path;

  std::string version = origin.version;
  if (version.ends_with("+incompatible")) version.resize(version.size() - 13);
  std::string ref;
  // Pseudo-version: vX.Y.Z-[pre.]yyyymmddhhmmss-abcdefabcdef names a commit.
  size_t dash = version.rfind('-');
  if (dash != std::string::npos && IsHex12(std::string_view(version).substr(dash + 1))) {
    ref = version.substr(dash + 1);
  } else if (version.empty()) {
    return Status::NotFound("Go module " + module + " without a version in the path");
  } else {
    // A module in a subdirectory is tagged "<subdir>/vX.Y.Z".
    ref = subdir.empty() ? version : subdir + "/" + version;
  }
  return ExternalSource{repository, ref, path, "Go module " + module + " " + origin.version};
}

Result<ExternalSource> PythonStandardLibrary(const FramePath& path, const FrameOrigin& origin,
                                             std::string_view runtime_version) {
  std::vector<std::string_view> parts = path.Components();
  // …/lib/python3.11/<module path>, or Windows …/Lib/<module path>.
  size_t lib = std::string_view::npos;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    std::string_view p = parts[i];
    bool unix_lib = p.size() > 6 && p.starts_with("python") && IsDigit(p[6]);
    bool windows_lib = path.windows && (p == "Lib" || p == "lib" || p == "LIB");
    if (unix_lib || windows_lib) lib = i;
  }
  if (lib == std::string_view::npos || parts.back().starts_with("<")) {
    return Status::NotFound("not a file of the Python standard library's Lib/ directory");
  }
  if (parts[lib + 1] == "lib-dynload" || parts.back().ends_with(".so") ||
      parts.back().ends_with(".pyd")) {
    return Status::NotFound(
        "a compiled extension module of the Python runtime has no Python source");
  }
  std::string minor = PythonMinor(origin.version);
  if (minor.empty()) minor = PythonMinor(runtime_version);
  if (minor.empty()) {
    return Status::NotFound(
        "the Python version is not in the path; tag the telemetry with the Python runtime "
        "version (process.runtime.version) to link the standard library");
  }
  return ExternalSource{"https://github.com/python/cpython", minor, "Lib/" + Join(parts, lib + 1),
                        "Python " + minor + " standard library"};
}

}  // namespace

std::string ExternalSource::Dump() const { return repository_url + "@" + ref + ":" + path; }

Result<ExternalSource> LocateExternalSource(const Frame& frame, const FramePath& path,
                                            const FrameOrigin& origin,
                                            std::string_view runtime_version) {
  (void)frame;
  if (origin.kind == OriginKind::kUser) {
    return Status::InvalidArgument("the frame is the user's code; resolve it in the repository");
  }
  if (origin.ecosystem == "go") {
    return origin.kind == OriginKind::kRuntime ? GoStandardLibrary(path, origin, runtime_version)
                                               : GoModule(origin);
  }
  if (origin.ecosystem == "python" && origin.kind == OriginKind::kRuntime) {
    return PythonStandardLibrary(path, origin, runtime_version);
  }
  std::string what =
      origin.kind == OriginKind::kRuntime
          ? "the " + (origin.ecosystem.empty() ? std::string("language") : origin.ecosystem) +
                " runtime"
          : "the package " + (origin.package.empty() ? std::string("(unnamed)") : origin.package);
  return Status::NotFound("no link: srclink does not know where the source of " + what +
                          " is published (" + origin.reason + ")");
}

}  // namespace srclink
