#include "core/repository_url.h"

#include <algorithm>
#include <charconv>
#include <vector>

namespace srclink {

namespace {

constexpr size_t kMaxUrlLength = 4096;

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// Removes white space; other control characters stay, to be refused.
std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return IsDigit(c); });
}

// Ends a word of free text: URLs in logs end at whitespace, quotes or <>.
bool IsWordBreak(char c) {
  return static_cast<unsigned char>(c) <= ' ' || c == 0x7f || c == '"' || c == '\'' || c == '<' ||
         c == '>' || c == '`';
}

// `rest` is the text after "://". Returns the position of the '@' that ends
// its user information, or npos. A password holding a raw '/', '?' or '#'
// ends the authority early ("user:pa/ss@host"); when the authority then has a
// ':' not followed by a port, the user information runs to the last '@' of
// `rest`. Errs on the side of finding credentials: for redaction.
size_t UserinfoEnd(std::string_view rest) {
  size_t auth_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, auth_end);
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) return at;
  if (auth_end == std::string_view::npos || authority.empty() || authority[0] == '[') {
    return std::string_view::npos;
  }
  size_t colon = authority.find(':');
  if (colon == std::string_view::npos) return std::string_view::npos;
  size_t at = rest.rfind('@');
  return at != std::string_view::npos && at > auth_end ? at : std::string_view::npos;
}

// Scheme-less "user:password@host…" at the start of `word`: the position of
// the '@' ending the credentials, or npos. "git@host:path" has none.
size_t SchemelessUserinfoEnd(std::string_view word) {
  size_t colon = word.find_first_of(":/@");
  if (colon == std::string_view::npos || colon == 0 || word[colon] != ':') {
    return std::string_view::npos;
  }
  size_t at = word.rfind('@');
  return at != std::string_view::npos && at > colon ? at : std::string_view::npos;
}

bool EndsWithIgnoreCase(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  for (size_t i = 0; i < suffix.size(); ++i) {
    if (Lower(s[s.size() - suffix.size() + i]) != suffix[i]) return false;
  }
  return true;
}

// A URL taken apart, before any provider rules apply.
struct RawUrl {
  std::string scheme;       // lowercased: "https", "http", "ssh", "git"
  std::string scheme_text;  // as written, for the sanitized URL ("git+ssh")
  std::string user;         // ssh user only ("git"); never a password
  std::string host;         // as written
  std::string port_text;    // as written, may be empty
  int port = 0;
  std::string path;  // as written, without leading '/', query or fragment
  enum class Form { kScheme, kScp, kBare } form = Form::kScheme;
};

// The input as error messages quote it: credentials removed, including a
// scheme-less "TOKEN@host/path" user, which may be a token.
std::string QuoteInput(std::string_view input) {
  std::string text = RedactCredentials(input);
  if (text.find("://") == std::string::npos) {
    size_t at = text.rfind('@', text.find('/'));
    if (at != std::string::npos) text.erase(0, at + 1);
  }
  return "\"" + text + "\"";
}

Status Invalid(std::string_view input, const std::string& why) {
  return Status::InvalidArgument(QuoteInput(input) + " is not a remote repository URL: " + why);
}

// Splits "host[:port]" (with [v6] brackets). Fails on a bad port.
Status SplitHostPort(std::string_view input, std::string_view authority, RawUrl* url) {
  std::string_view host = authority;
  std::string_view port;
  if (!host.empty() && host[0] == '[') {
    size_t close = host.find(']');
    if (close == std::string_view::npos) return Invalid(input, "unclosed '[' in the host");
    port = host.substr(close + 1);
    host = host.substr(0, close + 1);
    if (!port.empty()) {
      if (port[0] != ':') return Invalid(input, "unexpected text after the host");
      port.remove_prefix(1);
    }
  } else if (size_t colon = host.rfind(':'); colon != std::string_view::npos) {
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  if (host.empty()) return Invalid(input, "it has no host");
  const bool bracketed = host.front() == '[';
  for (char c : host) {
    if (!(IsAlpha(c) || IsDigit(c) || c == '.' || c == '-' || c == '_' ||
          (bracketed && (c == '[' || c == ']' || c == ':')))) {
      return Invalid(input, std::string("the host contains '") + c + "'");
    }
  }
  if (!bracketed) {
    // Labels: "a..b", ".example" and "example." with more dots are not hosts.
    std::string_view h = host;
    while (!h.empty() && h.back() == '.') h.remove_suffix(1);  // one trailing dot is DNS-absolute
    if (h.empty() || h.front() == '.' || h.find("..") != std::string_view::npos) {
      return Invalid(input, "the host \"" + std::string(host) + "\" has an empty label");
    }
  }
  url->host = std::string(host);
  if (!port.empty()) {
    int value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value <= 0 || value > 65535) {
      return Invalid(input,
                     "the port \"" + std::string(port) + "\" is not a number from 1 to 65535");
    }
    url->port = value;
    url->port_text = std::string(port);
  }
  return Status::Ok();
}

std::string_view StripQueryAndFragment(std::string_view s) {
  size_t q = s.find_first_of("?#");
  return q == std::string_view::npos ? s : s.substr(0, q);
}

// Keeps the user of "user[:password]" (ssh syntax); drops the password.
std::string UserWithoutPassword(std::string_view userinfo) {
  size_t colon = userinfo.find(':');
  return std::string(colon == std::string_view::npos ? userinfo : userinfo.substr(0, colon));
}

// True for a host an id can name: it has a dot (a domain name or IPv4), is
// localhost, or is an IPv6 literal. Ids ("host/owner/repo") need the dot to
// tell a host from an owner.
bool IsQualifiedHost(std::string_view host) {
  return host.find('.') != std::string_view::npos || ToLower(host) == "localhost" ||
         (!host.empty() && host[0] == '[');
}

Status SplitUrl(std::string_view input, RawUrl* url) {
  std::string_view s = Trim(input);
  if (s.empty()) {
    return Status::InvalidArgument(
        "the repository URL is empty: give a git remote such as https://github.com/org/repo");
  }
  if (s.size() > kMaxUrlLength) {
    return Status::InvalidArgument("the repository URL is " + std::to_string(s.size()) +
                                   " bytes long; the limit is " + std::to_string(kMaxUrlLength));
  }
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == ' ' || c == 0x7f) {
      // The input is not quoted: the text around a space may be a password.
      static const char kHex[] = "0123456789abcdef";
      std::string what = c == ' '
                             ? std::string("a space")
                             : std::string("control character 0x") + kHex[c >> 4] + kHex[c & 15];
      return Status::InvalidArgument("the repository URL contains " + what + " at offset " +
                                     std::to_string(i) +
                                     ": give the remote URL alone, as git prints it");
    }
  }
  if (s[0] == '/' || s[0] == '.' || s[0] == '~' || s[0] == '\\' ||
      (s.size() >= 2 && IsAlpha(s[0]) && s[1] == ':' &&
       (s.size() == 2 || s[2] == '\\' || s[2] == '/'))) {
    return Invalid(
        input, "it is a local path; srclink links to a remote (https://, ssh://, git@host:path)");
  }

  size_t sep = s.find("://");
  if (sep != std::string_view::npos) {
    url->form = RawUrl::Form::kScheme;
    url->scheme_text = std::string(s.substr(0, sep));
    bool scheme_chars = !url->scheme_text.empty() && IsAlpha(url->scheme_text[0]);
    for (char c : url->scheme_text) {
      scheme_chars = scheme_chars && (IsAlpha(c) || IsDigit(c) || c == '+' || c == '-' || c == '.');
    }
    if (!scheme_chars) return Invalid(input, "the text before \"://\" is not a URL scheme");
    std::string scheme = ToLower(url->scheme_text);
    if (scheme == "https" || scheme == "git+https") {
      url->scheme = "https";
    } else if (scheme == "http" || scheme == "git+http") {
      url->scheme = "http";
    } else if (scheme == "ssh" || scheme == "git+ssh" || scheme == "ssh+git") {
      url->scheme = "ssh";
    } else if (scheme == "git") {
      url->scheme = "git";
    } else if (scheme == "file") {
      return Invalid(input,
                     "file:// URLs name a local repository; use the remote it was cloned from");
    } else {
      return Invalid(input, "the scheme \"" + scheme +
                                "\" is not a git remote scheme (use https, http, ssh or git)");
    }
    std::string_view rest = s.substr(sep + 3);
    // The authority ends at the path, or at a query or fragment.
    size_t auth_end = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, auth_end);
    std::string_view path;
    if (auth_end != std::string_view::npos && rest[auth_end] == '/') {
      path = rest.substr(auth_end + 1);
    }
    size_t at = authority.rfind('@');
    if (at == std::string_view::npos && UserinfoEnd(rest) != std::string_view::npos &&
        !IsDigits(authority.substr(authority.find(':') + 1))) {
      // "user:pa/ss@host": not a port but a password with a raw '/', '?' or '#'.
      return Invalid(input,
                     "its user name or password holds a raw '/', '?' or '#'; srclink needs no "
                     "credentials: remove them");
    }
    if (at != std::string_view::npos) {
      if (url->scheme == "ssh") url->user = UserWithoutPassword(authority.substr(0, at));
      authority = authority.substr(at + 1);
    }
    if (Status st = SplitHostPort(input, authority, url); !st.ok()) return st;
    url->path = std::string(StripQueryAndFragment(path));
    return Status::Ok();
  }

  // Scheme-less "user:password@host…" is no form git knows; refuse it before
  // the password becomes a host or a path.
  if (SchemelessUserinfoEnd(s) != std::string_view::npos) {
    return Invalid(input,
                   "it looks like USER:PASSWORD@HOST without a scheme; give the remote as "
                   "https://HOST/PATH or git@HOST:PATH (srclink needs no credentials)");
  }

  // "[user@]host…": the user, if any, ends at the first '@' before any '/'.
  size_t first_slash = s.find('/');
  std::string_view head = s.substr(0, first_slash);
  size_t host_start = 0;
  if (size_t at = head.find('@'); at != std::string_view::npos) host_start = at + 1;
  size_t colon = std::string_view::npos;
  if (host_start < head.size() && head[host_start] == '[') {
    size_t close = head.find(']', host_start);
    if (close != std::string_view::npos) colon = head.find(':', close);
  } else {
    colon = head.find(':', host_start);
  }

  // scp-like "[user@]host:path", or "host:port/path" (srclink's own Id() form).
  if (colon != std::string_view::npos) {
    std::string_view before = s.substr(0, colon);
    std::string_view after = s.substr(colon + 1);
    size_t digits = 0;
    while (digits < after.size() && IsDigit(after[digits])) ++digits;
    // "host:8443/team/app" (srclink's own Id() form); "host:807" alone is an
    // scp path, as git reads it.
    bool port_form = digits > 0 && digits < after.size() && after[digits] == '/' && host_start == 0;
    if (port_form) {
      url->form = RawUrl::Form::kBare;
      url->scheme = "https";
      if (Status st = SplitHostPort(input, s.substr(0, colon + 1 + digits), url); !st.ok()) {
        return st;
      }
      url->path = std::string(StripQueryAndFragment(after.substr(digits)));
      while (!url->path.empty() && url->path[0] == '/') url->path.erase(0, 1);
      return Status::Ok();
    }
    url->form = RawUrl::Form::kScp;
    url->scheme = "ssh";
    if (host_start > 0) url->user = std::string(s.substr(0, host_start - 1));
    if (Status st = SplitHostPort(input, before.substr(host_start), url); !st.ok()) return st;
    url->path = std::string(StripQueryAndFragment(after));
    return Status::Ok();
  }

  // Bare "host/owner/repo".
  url->form = RawUrl::Form::kBare;
  url->scheme = "https";
  std::string_view host = head.substr(host_start);
  if (first_slash == std::string_view::npos || !IsQualifiedHost(host)) {
    return Invalid(input, "it has no host; write it as https://HOST/" +
                              std::string(StripQueryAndFragment(s.substr(host_start))));
  }
  if (Status st = SplitHostPort(input, host, url); !st.ok()) return st;
  url->path = std::string(StripQueryAndFragment(s.substr(first_slash + 1)));
  return Status::Ok();
}

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) parts.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

std::string Join(const std::vector<std::string>& parts, size_t begin, size_t end) {
  std::string out;
  for (size_t i = begin; i < end && i < parts.size(); ++i) {
    if (!out.empty()) out += '/';
    out += parts[i];
  }
  return out;
}

// Hosts that are another name for a well-known one.
std::string CanonicalHost(const std::string& host) {
  if (host == "ssh.github.com" || host == "www.github.com") return "github.com";
  if (host == "altssh.gitlab.com" || host == "www.gitlab.com") return "gitlab.com";
  if (host == "altssh.bitbucket.org" || host == "www.bitbucket.org") return "bitbucket.org";
  if (host == "ssh.dev.azure.com") return "dev.azure.com";
  return host;
}

bool IsAzureCloudHost(const std::string& host) {
  return host == "dev.azure.com" || host == "ssh.dev.azure.com" ||
         EndsWithIgnoreCase(host, ".visualstudio.com");
}

// Azure DevOps Services: every form becomes host dev.azure.com, path
// ORG/PROJECT/_git/REPO. Azure DevOps Server (on premises) keeps its host and
// its collection path (tfs/DefaultCollection/PROJECT/_git/REPO).
Status CanonicalAzure(std::string_view input, const std::string& host,
                      std::vector<std::string> parts, RepositoryUrl* out) {
  bool cloud = IsAzureCloudHost(host);
  if (!parts.empty() && parts[0] == "v3") {
    // ssh: v3/org/project/repo
    if (parts.size() != 4) {
      return Invalid(
          input, "an Azure DevOps ssh URL has the form git@ssh.dev.azure.com:v3/ORG/PROJECT/REPO");
    }
    if (cloud) out->host = "dev.azure.com";
    out->path = parts[1] + "/" + parts[2] + "/_git/" + parts[3];
    return Status::Ok();
  }
  std::string org;
  if (EndsWithIgnoreCase(host, ".visualstudio.com") && host != "vs-ssh.visualstudio.com") {
    org = host.substr(0, host.find('.'));
    if (!parts.empty() && ToLower(parts[0]) == "defaultcollection") parts.erase(parts.begin());
  }
  auto git = std::find(parts.begin(), parts.end(), "_git");
  if (git == parts.end() || git + 1 == parts.end()) {
    return Invalid(input,
                   "an Azure DevOps URL names the repository after /_git/, as in "
                   "https://dev.azure.com/ORG/PROJECT/_git/REPO");
  }
  size_t git_index = static_cast<size_t>(git - parts.begin());
  std::vector<std::string> canonical;
  if (!org.empty()) canonical.push_back(org);
  for (size_t i = 0; i <= git_index + 1; ++i) canonical.push_back(parts[i]);
  if (cloud) {
    // ORG/_git/REPO is the repository named like its project.
    if (canonical.size() == 3) canonical.insert(canonical.begin() + 1, canonical[2]);
    if (canonical.size() != 4) {
      return Invalid(
          input, "an Azure DevOps URL has the form https://dev.azure.com/ORG/PROJECT/_git/REPO");
    }
    out->host = "dev.azure.com";
  }
  out->path = Join(canonical, 0, canonical.size());
  return Status::Ok();
}

// Bitbucket Server: [CONTEXT/]scm/KEY/repo (clone) or
// [CONTEXT/]projects/KEY/repos/repo/… and users/NAME/repos/repo/… (browser)
// become [CONTEXT/]KEY/repo, with ~NAME for personal repositories.
void CanonicalBitbucketServer(std::vector<std::string>* parts) {
  std::vector<std::string>& p = *parts;
  for (size_t i = 0; i + 3 < p.size(); ++i) {
    if ((p[i] == "projects" || p[i] == "users") && p[i + 2] == "repos") {
      std::string key = p[i] == "users" ? "~" + p[i + 1] : p[i + 1];
      std::string repo = p[i + 3];
      p.resize(i);
      p.push_back(std::move(key));
      p.push_back(std::move(repo));
      return;
    }
  }
  if (p.size() >= 3 && p[p.size() - 3] == "scm") p.erase(p.end() - 3);
}

// Drops ".git" suffixes from the last component ("repo.git", even
// "repo.git/.git"), and what they leave: "", ".". False when ".." is left.
bool StripGitSuffixes(std::vector<std::string>* parts) {
  while (!parts->empty() && EndsWithIgnoreCase(parts->back(), ".git")) {
    parts->back().resize(parts->back().size() - 4);
    if (parts->back() == "..") return false;
    if (parts->back().empty() || parts->back() == ".") parts->pop_back();
  }
  return true;
}

}  // namespace

std::string RedactCredentials(std::string_view text) {
  // User information: "scheme://user:password@host", and scheme-less
  // "user:password@host" at the start of a word.
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (IsWordBreak(text[i])) {
      out.push_back(text[i++]);
      continue;
    }
    size_t end = i;
    while (end < text.size() && !IsWordBreak(text[end])) ++end;
    std::string_view word = text.substr(i, end - i);
    i = end;
    size_t sep = word.find("://");
    if (sep == std::string_view::npos) {
      size_t at = SchemelessUserinfoEnd(word);
      out.append(at == std::string_view::npos ? word : word.substr(at + 1));
      continue;
    }
    while (sep != std::string_view::npos) {
      out.append(word.substr(0, sep + 3));
      word.remove_prefix(sep + 3);
      // This URL ends where the next one starts.
      sep = word.find("://");
      size_t at = UserinfoEnd(word.substr(0, sep));
      if (at != std::string_view::npos) {
        word.remove_prefix(at + 1);
        if (sep != std::string_view::npos) sep -= at + 1;
      }
    }
    out.append(word);
  }
  // Query parameters that carry secrets.
  static const char* const kSecretKeys[] = {"token", "password", "passwd", "secret",
                                            "key",   "sig",      "auth"};
  std::string lower = ToLower(out);
  std::string redacted;
  redacted.reserve(out.size());
  size_t pos = 0;
  while (pos < out.size()) {
    size_t eq = out.find('=', pos);
    if (eq == std::string::npos) break;
    size_t key_start = eq;
    while (key_start > pos &&
           (IsAlpha(out[key_start - 1]) || IsDigit(out[key_start - 1]) ||
            out[key_start - 1] == '_' || out[key_start - 1] == '-' || out[key_start - 1] == '.')) {
      --key_start;
    }
    std::string_view key(lower.data() + key_start, eq - key_start);
    bool secret = false;
    for (const char* k : kSecretKeys) secret = secret || key.find(k) != std::string_view::npos;
    bool in_query = key_start > 0 && (out[key_start - 1] == '?' || out[key_start - 1] == '&' ||
                                      out[key_start - 1] == ';');
    redacted.append(out, pos, eq + 1 - pos);
    size_t value_end = eq + 1;
    while (value_end < out.size() && out[value_end] != '&' && out[value_end] != ';' &&
           out[value_end] != '#' && !IsWordBreak(out[value_end])) {
      ++value_end;
    }
    if (secret && in_query && value_end > eq + 1) {
      redacted.append("REDACTED");
    } else {
      redacted.append(out, eq + 1, value_end - eq - 1);
    }
    pos = value_end;
  }
  if (pos < out.size()) redacted.append(out, pos, std::string::npos);
  return redacted;
}

std::string RepositoryUrl::Id() const {
  std::string id = host;
  if (web_port != 0) id += ":" + std::to_string(web_port);
  id += "/";
  id += path;
  return id;
}

std::string RepositoryUrl::WebBase() const {
  std::string base = scheme == "http" ? "http://" : "https://";
  base += host;
  if (web_port != 0) base += ":" + std::to_string(web_port);
  base += "/";
  base += web_path;
  return base;
}

std::string RepositoryUrl::Dump() const {
  return Id() + " (" + std::string(ProviderName(provider)) + ")";
}

Result<RepositoryUrl> RepositoryUrl::Parse(std::string_view input, const HostRegistry* hosts) {
  RawUrl raw;
  if (Status st = SplitUrl(input, &raw); !st.ok()) return st;

  RepositoryUrl url;
  url.scheme = raw.scheme;
  std::string host = ToLower(raw.host);
  while (!host.empty() && host.back() == '.') host.pop_back();
  if (host.empty()) return Invalid(input, "it has no host");
  // "https://user:12/34@host/x" splits as host "user", port 12, path
  // "34@host/x": a password with a raw '/'. No git host puts '@' in a path.
  if (raw.form != RawUrl::Form::kBare && raw.path.find('@') != std::string::npos) {
    return Invalid(input,
                   "it has an '@' after the host; if a user name or password holds a '/', "
                   "percent-encode it (better: leave credentials out of the URL)");
  }
  // An intranet host without a dot ("https://gitserver/o/r") is fine with an
  // explicit scheme or when declared; "alias:org/repo" is more likely an ssh
  // alias from ~/.ssh/config, which names no web host.
  if (!IsQualifiedHost(host) && raw.form != RawUrl::Form::kScheme &&
      !(hosts && hosts->DeclaredProvider(host, raw.port))) {
    return Invalid(input,
                   "its host is not a fully qualified domain name (it has no '.'); give the full "
                   "host name, or a URL with a scheme such as https://" +
                       host +
                       "/… "
                       "(an ssh alias from ~/.ssh/config is not a web host)");
  }

  // Sanitized: the input rebuilt without password, token, query or fragment.
  switch (raw.form) {
    case RawUrl::Form::kScheme:
      url.sanitized = raw.scheme_text + "://" + (raw.user.empty() ? "" : raw.user + "@") +
                      raw.host + (raw.port_text.empty() ? "" : ":" + raw.port_text) + "/" +
                      raw.path;
      break;
    case RawUrl::Form::kScp: {
      // "host:6591/x" would read back as a port: write the path rooted.
      size_t digits = 0;
      while (digits < raw.path.size() && IsDigit(raw.path[digits])) ++digits;
      bool port_like = digits > 0 && digits < raw.path.size() && raw.path[digits] == '/';
      url.sanitized = (raw.user.empty() ? "" : raw.user + "@") + raw.host + ":" +
                      (port_like ? "/" : "") + raw.path;
      break;
    }
    case RawUrl::Form::kBare:
      url.sanitized =
          raw.host + (raw.port_text.empty() ? "" : ":" + raw.port_text) + "/" + raw.path;
      break;
  }
  while (url.sanitized.size() > 1 && url.sanitized.back() == '/') url.sanitized.pop_back();

  bool web_scheme = raw.scheme == "http" || raw.scheme == "https";
  int default_port = raw.scheme == "http" ? 80 : 443;
  if (raw.form == RawUrl::Form::kBare) {
    // An id names its port only when it is not the default: keep what it says.
    url.web_port = raw.port;
  } else if (web_scheme && raw.port != 0 && raw.port != default_port) {
    url.web_port = raw.port;
  }

  // Provider: the operator's word first, then the host's name, then the URL's shape.
  std::optional<Provider> declared = hosts ? hosts->DeclaredProvider(host, raw.port) : std::nullopt;
  Provider provider = declared ? *declared : DetectProviderByHost(host);
  std::vector<std::string> parts = SplitPath(raw.path);
  for (const std::string& p : parts) {
    if (p == "..") return Invalid(input, "its path contains \"..\"");
  }
  parts.erase(std::remove(parts.begin(), parts.end(), "."), parts.end());
  bool had_git_suffix = !parts.empty() && EndsWithIgnoreCase(parts.back(), ".git");
  // "repo.git", and oddities like "repo.git/.git": no id ends with ".git".
  if (!StripGitSuffixes(&parts)) return Invalid(input, "its path contains \"..\"");
  if (std::count(parts.begin(), parts.end(), "scm") > 0 &&
      std::count(parts.begin(), parts.end(), "_git") > 0) {
    return Invalid(
        input,
        "its path has both \"scm\" (Bitbucket Server) and \"_git\" (Azure DevOps); give the "
        "repository's clone URL");
  }
  if (std::count(parts.begin(), parts.end(), "scm") > 1) {
    return Invalid(input,
                   "its path has more than one \"scm\" component; Bitbucket Server clone URLs "
                   "are https://HOST/[CONTEXT/]scm/KEY/REPO.git");
  }
  if (!declared && provider == Provider::kUnknown) {
    if (parts.size() >= 3 && parts[parts.size() - 3] == "scm") {
      provider = Provider::kBitbucketServer;
    } else if (raw.scheme == "ssh" && raw.port == 7999) {
      provider = Provider::kBitbucketServer;
    } else if (raw.scheme == "ssh" && raw.port == 29418) {
      provider = Provider::kGerrit;
    } else if (parts.size() >= 2 && parts[parts.size() - 2] == "_git") {
      provider = Provider::kAzureDevOps;  // Azure DevOps Server: …/PROJECT/_git/REPO
    }
  }
  url.provider = provider;
  url.host = CanonicalHost(host);

  if (provider == Provider::kCgit) {
    // cgit browser URLs: …/repo.git/tree/README, …/repo.git/commit/?id=…
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
      if (EndsWithIgnoreCase(parts[i], ".git")) {
        parts.resize(i + 1);
        break;
      }
    }
    had_git_suffix = had_git_suffix || (!parts.empty() && EndsWithIgnoreCase(parts.back(), ".git"));
    if (!StripGitSuffixes(&parts)) return Invalid(input, "its path contains \"..\"");
  }
  if (parts.empty()) return Invalid(input, "it has no repository path after the host");

  switch (provider) {
    case Provider::kAzureDevOps:
      if (Status st = CanonicalAzure(input, host, parts, &url); !st.ok()) return st;
      break;
    case Provider::kBitbucketServer:
      CanonicalBitbucketServer(&parts);
      url.path = Join(parts, 0, parts.size());
      break;
    case Provider::kGerrit:
    case Provider::kGitiles:
      // "/a/" asks for authentication; it is not part of the project name.
      // "/a/" marks authenticated access in http(s) clone URLs only; an id
      // ("host/a/b") names a project "a/b".
      if (raw.form == RawUrl::Form::kScheme && web_scheme && parts.size() > 1 && parts[0] == "a") {
        parts.erase(parts.begin());
      }
      url.path = Join(parts, 0, parts.size());
      break;
    case Provider::kGitHub:
    case Provider::kBitbucketCloud:
    case Provider::kGitea:
      // owner/repo; anything after is a browser path (tree/main, src/…).
      if (parts.size() < 2) {
        return Invalid(input, "it names no repository: " + std::string(ProviderName(provider)) +
                                  " repositories are OWNER/REPO");
      }
      url.path = Join(parts, 0, 2);
      if (EndsWithIgnoreCase(url.path, ".git")) url.path.resize(url.path.size() - 4);
      break;
    case Provider::kGitLab: {
      auto dash = std::find(parts.begin(), parts.end(), "-");
      url.path = Join(parts, 0, static_cast<size_t>(dash - parts.begin()));
      break;
    }
    default:
      url.path = Join(parts, 0, parts.size());
      break;
  }
  if (EndsWithIgnoreCase(url.path, ".git")) {  // a provider's cut exposed one ("_git/repo.git/…")
    std::vector<std::string> canonical = SplitPath(url.path);
    if (!StripGitSuffixes(&canonical)) return Invalid(input, "its path contains \"..\"");
    url.path = Join(canonical, 0, canonical.size());
  }
  if (url.path.empty()) return Invalid(input, "it has no repository path after the host");
  url.web_path = url.path;
  if (provider == Provider::kCgit && had_git_suffix) url.web_path += ".git";
  return url;
}

}  // namespace srclink
