#include "core/provider.h"

#include <array>
#include <utility>
#include <vector>

namespace srclink {

namespace {

std::string ToLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// True when some dot-separated label of `host` is `word`, or starts with
// "word-", or ends with "-word": "gitlab", "gitlab-ce", "corp-gitlab".
bool HasLabel(std::string_view host, std::string_view word) {
  size_t start = 0;
  while (start <= host.size()) {
    size_t end = host.find('.', start);
    if (end == std::string_view::npos) end = host.size();
    std::string_view label = host.substr(start, end - start);
    if (label.size() >= word.size()) {
      if (label == word) return true;
      if (label.size() > word.size()) {
        if (label.substr(0, word.size()) == word && label[word.size()] == '-') return true;
        size_t at = label.size() - word.size();
        if (label.substr(at) == word && label[at - 1] == '-') return true;
      }
    }
    start = end + 1;
  }
  return false;
}

struct NamedProvider {
  std::string_view name;
  Provider provider;
};

// Canonical names first (in ProviderName order), then aliases.
constexpr std::array<NamedProvider, 29> kProviderNames = {{
    {"github", Provider::kGitHub},
    {"gitlab", Provider::kGitLab},
    {"bitbucket", Provider::kBitbucketCloud},
    {"bitbucket-server", Provider::kBitbucketServer},
    {"azure-devops", Provider::kAzureDevOps},
    {"gitea", Provider::kGitea},
    {"gerrit", Provider::kGerrit},
    {"gitiles", Provider::kGitiles},
    {"sourcehut", Provider::kSourceHut},
    {"cgit", Provider::kCgit},
    {"custom", Provider::kCustom},
    {"unknown", Provider::kUnknown},
    // Aliases.
    {"ghe", Provider::kGitHub},
    {"github-enterprise", Provider::kGitHub},
    {"gitlab-ce", Provider::kGitLab},
    {"gitlab-ee", Provider::kGitLab},
    {"bitbucket-cloud", Provider::kBitbucketCloud},
    {"bitbucket-datacenter", Provider::kBitbucketServer},
    {"bitbucket-data-center", Provider::kBitbucketServer},
    {"bitbucket-dc", Provider::kBitbucketServer},
    {"stash", Provider::kBitbucketServer},
    {"azure", Provider::kAzureDevOps},
    {"azuredevops", Provider::kAzureDevOps},
    {"vsts", Provider::kAzureDevOps},
    {"forgejo", Provider::kGitea},
    {"codeberg", Provider::kGitea},
    {"googlesource", Provider::kGitiles},
    {"srht", Provider::kSourceHut},
    {"sr.ht", Provider::kSourceHut},
}};

// "github, gitlab, …, cgit": the names an operator can declare a host as.
std::string DeclarableNames() {
  std::string names;
  for (const NamedProvider& entry : kProviderNames) {
    if (entry.provider == Provider::kCustom || entry.provider == Provider::kUnknown) continue;
    if (entry.name == ProviderName(entry.provider)) {
      if (!names.empty()) names += ", ";
      names += entry.name;
    }
  }
  return names;
}

// "host" or "host:port", lowercased.
std::string HostKey(std::string_view host, int port) {
  std::string key = ToLower(host);
  if (port > 0) key += ":" + std::to_string(port);
  return key;
}

// Checks a template for placeholders; `allowed` lists the names it may use.
Status CheckTemplate(std::string_view host, std::string_view field, std::string_view text,
                     const std::vector<std::string_view>& allowed) {
  static const std::array<std::string_view, 7> kKnown = {"base", "host", "repo", "commit",
                                                         "path", "line", "end"};
  auto describe = [&] {
    return "link template " + std::string(field) + " \"" + std::string(text) + "\" for host \"" +
           std::string(host) + "\"";
  };
  size_t pos = 0;
  while ((pos = text.find('{', pos)) != std::string_view::npos) {
    size_t close = text.find('}', pos);
    if (close == std::string_view::npos) {
      return Status::InvalidArgument(describe() + " has a '{' at offset " + std::to_string(pos) +
                                     " with no closing '}': close the placeholder");
    }
    std::string_view name = text.substr(pos + 1, close - pos - 1);
    bool known = false;
    for (std::string_view k : kKnown) known = known || k == name;
    if (!known) {
      return Status::InvalidArgument(
          describe() + " names unknown placeholder {" + std::string(name) +
          "}: use {base} {host} {repo} {commit} {path}, and {line} {end} in anchors");
    }
    bool ok = false;
    for (std::string_view a : allowed) ok = ok || a == name;
    if (!ok) {
      std::string where;
      if (name == "line") {
        where = "{line} belongs in line_anchor or range_anchor";
      } else if (name == "end") {
        where = "{end} belongs in range_anchor only";
      } else if (name == "path") {
        where = "a commit link has no file path";
      } else {
        where = "anchors take only {line} and {end}";
      }
      return Status::InvalidArgument(describe() + " cannot use placeholder {" + std::string(name) +
                                     "}: " + where);
    }
    pos = close + 1;
  }
  return Status::Ok();
}

}  // namespace

std::string_view ProviderName(Provider provider) {
  switch (provider) {
    case Provider::kUnknown:
      return "unknown";
    case Provider::kGitHub:
      return "github";
    case Provider::kGitLab:
      return "gitlab";
    case Provider::kBitbucketCloud:
      return "bitbucket";
    case Provider::kBitbucketServer:
      return "bitbucket-server";
    case Provider::kAzureDevOps:
      return "azure-devops";
    case Provider::kGitea:
      return "gitea";
    case Provider::kGerrit:
      return "gerrit";
    case Provider::kGitiles:
      return "gitiles";
    case Provider::kSourceHut:
      return "sourcehut";
    case Provider::kCgit:
      return "cgit";
    case Provider::kCustom:
      return "custom";
  }
  return "unknown";
}

std::optional<Provider> ParseProviderName(std::string_view name) {
  std::string lower = ToLower(Trim(name));
  for (const NamedProvider& entry : kProviderNames) {
    if (entry.name == lower) return entry.provider;
  }
  return std::nullopt;
}

Provider DetectProviderByHost(std::string_view host_in) {
  std::string host = ToLower(Trim(host_in));
  // Tolerate "host:port" and a trailing dot (fully qualified form).
  if (size_t colon = host.find(':');
      colon != std::string::npos && colon + 1 < host.size() &&
      host.find_first_not_of("0123456789", colon + 1) == std::string::npos) {
    host.resize(colon);
  }
  while (!host.empty() && host.back() == '.') host.pop_back();
  if (host.empty()) return Provider::kUnknown;

  // Well-known hosts.
  if (host == "github.com" || host == "www.github.com" || host == "ssh.github.com" ||
      EndsWith(host, ".ghe.com")) {
    return Provider::kGitHub;
  }
  if (host == "gitlab.com" || EndsWith(host, ".gitlab.com")) return Provider::kGitLab;
  if (host == "bitbucket.org" || EndsWith(host, ".bitbucket.org")) return Provider::kBitbucketCloud;
  if (host == "dev.azure.com" || host == "ssh.dev.azure.com" ||
      EndsWith(host, ".visualstudio.com")) {
    return Provider::kAzureDevOps;
  }
  if (host == "gitea.com" || host == "codeberg.org") return Provider::kGitea;
  if (EndsWith(host, ".googlesource.com")) return Provider::kGitiles;
  if (host == "git.sr.ht") return Provider::kSourceHut;
  if (host == "git.kernel.org" || host == "git.zx2c4.com") return Provider::kCgit;

  // Naming conventions of self-hosted installations.
  if (HasLabel(host, "github")) return Provider::kGitHub;
  if (HasLabel(host, "gitlab")) return Provider::kGitLab;
  if (HasLabel(host, "bitbucket")) return Provider::kBitbucketServer;
  if (HasLabel(host, "gitea") || HasLabel(host, "forgejo")) return Provider::kGitea;
  if (HasLabel(host, "gerrit")) return Provider::kGerrit;
  if (HasLabel(host, "cgit")) return Provider::kCgit;
  return Provider::kUnknown;
}

void HostRegistry::DeclareProvider(std::string_view host, Provider provider) {
  providers_[ToLower(Trim(host))] = provider;
}

Status HostRegistry::DeclareTemplates(std::string_view host_in, LinkTemplates templates) {
  std::string host = ToLower(Trim(host_in));
  if (host.empty()) {
    return Status::InvalidArgument(
        "link templates need a host name: give the host they apply to, e.g. \"code.internal\"");
  }
  if (templates.file.empty()) {
    return Status::InvalidArgument("link templates for host \"" + host +
                                   "\" have no file template: add one, e.g. "
                                   "\"{base}/blob/{commit}/{path}\"");
  }
  if (templates.commit.empty()) {
    return Status::InvalidArgument("link templates for host \"" + host +
                                   "\" have no commit template: add one, e.g. "
                                   "\"{base}/commit/{commit}\"");
  }
  const std::vector<std::string_view> kLinkNames = {"base", "host", "repo", "commit", "path"};
  const std::vector<std::string_view> kCommitNames = {"base", "host", "repo", "commit"};
  const std::vector<std::string_view> kLineNames = {"line"};
  const std::vector<std::string_view> kRangeNames = {"line", "end"};
  const std::pair<std::string_view,
                  std::pair<const std::string*, const std::vector<std::string_view>*>>
      checks[] = {
          {"file", {&templates.file, &kLinkNames}},
          {"blame", {&templates.blame, &kLinkNames}},
          {"commit", {&templates.commit, &kCommitNames}},
          {"line_anchor", {&templates.line_anchor, &kLineNames}},
          {"range_anchor", {&templates.range_anchor, &kRangeNames}},
      };
  for (const auto& [field, check] : checks) {
    if (Status st = CheckTemplate(host, field, *check.first, *check.second); !st.ok()) return st;
  }
  providers_[host] = Provider::kCustom;
  templates_[host] = std::move(templates);
  return Status::Ok();
}

Status HostRegistry::AddHostSpec(std::string_view spec) {
  size_t eq = spec.find('=');
  if (eq == std::string_view::npos) {
    return Status::InvalidArgument("host declaration \"" + std::string(spec) +
                                   "\" has no '=': write HOST=PROVIDER, e.g. "
                                   "git.corp.example=gitlab");
  }
  std::string_view host = Trim(spec.substr(0, eq));
  std::string_view name = Trim(spec.substr(eq + 1));
  if (host.empty()) {
    return Status::InvalidArgument("host declaration \"" + std::string(spec) +
                                   "\" has no host before '=': write HOST=PROVIDER, e.g. "
                                   "git.corp.example=" +
                                   std::string(name.empty() ? "gitlab" : name));
  }
  if (host.find("://") != std::string_view::npos || host.find('/') != std::string_view::npos ||
      host.find('@') != std::string_view::npos) {
    return Status::InvalidArgument("host declaration \"" + std::string(spec) + "\" names \"" +
                                   std::string(host) +
                                   "\", which is not a host name: give only the host (and "
                                   "port), e.g. git.corp.example=gitlab or "
                                   "git.corp.example:8443=gitea");
  }
  if (size_t colon = host.find(':'); colon != std::string_view::npos) {
    std::string_view port = host.substr(colon + 1);
    bool digits = !port.empty() && port.size() <= 5;
    int value = 0;
    for (char c : port) {
      digits = digits && c >= '0' && c <= '9';
      if (digits) value = value * 10 + (c - '0');
    }
    if (!digits || colon == 0 || value < 1 || value > 65535) {
      return Status::InvalidArgument("host declaration \"" + std::string(spec) +
                                     "\" has an invalid port in \"" + std::string(host) +
                                     "\": write HOST or HOST:PORT with a port from 1 to 65535");
    }
  }
  std::optional<Provider> provider = ParseProviderName(name);
  if (!provider || *provider == Provider::kUnknown) {
    return Status::InvalidArgument("host declaration \"" + std::string(spec) +
                                   "\" names unknown provider \"" + std::string(name) +
                                   "\": use one of " + DeclarableNames());
  }
  if (*provider == Provider::kCustom) {
    return Status::InvalidArgument("host declaration \"" + std::string(spec) +
                                   "\" cannot declare provider \"custom\": custom hosts need "
                                   "link templates, which go in the config file");
  }
  DeclareProvider(host, *provider);
  return Status::Ok();
}

std::optional<Provider> HostRegistry::DeclaredProvider(std::string_view host, int port) const {
  if (port > 0) {
    if (auto it = providers_.find(HostKey(host, port)); it != providers_.end()) return it->second;
  }
  if (auto it = providers_.find(HostKey(host, 0)); it != providers_.end()) return it->second;
  return std::nullopt;
}

const LinkTemplates* HostRegistry::Templates(std::string_view host, int port) const {
  if (port > 0) {
    if (auto it = templates_.find(HostKey(host, port)); it != templates_.end()) return &it->second;
  }
  if (auto it = templates_.find(HostKey(host, 0)); it != templates_.end()) return &it->second;
  return nullptr;
}

}  // namespace srclink
