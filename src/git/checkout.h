// Checkout: what srclink reads from a git working copy — HEAD's commit, the
// remotes, and the files tracked at a commit (what `git ls-files` lists there).
//
// RealCheckout reads through libgit2 and never shells out to git.
// FakeCheckout holds the same facts in memory, for tests of code above.
// Remote URLs are returned as configured and may hold credentials: callers
// pass them through RepositoryUrl::Parse before printing or sending them.
// A Checkout is used from one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace srclink {

struct Remote {
  std::string name;  // "origin"
  std::string url;   // as configured; may hold credentials
};

// One entry of a commit's tree, as `git ls-tree -r` shows it.
struct TrackedFile {
  std::string_view path;     // repository path, '/'-separated; valid during the visit only
  std::string_view blob_id;  // 40 hex digits; for a submodule, the commit it pins
  uint32_t mode = 0;         // 0100644, 0100755, 0120000 (symlink), 0160000 (submodule)
};

class Checkout {
 public:
  virtual ~Checkout() = default;

  // The working copy's top-level directory.
  virtual std::string TopLevel() const = 0;

  // HEAD's commit as 40 hex digits. Fails on an empty repository ("HEAD has
  // no commit yet: commit something first").
  virtual Result<std::string> HeadCommit() = 0;

  // Resolves a revision ("HEAD", "main", "v1.2", a short SHA) to a commit.
  virtual Result<std::string> ResolveCommit(std::string_view revision) = 0;

  // Remotes, "origin" first, then the others in name order.
  virtual Result<std::vector<Remote>> Remotes() = 0;

  // The branches and tags at `commit` (a full SHA), as full names in name
  // order: local branches, tags (annotated tags peeled to their commit), and
  // remote-tracking branches as the branch they track ("refs/remotes/origin/
  // main" is "refs/heads/main"; a remote's HEAD is left out). At most
  // kMaxRefsPerCommit (core/git_refs.h).
  virtual Result<std::vector<std::string>> RefsAt(std::string_view commit) = 0;

  // Calls visit for every file tracked at `commit` (a full SHA), in path
  // order. Stops early and returns what visit returns when it is not ok.
  // RealCheckout reads the index file instead of the tree objects when the
  // index holds exactly the commit's tree (its cache-tree names that tree and
  // covers every entry, as after a checkout, commit or reset: the CI case),
  // like `git ls-files`; the result is the same either way.
  virtual Status ListTrackedFiles(std::string_view commit,
                                  const std::function<Status(const TrackedFile&)>& visit) = 0;

  // The contents of blob `blob_id` (40 hex digits), raw bytes as stored (no
  // line-ending or filter conversion). NotFound when the blob is missing.
  virtual Result<std::string> ReadBlob(std::string_view blob_id) = 0;

  // The size in bytes of blob `blob_id`, from the object header (the
  // contents are not inflated for loose objects nor copied).
  virtual Result<uint64_t> BlobSize(std::string_view blob_id) = 0;

  // The parents of `commit` (a full SHA) as recorded in it, first parent
  // first; empty for a root commit. In a shallow clone, a boundary commit's
  // parents are listed although their objects are absent.
  virtual Result<std::vector<std::string>> Parents(std::string_view commit) = 0;

  // Every commit reachable from HEAD but not from `base` (a revision, as
  // ResolveCommit takes), oldest first (parents before children). In a
  // shallow clone the walk stops at the clone's boundary.
  virtual Result<std::vector<std::string>> CommitsSince(std::string_view base) = 0;

  // The last `count` commits of HEAD's first-parent chain, oldest first;
  // fewer when the history (or a shallow clone) is shorter.
  virtual Result<std::vector<std::string>> LastCommits(size_t count) = 0;

  // Whether the repository is a shallow clone (.git/shallow exists).
  virtual bool IsShallow() = 0;

  // Whether a tracked file differs from HEAD: staged, or modified or deleted
  // in the working tree. Untracked and ignored files do not count, nor do
  // submodules. Costs a stat per tracked file.
  virtual Result<bool> HasUncommittedChanges() = 0;
};

// Opens the working copy that contains `directory` (searching upwards, like
// git). Errors say which directory and what libgit2 reported.
Result<std::unique_ptr<Checkout>> OpenRealCheckout(const std::string& directory);

// An in-memory checkout for tests.
// History is linear: each commit's parent is the one given before it.
class FakeCheckout : public Checkout {
 public:
  struct Commit {
    std::string sha;
    std::vector<std::pair<std::string, std::string>> files;  // path, blob id
  };

  FakeCheckout(std::string top_level, std::vector<Commit> commits, std::vector<Remote> remotes);

  std::string TopLevel() const override { return top_level_; }
  Result<std::string> HeadCommit() override;  // the last commit given
  Result<std::string> ResolveCommit(std::string_view revision) override;
  Result<std::vector<Remote>> Remotes() override;
  Result<std::vector<std::string>> RefsAt(std::string_view commit) override;  // AddRef's
  Status ListTrackedFiles(std::string_view commit,
                          const std::function<Status(const TrackedFile&)>& visit) override;
  Result<std::string> ReadBlob(std::string_view blob_id) override;  // those added with AddBlob
  Result<uint64_t> BlobSize(std::string_view blob_id) override;
  Result<std::vector<std::string>> Parents(std::string_view commit) override;
  Result<std::vector<std::string>> CommitsSince(std::string_view base) override;
  Result<std::vector<std::string>> LastCommits(size_t count) override;
  bool IsShallow() override { return shallow_; }
  Result<bool> HasUncommittedChanges() override { return dirty_; }

  // Test setup.
  void AddBlob(std::string blob_id, std::string contents);
  void AddRef(std::string full_name, std::string commit) {
    refs_.emplace_back(std::move(full_name), std::move(commit));
  }
  void SetShallow(bool shallow) { shallow_ = shallow; }
  void SetDirty(bool dirty) { dirty_ = dirty; }

 private:
  // Index of the commit `sha` in commits_, or NotFound.
  Result<size_t> Find(std::string_view sha) const;

  std::string top_level_;
  std::vector<Commit> commits_;
  std::vector<Remote> remotes_;
  std::vector<std::pair<std::string, std::string>> blobs_;  // id (lower-case), contents
  std::vector<std::pair<std::string, std::string>> refs_;   // full name, commit
  bool shallow_ = false;
  bool dirty_ = false;
};

}  // namespace srclink
