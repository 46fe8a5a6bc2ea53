// RemoteFetcher: fetches one commit from a repository's git remote and reads
// its tree — every file's path and blob id, and blob contents on demand — for
// `srclink serve`, which stores what uploaders did not send.
//
// RealRemoteFetcher (libgit2) keeps one bare mirror per repository under
// `<mirrors_dir>/<MirrorDirName(repository_id)>` and reuses it: a commit the
// mirror already holds costs no network round trip. Otherwise it fetches the
// remote's branches and tags, and when the commit is still absent, the commit
// itself by id (the remote must allow it: uploadpack.allowAnySHA1InWant).
// Transports: file://, git://, http(s):// and ssh:// (scp-like too).
// Credentials come from the caller (the server's configuration) through
// libgit2's credential callback, never from the URL; no message holds them.
// FakeRemoteFetcher serves commits from memory, for server tests.
//
// Thread-safety: FetchCommit may be called from several threads; fetches of
// one repository take turns (its mirror is locked while a FetchedCommit of it
// lives). A FetchedCommit is used from one thread at a time.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace srclink {

// What the server may present to a remote. Never logged, never in messages.
struct FetchCredentials {
  std::string username;  // https user; ssh user when the URL has none (default "git")
  std::string password;  // https password or token
  std::string ssh_key;  // path of an ssh private key; its public key is ssh_key + ".pub" if present
};

struct FetchLimits {
  int64_t max_files = 500000;            // a commit with more files fails
  int64_t max_bytes = int64_t{1} << 30;  // bytes a fetch may download; contents stored per commit
  int64_t max_file_bytes = 10 << 20;     // larger files are listed, their contents skipped
  int64_t timeout_seconds = 600;         // a fetch still downloading after this is aborted
};

struct FetchRequest {
  std::string repository_id;  // canonical id: names the mirror
  std::string url;            // where to fetch from; credentials belong in `credentials`
  std::string commit_sha;     // 40 hex digits
  FetchCredentials credentials;
  FetchLimits limits;
  const std::atomic<bool>* cancel = nullptr;  // when it turns true, the download is aborted
};

// A file of the fetched commit (regular, executable or symlink; submodules
// are not listed: they have no contents in this repository).
struct FetchedFile {
  std::string path;     // '/'-separated
  std::string blob_id;  // 40 lowercase hex digits
};

class FetchedCommit {
 public:
  virtual ~FetchedCommit() = default;

  std::string commit_sha;          // 40 lowercase hex digits
  std::string parent_sha;          // first parent, or "" for a root commit
  std::vector<FetchedFile> files;  // in path order
  bool downloaded = false;         // false: the mirror already had the commit

  // The size of blob `blob_id` (one of files), from its object header.
  virtual Result<uint64_t> BlobSize(std::string_view blob_id) = 0;
  // The contents of blob `blob_id`, as stored in git (no filters).
  // InvalidArgument when larger than limits.max_file_bytes.
  virtual Result<std::string> ReadBlob(std::string_view blob_id) = 0;
};

class RemoteFetcher {
 public:
  virtual ~RemoteFetcher() = default;

  // Fetches `request.commit_sha` and lists its files. Errors name the commit
  // and the remote (credentials removed): NotFound when the remote does not
  // have the commit; Unavailable when it cannot be reached, refuses the
  // credentials, the download exceeds the limits or is cancelled;
  // InvalidArgument for a bad request; IoError when the mirror cannot be
  // written.
  virtual Result<std::unique_ptr<FetchedCommit>> FetchCommit(const FetchRequest& request) = 0;
};

// The mirror directory's name for a repository id: its characters outside
// [a-z0-9._-] replaced by '_', at most 48 of them, then '-' and 16 hex digits
// of the id's SHA-1 ("github.com_acme_shop-3f2a…"), so two ids never share a
// mirror. Never "." or "..", never holds '/'.
std::string MirrorDirName(std::string_view repository_id);

// `mirrors_dir` is created on first use.
std::unique_ptr<RemoteFetcher> MakeRealRemoteFetcher(std::string mirrors_dir);

// In-memory remotes for tests: commits added by URL; blob ids computed as git does.
class FakeRemoteFetcher : public RemoteFetcher {
 public:
  struct File {
    std::string path;
    std::string contents;
  };

  // Adds commit `sha` with `files` to the remote at `url`.
  void AddCommit(const std::string& url, const std::string& sha, const std::string& parent,
                 std::vector<File> files);
  // Makes every fetch from `url` fail with `status`.
  void FailUrl(const std::string& url, Status status);
  // Called at the start of every FetchCommit (e.g. to block until a test lets it go).
  void SetHook(std::function<void(const FetchRequest&)> hook);
  // FetchCommit calls so far, and the last request (credentials included, for tests).
  int calls() const;
  FetchRequest last_request() const;

  Result<std::unique_ptr<FetchedCommit>> FetchCommit(const FetchRequest& request) override;

  // The git blob id of `contents`.
  static std::string BlobId(std::string_view contents);

 private:
  struct Commit {
    std::string parent;
    std::vector<File> files;
  };
  mutable std::mutex mu_;
  std::map<std::string, std::map<std::string, Commit>> remotes_;  // url → sha → commit
  std::map<std::string, Status> failures_;
  std::function<void(const FetchRequest&)> hook_;
  int calls_ = 0;
  FetchRequest last_;
};

}  // namespace srclink
