// UploadClient: the client side of srclink's upload protocol (docs/API.md),
// and of the other JSON requests the CLI sends (`srclink trace --server`).
//
//   POST /api/v1/upload/commit  the commit's JSON (zstd Content-Encoding);
//                               the answer lists the blob ids the server lacks.
//   POST /api/v1/upload/blobs   application/x-srclink-blobs records, each a
//                               zstd frame of one file's bytes; requests are
//                               batched to at most kMaxBlobRequestBytes.
//
// Requests carry `Authorization: Bearer <key>` when a key is set. The key is
// never part of a message, a log line or a Status. Connection errors, 429
// and 5xx are retried with exponential backoff (honouring Retry-After), at
// most `max_attempts` tries in all; other 4xx answers are final.
//
// Thread-compatible: one UploadClient per thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace srclink::cli {

inline constexpr size_t kMaxBlobRequestBytes = 16u << 20;  // compressed, per request
inline constexpr int kBlobZstdLevel = 3;

// One tracked file of the commit JSON.
struct UploadFile {
  std::string path;
  std::string_view blob_id;  // 40 hex digits; empty to leave it out (submodules)
};

// The JSON body of POST /api/v1/upload/commit. `parent_sha` is left out when
// empty. Strings are escaped with AppendJsonString (core/json_text.h); a
// byte of invalid UTF-8 in a path becomes U+FFFD, as JSON text must be UTF-8.
std::string CommitJson(std::string_view repository_url, std::string_view commit_sha,
                       std::string_view parent_sha, const std::vector<UploadFile>& files);

// The same JSON written one file at a time, as a checkout lists them (no
// copy of the paths is kept). With `size_only` nothing is kept at all and
// only the size is counted: what `srclink upload --dry-run` reports.
class CommitJsonWriter {
 public:
  // `no_contents`: say "no_contents": true, so the server may fetch the
  // contents from the git remote itself (upload --no-contents). `refs`: the
  // full names of the branches and tags at the commit ("refs" is left out
  // when empty).
  CommitJsonWriter(std::string_view repository_url, std::string_view commit_sha,
                   std::string_view parent_sha, bool size_only = false, bool no_contents = false,
                   const std::vector<std::string>& refs = {});
  // `blob_id` empty: no blob id (a submodule).
  void Add(std::string_view path, std::string_view blob_id);
  size_t files() const { return files_; }
  // The size of the finished JSON, in bytes.
  size_t size() const { return size_ + 2; }
  // The JSON (empty when size_only). Call once.
  std::string Finish();

 private:
  bool size_only_;
  size_t files_ = 0;
  size_t size_ = 0;  // without the closing "]}"
  std::string out_;  // the JSON so far, or (size_only) the last escaped path
};

// The answer to POST /api/v1/upload/commit.
struct CommitAnswer {
  std::string repository_id;
  bool created = false;
  std::string encoding;
  std::vector<std::string> missing_blobs;  // 40 hex digits each, lower-case
};
Result<CommitAnswer> ParseCommitAnswer(std::string_view body);

// The answer to POST /api/v1/upload/blobs.
struct BlobsAnswer {
  uint64_t stored = 0;
  uint64_t bytes = 0;
  std::vector<std::pair<std::string, std::string>> rejected;  // blob id, error
};
Result<BlobsAnswer> ParseBlobsAnswer(std::string_view body);

// Appends one application/x-srclink-blobs record for the blob `blob_id`
// (40 hex digits) whose contents are `bytes`, compressed with zstd `level`.
Status AppendBlobRecord(std::string_view blob_id, std::string_view bytes, int level,
                        std::string* out);

// The most bytes AppendBlobRecord can append for contents of `size` bytes.
size_t BlobRecordBound(size_t size);

// How long to wait before try `attempt` + 1 (attempt counts from 1) after a
// retryable failure: `retry_after` (the header's value: seconds, or an
// HTTP date) when it parses, capped at `max`; else initial * 2^(attempt-1),
// capped at `max`.
std::chrono::milliseconds RetryDelay(int attempt, std::string_view retry_after,
                                     std::chrono::milliseconds initial,
                                     std::chrono::milliseconds max);

struct UploadClientOptions {
  std::string server;   // "https://srclink.example.com[/prefix]"; no credentials
  std::string api_key;  // empty: no Authorization header
  int max_attempts = 4;
  std::chrono::milliseconds initial_backoff{1000};
  std::chrono::milliseconds max_backoff{30000};
  std::chrono::seconds timeout{120};
  // Called before sleeping between tries, e.g. to say so in the log.
  std::function<void(const std::string& message)> on_retry;
};

class UploadClient {
 public:
  // Checks the server URL: http or https, a host, no user name or password
  // (the key goes in $SRCLINK_API_KEY), no query or fragment.
  static Result<std::unique_ptr<UploadClient>> Create(UploadClientOptions options);
  ~UploadClient();
  UploadClient(const UploadClient&) = delete;
  UploadClient& operator=(const UploadClient&) = delete;

  // The server URL as given (without a trailing '/'), for messages.
  const std::string& server() const { return server_; }

  // Sends the commit JSON (compressed with zstd) and returns the answer.
  Result<CommitAnswer> UploadCommit(std::string_view json);

  // Sends one request of blob records (built with AppendBlobRecord).
  Result<BlobsAnswer> UploadBlobs(std::string_view records);

  // POSTs the JSON `body` to `path` ("/api/v1/resolve"), retried like the
  // uploads; on 200, the answer's body. `what` names the request in errors
  // ("the resolve request").
  Result<std::string> PostJson(const std::string& path, std::string_view body,
                               const std::string& what);

 private:
  struct Impl;
  UploadClient(std::string server, std::unique_ptr<Impl> impl);

  // POSTs `body` to `path`; on 200, the answer's body.
  Result<std::string> Post(const std::string& path, std::string_view body,
                           const std::string& content_type, const std::string& content_encoding,
                           const std::string& what);

  std::string server_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace srclink::cli
