// POST /api/v1/fetch and GET /api/v1/fetch (docs/API.md): the server fetches
// a commit's contents from its git remote (content_fetch.h).
#include <nlohmann/json.hpp>
#include <string>

#include "core/repository_url.h"
#include "server/content_fetch.h"
#include "server/server_context.h"

namespace srclink::server {
namespace {

using json = nlohmann::ordered_json;

constexpr size_t kMaxUrlBytes = 2048;

const char kFetchOff[] =
    "fetching contents from git remotes is off on this server; the operator turns it on for a "
    "host with `srclink serve --fetch-host HOST`, SRCLINK_FETCH_HOSTS or \"fetch\": {\"hosts\": "
    "[…]} in the config file";

void SendJson(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n",
                  "application/json");
}

json JobJson(const FetchJob& job) {
  json out{{"status", job.StateName()},
           {"repository_id", job.repository_id},
           {"commit_sha", job.commit_sha},
           {"url", job.url},
           {"files", job.files},
           {"blobs_stored", job.blobs_stored},
           {"bytes_stored", job.bytes_stored},
           {"blobs_present", job.blobs_present},
           {"blobs_skipped", job.blobs_skipped},
           {"queued_at", job.queued_at}};
  if (job.finished_at != 0) out["finished_at"] = job.finished_at;
  if (job.state == FetchJob::State::kFailed) out["error"] = job.error;
  return out;
}

// A full commit SHA, lowercased; "" when `text` is not one.
std::string FullSha(std::string text) {
  if (text.size() != 40) return "";
  for (char& c : text) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return "";
  }
  return text;
}

// Parses repository_url; writes the 400 answer and returns nullopt on failure.
std::optional<RepositoryUrl> ParseRepository(const ServerContext& ctx, const std::string& text,
                                             httplib::Response& res) {
  if (text.empty()) {
    SendError(res, 400, "invalid_argument",
              "repository_url is required: the repository's remote URL (git remote get-url origin)",
              "repository_url");
    return std::nullopt;
  }
  if (text.size() > kMaxUrlBytes) {
    SendError(res, 400, "invalid_argument",
              "repository_url is longer than " + std::to_string(kMaxUrlBytes) + " bytes",
              "repository_url");
    return std::nullopt;
  }
  Result<RepositoryUrl> url =
      RepositoryUrl::Parse(text, ctx.options != nullptr ? &ctx.options->hosts : nullptr);
  if (!url.ok()) {
    SendError(res, 400, "invalid_argument", url.status().message(), "repository_url");
    return std::nullopt;
  }
  return *url;
}

void PostFetch(ServerContext& ctx, const httplib::Request& req, httplib::Response& res) {
  if (!ctx.authorize(req, res, kScopeUpload)) return;
  auto raw = ReadBody(ctx, req, res);
  if (!raw) return;
  json body = json::parse(*raw, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) {
    SendError(res, 400, "invalid_argument",
              "request body must be a JSON object {\"repository_url\": …, \"commit_sha\": …}");
    return;
  }
  auto string_field = [&](const char* name, std::string* out) {
    auto it = body.find(name);
    if (it == body.end() || it->is_null()) return true;
    if (!it->is_string()) {
      SendError(res, 400, "invalid_argument", std::string(name) + " must be a string", name);
      return false;
    }
    *out = it->get<std::string>();
    return true;
  };
  std::string url_text, sha_text, fetch_url;
  if (!string_field("repository_url", &url_text) || !string_field("commit_sha", &sha_text) ||
      !string_field("fetch_url", &fetch_url)) {
    return;
  }
  std::optional<RepositoryUrl> url = ParseRepository(ctx, url_text, res);
  if (!url) return;
  const std::string sha = FullSha(sha_text);
  if (sha.empty()) {
    SendError(res, 400, "invalid_argument",
              "commit_sha must be a full commit SHA of 40 hex digits (git rev-parse HEAD)",
              "commit_sha");
    return;
  }
  if (ctx.fetch == nullptr) {
    SendError(res, 403, "permission_denied", kFetchOff);
    return;
  }
  Result<FetchSource> source =
      FetchSource::Make(*url, fetch_url, ctx.options != nullptr ? &ctx.options->hosts : nullptr);
  if (!source.ok()) {
    SendError(res, 400, "invalid_argument", source.status().message(), "fetch_url");
    return;
  }
  if (Status allowed = ctx.fetch->Allowed(*source); !allowed.ok()) {
    SendError(res, 403, "permission_denied", allowed.message(),
              fetch_url.empty() ? "repository_url" : "fetch_url");
    return;
  }
  Result<FetchJob> job = ctx.fetch->Request(*source, sha);
  if (!job.ok()) {
    SendStatus(res, job.status());
    return;
  }
  SendJson(res, 202, JobJson(*job));
}

void GetFetch(ServerContext& ctx, const httplib::Request& req, httplib::Response& res) {
  if (!ctx.authorize(req, res, kScopeRead)) return;
  std::optional<RepositoryUrl> url =
      ParseRepository(ctx, req.get_param_value("repository_url"), res);
  if (!url) return;
  const std::string sha = FullSha(req.get_param_value("commit_sha"));
  if (sha.empty()) {
    SendError(res, 400, "invalid_argument",
              "commit_sha must be a full commit SHA of 40 hex digits (git rev-parse HEAD)",
              "commit_sha");
    return;
  }
  if (ctx.fetch == nullptr) {
    SendError(res, 403, "permission_denied", kFetchOff);
    return;
  }
  std::optional<FetchJob> job = ctx.fetch->Job(url->Id(), sha);
  if (!job) {
    SendError(res, 404, "not_found",
              "no fetch of commit " + sha + " of " + url->Id() +
                  " is known (the server keeps the last 1,000, not across restarts); start one "
                  "with POST /api/v1/fetch");
    return;
  }
  SendJson(res, 200, JobJson(*job));
}

}  // namespace

void RegisterFetchRoutes(httplib::Server& http, ServerContext& ctx) {
  http.Post("/api/v1/fetch", [&ctx](const httplib::Request& req, httplib::Response& res) {
    PostFetch(ctx, req, res);
  });
  http.Get("/api/v1/fetch", [&ctx](const httplib::Request& req, httplib::Response& res) {
    GetFetch(ctx, req, res);
  });
}

}  // namespace srclink::server
