#include "git/checkout.h"

#include <git2.h>

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "git/git_error.h"

namespace srclink {
namespace {

// ---------------------------------------------------------------------------
// RAII for libgit2 objects.

template <typename T, void (*Free)(T*)>
struct GitDeleter {
  void operator()(T* p) const { Free(p); }
};

using RepositoryPtr =
    std::unique_ptr<git_repository, GitDeleter<git_repository, git_repository_free>>;
using ReferencePtr = std::unique_ptr<git_reference, GitDeleter<git_reference, git_reference_free>>;
using ObjectPtr = std::unique_ptr<git_object, GitDeleter<git_object, git_object_free>>;
using CommitPtr = std::unique_ptr<git_commit, GitDeleter<git_commit, git_commit_free>>;
using TreePtr = std::unique_ptr<git_tree, GitDeleter<git_tree, git_tree_free>>;
using ConfigPtr = std::unique_ptr<git_config, GitDeleter<git_config, git_config_free>>;
using ConfigIteratorPtr =
    std::unique_ptr<git_config_iterator, GitDeleter<git_config_iterator, git_config_iterator_free>>;

// ---------------------------------------------------------------------------
// Helpers.

constexpr size_t kShaLength = GIT_OID_HEXSZ;  // 40

// libgit2 is initialised once per process and never shut down: Checkouts may
// live until exit, and git_libgit2_shutdown would invalidate them.
int InitLibgit2Once() {
  static std::once_flag once;
  static int result = 0;
  std::call_once(once, [] { result = git_libgit2_init(); });
  return result;
}

std::string Quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '\'';
  out += s;
  out += '\'';
  return out;
}

std::string OidToString(const git_oid* oid) {
  std::string out(kShaLength, '0');
  git_oid_fmt(out.data(), oid);
  return out;
}

bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool IsHex(std::string_view s) { return std::all_of(s.begin(), s.end(), IsHexDigit); }

std::string ToLowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool IsFullSha(std::string_view s) { return s.size() == kShaLength && IsHex(s); }

Status NotAFullSha(std::string_view commit) {
  return Status::InvalidArgument(Quote(commit) +
                                 " is not a full commit id (40 hex digits): resolve the revision "
                                 "to a commit id first");
}

// "origin" first, then the others in name order.
void SortRemotes(std::vector<Remote>* remotes) {
  std::stable_sort(remotes->begin(), remotes->end(), [](const Remote& a, const Remote& b) {
    const bool a_origin = a.name == "origin";
    const bool b_origin = b.name == "origin";
    if (a_origin != b_origin) return a_origin;
    return a.name < b.name;
  });
}

// ---------------------------------------------------------------------------
// RealCheckout: a working copy read through libgit2.

class RealCheckout final : public Checkout {
 public:
  RealCheckout(RepositoryPtr repo, std::string top_level)
      : repo_(std::move(repo)), top_level_(std::move(top_level)) {}

  std::string TopLevel() const override { return top_level_; }
  Result<std::string> HeadCommit() override;
  Result<std::string> ResolveCommit(std::string_view revision) override;
  Result<std::vector<Remote>> Remotes() override;
  Status ListTrackedFiles(std::string_view commit,
                          const std::function<Status(const TrackedFile&)>& visit) override;

 private:
  // Where errors say the repository is.
  std::string Where() const { return Quote(top_level_); }

  RepositoryPtr repo_;
  std::string top_level_;
};

Result<std::string> RealCheckout::HeadCommit() {
  git_reference* raw_head = nullptr;
  int rc = git_repository_head(&raw_head, repo_.get());
  ReferencePtr head(raw_head);
  if (rc == GIT_EUNBORNBRANCH || rc == GIT_ENOTFOUND) {  // Both map to kNotFound.
    return GitErrorStatus(rc, "cannot read HEAD in " + Where() + ": HEAD has no commit yet",
                          "commit something first");
  }
  if (rc < 0) {
    return GitErrorStatus(rc, "cannot read HEAD in " + Where(),
                          "check the repository with `git status`");
  }
  git_object* raw_commit = nullptr;
  rc = git_reference_peel(&raw_commit, head.get(), GIT_OBJECT_COMMIT);
  ObjectPtr commit(raw_commit);
  if (rc < 0) {
    return GitErrorStatus(rc, "HEAD in " + Where() + " does not point to a commit",
                          "check out a branch or a commit");
  }
  return OidToString(git_object_id(commit.get()));
}

Result<std::string> RealCheckout::ResolveCommit(std::string_view revision) {
  if (revision.empty()) {
    return Status::InvalidArgument("empty revision for " + Where() +
                                   ": pass a branch, a tag or a commit id");
  }
  if (revision.find('\0') != std::string_view::npos) {
    return Status::InvalidArgument("revision for " + Where() +
                                   " contains a NUL byte: pass a branch, a tag or a commit id");
  }
  if (revision == "HEAD") return HeadCommit();  // Its errors explain an unborn HEAD.
  const std::string spec(revision);
  const std::string what = "cannot resolve revision " + Quote(spec) + " in " + Where();
  git_object* raw_object = nullptr;
  int rc = git_revparse_single(&raw_object, repo_.get(), spec.c_str());
  ObjectPtr object(raw_object);
  if (rc < 0) {
    switch (rc) {
      case GIT_ENOTFOUND:
        if (git_repository_is_shallow(repo_.get()) == 1) {
          return GitErrorStatus(rc, "revision " + Quote(spec) + " not found in " + Where(),
                                "this is a shallow clone, which may lack it: fetch more history "
                                "(`git fetch --unshallow`) or check the name with `git "
                                "rev-parse " +
                                    spec + "`");
        }
        return GitErrorStatus(
            rc, "revision " + Quote(spec) + " not found in " + Where(),
            "check the name with `git rev-parse " + spec + "`, or fetch it (`git fetch --tags`)");
      case GIT_EAMBIGUOUS:
        return GitErrorStatus(rc, "revision " + Quote(spec) + " is ambiguous in " + Where(),
                              "give more hex digits or a full name such as refs/heads/" + spec);
      case GIT_EINVALIDSPEC:
        return GitErrorStatus(rc, Quote(spec) + " is not a valid revision in " + Where(),
                              "pass one branch, tag or commit id (not a range)");
      default:
        return GitErrorStatus(rc, what, "check it with `git rev-parse " + spec + "`");
    }
  }
  git_object* raw_commit = nullptr;
  rc = git_object_peel(&raw_commit, object.get(), GIT_OBJECT_COMMIT);
  ObjectPtr commit(raw_commit);
  if (rc < 0) {
    return GitErrorStatus(rc,
                          "revision " + Quote(spec) + " in " + Where() + " names a " +
                              git_object_type2string(git_object_type(object.get())) +
                              ", not a commit",
                          "pass a branch, a tag or a commit id");
  }
  return OidToString(git_object_id(commit.get()));
}

// Reads the remotes from a config snapshot with one plain iteration, instead
// of git_remote_list/git_remote_lookup: in libgit2 1.5 those match config
// names with regular expressions and leak PCRE2 match data (~20 KB per
// non-matching entry; fixed upstream in libgit2 PR #6382). The result is the
// same: remote.<name>.url as libgit2 reads it (the last value wins), with
// url.<base>.insteadOf applied like `git remote get-url`; a remote with only
// a pushurl gets that.
Result<std::vector<Remote>> RealCheckout::Remotes() {
  const std::string what = "cannot read the remotes of " + Where();
  const std::string fix = "check the [remote] sections of .git/config with `git remote`";
  git_config* raw_config = nullptr;
  int rc = git_repository_config_snapshot(&raw_config, repo_.get());
  ConfigPtr config(raw_config);
  if (rc < 0) return GitErrorStatus(rc, what, fix);

  std::vector<std::string> names;
  std::vector<std::pair<std::string, std::string>> instead_of;  // prefix, base
  {
    git_config_iterator* raw_iterator = nullptr;
    rc = git_config_iterator_new(&raw_iterator, config.get());
    ConfigIteratorPtr iterator(raw_iterator);
    if (rc < 0) return GitErrorStatus(rc, what, fix);
    git_config_entry* entry = nullptr;
    while ((rc = git_config_next(&entry, iterator.get())) == 0) {
      // Names are normalised: section and key lower-case, subsection as written.
      const std::string_view name = entry->name;
      if (name.starts_with("remote.")) {
        std::string_view rest = name.substr(7);
        if (rest.ends_with(".url")) {
          rest.remove_suffix(4);
        } else if (rest.ends_with(".pushurl")) {
          rest.remove_suffix(8);
        } else {
          continue;
        }
        if (!rest.empty() && std::find(names.begin(), names.end(), rest) == names.end()) {
          names.emplace_back(rest);
        }
      } else if (name.starts_with("url.") && name.ends_with(".insteadof") && name.size() > 14 &&
                 entry->value != nullptr && *entry->value != '\0') {
        instead_of.emplace_back(entry->value, name.substr(4, name.size() - 14));
      }
    }
    if (rc != GIT_ITEROVER) return GitErrorStatus(rc, what, fix);
  }

  std::vector<Remote> remotes;
  remotes.reserve(names.size());
  for (const std::string& name : names) {
    std::string url;
    bool rewrite = true;
    for (const char* key : {".url", ".pushurl"}) {
      git_buf value = {nullptr, 0, 0};
      rc = git_config_get_string_buf(&value, config.get(), ("remote." + name + key).c_str());
      if (rc == 0 && value.ptr != nullptr) url.assign(value.ptr, value.size);
      git_buf_dispose(&value);
      if (rc < 0 && rc != GIT_ENOTFOUND) {
        // libgit2's message names the variable, never its value.
        return GitErrorStatus(rc, "cannot read remote " + Quote(name) + " of " + Where(),
                              "check its [remote] section in .git/config");
      }
      if (!url.empty()) break;
      rewrite = false;  // A push URL is used as written.
    }
    if (url.empty()) continue;  // Configured without any URL.
    if (rewrite) {
      // url.<base>.insteadOf: the longest matching prefix wins.
      const std::pair<std::string, std::string>* best = nullptr;
      for (const auto& rule : instead_of) {
        if (url.starts_with(rule.first) &&
            (best == nullptr || rule.first.size() > best->first.size())) {
          best = &rule;
        }
      }
      if (best != nullptr) url = best->second + url.substr(best->first.size());
    }
    remotes.push_back(Remote{name, std::move(url)});
  }
  SortRemotes(&remotes);
  return remotes;
}

Status RealCheckout::ListTrackedFiles(std::string_view commit,
                                      const std::function<Status(const TrackedFile&)>& visit) {
  if (!IsFullSha(commit)) return NotAFullSha(commit);
  git_oid oid;
  int rc = git_oid_fromstrn(&oid, commit.data(), commit.size());
  if (rc < 0) return NotAFullSha(commit);

  const std::string sha = ToLowerAscii(commit);
  git_commit* raw_commit = nullptr;
  rc = git_commit_lookup(&raw_commit, repo_.get(), &oid);
  CommitPtr commit_object(raw_commit);
  if (rc == GIT_ENOTFOUND) {
    return GitErrorStatus(rc, "commit " + sha + " is not in the repository at " + Where(),
                          "fetch it (`git fetch`) or pass a commit of this repository");
  }
  if (rc < 0) {
    return GitErrorStatus(rc, "cannot read commit " + sha + " in " + Where(),
                          "check the repository with `git fsck`");
  }
  git_tree* raw_tree = nullptr;
  rc = git_commit_tree(&raw_tree, commit_object.get());
  TreePtr root(raw_tree);
  if (rc < 0) {
    return GitErrorStatus(rc, "cannot read the tree of commit " + sha + " in " + Where(),
                          "the repository may be incomplete: check it with `git fsck`");
  }

  // An explicit stack of open directories instead of recursion: deep trees
  // cost heap, not call stack. `path` is one reused buffer; each frame
  // remembers how long its directory's prefix ("a/b/") is.
  struct Frame {
    TreePtr tree;
    size_t next = 0;
    size_t count = 0;
    size_t prefix_length = 0;
  };
  std::vector<Frame> stack;
  stack.reserve(32);
  const size_t root_count = git_tree_entrycount(root.get());
  stack.push_back(Frame{std::move(root), 0, root_count, 0});
  std::string path;
  path.reserve(256);
  char id[kShaLength];
  TrackedFile file;

  while (!stack.empty()) {
    Frame& frame = stack.back();
    if (frame.next == frame.count) {
      stack.pop_back();
      continue;
    }
    const git_tree_entry* entry = git_tree_entry_byindex(frame.tree.get(), frame.next++);
    path.resize(frame.prefix_length);
    path.append(git_tree_entry_name(entry));
    switch (git_tree_entry_type(entry)) {
      case GIT_OBJECT_TREE: {
        git_tree* raw_subtree = nullptr;
        rc = git_tree_lookup(&raw_subtree, repo_.get(), git_tree_entry_id(entry));
        TreePtr subtree(raw_subtree);
        if (rc < 0) {
          return GitErrorStatus(
              rc, "cannot read directory " + Quote(path) + " of commit " + sha + " in " + Where(),
              "the repository may be incomplete: check it with `git fsck`");
        }
        path.push_back('/');
        const size_t count = git_tree_entrycount(subtree.get());
        // `frame` is invalid once the stack grows.
        stack.push_back(Frame{std::move(subtree), 0, count, path.size()});
        break;
      }
      case GIT_OBJECT_BLOB:      // files and symlinks
      case GIT_OBJECT_COMMIT: {  // submodules
        git_oid_fmt(id, git_tree_entry_id(entry));
        file.path = path;
        file.blob_id = std::string_view(id, kShaLength);
        file.mode = static_cast<uint32_t>(git_tree_entry_filemode(entry));
        Status status = visit(file);
        if (!status.ok()) return status;
        break;
      }
      default:  // Not found in valid trees; nothing a frame could point at.
        break;
    }
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<Checkout>> OpenRealCheckout(const std::string& directory) {
  if (directory.empty()) {
    return Status::InvalidArgument(
        "no directory given to look for a git working copy in: pass one with --repo-dir, or "
        "\".\"");
  }
  if (directory.find('\0') != std::string::npos) {
    return Status::InvalidArgument("directory " + Quote(directory) +
                                   " contains a NUL byte: pass a checkout's directory");
  }
  std::error_code ec;
  const std::filesystem::file_status status = std::filesystem::status(directory, ec);
  if (ec || !std::filesystem::exists(status)) {
    if (!ec || ec == std::errc::no_such_file_or_directory) {
      return Status::NotFound("directory " + Quote(directory) +
                              " does not exist: run srclink in a checkout or pass an existing "
                              "directory with --repo-dir");
    }
    return Status::IoError("cannot look at directory " + Quote(directory) + ": " + ec.message() +
                           ": check its permissions or pass another directory with --repo-dir");
  }
  if (!std::filesystem::is_directory(status)) {
    return Status::InvalidArgument(Quote(directory) +
                                   " is not a directory: pass a checkout's directory with "
                                   "--repo-dir");
  }

  const int init = InitLibgit2Once();
  if (init < 0) {
    return GitErrorStatus(init, "cannot initialise libgit2",
                          "check that the system's libgit2 is installed correctly");
  }

  git_repository* raw_repo = nullptr;
  // Flags 0: search upwards from `directory`, stopping at a filesystem
  // boundary as git does by default; GIT_DIR and friends are not consulted.
  int rc = git_repository_open_ext(&raw_repo, directory.c_str(), 0, nullptr);
  RepositoryPtr repo(raw_repo);
  if (rc == GIT_ENOTFOUND) {
    return GitErrorStatus(rc, Quote(directory) + " is not inside a git working copy",
                          "run srclink in a checkout or pass --repo-dir");
  }
  if (rc == GIT_EOWNER) {
    return GitErrorStatus(
        rc, "the git repository containing " + Quote(directory) + " is owned by another user",
        "if you trust it, run `git config --global --add safe.directory "
        "<its top-level directory>`");
  }
  if (rc < 0) {
    return GitErrorStatus(rc, "cannot open the git repository containing " + Quote(directory),
                          "check it with `git status` there, or pass another --repo-dir");
  }
  const char* workdir = git_repository_workdir(repo.get());
  if (git_repository_is_bare(repo.get()) || workdir == nullptr) {
    std::string git_dir(git_repository_path(repo.get()));
    while (git_dir.size() > 1 && git_dir.back() == '/') git_dir.pop_back();
    return Status::InvalidArgument(
        "the git repository at " + Quote(git_dir) + " (found from " + Quote(directory) +
        ") is bare, without a working copy: run srclink in a checkout of it or pass one with "
        "--repo-dir");
  }
  std::string top_level(workdir);
  while (top_level.size() > 1 && top_level.back() == '/') top_level.pop_back();
  return std::unique_ptr<Checkout>(new RealCheckout(std::move(repo), std::move(top_level)));
}

// ---------------------------------------------------------------------------
// FakeCheckout.

FakeCheckout::FakeCheckout(std::string top_level, std::vector<Commit> commits,
                           std::vector<Remote> remotes)
    : top_level_(std::move(top_level)), commits_(std::move(commits)), remotes_(std::move(remotes)) {
  for (Commit& commit : commits_) {
    std::stable_sort(commit.files.begin(), commit.files.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
  }
  SortRemotes(&remotes_);
}

Result<std::string> FakeCheckout::HeadCommit() {
  if (commits_.empty()) {
    return Status::NotFound("cannot read HEAD in " + Quote(top_level_) +
                            ": HEAD has no commit yet: commit something first");
  }
  return commits_.back().sha;
}

Result<std::string> FakeCheckout::ResolveCommit(std::string_view revision) {
  if (revision == "HEAD") return HeadCommit();
  const std::string wanted = ToLowerAscii(revision);
  if (wanted.size() >= 4 && wanted.size() <= kShaLength && IsHex(wanted)) {
    const Commit* match = nullptr;
    for (const Commit& commit : commits_) {
      const std::string sha = ToLowerAscii(commit.sha);
      if (sha == wanted) return commit.sha;
      if (sha.compare(0, wanted.size(), wanted) != 0) continue;
      if (match != nullptr && ToLowerAscii(match->sha) != sha) {
        return Status::InvalidArgument("revision " + Quote(revision) + " is ambiguous in " +
                                       Quote(top_level_) + ": give more hex digits");
      }
      match = &commit;
    }
    if (match != nullptr) return match->sha;
  }
  return Status::NotFound("revision " + Quote(revision) + " not found in " + Quote(top_level_) +
                          ": a fake checkout knows HEAD, full commit ids and unique prefixes of 4 "
                          "or more hex digits");
}

Result<std::vector<Remote>> FakeCheckout::Remotes() { return remotes_; }

Status FakeCheckout::ListTrackedFiles(std::string_view commit,
                                      const std::function<Status(const TrackedFile&)>& visit) {
  if (!IsFullSha(commit)) return NotAFullSha(commit);
  const std::string wanted = ToLowerAscii(commit);
  for (const Commit& c : commits_) {
    if (ToLowerAscii(c.sha) != wanted) continue;
    TrackedFile file;
    file.mode = 0100644;
    for (const auto& [path, blob_id] : c.files) {
      file.path = path;
      file.blob_id = blob_id;
      Status status = visit(file);
      if (!status.ok()) return status;
    }
    return Status::Ok();
  }
  return Status::NotFound("commit " + wanted + " is not in the repository at " + Quote(top_level_) +
                          ": fetch it (`git fetch`) or pass a commit of this repository");
}

}  // namespace srclink
