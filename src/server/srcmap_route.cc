#include "server/srcmap_route.h"

#include <nlohmann/json.hpp>

#include <string>
#include <utility>

#include "core/repository_url.h"
#include "ingest/datadog_srcmap.h"

namespace srclink::server {
namespace {

// Not 400: see srcmap_route.h.
constexpr int kInvalidPayloadStatus = 422;

void HandleSrcmap(ServerContext& ctx, const httplib::Request& req, httplib::Response& res) {
  if (!ctx.authorize(req, res, kScopeUpload)) return;

  if (!req.is_multipart_form_data()) {
    SendError(
        res, 415, "unsupported_media_type",
        "POST /api/v2/srcmap takes multipart/form-data with parts \"event\" and \"repository\" "
        "(as sent by datadog-ci git-metadata upload), got Content-Type \"" +
            req.get_header_value("Content-Type") + "\"",
        "Content-Type");
    return;
  }
  for (const char* part : {"event", "repository"}) {
    if (!req.has_file(part)) {
      SendError(
          res, kInvalidPayloadStatus, "invalid_argument",
          std::string("multipart part \"") + part +
              "\" is missing; datadog-ci git-metadata upload sends \"event\" and \"repository\"",
          part);
      return;
    }
  }

  std::string field;
  Result<DatadogSrcmap> srcmap = ParseDatadogSrcmap(
      req.get_file_value("event").content, req.get_file_value("repository").content, &field);
  if (!srcmap.ok()) {
    SendError(res, kInvalidPayloadStatus, "invalid_argument", srcmap.status().message(), field);
    return;
  }

  const HostRegistry* hosts = ctx.options != nullptr ? &ctx.options->hosts : nullptr;
  Result<RepositoryUrl> url = RepositoryUrl::Parse(srcmap->repository_url, hosts);
  if (!url.ok()) {
    SendError(res, kInvalidPayloadStatus, "invalid_argument",
              "repository part: field \"data[0].repository_url\": " + url.status().message() +
                  " (datadog-ci takes --repository-url to override the origin remote)",
              "repository.data[0].repository_url");
    return;
  }

  CommitUpload upload;
  upload.repository_id = url->Id();
  upload.repository_url = url->sanitized;
  upload.provider = std::string(ProviderName(url->provider));
  upload.commit_sha = srcmap->commit_sha;
  upload.files.reserve(srcmap->paths.size());
  for (std::string& path : srcmap->paths) upload.files.push_back(TrackedPath{std::move(path), ""});
  upload.source = "datadog-ci";
  upload.uploaded_at = ctx.now ? ctx.now() : 0;

  Result<CommitStored> stored = ctx.store->PutCommit(upload);
  if (!stored.ok()) {
    if (stored.status().code() == Status::Code::kInvalidArgument) {
      SendError(res, kInvalidPayloadStatus, "invalid_argument", stored.status().message());
    } else {
      SendStatus(res, stored.status());
    }
    return;
  }

  // datadog-ci sends no contents: the server fetches them when the host is allowed.
  bool fetching = false;
  if (ctx.fetch != nullptr) {
    if (Result<FetchSource> source = FetchSource::Make(*url); source.ok()) {
      fetching = ctx.fetch->RequestIfAllowed(*source, upload.commit_sha);
    }
  }

  nlohmann::json answer = {
      {"repository_id", upload.repository_id},
      {"commit_sha", upload.commit_sha},
      {"files", upload.files.size()},
      {"created", stored->created},
  };
  if (fetching) answer["fetching"] = true;
  res.status = 202;
  res.set_content(answer.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  "application/json");
}

}  // namespace

void RegisterSrcmapRoute(httplib::Server& http, ServerContext& ctx) {
  http.Post("/api/v2/srcmap", [&ctx](const httplib::Request& req, httplib::Response& res) {
    HandleSrcmap(ctx, req, res);
  });
}

}  // namespace srclink::server
