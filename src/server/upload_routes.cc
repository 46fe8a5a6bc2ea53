// POST /api/v1/upload/commit and POST /api/v1/upload/blobs (docs/API.md).
#include <zstd.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "core/git_refs.h"
#include "core/repository_url.h"
#include "server/blob_contents.h"
#include "server/decompress.h"
#include "server/metrics.h"
#include "server/server_context.h"
#include "server/srcmap_route.h"

namespace srclink::server {
namespace {

using json = nlohmann::ordered_json;

constexpr size_t kMaxUrlBytes = 2048;
constexpr size_t kMaxPathBytes = 4096;
constexpr size_t kBlobHeaderBytes = 28;
constexpr char kBlobsContentType[] = "application/x-srclink-blobs";

bool IsHex40(std::string& s) {
  if (s.size() != 40) return false;
  for (char& c : s) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string Hex(const unsigned char* bytes, size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) {
    out += kHex[bytes[i] >> 4];
    out += kHex[bytes[i] & 15];
  }
  return out;
}

uint32_t BigEndian32(const char* p) {
  auto b = reinterpret_cast<const unsigned char*>(p);
  return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | uint32_t{b[3]};
}

// A required (or optional) 40-hex field; writes the 400 answer on failure.
bool Sha(const json& body, const char* name, bool required, std::string* out,
         httplib::Response& res) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null() ||
      (!required && it->is_string() && it->get_ref<const std::string&>().empty())) {
    if (!required) return true;
    SendError(res, 400, "invalid_argument",
              std::string(name) + " is required: the commit's full SHA (40 hex digits)", name);
    return false;
  }
  if (it->is_string()) {
    *out = it->get<std::string>();
    if (IsHex40(*out)) return true;
  }
  SendError(res, 400, "invalid_argument",
            std::string(name) + " must be a full commit SHA of 40 hex digits (git rev-parse HEAD)",
            name);
  return false;
}

void UploadCommit(ServerContext& ctx, const httplib::Request& req, httplib::Response& res) {
  if (!ctx.authorize(req, res, kScopeUpload)) return;
  auto raw = ReadBody(ctx, req, res);
  if (!raw) return;
  json body;
  try {
    body = json::parse(*raw);
  } catch (const json::parse_error& e) {
    SendError(res, 400, "invalid_argument",
              std::string("request body is not valid JSON: ") + e.what() +
                  "; send {\"repository_url\": …, \"commit_sha\": …, \"files\": [...]}");
    return;
  }
  if (!body.is_object()) {
    SendError(res, 400, "invalid_argument", "request body must be a JSON object");
    return;
  }

  auto url_it = body.find("repository_url");
  if (url_it == body.end() || !url_it->is_string() ||
      url_it->get_ref<const std::string&>().empty()) {
    SendError(res, 400, "invalid_argument",
              "repository_url is required: the repository's remote URL (git remote get-url origin)",
              "repository_url");
    return;
  }
  const std::string& url_text = url_it->get_ref<const std::string&>();
  if (url_text.size() > kMaxUrlBytes) {
    SendError(res, 400, "invalid_argument",
              "repository_url is longer than " + std::to_string(kMaxUrlBytes) + " bytes",
              "repository_url");
    return;
  }
  auto url = RepositoryUrl::Parse(url_text, &ctx.options->hosts);
  if (!url.ok()) {
    SendError(res, 400, "invalid_argument", url.status().message(), "repository_url");
    return;
  }

  CommitUpload upload;
  upload.repository_id = url->Id();
  upload.repository_url = url->sanitized;
  upload.provider = std::string(ProviderName(url->provider));
  upload.source = "srclink";
  upload.uploaded_at = ctx.now();
  if (!Sha(body, "commit_sha", true, &upload.commit_sha, res)) return;
  if (!Sha(body, "parent_sha", false, &upload.parent_sha, res)) return;

  bool no_contents = false;
  if (auto it = body.find("no_contents"); it != body.end() && !it->is_null()) {
    if (!it->is_boolean()) {
      SendError(res, 400, "invalid_argument",
                "no_contents must be true or false: true when the client will not send the "
                "files' contents (srclink upload --no-contents)",
                "no_contents");
      return;
    }
    no_contents = it->get<bool>();
  }

  if (auto it = body.find("refs"); it != body.end() && !it->is_null()) {
    if (!it->is_array() || it->size() > kMaxRefsPerCommit) {
      SendError(res, 400, "invalid_argument",
                "refs must be an array of at most " + std::to_string(kMaxRefsPerCommit) +
                    " full ref names (\"refs/heads/main\", \"refs/tags/v1.4.2\")",
                "refs");
      return;
    }
    for (size_t i = 0; i < it->size(); ++i) {
      const json& ref = (*it)[i];
      const std::string field = "refs[" + std::to_string(i) + "]";
      if (!ref.is_string() || !ref.get_ref<const std::string&>().starts_with("refs/") ||
          !IsValidRefName(ref.get_ref<const std::string&>())) {
        SendError(res, 400, "invalid_argument",
                  field +
                      " must be a full ref name: refs/heads/NAME or refs/tags/NAME (git "
                      "check-ref-format rules)",
                  field);
        return;
      }
      upload.refs.push_back(ref.get<std::string>());
    }
  }

  auto files_it = body.find("files");
  if (files_it == body.end() || !files_it->is_array()) {
    SendError(res, 400, "invalid_argument",
              "files is required: an array of {\"path\": …, \"blob_id\": …}, one per tracked file",
              "files");
    return;
  }
  std::set<std::string_view> seen_paths;
  std::vector<std::string> blob_ids;
  std::set<std::string_view> seen_blobs;
  upload.files.reserve(files_it->size());
  for (size_t i = 0; i < files_it->size(); ++i) {
    const json& f = (*files_it)[i];
    std::string field = "files[" + std::to_string(i) + "]";
    if (!f.is_object()) {
      SendError(res, 400, "invalid_argument",
                field + " must be an object {\"path\": …, \"blob_id\": …}", field);
      return;
    }
    auto path = f.find("path");
    if (path == f.end() || !path->is_string()) {
      SendError(res, 400, "invalid_argument",
                field + ".path is required: the file's repository path", field + ".path");
      return;
    }
    const std::string& p = path->get_ref<const std::string&>();
    if (p.empty() || p.size() > kMaxPathBytes || p.front() == '/' || p.back() == '/' ||
        p.find('\0') != std::string::npos) {
      SendError(
          res, 400, "invalid_argument",
          field +
              ".path must be a relative repository path ('/'-separated, no leading '/', at most " +
              std::to_string(kMaxPathBytes) + " bytes)",
          field + ".path");
      return;
    }
    TrackedPath tracked{p, ""};
    auto blob = f.find("blob_id");
    bool absent = blob == f.end() || blob->is_null() ||
                  (blob->is_string() && blob->get_ref<const std::string&>().empty());
    if (!absent) {
      if (blob->is_string()) tracked.blob_id = blob->get<std::string>();
      if (!blob->is_string() || !IsHex40(tracked.blob_id)) {
        SendError(
            res, 400, "invalid_argument",
            field + ".blob_id must be a git blob id of 40 hex digits (git ls-tree), or absent/\"\"",
            field + ".blob_id");
        return;
      }
    }
    upload.files.push_back(std::move(tracked));
  }
  for (size_t i = 0; i < upload.files.size(); ++i) {
    if (!seen_paths.insert(upload.files[i].path).second) {
      std::string field = "files[" + std::to_string(i) + "].path";
      SendError(res, 400, "invalid_argument",
                field + " \"" + upload.files[i].path + "\" is listed twice", field);
      return;
    }
    const std::string& id = upload.files[i].blob_id;
    if (!id.empty() && seen_blobs.insert(id).second) blob_ids.push_back(id);
  }

  auto stored = ctx.store->PutCommit(upload);
  if (!stored.ok()) {
    SendStatus(res, stored.status());
    return;
  }
  auto missing = ctx.store->MissingBlobs(blob_ids);
  if (!missing.ok()) {
    SendStatus(res, missing.status());
    return;
  }
  if (ctx.metrics) ctx.metrics->AddUploads(1);
  // Contents that will not come from the client: the server may fetch them.
  bool fetching = false;
  if (ctx.fetch != nullptr && ((no_contents && !missing->empty()) || blob_ids.empty())) {
    if (Result<FetchSource> source = FetchSource::Make(*url); source.ok()) {
      fetching = ctx.fetch->RequestIfAllowed(*source, upload.commit_sha);
    }
  }
  json answer{{"repository_id", upload.repository_id}, {"commit_sha", upload.commit_sha},
              {"files", upload.files.size()},          {"created", stored->created},
              {"encoding", stored->encoding},          {"missing_blobs", *missing}};
  if (fetching) answer["fetching"] = true;
  res.set_content(answer.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n",
                  "application/json");
}

struct BlobRecord {
  std::string blob_id;  // hex
  uint32_t size = 0;
  std::string_view frame;
};

// Checks one record; "" when good, else why it is rejected.
std::string CheckBlob(const BlobRecord& r, size_t max_body) {
  if (r.size > max_body) {
    return "declared size " + std::to_string(r.size) + " exceeds the server's --max-body " +
           std::to_string(max_body);
  }
  size_t frame_size = ZSTD_findFrameCompressedSize(r.frame.data(), r.frame.size());
  if (ZSTD_isError(frame_size)) {
    return std::string("not a zstd frame: ") + ZSTD_getErrorName(frame_size);
  }
  if (frame_size != r.frame.size()) return "the record holds more than one zstd frame";
  Decompressed d = DecompressZstd(r.frame, r.size);
  switch (d.outcome) {
    case Decompressed::Outcome::kTooLarge:
      return "the frame decompresses to more than the declared size of " + std::to_string(r.size) +
             " bytes";
    case Decompressed::Outcome::kCorrupt:
      return "corrupt zstd frame: " + d.error;
    case Decompressed::Outcome::kOk:
      break;
  }
  if (d.data.size() != r.size) {
    return "the frame holds " + std::to_string(d.data.size()) + " bytes but the record declares " +
           std::to_string(r.size);
  }
  std::string actual = GitBlobId(d.data);
  if (actual != r.blob_id) {
    return "contents do not match the blob id: sha1(\"blob <size>\\0\" + contents) is " + actual;
  }
  return "";
}

void UploadBlobs(ServerContext& ctx, const httplib::Request& req, httplib::Response& res) {
  if (!ctx.authorize(req, res, kScopeUpload)) return;
  std::string type = req.get_header_value("Content-Type");
  if (type.substr(0, type.find(';')) != kBlobsContentType) {
    SendError(res, 415, "unsupported_media_type",
              "Content-Type must be " + std::string(kBlobsContentType) +
                  " (records of blob id, sizes, zstd frame), not \"" + type.substr(0, 100) + "\"");
    return;
  }
  auto raw = ReadBody(ctx, req, res);
  if (!raw) return;
  const std::string& body = *raw;

  // Framing first: a truncated body is the client's bug; nothing is stored.
  std::vector<BlobRecord> records;
  for (size_t pos = 0; pos < body.size();) {
    std::string field = "records[" + std::to_string(records.size()) + "]";
    if (body.size() - pos < kBlobHeaderBytes) {
      SendError(res, 400, "invalid_argument",
                "truncated body: " + field + " at byte " + std::to_string(pos) + " has " +
                    std::to_string(body.size() - pos) +
                    " bytes, less than its 28-byte header; nothing was stored",
                field);
      return;
    }
    BlobRecord r;
    r.blob_id = Hex(reinterpret_cast<const unsigned char*>(body.data() + pos), 20);
    r.size = BigEndian32(body.data() + pos + 20);
    uint32_t n = BigEndian32(body.data() + pos + 24);
    pos += kBlobHeaderBytes;
    if (n > body.size() - pos) {
      SendError(res, 400, "invalid_argument",
                "truncated body: " + field + " (blob " + r.blob_id + ") declares " +
                    std::to_string(n) + " compressed bytes but " +
                    std::to_string(body.size() - pos) + " remain; nothing was stored",
                field);
      return;
    }
    r.frame = std::string_view(body).substr(pos, n);
    pos += n;
    records.push_back(std::move(r));
  }

  int64_t stored = 0, bytes = 0;
  json rejected = json::array();
  for (const BlobRecord& r : records) {
    std::string error = CheckBlob(r, ctx.options->max_body);
    if (!error.empty()) {
      rejected.push_back({{"blob_id", r.blob_id}, {"error", error}});
      continue;
    }
    Status s = ctx.store->PutBlob(r.blob_id, r.frame, r.size, ctx.now());
    if (!s.ok()) {
      SendStatus(res, s.WithContext("storing blob " + r.blob_id));
      return;
    }
    ++stored;
    bytes += static_cast<int64_t>(r.frame.size());
  }
  if (ctx.metrics) ctx.metrics->AddBlobsStored(stored, bytes);
  json answer{{"stored", stored}, {"bytes", bytes}, {"rejected", rejected}};
  res.set_content(answer.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n",
                  "application/json");
}

}  // namespace

void RegisterUploadRoutes(httplib::Server& http, ServerContext& ctx) {
  http.Post("/api/v1/upload/commit", [&ctx](const httplib::Request& req, httplib::Response& res) {
    UploadCommit(ctx, req, res);
  });
  http.Post("/api/v1/upload/blobs", [&ctx](const httplib::Request& req, httplib::Response& res) {
    UploadBlobs(ctx, req, res);
  });
  RegisterSrcmapRoute(http, ctx);  // srcmap_route.cc: datadog-ci
}

}  // namespace srclink::server
