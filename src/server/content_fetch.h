// ContentFetch: the server fetches file contents itself, from a commit's git
// remote, for commits uploaded without them (`srclink upload --no-contents`,
// datadog-ci's srcmap) — only from hosts the operator allows.
//
// A bounded queue of jobs, one per (repository, commit), served by
// FetchOptions::workers background threads. A job fetches the commit through
// a RemoteFetcher (git/remote_fetch.h), stores its files again with their blob
// ids (Store::PutCommit, source "fetch": idempotent, adds the blob ids), then
// the contents the store lacks (Store::PutBlob, verified against the blob id,
// zstd-compressed), within FetchLimits: files above max_file_bytes and files
// past max_bytes are skipped, not failed.
//
// Allowed hosts (FetchOptions::hosts): an exact host ("git.example.com",
// "127.0.0.1"), "*.example.com" (any host under example.com, not
// example.com itself), or "file" for file:// remotes. No hosts: fetching
// is off. Credentials are the operator's, chosen by host; requests never
// carry any.
//
// Thread-safety: every method may be called from many threads. Stop() is
// idempotent; Wait() joins the workers.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/provider.h"
#include "core/repository_url.h"
#include "core/status.h"
#include "git/remote_fetch.h"
#include "store/store.h"

namespace srclink::server {

class Metrics;

struct FetchOptions {
  std::vector<std::string> hosts;                       // allowed: "h", "*.suffix", "file"
  std::map<std::string, FetchCredentials> credentials;  // by host (lowercase)
  FetchLimits limits;
  size_t workers = 2;
  size_t max_queue = 1000;  // queued jobs; more are refused (503)

  bool enabled() const { return !hosts.empty(); }
};

// InvalidArgument unless `pattern` is a host ("git.example.com"), a
// "*.example.com" wildcard or "file"; the message quotes it.
Status CheckFetchHostPattern(std::string_view pattern);

// Whether `host` (lowercase; "" for a file:// remote) matches one of `patterns`.
bool FetchHostAllowed(const std::vector<std::string>& patterns, std::string_view host);

// Where a commit's contents come from.
struct FetchSource {
  std::string repository_id;   // canonical id, as stored
  std::string repository_url;  // sanitized, stored with the commit
  std::string provider;        // ProviderName()
  std::string url;             // fetched from: repository_url, or the given fetch URL
  std::string host;            // lowercase host of url; "" for file://

  // From the repository's URL and, optionally, another URL to fetch from
  // (file:///srv/git/shop.git, or any remote form RepositoryUrl accepts).
  static Result<FetchSource> Make(const RepositoryUrl& repository, std::string_view fetch_url = "",
                                  const HostRegistry* hosts = nullptr);
};

struct FetchJob {
  enum class State { kQueued, kRunning, kDone, kFailed };
  std::string repository_id;
  std::string commit_sha;
  std::string url;  // sanitized
  State state = State::kQueued;
  std::string error;          // when kFailed
  int64_t files = 0;          // files of the commit
  int64_t blobs_stored = 0;   // contents stored by this job
  int64_t bytes_stored = 0;   // their compressed bytes
  int64_t blobs_present = 0;  // contents the store already had
  int64_t blobs_skipped = 0;  // above max_file_bytes, or past max_bytes
  int64_t queued_at = 0;      // unix seconds
  int64_t finished_at = 0;

  // "queued", "running", "done", "failed".
  std::string_view StateName() const;
  // "done github.com/acme/shop@3f2c… files=3 stored=2 present=1 skipped=0".
  std::string Dump() const;
};

class ContentFetch {
 public:
  // `store` and `fetcher` must outlive this. `now` gives unix seconds.
  ContentFetch(FetchOptions options, Store* store, RemoteFetcher* fetcher,
               std::function<int64_t()> now, Metrics* metrics = nullptr);
  ~ContentFetch();  // Stop() and Wait()
  ContentFetch(const ContentFetch&) = delete;
  ContentFetch& operator=(const ContentFetch&) = delete;

  // Starts the workers. Jobs requested before wait for it.
  void Start();
  // Stops taking jobs and aborts downloads in progress. Idempotent.
  void Stop();
  // Joins the workers (after Stop).
  void Wait();

  const FetchOptions& options() const { return options_; }

  // Ok when the operator allows fetching from source.host; otherwise
  // InvalidArgument saying how to allow it (the routes answer 403).
  Status Allowed(const FetchSource& source) const;

  // Queues a fetch of `commit_sha` (40 lowercase hex digits), or returns the
  // job already queued or running for it. InvalidArgument when the host is
  // not allowed (as Allowed); Unavailable when the queue is full or stopped.
  Result<FetchJob> Request(const FetchSource& source, std::string_view commit_sha);

  // For automatic triggers (uploads without contents): like Request, but
  // does nothing when the host is not allowed or the commit was fetched in
  // the last 10 minutes; failures are logged. Returns whether a job is queued
  // or running for the commit.
  bool RequestIfAllowed(const FetchSource& source, std::string_view commit_sha);

  // For read routes that find a file's contents missing: fetches the commit's
  // contents from `repository` if its host is allowed. Returns at once.
  bool RequestContents(const RepositoryUrl& repository, std::string_view commit_sha);

  // The job of (repository, commit): queued, running, or among the last 1,000 finished.
  std::optional<FetchJob> Job(std::string_view repository_id, std::string_view commit_sha) const;

  // Called by a worker after a job stored a commit's files, e.g. to drop a
  // cached snapshot of the commit. Set before Start().
  void SetOnStored(
      std::function<void(const std::string& repository_id, const std::string& commit_sha)>
          on_stored);

 private:
  struct Entry {
    FetchJob job;
    FetchSource source;
  };
  static std::string Key(std::string_view repository_id, std::string_view commit_sha);
  void Work();
  // Runs one job; fills the counters of `job`, returns its outcome.
  Status Run(const FetchSource& source, FetchJob* job);

  const FetchOptions options_;
  Store* store_;
  RemoteFetcher* fetcher_;
  std::function<int64_t()> now_;
  Metrics* metrics_;
  std::function<void(const std::string&, const std::string&)> on_stored_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, Entry> jobs_;  // by Key: queued, running and finished
  std::deque<std::string> queue_;      // keys of queued jobs, oldest first
  std::deque<std::string> finished_;   // keys of finished jobs, oldest first
  bool stopping_ = false;
  std::atomic<bool> cancel_{false};
  std::vector<std::thread> workers_;
};

}  // namespace srclink::server
