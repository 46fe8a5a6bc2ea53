#include "server/content_fetch.h"

#include <algorithm>
#include <set>
#include <utility>

#include "server/blob_contents.h"
#include "server/metrics.h"
#include "server/server.h"

namespace srclink::server {
namespace {

constexpr size_t kMaxFinishedJobs = 1000;
constexpr int64_t kRefetchAfterSeconds = 600;

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool IsHostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

}  // namespace

Status CheckFetchHostPattern(std::string_view pattern) {
  const std::string quoted = "\"" + std::string(pattern.substr(0, 256)) + "\"";
  const std::string how =
      "; give a host (git.example.com), a wildcard (*.example.com) or file (file:// remotes)";
  if (pattern == "file") return Status::Ok();
  std::string_view host = pattern;
  if (host.substr(0, 2) == "*.") host.remove_prefix(2);
  if (host.empty() || host.size() > 253) {
    return Status::InvalidArgument("fetch host " + quoted + " is not a host name" + how);
  }
  for (char c : host) {
    if (!IsHostChar(c)) {
      return Status::InvalidArgument("fetch host " + quoted + " holds '" + std::string(1, c) +
                                     "': use a lowercase host name without scheme, port or path" +
                                     how);
    }
  }
  if (host.front() == '.' || host.back() == '.' || host.find("..") != std::string_view::npos) {
    return Status::InvalidArgument("fetch host " + quoted + " is not a host name" + how);
  }
  return Status::Ok();
}

bool FetchHostAllowed(const std::vector<std::string>& patterns, std::string_view host) {
  for (const std::string& p : patterns) {
    if (host.empty()) {
      if (p == "file") return true;
      continue;
    }
    if (p == "file") continue;  // file:// only, never a host named "file"
    if (p == host) return true;
    if (p.size() > 2 && p[0] == '*' && p[1] == '.') {
      std::string_view suffix = std::string_view(p).substr(1);  // ".example.com"
      if (host.size() > suffix.size() && host.substr(host.size() - suffix.size()) == suffix) {
        return true;
      }
    }
  }
  return false;
}

Result<FetchSource> FetchSource::Make(const RepositoryUrl& repository, std::string_view fetch_url,
                                      const HostRegistry* hosts) {
  FetchSource s;
  s.repository_id = repository.Id();
  s.repository_url = repository.sanitized;
  s.provider = std::string(ProviderName(repository.provider));
  if (fetch_url.empty()) {
    s.url = repository.sanitized;
    s.host = LowerAscii(repository.host);
    return s;
  }
  if (fetch_url.size() > 4096)
    return Status::InvalidArgument("fetch_url is longer than 4096 bytes");
  if (LowerAscii(fetch_url.substr(0, 7)) == "file://") {
    std::string_view path = fetch_url.substr(7);
    if (path.empty() || path.front() != '/' || path.find("/../") != std::string_view::npos ||
        path.find('\0') != std::string_view::npos) {
      return Status::InvalidArgument("fetch_url \"" + RedactCredentials(fetch_url) +
                                     "\" must be file:///ABSOLUTE/PATH of a repository");
    }
    s.url = std::string(fetch_url);
    s.host = "";
    return s;
  }
  Result<RepositoryUrl> parsed = RepositoryUrl::Parse(fetch_url, hosts);
  if (!parsed.ok()) return parsed.status().WithContext("fetch_url");
  s.url = parsed->sanitized;
  s.host = LowerAscii(parsed->host);
  return s;
}

std::string_view FetchJob::StateName() const {
  switch (state) {
    case State::kQueued:
      return "queued";
    case State::kRunning:
      return "running";
    case State::kDone:
      return "done";
    case State::kFailed:
      return "failed";
  }
  return "failed";
}

std::string FetchJob::Dump() const {
  std::string out = std::string(StateName()) + " " + repository_id + "@" + commit_sha +
                    " files=" + std::to_string(files) + " stored=" + std::to_string(blobs_stored) +
                    " present=" + std::to_string(blobs_present) +
                    " skipped=" + std::to_string(blobs_skipped);
  if (!error.empty()) out += " error=" + error;
  return out;
}

ContentFetch::ContentFetch(FetchOptions options, Store* store, RemoteFetcher* fetcher,
                           std::function<int64_t()> now, Metrics* metrics)
    : options_(std::move(options)),
      store_(store),
      fetcher_(fetcher),
      now_(std::move(now)),
      metrics_(metrics) {
  if (!now_) now_ = [] { return int64_t{0}; };
}

ContentFetch::~ContentFetch() {
  Stop();
  Wait();
}

void ContentFetch::SetOnStored(
    std::function<void(const std::string&, const std::string&)> on_stored) {
  std::lock_guard<std::mutex> lock(mu_);
  on_stored_ = std::move(on_stored);
}

void ContentFetch::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_ || !workers_.empty()) return;
  const size_t n = std::max<size_t>(1, options_.workers);
  for (size_t i = 0; i < n; ++i) workers_.emplace_back([this] { Work(); });
}

void ContentFetch::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cancel_ = true;
  cv_.notify_all();
}

void ContentFetch::Wait() {
  std::vector<std::thread> workers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    workers.swap(workers_);
  }
  for (std::thread& t : workers) t.join();
}

std::string ContentFetch::Key(std::string_view repository_id, std::string_view commit_sha) {
  std::string key(repository_id);
  key += '@';
  key += commit_sha;
  return key;
}

Status ContentFetch::Allowed(const FetchSource& source) const {
  if (FetchHostAllowed(options_.hosts, source.host)) return Status::Ok();
  const std::string where = source.host.empty() ? "file:// remotes" : "host " + source.host;
  const std::string flag = source.host.empty() ? "file" : source.host;
  return Status::InvalidArgument(
      "fetching contents from " + where + " is not allowed on this server (" +
      RedactCredentials(source.url) +
      "); the operator allows it with `srclink serve --fetch-host " + flag +
      "`, SRCLINK_FETCH_HOSTS=" + flag + " or \"fetch\": {\"hosts\": [\"" + flag +
      "\"]} in the config file");
}

Result<FetchJob> ContentFetch::Request(const FetchSource& source, std::string_view commit_sha) {
  if (Status s = Allowed(source); !s.ok()) return s;
  const std::string key = Key(source.repository_id, commit_sha);
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_) return Status::Unavailable("the server is stopping; retry later");
  auto it = jobs_.find(key);
  if (it != jobs_.end() && (it->second.job.state == FetchJob::State::kQueued ||
                            it->second.job.state == FetchJob::State::kRunning)) {
    return it->second.job;
  }
  if (queue_.size() >= options_.max_queue) {
    return Status::Unavailable("the fetch queue is full (" + std::to_string(queue_.size()) +
                               " commits waiting); retry later");
  }
  if (it != jobs_.end()) {  // finished before: fetch again
    if (auto f = std::find(finished_.begin(), finished_.end(), key); f != finished_.end()) {
      finished_.erase(f);
    }
    jobs_.erase(it);
  }
  Entry entry;
  entry.source = source;
  entry.job.repository_id = source.repository_id;
  entry.job.commit_sha = std::string(commit_sha);
  entry.job.url = RedactCredentials(source.url);
  entry.job.queued_at = now_();
  FetchJob job = entry.job;
  jobs_.emplace(key, std::move(entry));
  queue_.push_back(key);
  cv_.notify_one();
  return job;
}

bool ContentFetch::RequestIfAllowed(const FetchSource& source, std::string_view commit_sha) {
  if (!Allowed(source).ok()) return false;
  if (std::optional<FetchJob> job = Job(source.repository_id, commit_sha)) {
    if (job->state == FetchJob::State::kQueued || job->state == FetchJob::State::kRunning) {
      return true;
    }
    if (job->state == FetchJob::State::kDone && job->finished_at + kRefetchAfterSeconds > now_()) {
      return false;
    }
  }
  Result<FetchJob> queued = Request(source, commit_sha);
  if (!queued.ok()) {
    LogError("fetch of commit " + std::string(commit_sha) + " of " + source.repository_id +
             " not queued: " + queued.status().message());
    return false;
  }
  return true;
}

bool ContentFetch::RequestContents(const RepositoryUrl& repository, std::string_view commit_sha) {
  Result<FetchSource> source = FetchSource::Make(repository);
  if (!source.ok()) return false;
  return RequestIfAllowed(*source, commit_sha);
}

std::optional<FetchJob> ContentFetch::Job(std::string_view repository_id,
                                          std::string_view commit_sha) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = jobs_.find(Key(repository_id, commit_sha));
  if (it == jobs_.end()) return std::nullopt;
  return it->second.job;
}

void ContentFetch::Work() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    const std::string key = queue_.front();
    queue_.pop_front();
    Entry& entry = jobs_.at(key);
    entry.job.state = FetchJob::State::kRunning;
    FetchJob job = entry.job;
    const FetchSource source = entry.source;
    auto on_stored = on_stored_;
    lock.unlock();

    Status outcome = Run(source, &job);
    if (outcome.ok() && on_stored) on_stored(job.repository_id, job.commit_sha);
    job.state = outcome.ok() ? FetchJob::State::kDone : FetchJob::State::kFailed;
    job.error = outcome.ok() ? "" : RedactCredentials(outcome.message());
    job.finished_at = now_();
    if (!outcome.ok()) LogError("fetch: " + job.Dump());
    if (metrics_ != nullptr) {
      metrics_->AddFetch(outcome.ok(), job.blobs_stored, job.bytes_stored);
    }

    lock.lock();
    jobs_.at(key).job = job;
    finished_.push_back(key);
    while (finished_.size() > kMaxFinishedJobs) {
      jobs_.erase(finished_.front());
      finished_.pop_front();
    }
  }
}

Status ContentFetch::Run(const FetchSource& source, FetchJob* job) {
  FetchRequest request;
  request.repository_id = source.repository_id;
  request.url = source.url;
  request.commit_sha = job->commit_sha;
  if (auto c = options_.credentials.find(source.host); c != options_.credentials.end()) {
    request.credentials = c->second;
  }
  request.limits = options_.limits;
  request.cancel = &cancel_;
  Result<std::unique_ptr<FetchedCommit>> fetched = fetcher_->FetchCommit(request);
  if (!fetched.ok()) return fetched.status();
  FetchedCommit& commit = **fetched;

  CommitUpload upload;
  upload.repository_id = source.repository_id;
  upload.repository_url = source.repository_url;
  upload.provider = source.provider;
  upload.commit_sha = commit.commit_sha;
  upload.parent_sha = commit.parent_sha;
  upload.source = "fetch";
  upload.uploaded_at = now_();
  upload.files.reserve(commit.files.size());
  std::vector<std::string> ids;
  std::set<std::string_view> seen;
  for (const FetchedFile& f : commit.files) {
    upload.files.push_back(TrackedPath{f.path, f.blob_id});
    if (seen.insert(f.blob_id).second) ids.push_back(f.blob_id);
  }
  job->files = static_cast<int64_t>(upload.files.size());
  Result<CommitStored> stored = store_->PutCommit(upload);
  if (!stored.ok()) return stored.status().WithContext("storing the fetched commit");

  Result<std::vector<std::string>> missing = store_->MissingBlobs(ids);
  if (!missing.ok()) return missing.status().WithContext("listing the missing contents");
  job->blobs_present = static_cast<int64_t>(ids.size() - missing->size());
  const FetchLimits& limits = options_.limits;
  int64_t budget = limits.max_bytes;
  for (const std::string& id : *missing) {
    if (cancel_.load())
      return Status::Unavailable("the fetch was cancelled (the server is stopping)");
    Result<uint64_t> size = commit.BlobSize(id);
    if (!size.ok()) return size.status();
    const int64_t n = static_cast<int64_t>(*size);
    if ((limits.max_file_bytes > 0 && n > limits.max_file_bytes) ||
        (limits.max_bytes > 0 && n > budget)) {
      ++job->blobs_skipped;
      continue;
    }
    Result<std::string> contents = commit.ReadBlob(id);
    if (!contents.ok()) return contents.status();
    int64_t compressed = 0;
    Status s = StoreBlobContents(*store_, id, *contents, now_(), &compressed);
    if (!s.ok()) return s.WithContext("storing fetched contents");
    budget -= n;
    ++job->blobs_stored;
    job->bytes_stored += compressed;
  }
  return Status::Ok();
}

}  // namespace srclink::server
