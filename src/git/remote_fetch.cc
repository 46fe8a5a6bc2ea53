#include "git/remote_fetch.h"
#include "git/git_ptr.h"

#include <git2.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <string>
#include <system_error>
#include <utility>

#include "core/repository_url.h"
#include "git/git_error.h"

namespace srclink {
namespace {

using RemotePtr = std::unique_ptr<git_remote, GitDeleter<git_remote, git_remote_free>>;
using OdbPtr = std::unique_ptr<git_odb, GitDeleter<git_odb, git_odb_free>>;
using OdbObjectPtr =
    std::unique_ptr<git_odb_object, GitDeleter<git_odb_object, git_odb_object_free>>;

// As in checkout.cc: initialised once per process, never shut down (mirrors
// and fetched commits may live until exit).
int InitLibgit2Once() {
  static std::once_flag once;
  static int result = 0;
  std::call_once(once, [] { result = git_libgit2_init(); });
  return result;
}

bool IsFullSha(std::string_view s) {
  if (s.size() != GIT_OID_HEXSZ) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  });
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string OidToString(const git_oid* oid) {
  std::string out(GIT_OID_HEXSZ, '0');
  git_oid_fmt(out.data(), oid);
  return out;
}

// A Status whose message is free of credentials (libgit2 may quote URLs).
Status Redacted(const Status& status) {
  return MakeStatus(status.code(), RedactCredentials(status.message()));
}

// What the fetch callbacks share with FetchCommit.
struct FetchPayload {
  const FetchRequest* request = nullptr;
  std::chrono::steady_clock::time_point deadline;
  int credential_calls = 0;
  std::string abort_reason;  // set when a callback stopped the fetch
};

// Stops the download when it runs past the limits or is cancelled.
int CheckLimits(FetchPayload* p, uint64_t received_bytes) {
  const FetchLimits& limits = p->request->limits;
  if (p->request->cancel != nullptr && p->request->cancel->load()) {
    p->abort_reason = "the fetch was cancelled (the server is stopping)";
    return -1;
  }
  if (limits.max_bytes > 0 && received_bytes > static_cast<uint64_t>(limits.max_bytes)) {
    p->abort_reason = "the download exceeded " + std::to_string(limits.max_bytes) +
                      " bytes; raise the server's fetch max_bytes";
    return -1;
  }
  if (limits.timeout_seconds > 0 && std::chrono::steady_clock::now() > p->deadline) {
    p->abort_reason =
        "the fetch took longer than " + std::to_string(limits.timeout_seconds) + " seconds";
    return -1;
  }
  return 0;
}

int OnTransferProgress(const git_indexer_progress* stats, void* payload) {
  return CheckLimits(static_cast<FetchPayload*>(payload), stats->received_bytes);
}

int OnSidebandProgress(const char*, int, void* payload) {
  return CheckLimits(static_cast<FetchPayload*>(payload), 0);
}

// The lowercase host of "scheme://[user@]host[:port]/…"; "" for other forms.
std::string UrlHost(std::string_view url) {
  size_t start = url.find("://");
  if (start == std::string_view::npos) return "";
  std::string_view rest = url.substr(start + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (size_t at = rest.rfind('@'); at != std::string_view::npos) rest.remove_prefix(at + 1);
  if (!rest.empty() && rest.front() == '[') {
    rest = rest.substr(0, rest.find(']') + 1);
  } else {
    rest = rest.substr(0, rest.find(':'));
  }
  return Lower(rest);
}

// Presents the configured credentials once per fetch; libgit2 asks again
// after a refusal, and asking forever would loop. Never to another host than
// the one configured (an http redirect may lead elsewhere).
int OnCredentials(git_credential** out, const char* url, const char* username_from_url,
                  unsigned int allowed_types, void* payload) {
  auto* p = static_cast<FetchPayload*>(payload);
  const FetchCredentials& c = p->request->credentials;
  if (++p->credential_calls > 1) {
    git_error_set_str(GIT_ERROR_NET, "the remote refused the configured credentials");
    return GIT_EAUTH;
  }
  if (url != nullptr && UrlHost(url) != UrlHost(p->request->url)) {
    git_error_set_str(GIT_ERROR_NET,
                      "the remote redirected to another host, which gets no credentials");
    return GIT_EAUTH;
  }
  if ((allowed_types & GIT_CREDENTIAL_SSH_KEY) != 0 && !c.ssh_key.empty()) {
    std::string user = username_from_url != nullptr && *username_from_url != '\0'
                           ? username_from_url
                           : (c.username.empty() ? "git" : c.username);
    std::string public_key = c.ssh_key + ".pub";
    std::error_code ec;
    const bool has_public = std::filesystem::exists(public_key, ec);
    return git_credential_ssh_key_new(out, user.c_str(), has_public ? public_key.c_str() : nullptr,
                                      c.ssh_key.c_str(), "");
  }
  if ((allowed_types & GIT_CREDENTIAL_USERPASS_PLAINTEXT) != 0 && !c.password.empty()) {
    std::string user = c.username.empty() ? "git" : c.username;
    return git_credential_userpass_plaintext_new(out, user.c_str(), c.password.c_str());
  }
  if ((allowed_types & GIT_CREDENTIAL_USERNAME) != 0 && !c.username.empty()) {
    return git_credential_username_new(out, c.username.c_str());
  }
  git_error_set_str(GIT_ERROR_NET,
                    "the remote asks for credentials and the server has none configured for it");
  return GIT_EAUTH;
}

class RealFetchedCommit final : public FetchedCommit {
 public:
  RealFetchedCommit(std::unique_lock<std::mutex> lock, RepositoryPtr repo, OdbPtr odb,
                    std::string where, FetchLimits limits)
      : lock_(std::move(lock)),
        repo_(std::move(repo)),
        odb_(std::move(odb)),
        where_(std::move(where)),
        limits_(limits) {}

  Result<uint64_t> BlobSize(std::string_view blob_id) override {
    git_oid oid;
    if (!IsFullSha(blob_id) || git_oid_fromstrn(&oid, blob_id.data(), blob_id.size()) < 0) {
      return Status::InvalidArgument("\"" + std::string(blob_id) + "\" is not a blob id");
    }
    size_t size = 0;
    git_object_t type = GIT_OBJECT_INVALID;
    int rc = git_odb_read_header(&size, &type, odb_.get(), &oid);
    if (rc < 0) {
      return Redacted(GitErrorStatus(rc, "cannot read blob " + Lower(blob_id) + " of " + where_,
                                     "the mirror lacks it; fetch the commit again"));
    }
    return static_cast<uint64_t>(size);
  }

  Result<std::string> ReadBlob(std::string_view blob_id) override {
    Result<uint64_t> size = BlobSize(blob_id);
    if (!size.ok()) return size.status();
    if (limits_.max_file_bytes > 0 && *size > static_cast<uint64_t>(limits_.max_file_bytes)) {
      return Status::InvalidArgument("blob " + Lower(blob_id) + " of " + where_ + " is " +
                                     std::to_string(*size) + " bytes, above the limit of " +
                                     std::to_string(limits_.max_file_bytes));
    }
    git_oid oid;
    git_oid_fromstrn(&oid, blob_id.data(), blob_id.size());
    git_odb_object* raw = nullptr;
    int rc = git_odb_read(&raw, odb_.get(), &oid);
    OdbObjectPtr object(raw);
    if (rc < 0) {
      return Redacted(GitErrorStatus(rc, "cannot read blob " + Lower(blob_id) + " of " + where_,
                                     "the mirror lacks it; fetch the commit again"));
    }
    if (git_odb_object_type(object.get()) != GIT_OBJECT_BLOB) {
      return Status::InvalidArgument("object " + Lower(blob_id) + " of " + where_ + " is a " +
                                     git_object_type2string(git_odb_object_type(object.get())) +
                                     ", not a blob");
    }
    return std::string(static_cast<const char*>(git_odb_object_data(object.get())),
                       git_odb_object_size(object.get()));
  }

 private:
  std::unique_lock<std::mutex> lock_;  // the mirror's; released last
  RepositoryPtr repo_;
  OdbPtr odb_;
  std::string where_;
  FetchLimits limits_;
};

class RealRemoteFetcher final : public RemoteFetcher {
 public:
  explicit RealRemoteFetcher(std::string mirrors_dir) : mirrors_dir_(std::move(mirrors_dir)) {
    InitLibgit2Once();
  }

  Result<std::unique_ptr<FetchedCommit>> FetchCommit(const FetchRequest& request) override;

 private:
  std::shared_ptr<std::mutex> MirrorLock(const std::string& name) {
    std::lock_guard<std::mutex> lock(mu_);
    auto& m = locks_[name];
    if (!m) m = std::make_shared<std::mutex>();
    return m;
  }
  Result<RepositoryPtr> OpenMirror(const std::string& path);

  const std::string mirrors_dir_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<std::mutex>> locks_;  // by mirror name
};

Result<RepositoryPtr> RealRemoteFetcher::OpenMirror(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(mirrors_dir_, ec);
  if (ec) {
    return Status::IoError("cannot create the mirrors directory " + mirrors_dir_ + ": " +
                           ec.message() + "; check that the data directory is writable");
  }
  git_repository* raw = nullptr;
  if (std::filesystem::exists(path, ec)) {
    int rc = git_repository_open_bare(&raw, path.c_str());
    if (rc == 0) return RepositoryPtr(raw);
    // A mirror left half-made (the server stopped while creating it): start over.
    std::filesystem::remove_all(path, ec);
  }
  int rc = git_repository_init(&raw, path.c_str(), /*is_bare=*/1);
  RepositoryPtr repo(raw);
  if (rc < 0) {
    return GitErrorStatus(rc, "cannot create the mirror " + path,
                          "check that the data directory is writable");
  }
  return repo;
}

bool HasCommit(git_repository* repo, const git_oid* oid) {
  git_commit* raw = nullptr;
  int rc = git_commit_lookup(&raw, repo, oid);
  git_commit_free(raw);
  return rc == 0;
}

Result<std::unique_ptr<FetchedCommit>> RealRemoteFetcher::FetchCommit(const FetchRequest& request) {
  const std::string url = RedactCredentials(request.url);
  if (request.url.empty()) return Status::InvalidArgument("no remote URL to fetch from");
  if (!IsFullSha(request.commit_sha)) {
    return Status::InvalidArgument("\"" + RedactCredentials(request.commit_sha.substr(0, 64)) +
                                   "\" is not a full commit SHA (40 hex digits)");
  }
  const std::string sha = Lower(request.commit_sha);
  const std::string name = MirrorDirName(request.repository_id);
  const std::string path = (std::filesystem::path(mirrors_dir_) / name).string();
  std::shared_ptr<std::mutex> mirror_mu = MirrorLock(name);
  std::unique_lock<std::mutex> lock(*mirror_mu);

  Result<RepositoryPtr> repo = OpenMirror(path);
  if (!repo.ok()) return Redacted(repo.status());
  git_oid oid;
  git_oid_fromstr(&oid, sha.c_str());

  bool downloaded = false;
  if (!HasCommit(repo->get(), &oid)) {
    git_remote* raw_remote = nullptr;
    int rc = git_remote_create_anonymous(&raw_remote, repo->get(), request.url.c_str());
    RemotePtr remote(raw_remote);
    if (rc < 0) {
      return Redacted(GitErrorStatus(rc, "cannot fetch commit " + sha + " from " + url,
                                     "the remote URL is not one git can fetch from"));
    }
    FetchPayload payload;
    payload.request = &request;
    payload.deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(request.limits.timeout_seconds);
    git_fetch_options options;
    git_fetch_options_init(&options, GIT_FETCH_OPTIONS_VERSION);
    options.callbacks.credentials = OnCredentials;
    options.callbacks.transfer_progress = OnTransferProgress;
    options.callbacks.sideband_progress = OnSidebandProgress;
    options.callbacks.payload = &payload;
    options.prune = GIT_FETCH_NO_PRUNE;
    options.update_fetchhead = 0;
    options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;

    auto fetch = [&](std::vector<std::string> specs) {
      std::vector<char*> strings;
      for (std::string& s : specs) strings.push_back(s.data());
      git_strarray array{strings.data(), strings.size()};
      payload.credential_calls = 0;
      return git_remote_fetch(remote.get(), &array, &options, "srclink fetch");
    };
    auto failure = [&](int code) {
      if (!payload.abort_reason.empty()) {
        return Status::Unavailable("cannot fetch commit " + sha + " from " + url + ": " +
                                   payload.abort_reason);
      }
      std::string fix = "check that the remote is reachable from the server";
      if (code == GIT_EAUTH || code == GIT_ECERTIFICATE) {
        fix = "check the server's fetch credentials for this host";
      }
      Status s = GitErrorStatus(code, "cannot fetch commit " + sha + " from " + url, fix);
      return Redacted(Status::Unavailable(s.message()));
    };

    rc = fetch({"+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"});
    if (rc < 0) return failure(rc);
    downloaded = true;
    if (!HasCommit(repo->get(), &oid)) {
      // Not on a branch or tag: ask for the commit itself.
      rc = fetch({sha});
      if (rc < 0 && !payload.abort_reason.empty()) return failure(rc);
      if (!HasCommit(repo->get(), &oid)) {
        std::string detail = rc < 0 ? " (libgit2: " + LastGitErrorMessage(rc) + ")" : "";
        return Status::NotFound(RedactCredentials(
            "commit " + sha + " is not in " + url +
            ": none of its branches and tags holds it and the remote does not send it by id" +
            detail + "; push the commit, or check that the upload names the right repository"));
      }
    }
  }

  git_commit* raw_commit = nullptr;
  int rc = git_commit_lookup(&raw_commit, repo->get(), &oid);
  CommitPtr commit(raw_commit);
  if (rc < 0) {
    return Redacted(GitErrorStatus(rc, "cannot read commit " + sha + " fetched from " + url,
                                   "delete the mirror " + path + " and fetch again"));
  }
  auto fetched_parent = [&]() -> std::string {
    if (git_commit_parentcount(commit.get()) == 0) return "";
    return OidToString(git_commit_parent_id(commit.get(), 0));
  };
  git_tree* raw_tree = nullptr;
  rc = git_commit_tree(&raw_tree, commit.get());
  TreePtr tree(raw_tree);
  if (rc < 0) {
    return Redacted(GitErrorStatus(rc, "cannot read the tree of commit " + sha + " from " + url,
                                   "delete the mirror " + path + " and fetch again"));
  }

  struct Walk {
    std::vector<FetchedFile>* files;
    int64_t max_files;
    bool too_many = false;
  };
  std::vector<FetchedFile> files;
  Walk walk{&files, request.limits.max_files};
  rc = git_tree_walk(
      tree.get(), GIT_TREEWALK_PRE,
      [](const char* root, const git_tree_entry* entry, void* payload) -> int {
        auto* w = static_cast<Walk*>(payload);
        if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB) return 0;  // trees, submodules
        if (w->max_files > 0 && static_cast<int64_t>(w->files->size()) >= w->max_files) {
          w->too_many = true;
          return -1;
        }
        w->files->push_back(FetchedFile{std::string(root) + git_tree_entry_name(entry),
                                        OidToString(git_tree_entry_id(entry))});
        return 0;
      },
      &walk);
  if (walk.too_many) {
    return Status::Unavailable("commit " + sha + " of " + url + " has more than " +
                               std::to_string(request.limits.max_files) +
                               " files; raise the server's fetch max_files");
  }
  if (rc < 0) {
    return Redacted(GitErrorStatus(rc, "cannot list the files of commit " + sha + " from " + url,
                                   "delete the mirror " + path + " and fetch again"));
  }
  std::sort(files.begin(), files.end(),
            [](const FetchedFile& a, const FetchedFile& b) { return a.path < b.path; });

  git_odb* raw_odb = nullptr;
  rc = git_repository_odb(&raw_odb, repo->get());
  OdbPtr odb(raw_odb);
  if (rc < 0) {
    return Redacted(
        GitErrorStatus(rc, "cannot open the mirror " + path, "delete it and fetch again"));
  }
  std::string parent = fetched_parent();
  commit.reset();
  tree.reset();
  auto out = std::make_unique<RealFetchedCommit>(std::move(lock), std::move(*repo), std::move(odb),
                                                 url, request.limits);
  out->commit_sha = sha;
  out->parent_sha = std::move(parent);
  out->files = std::move(files);
  out->downloaded = downloaded;
  return std::unique_ptr<FetchedCommit>(std::move(out));
}

// ---------------------------------------------------------------------------

class FakeFetchedCommit final : public FetchedCommit {
 public:
  Result<uint64_t> BlobSize(std::string_view blob_id) override {
    auto it = blobs_.find(std::string(blob_id));
    if (it == blobs_.end()) return Status::NotFound("no blob " + std::string(blob_id));
    return static_cast<uint64_t>(it->second.size());
  }
  Result<std::string> ReadBlob(std::string_view blob_id) override {
    auto it = blobs_.find(std::string(blob_id));
    if (it == blobs_.end()) return Status::NotFound("no blob " + std::string(blob_id));
    if (limits_.max_file_bytes > 0 &&
        it->second.size() > static_cast<uint64_t>(limits_.max_file_bytes)) {
      return Status::InvalidArgument("blob " + std::string(blob_id) + " is above the limit");
    }
    return it->second;
  }

  std::map<std::string, std::string> blobs_;
  FetchLimits limits_;
};

}  // namespace

std::string MirrorDirName(std::string_view repository_id) {
  InitLibgit2Once();
  std::string name;
  for (char c : repository_id) {
    if (name.size() == 48) break;
    const bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
    if (c >= 'A' && c <= 'Z') {
      name += static_cast<char>(c - 'A' + 'a');
    } else {
      name += keep ? c : '_';
    }
  }
  if (!name.empty() && name.front() == '.') name.front() = '_';  // never "." or ".."
  git_oid oid;
  git_odb_hash(&oid, repository_id.data(), repository_id.size(), GIT_OBJECT_BLOB);
  return name + "-" + OidToString(&oid).substr(0, 16);
}

std::unique_ptr<RemoteFetcher> MakeRealRemoteFetcher(std::string mirrors_dir) {
  return std::make_unique<RealRemoteFetcher>(std::move(mirrors_dir));
}

std::string FakeRemoteFetcher::BlobId(std::string_view contents) {
  InitLibgit2Once();
  git_oid oid;
  git_odb_hash(&oid, contents.data(), contents.size(), GIT_OBJECT_BLOB);
  return OidToString(&oid);
}

void FakeRemoteFetcher::AddCommit(const std::string& url, const std::string& sha,
                                  const std::string& parent, std::vector<File> files) {
  std::lock_guard<std::mutex> lock(mu_);
  remotes_[url][Lower(sha)] = Commit{parent, std::move(files)};
}

void FakeRemoteFetcher::FailUrl(const std::string& url, Status status) {
  std::lock_guard<std::mutex> lock(mu_);
  failures_[url] = std::move(status);
}

void FakeRemoteFetcher::SetHook(std::function<void(const FetchRequest&)> hook) {
  std::lock_guard<std::mutex> lock(mu_);
  hook_ = std::move(hook);
}

int FakeRemoteFetcher::calls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return calls_;
}

FetchRequest FakeRemoteFetcher::last_request() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_;
}

Result<std::unique_ptr<FetchedCommit>> FakeRemoteFetcher::FetchCommit(const FetchRequest& request) {
  std::function<void(const FetchRequest&)> hook;
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++calls_;
    last_ = request;
    hook = hook_;
  }
  if (hook) hook(request);
  std::lock_guard<std::mutex> lock(mu_);
  auto failure = failures_.find(request.url);
  if (failure != failures_.end()) return failure->second;
  const std::string sha = Lower(request.commit_sha);
  auto remote = remotes_.find(request.url);
  if (remote == remotes_.end() || remote->second.count(sha) == 0) {
    return Status::NotFound("commit " + sha + " is not in " + request.url);
  }
  const Commit& c = remote->second.at(sha);
  auto out = std::make_unique<FakeFetchedCommit>();
  out->commit_sha = sha;
  out->parent_sha = c.parent;
  out->downloaded = true;
  out->limits_ = request.limits;
  for (const File& f : c.files) {
    std::string id = BlobId(f.contents);
    out->files.push_back(FetchedFile{f.path, id});
    out->blobs_[id] = f.contents;
  }
  std::sort(out->files.begin(), out->files.end(),
            [](const FetchedFile& a, const FetchedFile& b) { return a.path < b.path; });
  return std::unique_ptr<FetchedCommit>(std::move(out));
}

}  // namespace srclink
