#include "core/links.h"

#include <array>
#include <climits>
#include <memory>
#include <utility>

#include "core/percent_encoding.h"

namespace srclink {

namespace {

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

std::string Quote(std::string_view text) { return "\"" + std::string(text) + "\""; }

std::string HostWithPort(const RepositoryUrl& repo) {
  std::string host = repo.host;
  if (repo.web_port != 0) host += ":" + std::to_string(repo.web_port);
  return host;
}

// Makes text from a remote URL safe inside a link: encodes what EncodePath
// encodes, but keeps %XX escapes that are already there (remote paths such as
// Azure DevOps "My%20Project" arrive encoded; others arrive raw).
std::string NormalizeUrlText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t run = 0;  // start of the text not yet copied
  for (size_t i = 0; i + 2 < text.size(); ++i) {
    if (text[i] == '%' && IsHex(text[i + 1]) && IsHex(text[i + 2])) {
      out += EncodePath(text.substr(run, i - run));
      out.append(text.substr(i, 3));
      i += 2;
      run = i + 1;
    }
  }
  out += EncodePath(text.substr(run));
  return out;
}

// "https://host[:port]" as WebBase() spells it, without the path.
std::string Origin(const RepositoryUrl& repo) {
  return (repo.scheme == "http" ? "http://" : "https://") + NormalizeUrlText(HostWithPort(repo));
}

// The repository's web address with no trailing '/'.
std::string Base(const RepositoryUrl& repo) {
  std::string base = NormalizeUrlText(repo.WebBase());
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

// The repository's part of every link, checked and derived once.
struct LinkContext {
  const RepositoryUrl* repo = nullptr;
  Provider provider = Provider::kUnknown;
  std::string commit;
  const LinkTemplates* templates = nullptr;  // kCustom only
  std::string bitbucket_repo;                // kBitbucketServer: ".../projects/KEY/repos/REPO"
  Status bitbucket_status;                   // kBitbucketServer: why there is no bitbucket_repo
  std::string base;                          // Base(repo), or the Gerrit gitiles base
};

// One file's part of its links.
struct PathContext {
  std::string_view path;
  std::string encoded_path;  // EncodePath(path)
  LineRange lines;           // empty, or start >= 1 and end >= start
};

Status CheckCommit(const RepositoryUrl& repo, std::string_view commit) {
  if (commit.empty()) {
    return Status::InvalidArgument("cannot link into " + Quote(repo.Id()) +
                                   ": the commit is empty; pass the full SHA of the commit the "
                                   "code was built from (git rev-parse HEAD prints it)");
  }
  for (char c : commit) {
    if (!IsHex(c)) {
      return Status::InvalidArgument("commit " + Quote(commit) + " for " + Quote(repo.Id()) +
                                     " is not a hexadecimal commit id: pass the full SHA "
                                     "(git rev-parse " +
                                     std::string(commit) + " prints it)");
    }
  }
  return Status::Ok();
}

// A tag or branch ("go1.21.3", "3.11"): what git refs may hold, and nothing
// that would break out of a URL path segment.
Status CheckRef(const RepositoryUrl& repo, std::string_view ref) {
  if (ref.empty()) return CheckCommit(repo, ref);
  for (char c : ref) {
    bool ok = IsHex(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' || c == '/' || c == '+';
    if (!ok || ref.find("..") != std::string_view::npos) {
      return Status::InvalidArgument("ref " + Quote(ref) + " for " + Quote(repo.Id()) +
                                     " is not a plain tag or branch name");
    }
  }
  return Status::Ok();
}

Status CheckPath(const RepositoryUrl& repo, std::string_view path) {
  if (path.empty()) {
    return Status::InvalidArgument("cannot link a file in " + Quote(repo.Id()) +
                                   ": the file path is empty; pass the path relative to the "
                                   "repository root, e.g. \"src/main.cc\"");
  }
  if (path.front() == '/') {
    std::string_view relative = path;
    while (!relative.empty() && relative.front() == '/') relative.remove_prefix(1);
    return Status::InvalidArgument("file path " + Quote(path) + " for " + Quote(repo.Id()) +
                                   " starts with '/': pass it relative to the repository root, "
                                   "e.g. " +
                                   Quote(relative));
  }
  return Status::Ok();
}

Result<LineRange> CheckLines(LineRange lines) {
  if (lines.start < 0 || (lines.start == 0 && lines.end < 0)) {
    return Status::InvalidArgument("line " + std::to_string(lines.start) +
                                   " is invalid: line numbers start at 1");
  }
  if (lines.start == 0) return LineRange{};
  if (lines.end != 0 && lines.end < lines.start) {
    return Status::InvalidArgument("line range " + std::to_string(lines.start) + "-" +
                                   std::to_string(lines.end) + " is invalid: end line " +
                                   std::to_string(lines.end) + " is before start line " +
                                   std::to_string(lines.start));
  }
  if (lines.end == 0) lines.end = lines.start;
  return lines;
}

// Bitbucket Server serves KEY/repo at /projects/KEY/repos/repo and a personal
// ~user/repo at /users/user/repos/repo; anything before KEY is a context path.
Result<std::string> BitbucketServerRepoBase(const RepositoryUrl& repo) {
  std::string_view path = repo.path;
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  size_t last = path.rfind('/');
  if (last == std::string_view::npos || last == 0) {
    return Status::InvalidArgument("Bitbucket Server repository path " + Quote(repo.path) + " on " +
                                   Quote(HostWithPort(repo)) +
                                   " is not PROJECT/repo: use the clone URL, e.g. https://" +
                                   HostWithPort(repo) + "/scm/PROJECT/repo.git");
  }
  size_t before = path.rfind('/', last - 1);
  size_t key_start = before == std::string_view::npos ? 0 : before + 1;
  std::string_view context = path.substr(0, key_start);
  std::string_view key = path.substr(key_start, last - key_start);
  std::string_view name = path.substr(last + 1);
  std::string base = Origin(repo) + "/";
  base += NormalizeUrlText(context);
  if (!key.empty() && key.front() == '~') {
    base += "users/" + NormalizeUrlText(key.substr(1));
  } else {
    base += "projects/" + NormalizeUrlText(key);
  }
  base += "/repos/" + NormalizeUrlText(name);
  return base;
}

// Checks and derives the repository's part: the provider (with the host's
// templates), the commit, the web base. A Bitbucket Server path that names no
// PROJECT/repo is reported after the file's own checks, as MakeLink always did.
Result<LinkContext> PrepareRepository(const RepositoryUrl& repo, std::string_view commit,
                                      bool allow_ref, const HostRegistry& hosts) {
  LinkContext ctx;
  ctx.repo = &repo;
  ctx.provider = repo.provider;
  if (ctx.provider == Provider::kUnknown) {
    if (auto declared = hosts.DeclaredProvider(repo.host, repo.web_port)) ctx.provider = *declared;
  }
  if (ctx.provider == Provider::kUnknown) ctx.provider = DetectProviderByHost(repo.host);
  if (ctx.provider == Provider::kUnknown) {
    std::string host = HostWithPort(repo);
    return Status::InvalidArgument("no link format known for host " + Quote(host) +
                                   ": declare its provider (--host " + host +
                                   "=gitlab) or link templates in the config file");
  }
  if (ctx.provider == Provider::kCustom) {
    ctx.templates = hosts.Templates(repo.host, repo.web_port);
    if (ctx.templates == nullptr) {
      return Status::InvalidArgument("host " + Quote(HostWithPort(repo)) +
                                     " is declared custom but has no link templates: declare "
                                     "them in the config file");
    }
  }
  if (Status st = allow_ref ? CheckRef(repo, commit) : CheckCommit(repo, commit); !st.ok())
    return st;
  ctx.commit = std::string(commit);
  ctx.base = ctx.provider == Provider::kGerrit
                 ? Origin(repo) + "/plugins/gitiles/" + NormalizeUrlText(repo.path)
                 : Base(repo);
  if (ctx.provider == Provider::kBitbucketServer) {
    Result<std::string> base = BitbucketServerRepoBase(repo);
    if (base.ok()) {
      ctx.bitbucket_repo = std::move(*base);
    } else {
      ctx.bitbucket_status = base.status();
    }
  }
  return ctx;
}

// Checks and encodes the file's part (not needed for kCommit links).
Status PreparePath(const LinkContext& ctx, std::string_view path, LineRange lines,
                   PathContext* out) {
  if (Status st = CheckPath(*ctx.repo, path); !st.ok()) return st;
  out->path = path;
  out->encoded_path = EncodePath(path);
  Result<LineRange> checked = CheckLines(lines);
  if (!checked.ok()) return checked.status();
  out->lines = *checked;
  return Status::Ok();
}

std::string Num(long long n) { return std::to_string(n); }

// Files whose default file view is rendered, without line anchors: GitHub
// renders these markups (?plain=1 shows source), Gitea Markdown and Org
// (?display=source).
bool IsRenderedMarkup(std::string_view path, bool gitea) {
  size_t slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return false;
  std::string ext(name.substr(dot + 1));
  for (char& c : ext) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  static const std::array<std::string_view, 6> kMarkdown = {"md",   "markdown", "mdown",
                                                            "mkdn", "mkd",      "org"};
  static const std::array<std::string_view, 9> kGitHubOnly = {
      "rst", "adoc", "asciidoc", "textile", "rdoc", "mediawiki", "wiki", "creole", "pod"};
  for (std::string_view e : kMarkdown) {
    if (ext == e) return true;
  }
  if (gitea) return false;
  for (std::string_view e : kGitHubOnly) {
    if (ext == e) return true;
  }
  return false;
}

// Appends the decimal digits of n.
void AppendNum(std::string* out, long long n) {
  char buf[24];
  char* end = buf + sizeof(buf);
  char* p = end;
  unsigned long long u = n < 0 ? 0ULL - static_cast<unsigned long long>(n) : n;
  do {
    *--p = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0);
  if (n < 0) *--p = '-';
  out->append(p, static_cast<size_t>(end - p));
}

// Appends "#L10" or "#L10-L20" style anchors: prefix + start, then range_sep + end.
void AppendAnchor(std::string* out, const LineRange& lines, std::string_view prefix,
                  std::string_view range_sep) {
  if (lines.empty()) return;
  out->push_back('#');
  out->append(prefix);
  AppendNum(out, lines.start);
  if (!lines.single() && !range_sep.empty()) {
    out->append(range_sep);
    AppendNum(out, lines.end);
  }
}

std::string Substitute(std::string_view tmpl, const LinkContext& ctx, const PathContext& pc) {
  std::string out;
  size_t pos = 0;
  while (pos < tmpl.size()) {
    size_t open = tmpl.find('{', pos);
    size_t close = open == std::string_view::npos ? open : tmpl.find('}', open);
    if (open == std::string_view::npos || close == std::string_view::npos) {
      out.append(tmpl.substr(pos));
      break;
    }
    out.append(tmpl.substr(pos, open - pos));
    std::string_view name = tmpl.substr(open + 1, close - open - 1);
    if (name == "base") {
      out += ctx.base;
    } else if (name == "host") {
      out += NormalizeUrlText(HostWithPort(*ctx.repo));
    } else if (name == "repo") {
      out += NormalizeUrlText(ctx.repo->path);
    } else if (name == "commit") {
      out.append(ctx.commit);
    } else if (name == "path") {
      out += pc.encoded_path;
    } else if (name == "line") {
      out += Num(pc.lines.start);
    } else if (name == "end") {
      out += Num(pc.lines.end);
    } else {
      out.append(tmpl.substr(open, close - open + 1));
    }
    pos = close + 1;
  }
  return out;
}

std::string CustomLink(const LinkContext& ctx, const PathContext& pc, LinkKind kind) {
  const LinkTemplates& t = *ctx.templates;
  if (kind == LinkKind::kCommit) return Substitute(t.commit, ctx, pc);
  const std::string& tmpl = kind == LinkKind::kFile ? t.file : t.blame;
  if (tmpl.empty()) return "";
  std::string link = Substitute(tmpl, ctx, pc);
  if (!pc.lines.empty()) {
    const std::string& anchor =
        !pc.lines.single() && !t.range_anchor.empty() ? t.range_anchor : t.line_anchor;
    link += Substitute(anchor, ctx, pc);
  }
  return link;
}

// Azure DevOps selects [line, col 1] to [lineEnd, col 1]: lineEnd is one past
// the last line so that the whole of every line in the range is highlighted.
std::string AzureLink(const LinkContext& ctx, const PathContext& pc, LinkKind kind) {
  const std::string& base = ctx.base;
  if (kind == LinkKind::kCommit) return base + "/commit/" + ctx.commit;
  std::string link =
      base + "?path=" + EncodeQueryValue("/" + std::string(pc.path)) + "&version=GC" + ctx.commit;
  if (!pc.lines.empty()) {
    link += "&line=" + Num(pc.lines.start) + "&lineEnd=" + Num(pc.lines.end + 1LL) +
            "&lineStartColumn=1&lineEndColumn=1&lineStyle=plain";
  }
  link += kind == LinkKind::kFile ? "&_a=contents" : "&_a=blame";
  return link;
}

// base + middle + commit + "/" + path + after, then the anchor: the shape of
// most hosts' file and blame links, built in one string.
std::string PathLink(const LinkContext& ctx, const PathContext& pc, std::string_view middle,
                     std::string_view after, std::string_view anchor_prefix,
                     std::string_view range_sep) {
  std::string out;
  out.reserve(ctx.base.size() + middle.size() + ctx.commit.size() + 1 + pc.encoded_path.size() +
              after.size() + 24);
  out.append(ctx.base);
  out.append(middle);
  out.append(ctx.commit);
  out.push_back('/');
  out.append(pc.encoded_path);
  out.append(after);
  AppendAnchor(&out, pc.lines, anchor_prefix, range_sep);
  return out;
}

std::string CommitLink(const LinkContext& ctx, std::string_view middle) {
  std::string out;
  out.reserve(ctx.base.size() + middle.size() + ctx.commit.size());
  out.append(ctx.base);
  out.append(middle);
  out.append(ctx.commit);
  return out;
}

std::string BuildLink(const LinkContext& ctx, const PathContext& pc, LinkKind kind) {
  const std::string& commit = ctx.commit;
  const std::string& path = pc.encoded_path;
  const LineRange& lines = pc.lines;
  const bool file = kind == LinkKind::kFile;
  switch (ctx.provider) {
    case Provider::kGitHub: {
      if (kind == LinkKind::kCommit) return CommitLink(ctx, "/commit/");
      std::string_view plain =
          file && !lines.empty() && IsRenderedMarkup(pc.path, false) ? "?plain=1" : "";
      return PathLink(ctx, pc, file ? "/blob/" : "/blame/", plain, "L", "-L");
    }
    case Provider::kGitLab: {
      if (kind == LinkKind::kCommit) return CommitLink(ctx, "/-/commit/");
      return PathLink(ctx, pc, file ? "/-/blob/" : "/-/blame/", "", "L", "-");
    }
    case Provider::kBitbucketCloud: {
      if (kind == LinkKind::kCommit) return CommitLink(ctx, "/commits/");
      return PathLink(ctx, pc, file ? "/src/" : "/annotate/", "", "lines-", ":");
    }
    case Provider::kBitbucketServer: {
      if (kind == LinkKind::kCommit) return ctx.bitbucket_repo + "/commits/" + commit;
      if (!file) return "";  // Blame is a toggle of the source view, with no URL of its own.
      std::string out = ctx.bitbucket_repo + "/browse/" + path + "?at=" + EncodeQueryValue(commit);
      AppendAnchor(&out, lines, "", "-");
      return out;
    }
    case Provider::kAzureDevOps:
      return AzureLink(ctx, pc, kind);
    case Provider::kGitea: {
      if (kind == LinkKind::kCommit) return CommitLink(ctx, "/commit/");
      std::string_view source =
          file && !lines.empty() && IsRenderedMarkup(pc.path, true) ? "?display=source" : "";
      return PathLink(ctx, pc, file ? "/src/commit/" : "/blame/commit/", source, "L", "-L");
    }
    case Provider::kGerrit:
    case Provider::kGitiles: {
      if (kind == LinkKind::kCommit) return CommitLink(ctx, "/+/");
      // Gitiles anchors name one line ("#10"); there is no range form.
      return PathLink(ctx, pc, file ? "/+/" : "/+blame/", "", "", "");
    }
    case Provider::kSourceHut: {
      const std::string& base = ctx.base;
      if (kind == LinkKind::kCommit) return CommitLink(ctx, "/commit/");
      std::string out = file ? base + "/tree/" + commit + "/item/" + path
                             : base + "/blame/" + commit + "/" + path;
      AppendAnchor(&out, lines, "L", "-");
      return out;
    }
    case Provider::kCgit: {
      const std::string& base = ctx.base;
      if (kind == LinkKind::kCommit) return CommitLink(ctx, "/commit/?id=");
      // cgit anchors name one line ("#n10"); there is no range form.
      std::string out = base + (file ? "/tree/" : "/blame/") + path + "?id=" + commit;
      AppendAnchor(&out, lines, "n", "");
      return out;
    }
    case Provider::kCustom:
      return CustomLink(ctx, pc, kind);
    case Provider::kUnknown:
      break;
  }
  return "";
}

// Parses a positive decimal line number; `what` names it in errors.
Result<int> ParseLineNumber(std::string_view text, std::string_view whole, std::string_view what) {
  auto invalid = [&](const std::string& why) {
    return Status::InvalidArgument("line range " + Quote(whole) + " is invalid: " + why +
                                   "; write a line (\"42\") or a range (\"10-20\")");
  };
  if (text.empty()) return invalid("the " + std::string(what) + " is missing");
  long long value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      return invalid(Quote(std::string(1, c)) + " is not a digit");
    }
    value = value * 10 + (c - '0');
    if (value > INT_MAX) {
      return invalid("the " + std::string(what) + " " + Quote(text) + " is too large");
    }
  }
  if (value == 0) return invalid("line numbers start at 1, not 0");
  return static_cast<int>(value);
}

}  // namespace

Result<LineRange> LineRange::Parse(std::string_view text) {
  if (text.empty()) {
    return Status::InvalidArgument(
        "line range \"\" is empty: write a line (\"42\") or a range (\"10-20\")");
  }
  if (text.front() == '-') {
    return Status::InvalidArgument("line range " + Quote(text) +
                                   " is invalid: line numbers start at 1 and cannot be "
                                   "negative; write a line (\"42\") or a range (\"10-20\")");
  }
  size_t dash = text.find('-');
  std::string_view first = text.substr(0, dash);
  Result<int> start = ParseLineNumber(first, text, "start line");
  if (!start.ok()) return start.status();
  LineRange range;
  range.start = *start;
  if (dash == std::string_view::npos) return range;
  Result<int> end = ParseLineNumber(text.substr(dash + 1), text, "end line");
  if (!end.ok()) return end.status();
  if (*end < *start) {
    return Status::InvalidArgument("line range " + Quote(text) + " is invalid: end line " +
                                   std::to_string(*end) + " is before start line " +
                                   std::to_string(*start) + "; write it as \"" +
                                   std::to_string(*end) + "-" + std::to_string(*start) + "\"");
  }
  range.end = *end;
  return range;
}

std::string_view LinkKindName(LinkKind kind) {
  switch (kind) {
    case LinkKind::kFile:
      return "file";
    case LinkKind::kBlame:
      return "blame";
    case LinkKind::kCommit:
      return "commit";
  }
  return "file";
}

namespace {

Result<std::string> MakeLinkAt(const RepositoryUrl& repo, LinkKind kind, std::string_view commit,
                               bool allow_ref, std::string_view path, LineRange lines,
                               const HostRegistry& hosts) {
  Result<LinkContext> ctx = PrepareRepository(repo, commit, allow_ref, hosts);
  if (!ctx.ok()) return ctx.status();
  PathContext pc;
  if (kind != LinkKind::kCommit) {
    if (Status st = PreparePath(*ctx, path, lines, &pc); !st.ok()) return st;
  }
  if (!ctx->bitbucket_status.ok()) return ctx->bitbucket_status;
  return BuildLink(*ctx, pc, kind);
}

}  // namespace

Result<std::string> MakeLink(const RepositoryUrl& repo, LinkKind kind, std::string_view commit,
                             std::string_view path, LineRange lines, const HostRegistry& hosts) {
  return MakeLinkAt(repo, kind, commit, /*allow_ref=*/false, path, lines, hosts);
}

Result<std::string> MakeRefLink(const RepositoryUrl& repo, LinkKind kind, std::string_view ref,
                                std::string_view path, LineRange lines, const HostRegistry& hosts) {
  return MakeLinkAt(repo, kind, ref, /*allow_ref=*/true, path, lines, hosts);
}

Result<SourceLinks> MakeLinks(const RepositoryUrl& repo, std::string_view commit,
                              std::string_view path, LineRange lines, const HostRegistry& hosts) {
  return LinkBuilder(repo, commit, hosts).MakeLinks(path, lines);
}

// ------------------------------------------------------------------ LinkBuilder

struct LinkBuilder::Prepared {
  Result<LinkContext> ctx;
};

LinkBuilder::LinkBuilder(const RepositoryUrl& repo, std::string_view commit,
                         const HostRegistry& hosts)
    : prepared_(std::make_unique<Prepared>(
          Prepared{PrepareRepository(repo, commit, /*allow_ref=*/false, hosts)})) {}

LinkBuilder::~LinkBuilder() = default;
LinkBuilder::LinkBuilder(LinkBuilder&&) noexcept = default;
LinkBuilder& LinkBuilder::operator=(LinkBuilder&&) noexcept = default;

Result<SourceLinks> LinkBuilder::MakeLinks(std::string_view path, LineRange lines) const {
  const Result<LinkContext>& ctx = prepared_->ctx;
  if (!ctx.ok()) return ctx.status();
  PathContext pc;
  if (Status st = PreparePath(*ctx, path, lines, &pc); !st.ok()) return st;
  if (!ctx->bitbucket_status.ok()) return ctx->bitbucket_status;
  SourceLinks links;
  links.file = BuildLink(*ctx, pc, LinkKind::kFile);
  links.blame = BuildLink(*ctx, pc, LinkKind::kBlame);
  links.commit = BuildLink(*ctx, pc, LinkKind::kCommit);
  return links;
}

}  // namespace srclink
