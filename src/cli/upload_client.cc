#include "cli/upload_client.h"

#include "core/json_text.h"

#include <httplib.h>
#include <zstd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>
#include <thread>
#include <utility>

#include "core/repository_url.h"

namespace srclink::cli {
namespace {

using json = nlohmann::json;

constexpr std::string_view kCreateKeyHint =
    "set SRCLINK_API_KEY to a key with the upload scope (srclink keys create --name ci --scope "
    "upload)";

bool IsHexId(std::string_view s) {
  if (s.size() != 40) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  });
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

void PutBigEndian32(uint32_t v, char* p) {
  p[0] = static_cast<char>(v >> 24);
  p[1] = static_cast<char>(v >> 16);
  p[2] = static_cast<char>(v >> 8);
  p[3] = static_cast<char>(v);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// "invalid_argument: message (field x)" from an error body, or "".
std::string ServerError(const std::string& body) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("error") || !j["error"].is_object()) return "";
  const json& e = j["error"];
  std::string out;
  if (e.contains("code") && e["code"].is_string()) out += e["code"].get<std::string>();
  if (e.contains("message") && e["message"].is_string()) {
    if (!out.empty()) out += ": ";
    out += e["message"].get<std::string>();
  }
  if (e.contains("field") && e["field"].is_string()) {
    out += " (field " + e["field"].get<std::string>() + ")";
  }
  return RedactCredentials(out);
}

}  // namespace

CommitJsonWriter::CommitJsonWriter(std::string_view repository_url, std::string_view commit_sha,
                                   std::string_view parent_sha, bool size_only, bool no_contents,
                                   const std::vector<std::string>& refs)
    : size_only_(size_only) {
  out_.reserve(size_only ? 256 : 128 + repository_url.size() + (1u << 16));
  out_.append("{\"repository_url\":");
  AppendJsonString(&out_, repository_url);
  out_.append(",\"commit_sha\":");
  AppendJsonString(&out_, commit_sha);
  if (!parent_sha.empty()) {
    out_.append(",\"parent_sha\":");
    AppendJsonString(&out_, parent_sha);
  }
  if (no_contents) out_.append(",\"no_contents\":true");
  if (!refs.empty()) {
    out_.append(",\"refs\":[");
    for (size_t i = 0; i < refs.size(); ++i) {
      if (i > 0) out_.push_back(',');
      AppendJsonString(&out_, refs[i]);
    }
    out_.push_back(']');
  }
  out_.append(",\"files\":[");
  size_ = out_.size();
}

void CommitJsonWriter::Add(std::string_view path, std::string_view blob_id) {
  constexpr std::string_view kBlobId = ",\"blob_id\":\"";
  const size_t before = size_only_ ? 0 : out_.size();
  if (size_only_) out_.clear();
  if (files_++ != 0) out_.push_back(',');
  out_.append("{\"path\":");
  AppendJsonString(&out_, path);
  if (!blob_id.empty()) {
    out_.append(kBlobId);
    out_.append(blob_id);
    out_.push_back('"');
  }
  out_.push_back('}');
  size_ += out_.size() - before;
}

std::string CommitJsonWriter::Finish() {
  if (size_only_) return std::string();
  out_.append("]}");
  return std::move(out_);
}

std::string CommitJson(std::string_view repository_url, std::string_view commit_sha,
                       std::string_view parent_sha, const std::vector<UploadFile>& files) {
  CommitJsonWriter writer(repository_url, commit_sha, parent_sha);
  for (const UploadFile& f : files) writer.Add(f.path, f.blob_id);
  return writer.Finish();
}

Result<CommitAnswer> ParseCommitAnswer(std::string_view body) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  const std::string bad =
      "the server's answer to the commit upload is not the expected JSON: check that --server "
      "points at a srclink server";
  if (!j.is_object()) return Status::Unavailable(bad);
  CommitAnswer answer;
  if (j.contains("repository_id") && j["repository_id"].is_string()) {
    answer.repository_id = j["repository_id"].get<std::string>();
  }
  if (j.contains("created") && j["created"].is_boolean()) answer.created = j["created"].get<bool>();
  if (j.contains("encoding") && j["encoding"].is_string()) {
    answer.encoding = j["encoding"].get<std::string>();
  }
  if (j.contains("missing_blobs")) {
    const json& missing = j["missing_blobs"];
    if (!missing.is_array()) return Status::Unavailable(bad + " (missing_blobs is not a list)");
    answer.missing_blobs.reserve(missing.size());
    for (const json& id : missing) {
      if (!id.is_string() || !IsHexId(id.get_ref<const std::string&>())) {
        return Status::Unavailable(bad + " (missing_blobs holds something other than blob ids)");
      }
      answer.missing_blobs.push_back(Lower(id.get_ref<const std::string&>()));
    }
  }
  return answer;
}

Result<BlobsAnswer> ParseBlobsAnswer(std::string_view body) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) {
    return Status::Unavailable(
        "the server's answer to the blob upload is not the expected JSON: check that --server "
        "points at a srclink server");
  }
  BlobsAnswer answer;
  if (j.contains("stored") && j["stored"].is_number_unsigned()) {
    answer.stored = j["stored"].get<uint64_t>();
  }
  if (j.contains("bytes") && j["bytes"].is_number_unsigned()) {
    answer.bytes = j["bytes"].get<uint64_t>();
  }
  if (j.contains("rejected") && j["rejected"].is_array()) {
    for (const json& r : j["rejected"]) {
      if (!r.is_object()) continue;
      std::string id = r.contains("blob_id") && r["blob_id"].is_string()
                           ? r["blob_id"].get<std::string>()
                           : std::string("?");
      std::string error = r.contains("error") && r["error"].is_string()
                              ? r["error"].get<std::string>()
                              : std::string("no reason given");
      answer.rejected.emplace_back(std::move(id), std::move(error));
    }
  }
  return answer;
}

Status AppendBlobRecord(std::string_view blob_id, std::string_view bytes, int level,
                        std::string* out) {
  if (!IsHexId(blob_id)) {
    return Status::InvalidArgument("'" + std::string(blob_id) +
                                   "' is not a blob id (40 hex digits)");
  }
  if (bytes.size() > UINT32_MAX) {
    return Status::InvalidArgument("blob " + std::string(blob_id) +
                                   " is larger than 4 GiB, which the upload format cannot carry: "
                                   "lower --max-file-size");
  }
  const size_t start = out->size();
  const size_t bound = ZSTD_compressBound(bytes.size());
  out->resize(start + 28 + bound);
  char* p = out->data() + start;
  for (size_t i = 0; i < 20; ++i) {
    p[i] = static_cast<char>(HexValue(blob_id[2 * i]) << 4 | HexValue(blob_id[2 * i + 1]));
  }
  const size_t n = ZSTD_compress(p + 28, bound, bytes.data(), bytes.size(), level);
  if (ZSTD_isError(n)) {
    out->resize(start);
    return Status::Internal("zstd cannot compress blob " + std::string(blob_id) + ": " +
                            ZSTD_getErrorName(n));
  }
  PutBigEndian32(static_cast<uint32_t>(bytes.size()), p + 20);
  PutBigEndian32(static_cast<uint32_t>(n), p + 24);
  out->resize(start + 28 + n);  // the frame is already in place
  return Status::Ok();
}

size_t BlobRecordBound(size_t size) { return 28 + ZSTD_compressBound(size); }

std::chrono::milliseconds RetryDelay(int attempt, std::string_view retry_after,
                                     std::chrono::milliseconds initial,
                                     std::chrono::milliseconds max) {
  using std::chrono::milliseconds;
  if (!retry_after.empty()) {
    const std::string value(retry_after);
    if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      if (value.size() > 9) return max;
      return std::min(milliseconds(std::stoll(value) * 1000), max);
    }
    std::tm tm{};
    if (strptime(value.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm) != nullptr) {
      const std::time_t when = timegm(&tm);
      const std::time_t now = std::time(nullptr);
      if (when <= now) return milliseconds(0);
      return std::min(milliseconds(static_cast<int64_t>(when - now) * 1000), max);
    }
  }
  milliseconds delay = initial;
  for (int i = 1; i < attempt && delay < max; ++i) delay *= 2;
  return std::min(delay, max);
}

// ---------------------------------------------------------------------------
// UploadClient.

struct UploadClient::Impl {
  explicit Impl(const std::string& scheme_host_port) : http(scheme_host_port) {}
  httplib::Client http;
  std::string prefix;  // path prefix, "" or "/srclink"
  UploadClientOptions options;
};

UploadClient::UploadClient(std::string server, std::unique_ptr<Impl> impl)
    : server_(std::move(server)), impl_(std::move(impl)) {}

UploadClient::~UploadClient() = default;

Result<std::unique_ptr<UploadClient>> UploadClient::Create(UploadClientOptions options) {
  std::string server = options.server;
  while (!server.empty() && server.back() == '/') server.pop_back();
  const std::string shown = RedactCredentials(server);
  const std::string fix = ": pass the server's base URL, e.g. --server https://srclink.example.com";
  if (server.empty()) {
    return Status::InvalidArgument("no server to upload to" + fix + " (or set SRCLINK_SERVER)");
  }
  const size_t scheme_end = server.find("://");
  if (scheme_end == std::string::npos) {
    return Status::InvalidArgument("server URL '" + shown + "' has no scheme" + fix);
  }
  const std::string scheme = Lower(server.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") {
    return Status::InvalidArgument("server URL '" + shown + "' is not http or https" + fix);
  }
  if (server.find_first_of("?#") != std::string::npos) {
    return Status::InvalidArgument("server URL '" + shown + "' has a query or fragment" + fix);
  }
  const size_t host_start = scheme_end + 3;
  const size_t path_start = server.find('/', host_start);
  const std::string authority = server.substr(
      host_start, path_start == std::string::npos ? std::string::npos : path_start - host_start);
  if (authority.find('@') != std::string::npos) {
    return Status::InvalidArgument(
        "server URL '" + shown +
        "' holds a user name or password: remove it and pass the API key in SRCLINK_API_KEY");
  }
  if (authority.empty() || authority[0] == ':') {
    return Status::InvalidArgument("server URL '" + shown + "' has no host" + fix);
  }
  auto impl = std::make_unique<Impl>(scheme + "://" + authority);
  if (!impl->http.is_valid()) {
    return Status::InvalidArgument("server URL '" + shown + "' is not usable" + fix);
  }
  if (path_start != std::string::npos) impl->prefix = server.substr(path_start);
  const auto seconds = static_cast<time_t>(options.timeout.count());
  impl->http.set_connection_timeout(std::min<time_t>(seconds, 30));
  impl->http.set_read_timeout(seconds);
  impl->http.set_write_timeout(seconds);
  if (options.max_attempts < 1) options.max_attempts = 1;
  impl->options = std::move(options);
  return std::unique_ptr<UploadClient>(new UploadClient(std::move(server), std::move(impl)));
}

Result<std::string> UploadClient::Post(const std::string& path, std::string_view body,
                                       const std::string& content_type,
                                       const std::string& content_encoding,
                                       const std::string& what) {
  const UploadClientOptions& o = impl_->options;
  httplib::Headers headers;
  if (!o.api_key.empty()) headers.emplace("Authorization", "Bearer " + o.api_key);
  if (!content_encoding.empty()) headers.emplace("Content-Encoding", content_encoding);
  const std::string url = server_ + path;
  std::string last_failure;
  for (int attempt = 1;; ++attempt) {
    httplib::Result res =
        impl_->http.Post(impl_->prefix + path, headers, body.data(), body.size(), content_type);
    std::string retry_after;
    if (!res) {
      last_failure = "connection failed (" + httplib::to_string(res.error()) + ")";
    } else if (res->status == 200) {
      return std::move(res->body);
    } else if (res->status == 429 || res->status >= 500) {
      const std::string detail = ServerError(res->body);
      last_failure = "HTTP " + std::to_string(res->status) + (detail.empty() ? "" : " " + detail);
      retry_after = res->get_header_value("Retry-After");
    } else {
      const std::string detail = ServerError(res->body);
      const std::string said = detail.empty() ? "" : " (the server said: " + detail + ")";
      switch (res->status) {
        case 401:
          if (o.api_key.empty()) {
            return Status::InvalidArgument("the server at " + server_ +
                                           " requires an API key: " + std::string(kCreateKeyHint));
          }
          return Status::InvalidArgument("the server refused the API key: " +
                                         std::string(kCreateKeyHint));
        case 403:
          return Status::InvalidArgument("the server at " + server_ + " does not allow " + what +
                                         " with this API key" + said + ": " +
                                         std::string(kCreateKeyHint));
        case 404:
          if (!detail.empty()) {  // the route exists and names what it did not find
            return Status::NotFound("the server at " + server_ + " answered " + what +
                                    " with HTTP 404: " + detail);
          }
          return Status::InvalidArgument(
              "the server at " + server_ + " has no " + path +
              " (HTTP 404): check that --server (or SRCLINK_SERVER) is the base URL of a srclink "
              "server");
        case 413:
          return Status::InvalidArgument(
              "the server at " + server_ + " refused " + what + " as too large (" +
              std::to_string(body.size()) + " bytes sent)" + said +
              ": its limit is `srclink serve --max-body` (default 64 MiB) and applies to the "
              "decompressed size too; raise it on the server, or send less (--max-file-size)");
        default:
          return Status::InvalidArgument("the server at " + server_ + " rejected " + what +
                                         " with HTTP " + std::to_string(res->status) + said);
      }
    }
    if (attempt >= o.max_attempts) break;
    const std::chrono::milliseconds delay =
        RetryDelay(attempt, retry_after, o.initial_backoff, o.max_backoff);
    if (o.on_retry) {
      o.on_retry(what + " to " + url + ": " + last_failure + "; trying again in " +
                 std::to_string(delay.count()) + " ms (try " + std::to_string(attempt + 1) +
                 " of " + std::to_string(o.max_attempts) + ")");
    }
    std::this_thread::sleep_for(delay);
  }
  const std::string tries =
      " after " + std::to_string(o.max_attempts) + (o.max_attempts == 1 ? " try" : " tries");
  if (last_failure.starts_with("connection failed")) {
    return Status::Unavailable("cannot reach the srclink server at " + server_ + " (" +
                               last_failure + tries +
                               "): check --server (or SRCLINK_SERVER), that the server is running "
                               "and that this machine can connect to it (DNS, firewall, proxy)");
  }
  return Status::Unavailable("the srclink server at " + server_ + " failed " + what + " (" +
                             last_failure + tries +
                             "): the server is having trouble; try again later or check its logs");
}

Result<CommitAnswer> UploadClient::UploadCommit(std::string_view json) {
  std::string compressed(ZSTD_compressBound(json.size()), '\0');
  const size_t n =
      ZSTD_compress(compressed.data(), compressed.size(), json.data(), json.size(), kBlobZstdLevel);
  if (ZSTD_isError(n)) {
    return Status::Internal(std::string("zstd cannot compress the commit JSON: ") +
                            ZSTD_getErrorName(n));
  }
  compressed.resize(n);
  Result<std::string> body =
      Post("/api/v1/upload/commit", compressed, "application/json", "zstd", "the commit upload");
  if (!body.ok()) return body.status();
  return ParseCommitAnswer(*body);
}

Result<std::string> UploadClient::PostJson(const std::string& path, std::string_view body,
                                           const std::string& what) {
  return Post(path, body, "application/json", "", what);
}

Result<BlobsAnswer> UploadClient::UploadBlobs(std::string_view records) {
  Result<std::string> body = Post("/api/v1/upload/blobs", records, "application/x-srclink-blobs",
                                  "", "the file contents upload");
  if (!body.ok()) return body.status();
  return ParseBlobsAnswer(*body);
}

}  // namespace srclink::cli
