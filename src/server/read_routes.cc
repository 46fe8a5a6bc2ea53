// The read side of `srclink serve` (docs/API.md, "Read"): resolve, snippets,
// /go/ redirects, listings and one commit's detail. All need scope `read`
// (file paths and contents are the repository's), except under --no-auth.
//
// Authentication for /go/: tools that only template URLs (Grafana data
// links, Jaeger, Kibana) cannot set headers, so /go/file, /go/blame and
// /go/commit also accept the key as a `key` query parameter
// (`/go/file?repo=…&commit=…&file=…&line=…&key=sk_…`). Such URLs end up in
// browser histories and proxy logs: give them a key with only scope `read`.
//
// Errors are JSON via SendError naming the field, except the /go/ answers
// meant for people: a 404 HTML page saying why there is no link (commit not
// uploaded, path ambiguous with its candidates, file unknown).
//
// Hot path (POST /api/v1/resolve): the body is parsed in one pass into frames
// (resolve_request.h), the commit's
// snapshot is a shared_ptr from the CommitCache (one short lock per request),
// a Resolver is built per request, and the answer is written straight into
// one string.
#include <httplib.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/frame.h"
#include "core/json_text.h"
#include "core/links.h"
#include "core/repository_url.h"
#include "core/resolver.h"
#include "server/blob_cache.h"
#include "server/commit_cache.h"
#include "server/content_fetch.h"
#include "server/resolve_request.h"
#include "server/route_params.h"
#include "server/server_context.h"
#include "server/snippet.h"
#include "store/telemetry_store.h"

namespace srclink::server {

namespace {

using json = nlohmann::json;

constexpr int kMaxContext = kMaxSnippetContext;
constexpr int kDefaultContext = kDefaultSnippetContext;
constexpr size_t kDefaultCommitListing = 100;
constexpr size_t kMaxCommitListing = 1000;

// ---- JSON output -----------------------------------------------------------

// Appends `s` as a JSON string. Invalid UTF-8 (file contents may be Latin-1)
// becomes U+FFFD so the answer stays valid JSON.

void AppendInt(std::string* out, int64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  (void)ec;
  out->append(buf, end);
}

// ---- Access ------------------------------------------------------------------

// ---- Inputs ------------------------------------------------------------------

Result<RepositoryUrl> ParseRepository(const ServerContext& ctx, std::string_view url) {
  if (url.empty()) {
    return Status::InvalidArgument(
        "missing: give the repository's URL or id, e.g. \"github.com/acme/shop\"");
  }
  return RepositoryUrl::Parse(url, &Hosts(ctx));
}

// ---- POST /api/v1/resolve -------------------------------------------------------

// Why a file's contents cannot be shown: being fetched from the git remote
// (asked for here, when the operator allows the host), or not uploaded.
std::string MissingContents(const ServerContext& ctx, const RepositoryUrl& repo,
                            const CommitSnapshot& snapshot, const std::string& path) {
  if (ctx.fetch != nullptr && ctx.fetch->RequestContents(repo, snapshot.info.commit_sha)) {
    return "contents of " + path + " are being fetched from the git remote; retry in a few seconds";
  }
  return "contents not uploaded: run srclink upload without --no-contents (" + path + ")";
}

// The snippet of a resolved frame, or why there is none.
void AppendSnippet(const ServerContext& ctx, const RepositoryUrl& repo,
                   const CommitSnapshot& snapshot, const Resolution& r, int line, int context,
                   std::string* out) {
  auto error = [out](const std::string& message) {
    out->append(",\"snippet_error\":");
    AppendJsonString(out, message);
  };
  if (r.status != ResolutionStatus::kResolved) {
    return error(r.status == ResolutionStatus::kAmbiguous
                     ? "the frame is ambiguous: no single file to show"
                     : "the frame did not resolve to a file of the repository");
  }
  if (line <= 0) return error("the frame has no line number");
  if (ctx.blobs == nullptr) return error("this server does not serve file contents");
  std::string_view blob_id = snapshot.BlobId(snapshot.index.Find(r.path));
  if (blob_id.empty()) return error(MissingContents(ctx, repo, snapshot, r.path));
  Result<std::shared_ptr<const FileLines>> file = ctx.blobs->Get(blob_id);
  if (!file.ok()) {
    if (file.status().code() == Status::Code::kNotFound) {
      return error(MissingContents(ctx, repo, snapshot, r.path));
    }
    return error(file.status().message());
  }
  Result<Snippet> snippet = MakeSnippet(**file, r.path, line, context, context);
  if (!snippet.ok()) return error(snippet.status().message());
  out->append(",\"snippet\":{\"start_line\":");
  AppendInt(out, snippet->start_line);
  out->append(",\"line\":");
  AppendInt(out, snippet->line);
  out->append(",\"lines\":[");
  for (size_t i = 0; i < snippet->lines.size(); ++i) {
    if (i != 0) out->push_back(',');
    AppendJsonString(out, snippet->lines[i]);
  }
  out->append("]}");
}

// The git fields of a request that named a service: what its telemetry taught
// the server (that version's tags, else the latest version's).
Status FillFromService(const ServerContext& ctx, ResolveRequest* request) {
  if (ctx.telemetry_store == nullptr) {
    return Status::InvalidArgument(
        "service: this server keeps no telemetry, so it knows no "
        "service's git tags; give repository_url and commit_sha");
  }
  auto tags = ctx.telemetry_store->GetServiceTags(request->service, request->version);
  if (!tags.ok() && !request->version.empty()) {
    tags = ctx.telemetry_store->GetServiceTags(request->service, "");
  }
  if (!tags.ok()) {
    if (tags.status().code() != Status::Code::kNotFound) return tags.status();
    return Status::NotFound("service: no git tags were learnt for service \"" + request->service +
                            "\": send its telemetry with git tags (DD_GIT_REPOSITORY_URL and "
                            "DD_GIT_COMMIT_SHA, or vcs.repository.url.full and "
                            "vcs.ref.head.revision), or give repository_url and commit_sha");
  }
  if (request->repository_url.empty()) request->repository_url = tags->repository_url;
  if (request->commit_sha.empty()) request->commit_sha = tags->commit;
  if (request->options.root_path.empty()) request->options.root_path = tags->root_path;
  return Status::Ok();
}

void HandleResolve(ServerContext& ctx, const httplib::Request& req, httplib::Response& res) {
  if (!Allow(ctx, req, res, kScopeRead, false)) return;
  std::optional<std::string> body = ReadBody(ctx, req, res);
  if (!body) return;
  ResolveRequest request;
  FieldError err;
  if (!ParseResolveRequest(*body, &request, &err)) {
    return SendError(res, 400, "invalid_argument", err.message, err.field);
  }
  if (!request.service.empty() && (request.repository_url.empty() || request.commit_sha.empty())) {
    if (Status st = FillFromService(ctx, &request); !st.ok()) return SendStatus(res, st, "service");
  }
  Result<RepositoryUrl> repo = ParseRepository(ctx, request.repository_url);
  if (!repo.ok()) return SendStatus(res, repo.status(), "repository_url");
  const std::string repository_id = repo->Id();
  Result<CommitCache::SnapshotPtr> snapshot =
      ctx.commits->Lookup(repository_id, request.commit_sha);
  if (!snapshot.ok()) return SendStatus(res, snapshot.status(), "commit_sha");
  const CommitSnapshot& snap = **snapshot;
  const std::string& sha = snap.info.commit_sha.empty() ? request.commit_sha : snap.info.commit_sha;

  request.options.repository_id = repository_id;
  Resolver resolver(snap.index, std::move(request.options));
  std::vector<Resolution> results = resolver.ResolveBatch(request.frames);

  // The repository's part of every link (provider, web base, commit) once per request.
  const LinkBuilder links_builder(*repo, sha, Hosts(ctx));
  std::string out;
  out.reserve(256 + request.frames.size() * (request.snippets ? 1024 : 512));
  out.append("{\"repository_url\":");
  AppendJsonString(&out, repo->WebBase());
  out.append(",\"repository_id\":");
  AppendJsonString(&out, repository_id);
  out.append(",\"commit_sha\":");
  AppendJsonString(&out, sha);
  out.append(",\"frames\":[");
  for (size_t i = 0; i < results.size(); ++i) {
    const Resolution& r = results[i];
    const Frame& frame = request.frames[i];
    if (i != 0) out.push_back(',');
    out.append("{\"status\":\"");
    out.append(ResolutionStatusName(r.status));
    out.push_back('"');
    if (r.status == ResolutionStatus::kResolved) {
      out.append(",\"path\":");
      AppendJsonString(&out, r.path);
    }
    out.append(r.user_code ? ",\"user_code\":true" : ",\"user_code\":false");
    out.append(",\"rule\":");
    AppendJsonString(&out, r.rule);
    out.append(",\"explanation\":");
    AppendJsonString(&out, r.explanation);
    if (r.status == ResolutionStatus::kAmbiguous) {
      out.append(",\"candidate_count\":");
      AppendInt(&out, static_cast<int64_t>(r.candidate_count));
      out.append(",\"candidates\":[");
      for (size_t c = 0; c < r.candidates.size(); ++c) {
        if (c != 0) out.push_back(',');
        AppendJsonString(&out, r.candidates[c]);
      }
      out.push_back(']');
    }
    if (r.status == ResolutionStatus::kResolved) {
      Result<SourceLinks> links = links_builder.MakeLinks(r.path, LineRange{frame.line, 0});
      if (links.ok()) {
        out.append(",\"links\":{\"file\":");
        AppendJsonString(&out, links->file);
        if (!links->blame.empty()) {
          out.append(",\"blame\":");
          AppendJsonString(&out, links->blame);
        }
        out.append(",\"commit\":");
        AppendJsonString(&out, links->commit);
        out.push_back('}');
      } else {
        out.append(",\"links_error\":");
        AppendJsonString(&out, links.status().message());
      }
    }
    if (request.snippets) AppendSnippet(ctx, *repo, snap, r, frame.line, request.context, &out);
    out.push_back('}');
  }
  out.append("]}");
  res.set_content(std::move(out), "application/json");
}

// ---- GET /api/v1/snippet ----------------------------------------------------------

void HandleSnippet(ServerContext& ctx, const httplib::Request& req, httplib::Response& res) {
  if (!Allow(ctx, req, res, kScopeRead, false)) return;
  Result<RepositoryUrl> repo = ParseRepository(ctx, req.get_param_value("repo"));
  if (!repo.ok()) return SendStatus(res, repo.status(), "repo");
  const std::string repository_id = repo->Id();
  if (!req.has_param("commit")) {
    return SendError(res, 400, "invalid_argument", "commit is missing: give the commit SHA",
                     "commit");
  }
  const std::string path = req.get_param_value("path");
  if (path.empty()) {
    return SendError(res, 400, "invalid_argument",
                     "path is missing: give the file's repository path, e.g. src/app/views.py",
                     "path");
  }
  if (!req.has_param("line")) {
    return SendError(res, 400, "invalid_argument", "line is missing: give a line number", "line");
  }
  Result<int64_t> line = IntParam(req, "line", 0, 1, 0x7FFFFFFF);
  if (!line.ok())
    return SendError(res, 400, "invalid_argument", "line " + line.status().message(), "line");
  Result<int64_t> context = IntParam(req, "context", kDefaultContext, 0, kMaxContext);
  if (!context.ok()) {
    return SendError(res, 400, "invalid_argument", "context " + context.status().message(),
                     "context");
  }
  Result<CommitCache::SnapshotPtr> snapshot =
      ctx.commits->Lookup(repository_id, req.get_param_value("commit"));
  if (!snapshot.ok()) return SendStatus(res, snapshot.status(), "commit");
  const CommitSnapshot& snap = **snapshot;
  PathId id = snap.index.Find(path);
  if (id == kNoPath) {
    return SendError(res, 404, "not_found",
                     "path " + path + " is not tracked at commit " + snap.info.commit_sha + " of " +
                         repository_id +
                         ": give a repository path (resolve frames with /api/v1/resolve)",
                     "path");
  }
  std::string_view blob_id = snap.BlobId(id);
  if (blob_id.empty() || ctx.blobs == nullptr) {
    return SendError(res, 404, "not_found", MissingContents(ctx, *repo, snap, path), "path");
  }
  Result<std::shared_ptr<const FileLines>> file = ctx.blobs->Get(blob_id);
  if (!file.ok()) {
    if (file.status().code() == Status::Code::kNotFound) {
      return SendError(res, 404, "not_found", MissingContents(ctx, *repo, snap, path), "path");
    }
    return SendStatus(res, file.status());
  }
  Result<Snippet> snippet = MakeSnippet(**file, path, *line, *context, *context);
  if (!snippet.ok()) return SendStatus(res, snippet.status(), "line");
  std::string out;
  out.append("{\"path\":");
  AppendJsonString(&out, snap.index.path(id));
  out.append(",\"start_line\":");
  AppendInt(&out, snippet->start_line);
  out.append(",\"line\":");
  AppendInt(&out, snippet->line);
  out.append(",\"lines\":[");
  for (size_t i = 0; i < snippet->lines.size(); ++i) {
    if (i != 0) out.push_back(',');
    out.append("{\"number\":");
    AppendInt(&out, snippet->start_line + static_cast<int64_t>(i));
    out.append(",\"text\":");
    AppendJsonString(&out, snippet->lines[i]);
    out.push_back('}');
  }
  out.append("]}");
  res.set_content(std::move(out), "application/json");
}

// ---- GET /go/file|blame|commit ------------------------------------------------------

std::string HtmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// A 404 page for people: what failed and what to do; `extra` is trusted HTML.
void SendNotFoundPage(httplib::Response& res, const std::string& title, const std::string& message,
                      const std::string& extra = "") {
  std::string page =
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>srclink: " + HtmlEscape(title) +
      "</title></head>\n<body><h1>" + HtmlEscape(title) + "</h1>\n<p>" + HtmlEscape(message) +
      "</p>\n" + extra + "</body></html>\n";
  res.status = 404;
  res.set_content(page, "text/html; charset=utf-8");
}

void HandleGo(ServerContext& ctx, LinkKind kind, const httplib::Request& req,
              httplib::Response& res) {
  if (!Allow(ctx, req, res, kScopeRead, true)) return;
  Result<RepositoryUrl> repo = ParseRepository(ctx, req.get_param_value("repo"));
  if (!repo.ok()) return SendStatus(res, repo.status(), "repo");
  const std::string repository_id = repo->Id();
  const std::string commit = req.get_param_value("commit");
  if (commit.empty()) {
    return SendError(res, 400, "invalid_argument", "commit is missing: give the commit SHA",
                     "commit");
  }
  const std::string file = req.get_param_value("file");
  if (kind != LinkKind::kCommit && file.empty()) {
    return SendError(res, 400, "invalid_argument",
                     "file is missing: give the file as the stack frame shows it", "file");
  }
  LineRange lines;
  if (req.has_param("line") && !req.get_param_value("line").empty()) {
    Result<LineRange> parsed = LineRange::Parse(req.get_param_value("line"));
    if (!parsed.ok()) return SendStatus(res, parsed.status(), "line");
    lines = *parsed;
  }
  Result<CommitCache::SnapshotPtr> snapshot = ctx.commits->Lookup(repository_id, commit);
  if (!snapshot.ok()) {
    if (snapshot.status().code() == Status::Code::kNotFound) {
      return SendNotFoundPage(res, "commit not uploaded", snapshot.status().message());
    }
    return SendStatus(res, snapshot.status(), "commit");
  }
  const CommitSnapshot& snap = **snapshot;
  const std::string& sha = snap.info.commit_sha.empty() ? commit : snap.info.commit_sha;
  std::string path;
  if (kind != LinkKind::kCommit) {
    ResolveOptions options;
    options.repository_id = repository_id;
    options.learn = false;
    Resolver resolver(snap.index, std::move(options));
    Frame frame;
    frame.file = file;
    frame.line = lines.start;
    Resolution r = resolver.Resolve(frame);
    if (r.status == ResolutionStatus::kAmbiguous) {
      std::string list = "<ul>\n";
      const std::string base =
          req.path + "?repo=" + httplib::detail::encode_query_param(req.get_param_value("repo")) +
          "&commit=" + sha +
          (req.has_param("line")
               ? "&line=" + httplib::detail::encode_query_param(req.get_param_value("line"))
               : "") +
          (req.has_param("key")
               ? "&key=" + httplib::detail::encode_query_param(req.get_param_value("key"))
               : "");
      for (const std::string& c : r.candidates) {
        list += "<li><a href=\"" +
                HtmlEscape(base + "&file=" + httplib::detail::encode_query_param(c)) + "\">" +
                HtmlEscape(c) + "</a></li>\n";
      }
      if (r.candidate_count > r.candidates.size()) {
        list +=
            "<li>… and " + std::to_string(r.candidate_count - r.candidates.size()) + " more</li>\n";
      }
      list += "</ul>\n";
      return SendNotFoundPage(res, "ambiguous file",
                              file + " matches " + std::to_string(r.candidate_count) +
                                  " files at commit " + sha + " of " + repository_id + ": " +
                                  r.explanation,
                              list);
    }
    if (r.status != ResolutionStatus::kResolved) {
      return SendNotFoundPage(
          res, "unknown file",
          file + " is not a file of " + repository_id + " at commit " + sha + ": " + r.explanation);
    }
    path = std::move(r.path);
  }
  Result<std::string> link = MakeLink(*repo, kind, sha, path, lines, Hosts(ctx));
  if (!link.ok()) return SendStatus(res, link.status(), "repo");
  res.set_redirect(*link, 302);
}

// ---- Listings --------------------------------------------------------------------------

void HandleRepositories(ServerContext& ctx, const httplib::Request& req, httplib::Response& res) {
  if (!Allow(ctx, req, res, kScopeRead, false)) return;
  Result<std::vector<RepositoryInfo>> repos = ctx.store->ListRepositories();
  if (!repos.ok()) return SendStatus(res, repos.status());
  json list = json::array();
  for (const RepositoryInfo& r : *repos) {
    list.push_back({{"repository_id", r.repository_id},
                    {"repository_url", r.repository_url},
                    {"provider", r.provider},
                    {"commit_count", r.commit_count},
                    {"first_upload", r.first_upload},
                    {"last_upload", r.last_upload}});
  }
  res.set_content(
      json{{"repositories", std::move(list)}}.dump(-1, ' ', false, json::error_handler_t::replace),
      "application/json");
}

// {id} and, for one commit, {sha} of /api/v1/repositories/{id}/commits[/{sha}].
struct CommitsPath {
  std::string id;
  std::optional<std::string> sha;
};

// httplib decodes the path before matching routes ("github.com%2Facme%2Fshop"
// arrives as "github.com/acme/shop"), so when the client percent-encoded {id}
// and {sha} (the documented form), the raw target's segments say exactly
// where each ends: a ref may be named "commits" or hold "/commits/". Else (an
// id given with its slashes) the route's groups say: the listing's
// "(.+)/commits", the commit's greedy "(.+)/commits/(.+)".
CommitsPath ParseCommitsPath(const httplib::Request& req) {
  constexpr std::string_view kPrefix = "/api/v1/repositories/";
  std::string_view target = req.target;
  target = target.substr(0, target.find('?'));
  if (target.starts_with(kPrefix)) {
    target.remove_prefix(kPrefix.size());
    std::vector<std::string_view> segments;
    for (size_t start = 0;;) {
      size_t slash = target.find('/', start);
      segments.push_back(target.substr(start, slash - start));
      if (slash == std::string_view::npos || segments.size() > 3) break;
      start = slash + 1;
    }
    const bool listing = segments.size() == 2;
    if ((listing || segments.size() == 3) && segments[1] == "commits" && !segments[0].empty() &&
        (listing || !segments[2].empty())) {
      CommitsPath path{httplib::detail::decode_url(std::string(segments[0]), false), {}};
      if (!listing) path.sha = httplib::detail::decode_url(std::string(segments[2]), false);
      return path;
    }
  }
  CommitsPath path;
  if (req.matches.size() > 1) path.id = req.matches[1].str();
  if (req.matches.size() > 2) path.sha = req.matches[2].str();
  return path;
}

// How many of `files` have their contents stored: files with a blob id the
// store has (one MissingBlobs call per kBlobBatch distinct ids).
Result<int64_t> FilesWithContents(Store& store, const std::vector<TrackedPath>& files) {
  constexpr size_t kBlobBatch = 10000;
  std::vector<std::string> ids;
  ids.reserve(files.size());
  for (const TrackedPath& f : files) {
    if (!f.blob_id.empty()) ids.push_back(f.blob_id);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::unordered_set<std::string> missing;
  for (size_t i = 0; i < ids.size(); i += kBlobBatch) {
    std::vector<std::string> batch(
        ids.begin() + static_cast<ptrdiff_t>(i),
        ids.begin() + static_cast<ptrdiff_t>(std::min(i + kBlobBatch, ids.size())));
    Result<std::vector<std::string>> absent = store.MissingBlobs(batch);
    if (!absent.ok()) return absent.status();
    for (std::string& id : *absent) missing.insert(std::move(id));
  }
  int64_t with_contents = 0;
  for (const TrackedPath& f : files) {
    if (!f.blob_id.empty() && missing.count(f.blob_id) == 0) ++with_contents;
  }
  return with_contents;
}

void HandleCommit(ServerContext& ctx, const CommitsPath& path, const httplib::Request& req,
                  httplib::Response& res) {
  if (!Allow(ctx, req, res, kScopeRead, false)) return;
  Result<RepositoryUrl> repo = ParseRepository(ctx, path.id);
  if (!repo.ok()) return SendStatus(res, repo.status(), "id");
  const std::string repository_id = repo->Id();
  // A full SHA, a unique prefix, or a branch or tag, as everywhere.
  Result<std::string> sha = ctx.commits->ResolveSha(repository_id, path.sha.value_or(""));
  if (!sha.ok()) return SendStatus(res, sha.status(), "sha");
  Result<CommitInfo> info = ctx.store->GetCommit(repository_id, *sha);
  if (!info.ok()) {
    return SendStatus(res,
                      info.status().code() == Status::Code::kNotFound
                          ? CommitNotUploaded(repository_id, *sha)
                          : info.status(),
                      "sha");
  }
  Result<std::vector<TrackedPath>> files = ctx.store->GetCommitFiles(repository_id, *sha);
  if (!files.ok()) return SendStatus(res, files.status(), "sha");
  Result<int64_t> with_contents = FilesWithContents(*ctx.store, *files);
  if (!with_contents.ok()) return SendStatus(res, with_contents.status());
  Result<std::vector<std::string>> refs = ctx.store->ListRefs(repository_id, *sha);
  if (!refs.ok()) return SendStatus(res, refs.status());
  res.set_content(json{{"repository_id", repository_id},
                       {"commit_sha", info->commit_sha},
                       {"parent_sha", info->parent_sha},
                       {"source", info->source},
                       {"uploaded_at", info->uploaded_at},
                       {"file_count", info->file_count},
                       {"has_blob_ids", info->has_blob_ids},
                       {"files_with_contents", *with_contents},
                       {"refs", *refs}}
                      .dump(-1, ' ', false, json::error_handler_t::replace),
                  "application/json");
}

void HandleCommits(ServerContext& ctx, const httplib::Request& req, httplib::Response& res) {
  const CommitsPath path = ParseCommitsPath(req);
  // "…/commits/commits" matches this route first: the commit (a ref) named "commits".
  if (path.sha) return HandleCommit(ctx, path, req, res);
  if (!Allow(ctx, req, res, kScopeRead, false)) return;
  const std::string& id = path.id;
  Result<RepositoryUrl> repo = ParseRepository(ctx, id);
  if (!repo.ok()) return SendStatus(res, repo.status(), "id");
  const std::string repository_id = repo->Id();
  Result<int64_t> limit = IntParam(req, "limit", static_cast<int>(kDefaultCommitListing), 1,
                                   static_cast<int>(kMaxCommitListing));
  if (!limit.ok())
    return SendError(res, 400, "invalid_argument", "limit " + limit.status().message(), "limit");
  Result<std::vector<CommitInfo>> commits =
      ctx.store->ListCommits(repository_id, static_cast<size_t>(*limit));
  if (!commits.ok()) return SendStatus(res, commits.status(), "id");
  if (commits->empty()) {
    return SendError(
        res, 404, "not_found",
        "repository " + repository_id + " has no uploaded commits: run `srclink upload` in its CI",
        "id");
  }
  json list = json::array();
  for (const CommitInfo& c : *commits) {
    list.push_back({{"commit_sha", c.commit_sha},
                    {"parent_sha", c.parent_sha},
                    {"source", c.source},
                    {"uploaded_at", c.uploaded_at},
                    {"file_count", c.file_count},
                    {"has_blob_ids", c.has_blob_ids}});
  }
  res.set_content(json{{"repository_id", repository_id}, {"commits", std::move(list)}}.dump(
                      -1, ' ', false, json::error_handler_t::replace),
                  "application/json");
}

}  // namespace

void RegisterReadRoutes(httplib::Server& http, ServerContext& ctx) {
  ServerContext* c = &ctx;
  http.Post("/api/v1/resolve", [c](const httplib::Request& req, httplib::Response& res) {
    HandleResolve(*c, req, res);
  });
  http.Get("/api/v1/snippet", [c](const httplib::Request& req, httplib::Response& res) {
    HandleSnippet(*c, req, res);
  });
  http.Get("/go/file", [c](const httplib::Request& req, httplib::Response& res) {
    HandleGo(*c, LinkKind::kFile, req, res);
  });
  http.Get("/go/blame", [c](const httplib::Request& req, httplib::Response& res) {
    HandleGo(*c, LinkKind::kBlame, req, res);
  });
  http.Get("/go/commit", [c](const httplib::Request& req, httplib::Response& res) {
    HandleGo(*c, LinkKind::kCommit, req, res);
  });
  http.Get("/api/v1/repositories", [c](const httplib::Request& req, httplib::Response& res) {
    HandleRepositories(*c, req, res);
  });
  // The listing first: "(.+)/commits" matches only paths ending in /commits,
  // some of which the commit's "(.+)/commits/(.+)" matches too (a repository
  // named "commits": …/acme/commits/commits). ParseCommitsPath sorts out the
  // rest (a ref named "commits").
  http.Get(
      R"(/api/v1/repositories/(.+)/commits)",
      [c](const httplib::Request& req, httplib::Response& res) { HandleCommits(*c, req, res); });
  http.Get(R"(/api/v1/repositories/(.+)/commits/(.+))",
           [c](const httplib::Request& req, httplib::Response& res) {
             HandleCommit(*c, ParseCommitsPath(req), req, res);
           });
}

}  // namespace srclink::server
