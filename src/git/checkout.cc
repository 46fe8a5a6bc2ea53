#include "git/checkout.h"
#include "git/git_ptr.h"

#include <fcntl.h>
#include <git2.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/git_refs.h"
#include "git/git_error.h"

namespace srclink {
namespace {

// ---------------------------------------------------------------------------
// RAII for libgit2 objects.

using ReferencePtr = std::unique_ptr<git_reference, GitDeleter<git_reference, git_reference_free>>;
using ObjectPtr = std::unique_ptr<git_object, GitDeleter<git_object, git_object_free>>;
using ConfigPtr = std::unique_ptr<git_config, GitDeleter<git_config, git_config_free>>;
using ReferencePtr = GitPtr<git_reference, git_reference_free>;
using ReferenceIteratorPtr = GitPtr<git_reference_iterator, git_reference_iterator_free>;
using ConfigIteratorPtr =
    std::unique_ptr<git_config_iterator, GitDeleter<git_config_iterator, git_config_iterator_free>>;
using OdbPtr = std::unique_ptr<git_odb, GitDeleter<git_odb, git_odb_free>>;
using OdbObjectPtr =
    std::unique_ptr<git_odb_object, GitDeleter<git_odb_object, git_odb_object_free>>;
using RevwalkPtr = std::unique_ptr<git_revwalk, GitDeleter<git_revwalk, git_revwalk_free>>;
using StatusListPtr =
    std::unique_ptr<git_status_list, GitDeleter<git_status_list, git_status_list_free>>;

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

Status NotABlobId(std::string_view blob_id) {
  return Status::InvalidArgument(Quote(blob_id) + " is not a blob id (40 hex digits)");
}

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
// The index file (.git/index), read directly for the common case of `srclink
// upload` in CI: a fresh checkout whose index holds exactly HEAD's tree. git
// keeps the root tree's id in the index's cache-tree ("TREE" extension) on
// every commit, checkout and reset; when that id is the commit's tree and
// covers every entry, the index entries are the tree's files, in the same
// (path) order. Listing them is what `git ls-files` does, and costs no tree
// object inflation. Format: Documentation/gitformat-index.txt in git.

// A read-only mapping of a whole file; empty when it cannot be mapped.
class MappedFile {
 public:
  explicit MappedFile(const std::string& path) {
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
      void* p = mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ,
                     MAP_PRIVATE | MAP_POPULATE, fd, 0);
      if (p != MAP_FAILED) {
        data_ = static_cast<const unsigned char*>(p);
        size_ = static_cast<size_t>(st.st_size);
      }
    }
    close(fd);
  }
  ~MappedFile() {
    if (data_ != nullptr) munmap(const_cast<unsigned char*>(data_), size_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  const unsigned char* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  const unsigned char* data_ = nullptr;
  size_t size_ = 0;
};

uint32_t Be32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
uint16_t Be16(const unsigned char* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }

constexpr size_t kRawOidSize = 20;       // SHA-1 repositories only (libgit2 1.5)
constexpr size_t kIndexEntryFixed = 62;  // stat data, mode, id, flags
constexpr uint16_t kIndexExtended = 0x4000;
constexpr uint16_t kIndexStageMask = 0x3000;
constexpr uint16_t kIndexNameMask = 0x0FFF;
constexpr uint16_t kIndexIntentToAdd = 0x2000;  // in the extended flags

// One index entry as IndexReader::Walk reports it.
struct IndexEntry {
  std::string_view path;
  const unsigned char* id = nullptr;  // raw, kRawOidSize bytes
  uint32_t mode = 0;
  uint16_t flags = 0;
  uint16_t extended_flags = 0;
};

class IndexReader {
 public:
  IndexReader(const unsigned char* data, size_t size) : data_(data), size_(size) {}

  // Checks the header; false for anything but a version 2-4 index.
  bool ReadHeader() {
    if (size_ < 12 + kRawOidSize || std::memcmp(data_, "DIRC", 4) != 0) return false;
    version_ = Be32(data_ + 4);
    count_ = Be32(data_ + 8);
    return version_ >= 2 && version_ <= 4;
  }
  uint32_t count() const { return count_; }

  // Calls f(entry) for every entry in order while it returns true. False
  // when the entries are malformed or f said stop; *end is where the
  // extensions start.
  template <typename F>
  bool Walk(F&& f, size_t* end) {
    const size_t limit = size_ - kRawOidSize;  // the trailing checksum
    size_t at = 12;
    std::string path;  // version 4: the previous path, prefix-compressed against
    IndexEntry entry;
    for (uint32_t i = 0; i < count_; ++i) {
      if (limit - at < kIndexEntryFixed) return false;
      const unsigned char* e = data_ + at;
      entry.mode = Be32(e + 24);
      entry.id = e + 40;
      entry.flags = Be16(e + 60);
      size_t name_at = at + kIndexEntryFixed;
      entry.extended_flags = 0;
      if ((entry.flags & kIndexExtended) != 0) {
        if (version_ < 3 || limit - name_at < 2) return false;
        entry.extended_flags = Be16(e + 62);
        name_at += 2;
      }
      if (version_ == 4) {
        // A varint: how many bytes of the previous path to drop; then the rest, NUL-ended.
        size_t p = name_at;
        if (p >= limit) return false;
        uint64_t strip = data_[p] & 0x7F;
        while ((data_[p] & 0x80) != 0) {
          if (++p >= limit || strip > (uint64_t{1} << 32)) return false;
          strip = ((strip + 1) << 7) | (data_[p] & 0x7F);
        }
        ++p;
        const void* nul = std::memchr(data_ + p, '\0', limit - p);
        if (nul == nullptr || strip > path.size()) return false;
        const size_t rest = static_cast<size_t>(static_cast<const unsigned char*>(nul) - data_) - p;
        path.resize(path.size() - strip);
        path.append(reinterpret_cast<const char*>(data_ + p), rest);
        entry.path = path;
        at = p + rest + 1;
      } else {
        const unsigned char* name = data_ + name_at;
        const void* nul = std::memchr(name, '\0', limit - name_at);
        if (nul == nullptr) return false;
        const size_t name_size = static_cast<size_t>(static_cast<const unsigned char*>(nul) - name);
        const size_t length = entry.flags & kIndexNameMask;
        if (length != kIndexNameMask && length != name_size) return false;
        entry.path = std::string_view(reinterpret_cast<const char*>(name), name_size);
        // Padded with 1 to 8 NULs to a multiple of 8 bytes.
        const size_t fixed = name_at - at;
        at += (fixed + name_size + 8) & ~size_t{7};
        if (at > limit) return false;
      }
      if (entry.path.empty()) return false;
      if (!f(entry)) return false;
    }
    *end = at;
    return true;
  }

  // After Walk: the root tree id of the cache-tree when it is valid and covers
  // `count()` entries; nullptr otherwise, or when an extension this reader does
  // not understand may change what the entries mean (split index, sparse index).
  const unsigned char* CachedRootTree(size_t extensions_at) const {
    const size_t limit = size_ - kRawOidSize;
    const unsigned char* root = nullptr;
    size_t at = extensions_at;
    while (at < limit) {
      if (limit - at < 8) return nullptr;
      const unsigned char* sig = data_ + at;
      const uint32_t length = Be32(data_ + at + 4);
      if (limit - at - 8 < length) return nullptr;
      const unsigned char* body = data_ + at + 8;
      if (std::memcmp(sig, "TREE", 4) == 0) {
        root = RootOf(body, length);
        if (root == nullptr) return nullptr;
      } else if (sig[0] < 'A' || sig[0] > 'Z') {
        return nullptr;  // required extension ("link", "sdir"): not ours to ignore
      }
      at += 8 + length;
    }
    return root;
  }

 private:
  // The root entry of a TREE extension: "" NUL, entry count, ' ', subtree
  // count, '\n', then the tree id when the count is not negative.
  const unsigned char* RootOf(const unsigned char* body, size_t length) const {
    if (length == 0 || body[0] != '\0') return nullptr;
    size_t p = 1;
    uint64_t entries = 0;
    size_t digits = 0;
    while (p < length && body[p] >= '0' && body[p] <= '9' && digits < 10) {
      entries = entries * 10 + (body[p++] - '0');
      ++digits;
    }
    if (digits == 0 || p >= length || body[p] != ' ') return nullptr;  // "-1": invalid
    ++p;
    while (p < length && body[p] >= '0' && body[p] <= '9') ++p;
    if (p >= length || body[p] != '\n') return nullptr;
    ++p;
    if (length - p < kRawOidSize || entries != count_) return nullptr;
    return body + p;
  }

  const unsigned char* data_;
  size_t size_;
  uint32_t version_ = 0;
  uint32_t count_ = 0;
};

void HexId(const unsigned char* raw, char* out) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (size_t i = 0; i < kRawOidSize; ++i) {
    out[2 * i] = kDigits[raw[i] >> 4];
    out[2 * i + 1] = kDigits[raw[i] & 0xF];
  }
}

bool IsTrackedFileMode(uint32_t mode) {
  return mode == 0100644 || mode == 0100755 || mode == 0120000 || mode == 0160000;
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
  Result<std::vector<std::string>> RefsAt(std::string_view commit) override;
  Status ListTrackedFiles(std::string_view commit,
                          const std::function<Status(const TrackedFile&)>& visit) override;
  Result<std::string> ReadBlob(std::string_view blob_id) override;
  Result<uint64_t> BlobSize(std::string_view blob_id) override;
  Result<std::vector<std::string>> Parents(std::string_view commit) override;
  Result<std::vector<std::string>> CommitsSince(std::string_view base) override;
  Result<std::vector<std::string>> LastCommits(size_t count) override;
  bool IsShallow() override { return git_repository_is_shallow(repo_.get()) == 1; }
  Result<bool> HasUncommittedChanges() override;

 private:
  // Where errors say the repository is.
  std::string Where() const { return Quote(top_level_); }

  // The object database, opened on first use.
  Result<git_odb*> Odb();
  // Looks up the commit `sha` (a full SHA).
  Result<CommitPtr> LookupCommit(std::string_view sha);
  // Visits the files of `tree` from the index when the index holds exactly
  // that tree; std::nullopt (nothing visited) when it cannot tell.
  std::optional<Status> ListFromIndex(const git_oid& tree,
                                      const std::function<Status(const TrackedFile&)>& visit);

  RepositoryPtr repo_;
  std::string top_level_;
  OdbPtr odb_;
};

Result<git_odb*> RealCheckout::Odb() {
  if (odb_ == nullptr) {
    git_odb* raw = nullptr;
    const int rc = git_repository_odb(&raw, repo_.get());
    if (rc < 0) {
      return GitErrorStatus(rc, "cannot open the object database of " + Where(),
                            "check the repository with `git fsck`");
    }
    odb_.reset(raw);
  }
  return odb_.get();
}

Result<CommitPtr> RealCheckout::LookupCommit(std::string_view commit) {
  if (!IsFullSha(commit)) return NotAFullSha(commit);
  git_oid oid;
  int rc = git_oid_fromstrn(&oid, commit.data(), commit.size());
  if (rc < 0) return NotAFullSha(commit);
  git_commit* raw_commit = nullptr;
  rc = git_commit_lookup(&raw_commit, repo_.get(), &oid);
  CommitPtr commit_object(raw_commit);
  const std::string sha = ToLowerAscii(commit);
  if (rc == GIT_ENOTFOUND) {
    return GitErrorStatus(rc, "commit " + sha + " is not in the repository at " + Where(),
                          "fetch it (`git fetch`) or pass a commit of this repository");
  }
  if (rc < 0) {
    return GitErrorStatus(rc, "cannot read commit " + sha + " in " + Where(),
                          "check the repository with `git fsck`");
  }
  return commit_object;
}

Result<std::string> RealCheckout::ReadBlob(std::string_view blob_id) {
  git_oid oid;
  if (!IsFullSha(blob_id) || git_oid_fromstrn(&oid, blob_id.data(), blob_id.size()) < 0) {
    return NotABlobId(blob_id);
  }
  Result<git_odb*> odb = Odb();
  if (!odb.ok()) return odb.status();
  git_odb_object* raw = nullptr;
  const int rc = git_odb_read(&raw, *odb, &oid);
  OdbObjectPtr object(raw);
  const std::string id = ToLowerAscii(blob_id);
  if (rc < 0) {
    return GitErrorStatus(rc, "cannot read blob " + id + " in " + Where(),
                          rc == GIT_ENOTFOUND
                              ? "the repository lacks it: fetch the commit's objects (`git fetch`)"
                              : "check the repository with `git fsck`");
  }
  if (git_odb_object_type(object.get()) != GIT_OBJECT_BLOB) {
    return Status::InvalidArgument("object " + id + " in " + Where() + " is a " +
                                   git_object_type2string(git_odb_object_type(object.get())) +
                                   ", not a blob");
  }
  return std::string(static_cast<const char*>(git_odb_object_data(object.get())),
                     git_odb_object_size(object.get()));
}

Result<uint64_t> RealCheckout::BlobSize(std::string_view blob_id) {
  git_oid oid;
  if (!IsFullSha(blob_id) || git_oid_fromstrn(&oid, blob_id.data(), blob_id.size()) < 0) {
    return NotABlobId(blob_id);
  }
  Result<git_odb*> odb = Odb();
  if (!odb.ok()) return odb.status();
  size_t size = 0;
  git_object_t type = GIT_OBJECT_INVALID;
  const int rc = git_odb_read_header(&size, &type, *odb, &oid);
  if (rc < 0) {
    return GitErrorStatus(rc, "cannot read blob " + ToLowerAscii(blob_id) + " in " + Where(),
                          rc == GIT_ENOTFOUND
                              ? "the repository lacks it: fetch the commit's objects (`git fetch`)"
                              : "check the repository with `git fsck`");
  }
  return static_cast<uint64_t>(size);
}

Result<std::vector<std::string>> RealCheckout::Parents(std::string_view commit) {
  Result<CommitPtr> object = LookupCommit(commit);
  if (!object.ok()) return object.status();
  const unsigned int count = git_commit_parentcount(object->get());
  std::vector<std::string> parents;
  parents.reserve(count);
  for (unsigned int i = 0; i < count; ++i) {
    parents.push_back(OidToString(git_commit_parent_id(object->get(), i)));
  }
  return parents;
}

Result<std::vector<std::string>> RealCheckout::LastCommits(size_t count) {
  std::vector<std::string> commits;
  if (count == 0) return commits;
  Result<std::string> head = HeadCommit();
  if (!head.ok()) return head.status();
  Result<git_odb*> odb = Odb();
  if (!odb.ok()) return odb.status();
  std::string sha = *head;
  while (commits.size() < count) {
    Result<CommitPtr> object = LookupCommit(sha);
    if (!object.ok()) return object.status();
    commits.push_back(sha);
    if (git_commit_parentcount(object->get()) == 0) break;
    const git_oid* parent = git_commit_parent_id(object->get(), 0);
    if (git_odb_exists(*odb, parent) != 1) break;  // a shallow clone's boundary
    sha = OidToString(parent);
  }
  std::reverse(commits.begin(), commits.end());
  return commits;
}

Result<std::vector<std::string>> RealCheckout::CommitsSince(std::string_view base) {
  Result<std::string> head = HeadCommit();
  if (!head.ok()) return head.status();
  Result<std::string> base_sha = ResolveCommit(base);
  if (!base_sha.ok()) return base_sha.status();
  Result<git_odb*> odb = Odb();
  if (!odb.ok()) return odb.status();

  // A walk of our own rather than git_revwalk: libgit2 1.5 does not honour
  // .git/shallow and fails on the absent parents of a shallow clone.
  // 1. Mark everything reachable from base (what the server has, or may).
  // 2. Collect what HEAD reaches without crossing a marked commit.
  // 3. Order parents before children (depth-first post-order from HEAD).
  const std::string what = "cannot list the commits since " + Quote(base) + " in " + Where();
  std::unordered_set<std::string> hidden;
  {
    std::vector<std::string> stack{*base_sha};
    while (!stack.empty()) {
      std::string sha = std::move(stack.back());
      stack.pop_back();
      if (!hidden.insert(sha).second) continue;
      Result<CommitPtr> object = LookupCommit(sha);
      if (!object.ok()) return object.status().WithContext(what);
      for (unsigned int i = 0; i < git_commit_parentcount(object->get()); ++i) {
        const git_oid* parent = git_commit_parent_id(object->get(), i);
        if (git_odb_exists(*odb, parent) != 1) continue;
        std::string parent_sha = OidToString(parent);
        if (!hidden.contains(parent_sha)) stack.push_back(std::move(parent_sha));
      }
    }
  }
  std::vector<std::string> order;
  std::unordered_set<std::string> seen;
  struct Item {
    std::string sha;
    std::vector<std::string> parents;  // still to visit, last first
  };
  std::vector<Item> stack;
  auto push = [&](const std::string& sha) -> Status {
    if (hidden.contains(sha) || !seen.insert(sha).second) return Status::Ok();
    Result<CommitPtr> object = LookupCommit(sha);
    if (!object.ok()) return object.status().WithContext(what);
    Item item{sha, {}};
    const unsigned int count = git_commit_parentcount(object->get());
    for (unsigned int i = count; i-- > 0;) {
      const git_oid* parent = git_commit_parent_id(object->get(), i);
      if (git_odb_exists(*odb, parent) == 1) item.parents.push_back(OidToString(parent));
    }
    stack.push_back(std::move(item));
    return Status::Ok();
  };
  if (Status st = push(*head); !st.ok()) return st;
  while (!stack.empty()) {
    Item& top = stack.back();
    if (top.parents.empty()) {
      order.push_back(std::move(top.sha));
      stack.pop_back();
      continue;
    }
    std::string parent = std::move(top.parents.back());
    top.parents.pop_back();
    if (Status st = push(parent); !st.ok()) return st;  // `top` may dangle from here
  }
  return order;
}

Result<bool> RealCheckout::HasUncommittedChanges() {
  git_status_options options;
  git_status_options_init(&options, GIT_STATUS_OPTIONS_VERSION);
  options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
  options.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES | GIT_STATUS_OPT_NO_REFRESH;
  git_status_list* raw = nullptr;
  const int rc = git_status_list_new(&raw, repo_.get(), &options);
  StatusListPtr list(raw);
  if (rc < 0) {
    return GitErrorStatus(rc, "cannot compare the working tree of " + Where() + " with HEAD",
                          "check it with `git status`");
  }
  return git_status_list_entrycount(list.get()) > 0;
}

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

Result<std::vector<std::string>> RealCheckout::RefsAt(std::string_view commit) {
  git_oid want;
  if (commit.size() != GIT_OID_HEXSZ || git_oid_fromstrn(&want, commit.data(), commit.size()) < 0) {
    git_error_clear();
    return Status::InvalidArgument("'" + std::string(commit.substr(0, 64)) +
                                   "' is not a full commit SHA");
  }
  const std::string what = "cannot list the branches and tags of " + Where();
  const std::string fix = "check the repository with `git show-ref`";
  git_reference_iterator* raw_iterator = nullptr;
  int rc = git_reference_iterator_new(&raw_iterator, repo_.get());
  ReferenceIteratorPtr iterator(raw_iterator);
  if (rc < 0) return GitErrorStatus(rc, what, fix);
  std::vector<std::string> out;
  git_reference* raw_ref = nullptr;
  while ((rc = git_reference_next(&raw_ref, iterator.get())) == 0) {
    ReferencePtr ref(raw_ref);
    const std::string_view name = git_reference_name(ref.get());
    std::string full;
    bool tag = false;
    if (name.starts_with("refs/heads/")) {
      full = name;
    } else if (name.starts_with("refs/tags/")) {
      full = name;
      tag = true;
    } else if (name.starts_with("refs/remotes/")) {
      const std::string_view rest = name.substr(13);  // <remote>/<branch>
      const size_t slash = rest.find('/');
      if (slash == std::string_view::npos || rest.substr(slash + 1) == "HEAD") continue;
      full = "refs/heads/" + std::string(rest.substr(slash + 1));
    } else {
      continue;  // notes, stash, pull requests…
    }
    // A branch names its commit; only an annotated tag needs peeling.
    const git_oid* target = git_reference_type(ref.get()) == GIT_REFERENCE_DIRECT
                                ? git_reference_target(ref.get())
                                : nullptr;
    bool at = target != nullptr && git_oid_equal(target, &want);
    if (!at && (tag || target == nullptr)) {
      git_object* raw_object = nullptr;
      if (git_reference_peel(&raw_object, ref.get(), GIT_OBJECT_COMMIT) == 0) {
        ObjectPtr object(raw_object);
        at = git_oid_equal(git_object_id(object.get()), &want);
      } else {
        git_error_clear();  // a tag of a tree or blob, a dangling ref: not at any commit
      }
    }
    if (at && IsValidRefName(full)) out.push_back(std::move(full));
  }
  if (rc != GIT_ITEROVER) return GitErrorStatus(rc, what, fix);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  if (out.size() > kMaxRefsPerCommit) out.resize(kMaxRefsPerCommit);
  return out;
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

std::optional<Status> RealCheckout::ListFromIndex(
    const git_oid& tree, const std::function<Status(const TrackedFile&)>& visit) {
  const MappedFile file(std::string(git_repository_path(repo_.get())) + "index");
  if (file.data() == nullptr) return std::nullopt;
  IndexReader index(file.data(), file.size());
  if (!index.ReadHeader()) return std::nullopt;
  // First check everything, so that a fallback to the tree visits nothing twice:
  // no conflicts, no intent-to-add entries, only file modes a tree holds.
  size_t extensions_at = 0;
  const bool plain = index.Walk(
      [](const IndexEntry& e) {
        return (e.flags & kIndexStageMask) == 0 && (e.extended_flags & kIndexIntentToAdd) == 0 &&
               IsTrackedFileMode(e.mode);
      },
      &extensions_at);
  if (!plain) return std::nullopt;
  const unsigned char* root = index.CachedRootTree(extensions_at);
  if (root == nullptr || std::memcmp(root, tree.id, kRawOidSize) != 0) return std::nullopt;

  Status status = Status::Ok();
  char id[kShaLength];
  TrackedFile tracked;
  tracked.blob_id = std::string_view(id, kShaLength);
  index.Walk(
      [&](const IndexEntry& e) {
        HexId(e.id, id);
        tracked.path = e.path;
        tracked.mode = e.mode;
        status = visit(tracked);
        return status.ok();
      },
      &extensions_at);
  return status;
}

Status RealCheckout::ListTrackedFiles(std::string_view commit,
                                      const std::function<Status(const TrackedFile&)>& visit) {
  Result<CommitPtr> commit_object = LookupCommit(commit);
  if (!commit_object.ok()) return commit_object.status();
  const std::string sha = ToLowerAscii(commit);
  if (std::optional<Status> listed =
          ListFromIndex(*git_commit_tree_id(commit_object->get()), visit)) {
    return *listed;
  }
  git_tree* raw_tree = nullptr;
  int rc = git_commit_tree(&raw_tree, commit_object->get());
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

Result<std::vector<std::string>> FakeCheckout::RefsAt(std::string_view commit) {
  std::vector<std::string> out;
  for (const auto& [name, sha] : refs_) {
    if (sha == commit) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

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

Result<size_t> FakeCheckout::Find(std::string_view sha) const {
  if (!IsFullSha(sha)) return NotAFullSha(sha);
  const std::string wanted = ToLowerAscii(sha);
  for (size_t i = 0; i < commits_.size(); ++i) {
    if (ToLowerAscii(commits_[i].sha) == wanted) return i;
  }
  return Status::NotFound("commit " + wanted + " is not in the repository at " + Quote(top_level_) +
                          ": fetch it (`git fetch`) or pass a commit of this repository");
}

void FakeCheckout::AddBlob(std::string blob_id, std::string contents) {
  blobs_.emplace_back(ToLowerAscii(blob_id), std::move(contents));
}

Result<std::string> FakeCheckout::ReadBlob(std::string_view blob_id) {
  if (!IsFullSha(blob_id)) return NotABlobId(blob_id);
  const std::string wanted = ToLowerAscii(blob_id);
  for (const auto& [id, contents] : blobs_) {
    if (id == wanted) return contents;
  }
  return Status::NotFound("cannot read blob " + wanted + " in " + Quote(top_level_) +
                          ": the repository lacks it: fetch the commit's objects (`git fetch`)");
}

Result<uint64_t> FakeCheckout::BlobSize(std::string_view blob_id) {
  Result<std::string> blob = ReadBlob(blob_id);
  if (!blob.ok()) return blob.status();
  return static_cast<uint64_t>(blob->size());
}

Result<std::vector<std::string>> FakeCheckout::Parents(std::string_view commit) {
  Result<size_t> index = Find(commit);
  if (!index.ok()) return index.status();
  if (*index == 0) return std::vector<std::string>{};
  return std::vector<std::string>{commits_[*index - 1].sha};
}

Result<std::vector<std::string>> FakeCheckout::CommitsSince(std::string_view base) {
  Result<std::string> head = HeadCommit();
  if (!head.ok()) return head.status();
  Result<std::string> base_sha = ResolveCommit(base);
  if (!base_sha.ok()) return base_sha.status();
  Result<size_t> index = Find(*base_sha);
  if (!index.ok()) return index.status();
  std::vector<std::string> commits;
  for (size_t i = *index + 1; i < commits_.size(); ++i) commits.push_back(commits_[i].sha);
  return commits;
}

Result<std::vector<std::string>> FakeCheckout::LastCommits(size_t count) {
  Result<std::string> head = HeadCommit();
  if (!head.ok()) return head.status();
  const size_t n = std::min(count, commits_.size());
  std::vector<std::string> commits;
  for (size_t i = commits_.size() - n; i < commits_.size(); ++i) commits.push_back(commits_[i].sha);
  return commits;
}

}  // namespace srclink
