// Fuzzes RepositoryUrl::Parse, which reads git remotes from untrusted places
// (CI variables, telemetry tags, .git/config).
//
// Credentials: when the input holds "scheme://user:PASSWORD@" (or an http(s)
// "TOKEN@" user name standing alone), the secret must not reach sanitized,
// Id(), WebBase(), Dump(), the links built from the result, an error message
// or RedactCredentials(). To tell a leak from a coincidence (the secret's text
// also being part of the host, the path or fixed link text), the input is
// parsed a second time with the secret replaced by different letters: output
// that holds the secret in the first run but not in the second leaked it.
//
// Every successful parse: Id() is non-empty, has no scheme, does not end with
// ".git" or "/"; host is lowercase, with no port (no ':' outside an IPv6
// literal); Parse(Id()) succeeds with the same Id(), and so does
// Parse(sanitized).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/links.h"
#include "core/provider.h"
#include "core/repository_url.h"
#include "fuzz_util.h"

namespace {

using srclink::HostRegistry;
using srclink::RepositoryUrl;
using srclink::fuzz::ContainsInsensitive;

using Outputs = std::vector<std::pair<std::string, std::string>>;  // name, text

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsSchemeChar(char c) { return IsAlpha(c) || IsDigit(c) || c == '+' || c == '-' || c == '.'; }
bool IsPlainCredChar(char c) {
  return IsAlpha(c) || IsDigit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

// A secret that must not survive parsing: input.substr(pos, size).
struct Secret {
  size_t pos = 0;
  size_t size = 0;
  bool is_password = false;  // false: an http(s) user name standing alone
};

// Finds "scheme://user:password@" or "http(s)://user@" at the first "://",
// where user and password are plain (letters, digits, -._~).
std::optional<Secret> FindSecret(std::string_view input) {
  size_t sep = input.find("://");
  if (sep == std::string_view::npos || sep == 0) return std::nullopt;
  size_t scheme_begin = sep;
  while (scheme_begin > 0 && IsSchemeChar(input[scheme_begin - 1])) --scheme_begin;
  if (scheme_begin == sep || !IsAlpha(input[scheme_begin])) return std::nullopt;
  std::string scheme(input.substr(scheme_begin, sep - scheme_begin));
  for (char& c : scheme) c = srclink::fuzz::Lower(c);

  size_t user_begin = sep + 3;
  size_t i = user_begin;
  while (i < input.size() && IsPlainCredChar(input[i])) ++i;
  if (i >= input.size()) return std::nullopt;

  Secret secret;
  if (input[i] == ':') {
    size_t pass_begin = i + 1;
    size_t j = pass_begin;
    while (j < input.size() && IsPlainCredChar(input[j])) ++j;
    if (j >= input.size() || input[j] != '@') return std::nullopt;
    secret = {pass_begin, j - pass_begin, true};
  } else if (input[i] == '@' && (scheme == "http" || scheme == "https")) {
    secret = {user_begin, i - user_begin, false};
  } else {
    return std::nullopt;
  }
  if (secret.size < 3) return std::nullopt;
  return secret;
}

// The same input with the secret's letters all changed.
std::string WithoutSecret(std::string_view input, const Secret& secret) {
  std::string out(input);
  for (size_t k = secret.pos; k < secret.pos + secret.size; ++k) {
    char c = srclink::fuzz::Lower(out[k]);
    out[k] = (c == 'q') ? 'w' : 'q';
  }
  return out;
}

const HostRegistry& Hosts() {
  static const HostRegistry* hosts = [] {
    auto* h = new HostRegistry();
    h->DeclareProvider("git.corp.example", srclink::Provider::kGitLab);
    h->DeclareProvider("code.corp.example:8443", srclink::Provider::kGitea);
    h->DeclareProvider("review.corp.example", srclink::Provider::kGerrit);
    srclink::LinkTemplates t;
    t.file = "{base}/view/{commit}/{path}";
    t.blame = "{base}/blame/{commit}/{path}";
    t.commit = "{base}/commit/{commit}";
    t.line_anchor = "#L{line}";
    t.range_anchor = "#L{line}-{end}";
    (void)h->DeclareTemplates("code.internal", t);
    return h;
  }();
  return *hosts;
}

void CheckParsed(const RepositoryUrl& repo, const HostRegistry* hosts) {
  std::string id = repo.Id();
  SRCLINK_FUZZ_CHECK(!id.empty(), repo.sanitized);
  SRCLINK_FUZZ_CHECK(id.find("://") == std::string::npos, id);
  SRCLINK_FUZZ_CHECK(id.back() != '/', id);
  SRCLINK_FUZZ_CHECK(!(id.size() >= 4 && id.compare(id.size() - 4, 4, ".git") == 0), id);
  SRCLINK_FUZZ_CHECK(!repo.host.empty(), repo.sanitized);
  for (char c : repo.host) {
    SRCLINK_FUZZ_CHECK(!(c >= 'A' && c <= 'Z'), repo.host);
    SRCLINK_FUZZ_CHECK(c != '/' && c != '@' && c != ' ', repo.host);
  }
  // "without port": a ':' only inside an IPv6 literal.
  SRCLINK_FUZZ_CHECK(repo.host.front() == '[' || repo.host.find(':') == std::string::npos,
                     repo.host);

  // Idempotent on its identity: Id() parses back to itself. A dotless
  // intranet host ("gitserver/o/r") reads as a relative path without its
  // scheme, so only the other hosts are held to this.
  // Paths of bytes no git host allows (0xff, ':', quotes…) can mimic other
  // syntax when re-read: the identity invariants hold for realistic paths.
  const bool dotless = repo.host.find('.') == std::string::npos && repo.host != "localhost" &&
                       repo.host.front() != '[';
  const bool realistic = std::all_of(repo.path.begin(), repo.path.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '~' || c == '/' || c == '-';
  });
  if (!realistic) return;
  if (!dotless) {
    auto again = RepositoryUrl::Parse(id, hosts);
    if (!again.ok())
      srclink::fuzz::Fail("Parse(Id()) failed", id + " -> " + again.status().message());
    if (again->Id() != id)
      srclink::fuzz::Fail("Parse(Id()).Id() != Id()", id + " -> " + again->Id());
  }

  // The sanitized form names the same repository.
  auto clean = RepositoryUrl::Parse(repo.sanitized, hosts);
  if (!clean.ok()) {
    srclink::fuzz::Fail("Parse(sanitized) failed",
                        repo.sanitized + " -> " + clean.status().message());
  }
  if (clean->Id() != id) {
    srclink::fuzz::Fail("Parse(sanitized).Id() != Id()",
                        repo.sanitized + " -> " + clean->Id() + " vs " + id);
  }
}

// Parses `input` (checking the invariants of a successful parse) and returns
// every text derived from it that a user or a log could see.
Outputs ParseAndCollect(std::string_view input, const HostRegistry* hosts, bool check) {
  Outputs out;
  auto result = RepositoryUrl::Parse(input, hosts);
  if (!result.ok()) {
    out.emplace_back("error message", result.status().message());
    return out;
  }
  const RepositoryUrl& repo = *result;
  if (check) CheckParsed(repo, hosts);
  out.emplace_back("sanitized", repo.sanitized);
  out.emplace_back("Id()", repo.Id());
  out.emplace_back("WebBase()", repo.WebBase());
  out.emplace_back("Dump()", repo.Dump());
  if (repo.provider != srclink::Provider::kUnknown) {
    srclink::LineRange lines;
    lines.start = 3;
    lines.end = 7;
    HostRegistry none;
    auto links = srclink::MakeLinks(repo, "0123456789abcdef0123456789abcdef01234567",
                                    "src/a b#c.py", lines, hosts ? *hosts : none);
    if (links.ok()) {
      out.emplace_back("file link", links->file);
      out.emplace_back("blame link", links->blame);
      out.emplace_back("commit link", links->commit);
    } else {
      out.emplace_back("links error", links.status().message());
    }
  }
  return out;
}

bool ChecksName(const Secret& secret, const std::string& name) {
  if (secret.is_password) return true;
  // A lone http(s) user name is dropped from these; elsewhere it is not promised.
  return name == "sanitized" || name == "Id()" || name == "WebBase()";
}

void CheckNoLeak(std::string_view input, const Secret& secret, const Outputs& with,
                 const Outputs& without) {
  std::string_view text = input.substr(secret.pos, secret.size);
  for (const auto& [name, value] : with) {
    if (!ChecksName(secret, name) || !ContainsInsensitive(value, text)) continue;
    bool coincidence = false;
    for (const auto& [name2, value2] : without) {
      if (name2 == name && ContainsInsensitive(value2, text)) coincidence = true;
    }
    if (!coincidence) {
      srclink::fuzz::Fail(secret.is_password ? "a password survived parsing"
                                             : "an http(s) user name survived parsing",
                          name + ": " + value);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;  // remotes are short; keep iterations fast
  std::string_view input = srclink::fuzz::AsText(data, size);
  std::optional<Secret> secret = FindSecret(input);
  std::string other = secret ? WithoutSecret(input, *secret) : std::string();

  for (const HostRegistry* hosts : {static_cast<const HostRegistry*>(nullptr), &Hosts()}) {
    Outputs with = ParseAndCollect(input, hosts, /*check=*/true);
    if (!secret) continue;
    with.emplace_back("RedactCredentials()", srclink::RedactCredentials(input));
    Outputs without = ParseAndCollect(other, hosts, /*check=*/false);
    without.emplace_back("RedactCredentials()", srclink::RedactCredentials(other));
    CheckNoLeak(input, *secret, with, without);
  }
  return 0;
}
