#include "server/telemetry_resolution.h"

#include "core/external_source.h"
#include "core/frame_origin.h"
#include "core/frame_path.h"
#include "core/links.h"
#include "core/repository_url.h"
#include "core/resolver.h"
#include "server/blob_cache.h"
#include "server/route_params.h"
#include "server/snippet.h"

namespace srclink::server {
namespace {

using json = nlohmann::ordered_json;

bool IsHex(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
}

json LinksJson(const SourceLinks& links) {
  json l = {{"file", links.file}};
  if (!links.blame.empty()) l["blame"] = links.blame;
  l["commit"] = links.commit;
  return l;
}

// The snippet of `path` around `line` at the snapshot, or why there is none.
void AddSnippet(const ServerContext& ctx, const CommitSnapshot& snap, const std::string& path,
                int line, int context, json* out) {
  if (line <= 0) {
    (*out)["snippet_error"] = "the frame has no line number";
    return;
  }
  std::string_view blob_id = snap.BlobId(snap.index.Find(path));
  if (blob_id.empty() || ctx.blobs == nullptr) {
    (*out)["snippet_error"] =
        "contents not uploaded for " + path + ": run srclink upload without --no-contents";
    return;
  }
  auto file = ctx.blobs->Get(blob_id);
  if (!file.ok()) {
    (*out)["snippet_error"] =
        file.status().code() == Status::Code::kNotFound
            ? "contents not uploaded: run srclink upload without --no-contents"
            : file.status().message();
    return;
  }
  auto snippet = MakeSnippet(**file, path, line, context, context);
  if (!snippet.ok()) {
    (*out)["snippet_error"] = snippet.status().message();
    return;
  }
  json lines = json::array();
  for (std::string_view l : snippet->lines) lines.push_back(std::string(l));
  (*out)["snippet"] = {
      {"start_line", snippet->start_line}, {"line", snippet->line}, {"lines", lines}};
}

// A frame outside the repository: a link to its own source when known.
void AddExternal(const Frame& frame, const std::string& runtime_version, const HostRegistry& hosts,
                 json* out) {
  FramePath path = NormalizeFramePath(frame.file);
  FrameOrigin origin = ClassifyFrame(frame, path);
  if (origin.kind == OriginKind::kUser) return;
  auto located = LocateExternalSource(frame, path, origin, runtime_version);
  if (!located.ok()) {
    (*out)["external_error"] = located.status().message();
    return;
  }
  json e = {{"what", located->what},
            {"repository_url", located->repository_url},
            {"ref", located->ref},
            {"path", located->path}};
  auto repo = RepositoryUrl::Parse(located->repository_url, &hosts);
  if (repo.ok()) {
    auto link = MakeRefLink(*repo, LinkKind::kFile, located->ref, located->path,
                            LineRange{frame.line, 0}, hosts);
    if (link.ok()) e["link"] = *link;
  }
  (*out)["external"] = std::move(e);
}

}  // namespace

TelemetryResolution::TelemetryResolution(ServerContext& ctx, const CodeLocation& location)
    : ctx_(ctx), location_(location) {
  if (location.repository_url.empty()) {
    problem_ =
        "the telemetry names no git repository and none was learnt for this service: set "
        "DD_GIT_REPOSITORY_URL and DD_GIT_COMMIT_SHA (or the OTel resource attributes "
        "vcs.repository.url.full and vcs.ref.head.revision) where the service runs";
    return;
  }
  auto repo = RepositoryUrl::Parse(location.repository_url, &Hosts(ctx));
  if (!repo.ok()) {
    problem_ = "repository " + location.repository_url + ": " + repo.status().message();
    return;
  }
  repo_ = *repo;
  if (location.commit.empty()) {
    problem_ = "the telemetry names repository " + repo->Id() +
               " but no commit: set DD_GIT_COMMIT_SHA (or vcs.ref.head.revision)";
    return;
  }
  if (!IsHex(location.commit)) {
    problem_ = "the telemetry names the ref \"" + location.commit +
               "\", not a commit SHA: srclink "
               "resolves uploaded commits only; tag the telemetry with the commit SHA";
    return;
  }
  if (ctx.commits == nullptr) {
    problem_ = "this server keeps no commits";
    return;
  }
  auto snapshot = ctx.commits->Lookup(repo->Id(), location.commit);
  if (!snapshot.ok()) {
    problem_ = snapshot.status().message();
    return;
  }
  snapshot_ = *snapshot;
  sha_ = snapshot_->info.commit_sha.empty() ? location.commit : snapshot_->info.commit_sha;
}

json TelemetryResolution::Resolve(const std::vector<Frame>& frames, bool snippets, int context,
                                  const std::string& runtime_version) {
  const HostRegistry& hosts = Hosts(ctx_);
  json out = json::array();
  if (!problem_.empty()) {
    for (const Frame& f : frames) {
      json r = {{"status", "unavailable"}, {"explanation", problem_}};
      AddExternal(f, runtime_version, hosts, &r);
      out.push_back(std::move(r));
    }
    return out;
  }
  ResolveOptions options;
  options.repository_id = repo_->Id();
  options.root_path = location_.root_path;
  Resolver resolver(snapshot_->index, options);
  std::vector<Resolution> results = resolver.ResolveBatch(frames);
  for (size_t i = 0; i < results.size(); ++i) {
    const Resolution& r = results[i];
    const Frame& f = frames[i];
    json j = {{"status", std::string(ResolutionStatusName(r.status))}};
    if (r.status == ResolutionStatus::kResolved) j["path"] = r.path;
    j["user_code"] = r.user_code;
    j["rule"] = r.rule;
    j["explanation"] = r.explanation;
    if (r.status == ResolutionStatus::kAmbiguous) {
      j["candidate_count"] = r.candidate_count;
      j["candidates"] = r.candidates;
    }
    if (r.status == ResolutionStatus::kResolved) {
      auto links = MakeLinks(*repo_, sha_, r.path, LineRange{f.line, 0}, hosts);
      if (links.ok()) {
        j["links"] = LinksJson(*links);
      } else {
        j["links_error"] = links.status().message();
      }
      if (snippets) AddSnippet(ctx_, *snapshot_, r.path, f.line, context, &j);
    } else {
      AddExternal(f, runtime_version, hosts, &j);
    }
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace srclink::server
