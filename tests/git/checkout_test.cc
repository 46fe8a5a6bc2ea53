// Tests for RealCheckout (against repositories built with the git command-line
// tool in a fresh temporary directory per test) and FakeCheckout.
//
// Isolation: every git command runs with GIT_CONFIG_GLOBAL=<an empty file>,
// GIT_CONFIG_NOSYSTEM=1, a fixed identity and no inherited GIT_DIR & co.;
// libgit2's global/XDG/system config search paths point at an empty directory.
#include "git/checkout.h"
#include "git/isolated_git_config.h"

#include <git2.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace srclink {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

// ---------------------------------------------------------------------------
// Shell and git helpers.

std::string ShellQuote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  out += "'";
  return out;
}

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout only; stderr goes to the test log
};

CommandResult RunShell(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[65536];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) result.output.append(buffer, n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// An empty file for GIT_CONFIG_GLOBAL: isolation that does not depend on
// /dev/null being the character device (in some sandboxes it is not).
const std::string& EmptyGitConfig() {
  static const std::string* path = [] {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "srclink_empty_gitconfig.XXXXXX").string();
    const int fd = mkstemp(pattern.data());
    if (fd >= 0) close(fd);
    return new std::string(pattern);
  }();
  return *path;
}

// Runs `git <args>` in `dir` with an isolated configuration; records a test
// failure when git fails. Returns git's stdout.
std::string Git(const fs::path& dir, const std::string& args) {
  const std::string command =
      "cd " + ShellQuote(dir.string()) +
      " && env -u GIT_DIR -u GIT_WORK_TREE -u GIT_INDEX_FILE -u GIT_OBJECT_DIRECTORY"
      " -u GIT_ALTERNATE_OBJECT_DIRECTORIES -u GIT_CEILING_DIRECTORIES -u GIT_NAMESPACE"
      " GIT_CONFIG_GLOBAL=" +
      ShellQuote(EmptyGitConfig()) +
      " GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0"
      " GIT_AUTHOR_NAME='Srclink Test' GIT_AUTHOR_EMAIL=test@example.com"
      " GIT_COMMITTER_NAME='Srclink Test' GIT_COMMITTER_EMAIL=test@example.com"
      " git -c init.defaultBranch=main -c advice.detachedHead=false -c core.fileMode=true"
      " -c core.symlinks=true " +
      args;
  CommandResult result = RunShell(command);
  if (result.exit_code != 0) {
    ADD_FAILURE() << "command failed (exit " << result.exit_code << "): " << command;
  }
  return result.output;
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string RevParse(const fs::path& dir, const std::string& revision) {
  return Trim(Git(dir, "rev-parse --verify " + ShellQuote(revision)));
}

void WriteFile(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << content;
  ASSERT_TRUE(out.good()) << path;
}

// One entry as both `git ls-tree -r` and ListTrackedFiles report it.
struct Entry {
  std::string path;
  std::string id;
  uint32_t mode = 0;
  bool operator==(const Entry&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Entry& e) {
  return os << std::oct << e.mode << std::dec << " " << e.id << " \"" << e.path << "\"";
}

// Parses `git ls-tree -r --full-tree -z <revision>`:
// "<mode> SP <type> SP <id> TAB <path> NUL" per entry.
std::vector<Entry> LsTree(const fs::path& dir, const std::string& revision) {
  const std::string out = Git(dir, "ls-tree -r --full-tree -z " + ShellQuote(revision));
  std::vector<Entry> entries;
  size_t start = 0;
  while (start < out.size()) {
    size_t end = out.find('\0', start);
    if (end == std::string::npos) end = out.size();
    const std::string line = out.substr(start, end - start);
    start = end + 1;
    const size_t space1 = line.find(' ');
    const size_t space2 = line.find(' ', space1 + 1);
    const size_t tab = line.find('\t');
    if (space1 == std::string::npos || space2 == std::string::npos || tab == std::string::npos) {
      ADD_FAILURE() << "unparsable ls-tree line: " << line;
      continue;
    }
    Entry entry;
    entry.mode = static_cast<uint32_t>(std::stoul(line.substr(0, space1), nullptr, 8));
    entry.id = line.substr(space2 + 1, tab - space2 - 1);
    entry.path = line.substr(tab + 1);
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::vector<Entry> ListAll(Checkout& checkout, std::string_view commit) {
  std::vector<Entry> entries;
  Status status = checkout.ListTrackedFiles(commit, [&](const TrackedFile& file) {
    entries.push_back(Entry{std::string(file.path), std::string(file.blob_id), file.mode});
    return Status::Ok();
  });
  EXPECT_TRUE(status.ok()) << status.ToString();
  return entries;
}

const Entry* FindEntry(const std::vector<Entry>& entries, std::string_view path) {
  for (const Entry& e : entries) {
    if (e.path == path) return &e;
  }
  return nullptr;
}

std::unique_ptr<Checkout> OpenOrFail(const fs::path& dir) {
  Result<std::unique_ptr<Checkout>> checkout = OpenRealCheckout(dir.string());
  EXPECT_TRUE(checkout.ok()) << checkout.status().ToString();
  if (!checkout.ok()) return nullptr;
  return std::move(checkout).value();
}

// ---------------------------------------------------------------------------
// Fixture: a fresh temporary directory per test.

class RealCheckoutTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ::srclink::testing::IsolatedGitConfig::Enter("srclink_checkout_test_config");
  }
  static void TearDownTestSuite() { ::srclink::testing::IsolatedGitConfig::Leave(); }

  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "srclink_checkout_test.XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    root_ = fs::canonical(pattern);
  }

  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  // A repository with one commit holding `files` (path → content).
  fs::path MakeRepo(const std::string& name,
                    const std::vector<std::pair<std::string, std::string>>& files) {
    const fs::path dir = root_ / name;
    fs::create_directories(dir);
    Git(dir, "init -q");
    for (const auto& [path, content] : files) WriteFile(dir / path, content);
    Git(dir, "add -A");
    Git(dir, "commit -q -m initial");
    return dir;
  }

  // A repository exercising everything ls-tree can show: nested directories,
  // names that sort around '/', spaces, non-ASCII, an executable, a symlink and
  // a submodule; and a second commit.
  fs::path MakeRichRepo() {
    sub_ = MakeRepo("sub-origin", {{"lib.txt", "library\n"}});
    const fs::path dir = MakeRepo("repo", {
                                              {"README.md", "# readme\n"},
                                              {"a.txt", "a\n"},
                                              {"a-b/x", "x\n"},
                                              {"a/b", "b\n"},
                                              {"a0", "zero\n"},
                                              {"src/main.cc", "int main() {}\n"},
                                              {"src/deep/a/b/c/d/e/f.txt", "deep\n"},
                                              {"dir with space/file name.txt", "spaces\n"},
                                              {"ünïcødé/日本語.txt", "unicode\n"},
                                              {"Zebra.txt", "upper case sorts first\n"},
                                          });
    WriteFile(dir / "run.sh", "#!/bin/sh\necho hi\n");
    fs::permissions(dir / "run.sh", fs::perms::owner_exec | fs::perms::group_exec,
                    fs::perm_options::add);
    fs::create_symlink("README.md", dir / "link");
    Git(dir, "-c protocol.file.allow=always submodule add -q " + ShellQuote(sub_.string()) +
                 " vendor/sub");
    Git(dir, "add -A");
    Git(dir, "commit -q -m 'executable, symlink, submodule'");
    return dir;
  }

  // Adds a commit changing `file` in `dir`.
  void CommitChange(const fs::path& dir, const std::string& file, const std::string& content) {
    WriteFile(dir / file, content);
    Git(dir, "add -A");
    Git(dir, "commit -q -m change");
  }

  fs::path root_;
  fs::path sub_;
};

// ---------------------------------------------------------------------------
// Opening.

TEST_F(RealCheckoutTest, OpensRepositoryAndReadsHead) {
  const fs::path repo = MakeRichRepo();
  std::unique_ptr<Checkout> checkout = OpenOrFail(repo);
  ASSERT_NE(checkout, nullptr);
  EXPECT_EQ(checkout->TopLevel(), repo.string());
  Result<std::string> head = checkout->HeadCommit();
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(*head, RevParse(repo, "HEAD"));
  EXPECT_EQ(head->size(), 40u);
}

TEST_F(RealCheckoutTest, OpeningFromSubdirectoryFindsTopLevel) {
  const fs::path repo = MakeRichRepo();
  std::unique_ptr<Checkout> checkout = OpenOrFail(repo / "src" / "deep" / "a");
  ASSERT_NE(checkout, nullptr);
  EXPECT_EQ(checkout->TopLevel(), repo.string());
  Result<std::string> head = checkout->HeadCommit();
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(*head, RevParse(repo, "HEAD"));
}

TEST_F(RealCheckoutTest, OpensDirectoryWithTrailingSlashAndDotDot) {
  const fs::path repo = MakeRepo("repo", {{"x/y.txt", "y\n"}});
  std::unique_ptr<Checkout> checkout = OpenOrFail((repo / "x" / ".." / "x").string() + "/");
  ASSERT_NE(checkout, nullptr);
  EXPECT_EQ(checkout->TopLevel(), repo.string());
}

TEST_F(RealCheckoutTest, OpensLinkedWorktree) {
  const fs::path repo = MakeRepo("repo", {{"f.txt", "f\n"}});
  const fs::path worktree = root_ / "worktree";
  Git(repo, "worktree add -q -b other " + ShellQuote(worktree.string()));
  std::unique_ptr<Checkout> checkout = OpenOrFail(worktree);
  ASSERT_NE(checkout, nullptr);
  EXPECT_EQ(checkout->TopLevel(), worktree.string());
  Result<std::string> head = checkout->HeadCommit();
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(*head, RevParse(repo, "HEAD"));
}

TEST_F(RealCheckoutTest, MissingDirectoryIsAnError) {
  const fs::path missing = root_ / "does-not-exist";
  Result<std::unique_ptr<Checkout>> checkout = OpenRealCheckout(missing.string());
  ASSERT_FALSE(checkout.ok());
  EXPECT_EQ(checkout.status().code(), Status::Code::kNotFound);
  EXPECT_THAT(checkout.status().message(), HasSubstr("'" + missing.string() + "'"));
  EXPECT_THAT(checkout.status().message(), HasSubstr("does not exist"));
  EXPECT_THAT(checkout.status().message(), HasSubstr("--repo-dir"));
}

TEST_F(RealCheckoutTest, EmptyDirectoryArgumentIsAnError) {
  Result<std::unique_ptr<Checkout>> checkout = OpenRealCheckout("");
  ASSERT_FALSE(checkout.ok());
  EXPECT_EQ(checkout.status().code(), Status::Code::kInvalidArgument);
}

TEST_F(RealCheckoutTest, FileInsteadOfDirectoryIsAnError) {
  const fs::path repo = MakeRepo("repo", {{"f.txt", "f\n"}});
  Result<std::unique_ptr<Checkout>> checkout = OpenRealCheckout((repo / "f.txt").string());
  ASSERT_FALSE(checkout.ok());
  EXPECT_EQ(checkout.status().code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(checkout.status().message(), HasSubstr("is not a directory"));
}

TEST_F(RealCheckoutTest, DirectoryOutsideAnyRepositoryIsAnError) {
  const fs::path plain = root_ / "plain";
  fs::create_directories(plain);
  if (RunShell("cd " + ShellQuote(plain.string()) + " && git rev-parse --git-dir >/dev/null 2>&1")
          .exit_code == 0) {
    FAIL() << plain
           << " is itself inside a git repository: set TMPDIR to a directory outside any "
              "checkout to run this test";
  }
  Result<std::unique_ptr<Checkout>> checkout = OpenRealCheckout(plain.string());
  ASSERT_FALSE(checkout.ok());
  EXPECT_EQ(checkout.status().code(), Status::Code::kNotFound);
  EXPECT_THAT(checkout.status().message(),
              HasSubstr("'" + plain.string() +
                        "' is not inside a git working copy: run srclink in a checkout or pass "
                        "--repo-dir"));
  EXPECT_THAT(checkout.status().message(), HasSubstr("(libgit2: "));
}

TEST_F(RealCheckoutTest, BareRepositoryIsAnError) {
  const fs::path bare = root_ / "bare.git";
  fs::create_directories(bare);
  Git(bare, "init -q --bare");
  for (const fs::path& dir : {bare, bare / "refs"}) {
    Result<std::unique_ptr<Checkout>> checkout = OpenRealCheckout(dir.string());
    ASSERT_FALSE(checkout.ok()) << dir;
    EXPECT_EQ(checkout.status().code(), Status::Code::kInvalidArgument);
    EXPECT_THAT(checkout.status().message(), HasSubstr("is bare"));
    EXPECT_THAT(checkout.status().message(),
                HasSubstr("the git repository at '" + bare.string() + "' (found from '" +
                          dir.string() + "') is bare"));
  }
}

// ---------------------------------------------------------------------------
// HEAD.

TEST_F(RealCheckoutTest, EmptyRepositoryHasNoHeadCommit) {
  const fs::path repo = root_ / "empty";
  fs::create_directories(repo);
  Git(repo, "init -q");
  std::unique_ptr<Checkout> checkout = OpenOrFail(repo);
  ASSERT_NE(checkout, nullptr);
  Result<std::string> head = checkout->HeadCommit();
  ASSERT_FALSE(head.ok());
  EXPECT_EQ(head.status().code(), Status::Code::kNotFound);
  EXPECT_THAT(head.status().message(),
              HasSubstr("cannot read HEAD in '" + repo.string() +
                        "': HEAD has no commit yet: commit something first"));
  Result<std::string> resolved = checkout->ResolveCommit("HEAD");
  ASSERT_FALSE(resolved.ok());
  EXPECT_THAT(resolved.status().message(), HasSubstr("HEAD has no commit yet"));
}

TEST_F(RealCheckoutTest, DetachedHeadIsACommit) {
  const fs::path repo = MakeRepo("repo", {{"f.txt", "one\n"}});
  const std::string first = RevParse(repo, "HEAD");
  CommitChange(repo, "f.txt", "two\n");
  Git(repo, "checkout -q --detach " + first);
  std::unique_ptr<Checkout> checkout = OpenOrFail(repo);
  ASSERT_NE(checkout, nullptr);
  Result<std::string> head = checkout->HeadCommit();
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(*head, first);
  EXPECT_NE(*head, RevParse(repo, "main"));
}

TEST_F(RealCheckoutTest, ShallowCloneWorks) {
  const fs::path origin = MakeRichRepo();
  CommitChange(origin, "src/main.cc", "int main() { return 0; }\n");
  const fs::path clone = root_ / "shallow";
  Git(root_, "clone -q --depth 1 " + ShellQuote("file://" + origin.string()) + " " +
                 ShellQuote(clone.string()));
  ASSERT_TRUE(fs::exists(clone / ".git" / "shallow"));

  std::unique_ptr<Checkout> checkout = OpenOrFail(clone);
  ASSERT_NE(checkout, nullptr);
  Result<std::string> head = checkout->HeadCommit();
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(*head, RevParse(origin, "HEAD"));
  EXPECT_EQ(ListAll(*checkout, *head), LsTree(clone, "HEAD"));

  // The parent is not in the clone: resolving it fails and says why.
  Result<std::string> parent = checkout->ResolveCommit("HEAD~1");
  ASSERT_FALSE(parent.ok());
  EXPECT_THAT(parent.status().message(), HasSubstr("'HEAD~1'"));
  EXPECT_THAT(parent.status().message(), HasSubstr("shallow"));
}

// ---------------------------------------------------------------------------
// ResolveCommit.

TEST_F(RealCheckoutTest, ResolvesBranchesTagsAndShortShas) {
  const fs::path repo = MakeRepo("repo", {{"f.txt", "one\n"}});
  const std::string first = RevParse(repo, "HEAD");
  Git(repo, "branch feature");
  Git(repo, "tag -a v1.0 -m 'release 1.0'");
  Git(repo, "tag light");
  CommitChange(repo, "f.txt", "two\n");
  const std::string second = RevParse(repo, "HEAD");
  ASSERT_NE(first, second);

  std::unique_ptr<Checkout> checkout = OpenOrFail(repo);
  ASSERT_NE(checkout, nullptr);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"HEAD", second},
      {"main", second},
      {"refs/heads/main", second},
      {"feature", first},
      {"v1.0", first},
      {"light", first},
      {"HEAD~1", first},
      {second.substr(0, 7), second},
      {first, first},
      {first.substr(0, 12), first},
  };
  for (const auto& [revision, want] : cases) {
    Result<std::string> got = checkout->ResolveCommit(revision);
    ASSERT_TRUE(got.ok()) << revision << ": " << got.status().ToString();
    EXPECT_EQ(*got, want) << revision;
  }
  // An annotated tag resolves to its commit, not to the tag object.
  EXPECT_NE(RevParse(repo, "refs/tags/v1.0"), first);
}

TEST_F(RealCheckoutTest, RefsAtListBranchesTagsAndRemoteBranchesOfACommit) {
  const fs::path repo = MakeRepo("repo", {{"f.txt", "one\n"}});
  const std::string first = RevParse(repo, "HEAD");
  Git(repo, "branch feature");
  Git(repo, "tag -a v1.0 -m 'release 1.0'");
  Git(repo, "tag light");
  // A remote-tracking branch and its remote's HEAD, as a clone has them.
  Git(repo, "update-ref refs/remotes/origin/release " + first);
  Git(repo, "symbolic-ref refs/remotes/origin/HEAD refs/remotes/origin/release");
  Git(repo, "update-ref refs/notes/commits " + first);
  CommitChange(repo, "f.txt", "two\n");
  const std::string second = RevParse(repo, "HEAD");
  Git(repo, "pack-refs --all");  // packed refs too (with peeled tags)
  Git(repo, "tag -a v2.0 -m 'release 2.0'");

  std::unique_ptr<Checkout> checkout = OpenOrFail(repo);
  ASSERT_NE(checkout, nullptr);
  Result<std::vector<std::string>> refs = checkout->RefsAt(first);
  ASSERT_TRUE(refs.ok()) << refs.status().ToString();
  EXPECT_EQ(*refs, (std::vector<std::string>{"refs/heads/feature", "refs/heads/release",
                                             "refs/tags/light", "refs/tags/v1.0"}));
  refs = checkout->RefsAt(second);
  ASSERT_TRUE(refs.ok());
  EXPECT_EQ(*refs, (std::vector<std::string>{"refs/heads/main", "refs/tags/v2.0"}));
  EXPECT_FALSE(checkout->RefsAt("main").ok());
}

TEST_F(RealCheckoutTest, BadRevisionsAreErrorsNamingTheRevision) {
  const fs::path repo = MakeRepo("repo", {{"f.txt", "one\n"}});
  std::unique_ptr<Checkout> checkout = OpenOrFail(repo);
  ASSERT_NE(checkout, nullptr);

  Result<std::string> missing = checkout->ResolveCommit("no-such-branch");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_THAT(missing.status().message(),
              HasSubstr("revision 'no-such-branch' not found in '" + repo.string() + "'"));
  EXPECT_THAT(missing.status().message(), HasSubstr("(libgit2: "));

  Result<std::string> tree = checkout->ResolveCommit("HEAD^{tree}");
  ASSERT_FALSE(tree.ok());
  EXPECT_EQ(tree.status().code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(tree.status().message(), HasSubstr("'HEAD^{tree}'"));

  Result<std::string> blob = checkout->ResolveCommit("HEAD:f.txt");
  ASSERT_FALSE(blob.ok());
  EXPECT_THAT(blob.status().message(), HasSubstr("names a blob, not a commit"));

  Result<std::string> range = checkout->ResolveCommit("HEAD..HEAD");
  ASSERT_FALSE(range.ok());
  EXPECT_THAT(range.status().message(), HasSubstr("'HEAD..HEAD'"));

  Result<std::string> empty = checkout->ResolveCommit("");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().code(), Status::Code::kInvalidArgument);

  Result<std::string> nul = checkout->ResolveCommit(std::string_view("HEAD\0x", 6));
  ASSERT_FALSE(nul.ok());
  EXPECT_EQ(nul.status().code(), Status::Code::kInvalidArgument);
}

// ---------------------------------------------------------------------------
// Remotes.

TEST_F(RealCheckoutTest, RemotesOriginFirstThenByNameWithRawUrls) {
  const fs::path repo = MakeRepo("repo", {{"f.txt", "f\n"}});
  Git(repo, "remote add upstream https://example.com/up/r.git");
  Git(repo, "remote add origin https://user:tok@example.com/o/r.git");
  Git(repo, "remote add alpha git@example.com:a/r.git");
  std::unique_ptr<Checkout> checkout = OpenOrFail(repo);
  ASSERT_NE(checkout, nullptr);
  Result<std::vector<Remote>> remotes = checkout->Remotes();
  ASSERT_TRUE(remotes.ok()) << remotes.status().ToString();
  ASSERT_EQ(remotes->size(), 3u);
  EXPECT_EQ((*remotes)[0].name, "origin");
  EXPECT_EQ((*remotes)[0].url, "https://user:tok@example.com/o/r.git");
  EXPECT_EQ((*remotes)[1].name, "alpha");
  EXPECT_EQ((*remotes)[1].url, "git@example.com:a/r.git");
  EXPECT_EQ((*remotes)[2].name, "upstream");
  EXPECT_EQ((*remotes)[2].url, "https://example.com/up/r.git");
}

TEST_F(RealCheckoutTest, RemotesWithoutOrigin) {
  const fs::path repo = MakeRepo("repo", {{"f.txt", "f\n"}});
  Git(repo, "remote add upstream https://example.com/up/r.git");
  Git(repo, "remote add fork https://example.com/fork/r.git");
  std::unique_ptr<Checkout> checkout = OpenOrFail(repo);
  ASSERT_NE(checkout, nullptr);
  Result<std::vector<Remote>> remotes = checkout->Remotes();
  ASSERT_TRUE(remotes.ok()) << remotes.status().ToString();
  ASSERT_EQ(remotes->size(), 2u);
  EXPECT_EQ((*remotes)[0].name, "fork");
  EXPECT_EQ((*remotes)[1].name, "upstream");
}

TEST_F(RealCheckoutTest, RemotesLikeGitRemoteGetUrl) {
  const fs::path repo = MakeRepo("repo", {{"f.txt", "f\n"}});
  // insteadOf rewrites fetch URLs, the longest prefix winning.
  Git(repo, "config url.https://github.com/.insteadOf gh:");
  Git(repo, "config url.https://mirror.example.com/special/.insteadOf gh:special/");
  Git(repo, "remote add origin gh:o/r.git");
  Git(repo, "remote add Special gh:special/r.git");
  // A remote with only a push URL gets that, as written.
  Git(repo, "config remote.pushonly.pushurl gh:p/r.git");
  // A remote without any URL is skipped.
  Git(repo, "config remote.nourl.fetch '+refs/heads/*:refs/remotes/nourl/*'");
  std::unique_ptr<Checkout> checkout = OpenOrFail(repo);
  ASSERT_NE(checkout, nullptr);
  Result<std::vector<Remote>> remotes = checkout->Remotes();
  ASSERT_TRUE(remotes.ok()) << remotes.status().ToString();
  ASSERT_EQ(remotes->size(), 3u);
  EXPECT_EQ((*remotes)[0].name, "origin");
  EXPECT_EQ((*remotes)[0].url, Trim(Git(repo, "remote get-url origin")));
  EXPECT_EQ((*remotes)[0].url, "https://github.com/o/r.git");
  EXPECT_EQ((*remotes)[1].name, "Special");
  EXPECT_EQ((*remotes)[1].url, Trim(Git(repo, "remote get-url Special")));
  EXPECT_EQ((*remotes)[1].url, "https://mirror.example.com/special/r.git");
  EXPECT_EQ((*remotes)[2].name, "pushonly");
  EXPECT_EQ((*remotes)[2].url, "gh:p/r.git");
}

TEST_F(RealCheckoutTest, NoRemotesIsAnEmptyList) {
  const fs::path repo = MakeRepo("repo", {{"f.txt", "f\n"}});
  std::unique_ptr<Checkout> checkout = OpenOrFail(repo);
  ASSERT_NE(checkout, nullptr);
  Result<std::vector<Remote>> remotes = checkout->Remotes();
  ASSERT_TRUE(remotes.ok()) << remotes.status().ToString();
  EXPECT_TRUE(remotes->empty());
}

// ---------------------------------------------------------------------------
// ListTrackedFiles.

TEST_F(RealCheckoutTest, ListTrackedFilesMatchesLsTree) {
  const fs::path repo = MakeRichRepo();
  std::unique_ptr<Checkout> checkout = OpenOrFail(repo);
  ASSERT_NE(checkout, nullptr);
  Result<std::string> head = checkout->HeadCommit();
  ASSERT_TRUE(head.ok()) << head.status().ToString();

  const std::vector<Entry> want = LsTree(repo, "HEAD");
  const std::vector<Entry> got = ListAll(*checkout, *head);
  EXPECT_EQ(got, want);

  // The fixture holds what it should, so the comparison above means something.
  ASSERT_GE(want.size(), 14u);
  const Entry* run = FindEntry(got, "run.sh");
  ASSERT_NE(run, nullptr);
  EXPECT_EQ(run->mode, 0100755u);
  const Entry* link = FindEntry(got, "link");
  ASSERT_NE(link, nullptr);
  EXPECT_EQ(link->mode, 0120000u);
  const Entry* sub = FindEntry(got, "vendor/sub");
  ASSERT_NE(sub, nullptr);
  EXPECT_EQ(sub->mode, 0160000u);
  EXPECT_EQ(sub->id, RevParse(sub_, "HEAD"));
  const Entry* readme = FindEntry(got, "README.md");
  ASSERT_NE(readme, nullptr);
  EXPECT_EQ(readme->mode, 0100644u);
  EXPECT_EQ(readme->id, RevParse(repo, "HEAD:README.md"));
  EXPECT_NE(FindEntry(got, "dir with space/file name.txt"), nullptr);
  EXPECT_NE(FindEntry(got, "ünïcødé/日本語.txt"), nullptr);
  EXPECT_NE(FindEntry(got, "src/deep/a/b/c/d/e/f.txt"), nullptr);
  EXPECT_NE(FindEntry(got, ".gitmodules"), nullptr);
  // Nothing from inside the submodule.
  EXPECT_EQ(FindEntry(got, "vendor/sub/lib.txt"), nullptr);
}

TEST_F(RealCheckoutTest, ListTrackedFilesIsInPathOrder) {
  const fs::path repo = MakeRichRepo();
  std::unique_ptr<Checkout> checkout = OpenOrFail(repo);
  ASSERT_NE(checkout, nullptr);
  const std::vector<Entry> got = ListAll(*checkout, RevParse(repo, "HEAD"));
  ASSERT_FALSE(got.empty());
  for (size_t i = 1; i < got.size(); ++i) {
    EXPECT_LT(got[i - 1].path, got[i].path) << "at " << i;
  }
  // Names sorting around '/' ('-' < '.' < '/' < '0').
  std::vector<std::string> around;
  for (const Entry& e : got) {
    if (e.path.starts_with("a")) around.push_back(e.path);
  }
  EXPECT_THAT(around, ElementsAre("a-b/x", "a.txt", "a/b", "a0"));
}

TEST_F(RealCheckoutTest, ListTrackedFilesOfAnOlderCommit) {
  const fs::path repo = MakeRepo("repo", {{"old.txt", "old\n"}});
  const std::string first = RevParse(repo, "HEAD");
  Git(repo, "rm -q old.txt");
  CommitChange(repo, "new/file.txt", "new\n");
  std::unique_ptr<Checkout> checkout = OpenOrFail(repo);
  ASSERT_NE(checkout, nullptr);
  EXPECT_EQ(ListAll(*checkout, first), LsTree(repo, first));
  EXPECT_EQ(ListAll(*checkout, RevParse(repo, "HEAD")), LsTree(repo, "HEAD"));
  ASSERT_EQ(LsTree(repo, first).size(), 1u);
  EXPECT_EQ(LsTree(repo, first)[0].path, "old.txt");
}

TEST_F(RealCheckoutTest, ListTrackedFilesStopsEarly) {
  const fs::path repo = MakeRichRepo();
  std::unique_ptr<Checkout> checkout = OpenOrFail(repo);
  ASSERT_NE(checkout, nullptr);
  int calls = 0;
  std::string last;
  Status status = checkout->ListTrackedFiles(RevParse(repo, "HEAD"), [&](const TrackedFile& file) {
    ++calls;
    last = std::string(file.path);
    if (calls == 3) return Status::NotFound("stop here");
    return Status::Ok();
  });
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(status.code(), Status::Code::kNotFound);
  EXPECT_EQ(status.message(), "stop here");
  EXPECT_EQ(last, LsTree(repo, "HEAD")[2].path);
}

TEST_F(RealCheckoutTest, ListTrackedFilesRejectsBadCommits) {
  const fs::path repo = MakeRepo("repo", {{"f.txt", "f\n"}});
  std::unique_ptr<Checkout> checkout = OpenOrFail(repo);
  ASSERT_NE(checkout, nullptr);
  int calls = 0;
  auto visit = [&](const TrackedFile&) {
    ++calls;
    return Status::Ok();
  };
  const std::string head = RevParse(repo, "HEAD");

  Status not_sha = checkout->ListTrackedFiles("HEAD", visit);
  EXPECT_EQ(not_sha.code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(not_sha.message(), HasSubstr("'HEAD' is not a full commit id"));

  Status short_sha = checkout->ListTrackedFiles(head.substr(0, 7), visit);
  EXPECT_EQ(short_sha.code(), Status::Code::kInvalidArgument);

  Status unknown = checkout->ListTrackedFiles(std::string(40, 'a'), visit);
  EXPECT_EQ(unknown.code(), Status::Code::kNotFound);
  EXPECT_THAT(unknown.message(), HasSubstr("commit " + std::string(40, 'a') +
                                           " is not in the repository at '" + repo.string() + "'"));

  Status tree = checkout->ListTrackedFiles(RevParse(repo, "HEAD^{tree}"), visit);
  EXPECT_FALSE(tree.ok());
  EXPECT_EQ(calls, 0);

  // Upper-case hex is still the same commit.
  std::string upper = head;
  for (char& c : upper) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(checkout->ListTrackedFiles(upper, visit).ok());
  EXPECT_EQ(calls, 1);
}

TEST_F(RealCheckoutTest, ListTrackedFilesOfPackedRepositoryWithManyFiles) {
  const fs::path repo = root_ / "many";
  fs::create_directories(repo);
  Git(repo, "init -q");
  // 2,000 files over 40 directories, committed with fast-import (no worktree files needed).
  std::string stream =
      "commit refs/heads/main\ncommitter T <t@example.com> 0 +0000\ndata 4\nmany\n";
  for (int d = 0; d < 40; ++d) {
    for (int f = 0; f < 50; ++f) {
      const std::string name = "d" + std::to_string(d) + "/f" + std::to_string(f) + ".txt";
      const std::string data = name + "\n";
      stream += "M 100644 inline " + name + "\ndata " + std::to_string(data.size()) + "\n" + data;
    }
  }
  WriteFile(root_ / "stream", stream);
  Git(repo, "fast-import --quiet < " + ShellQuote((root_ / "stream").string()));
  Git(repo, "gc -q");
  std::unique_ptr<Checkout> checkout = OpenOrFail(repo);
  ASSERT_NE(checkout, nullptr);
  const std::vector<Entry> got = ListAll(*checkout, RevParse(repo, "main"));
  EXPECT_EQ(got.size(), 2000u);
  EXPECT_EQ(got, LsTree(repo, "main"));
}

// The index holds HEAD's tree after a commit: ListTrackedFiles reads it, like
// `git ls-files`, instead of the tree objects. Shown by deleting a directory's
// tree object, which the tree walk would need.
TEST_F(RealCheckoutTest, ListTrackedFilesReadsTheIndexWhenItHoldsTheCommit) {
  for (const char* version : {"2", "3", "4"}) {
    SCOPED_TRACE(std::string("index version ") + version);
    const fs::path repo = MakeRepo(std::string("repo") + version,
                                   {{"README.md", "r\n"},
                                    {"src/a.cc", "a\n"},
                                    {"src/deep/b.cc", "b\n"},
                                    {"src/deep/very/long/directory/name/for/prefix/c.cc", "c\n"},
                                    {"zz.txt", "z\n"}});
    Git(repo, std::string("update-index --index-version ") + version);
    const std::string head = RevParse(repo, "HEAD");
    const std::vector<Entry> want = LsTree(repo, "HEAD");
    const std::string tree = RevParse(repo, "HEAD:src");
    fs::remove(repo / ".git" / "objects" / tree.substr(0, 2) / tree.substr(2));
    ASSERT_NE(Git(repo, "ls-files -s"), "");
    std::unique_ptr<Checkout> checkout = OpenOrFail(repo);
    ASSERT_NE(checkout, nullptr);
    EXPECT_EQ(ListAll(*checkout, head), want);
    ASSERT_EQ(want.size(), 5u);
  }
}

// When the index differs from the commit (staged changes, additions,
// removals, intent-to-add, a split index), the commit's tree is listed.
TEST_F(RealCheckoutTest, ListTrackedFilesOfHeadWhenTheIndexDiffers) {
  const fs::path repo = MakeRepo("repo", {{"keep.txt", "k\n"},
                                          {"src/changed.cc", "old\n"},
                                          {"src/removed.cc", "gone\n"},
                                          {"src/sub/x.cc", "x\n"}});
  const std::string head = RevParse(repo, "HEAD");
  const std::vector<Entry> want = LsTree(repo, "HEAD");
  std::unique_ptr<Checkout> checkout = OpenOrFail(repo);
  ASSERT_NE(checkout, nullptr);
  ASSERT_EQ(ListAll(*checkout, head), want);

  WriteFile(repo / "src/changed.cc", "new\n");
  Git(repo, "add src/changed.cc");
  EXPECT_EQ(ListAll(*checkout, head), want) << "staged change";
  WriteFile(repo / "src/added.cc", "added\n");
  Git(repo, "add src/added.cc");
  EXPECT_EQ(ListAll(*checkout, head), want) << "staged addition";
  Git(repo, "rm -q --cached src/removed.cc");
  EXPECT_EQ(ListAll(*checkout, head), want) << "staged removal";
  Git(repo, "reset -q");
  ASSERT_EQ(ListAll(*checkout, head), want);
  WriteFile(repo / "later.txt", "later\n");
  Git(repo, "add -N later.txt");
  EXPECT_EQ(ListAll(*checkout, head), want) << "intent to add";
  Git(repo, "reset -q");
  Git(repo, "update-index --split-index");
  Git(repo, "add src/changed.cc");
  EXPECT_EQ(ListAll(*checkout, head), want) << "split index";
  Git(repo, "update-index --no-split-index");
  Git(repo, "update-index --index-version 4");
  EXPECT_EQ(ListAll(*checkout, head), want) << "version 4, staged change";
  // And once committed, the new commit is listed (from the index again).
  Git(repo, "commit -q -m change");
  EXPECT_EQ(ListAll(*checkout, RevParse(repo, "HEAD")), LsTree(repo, "HEAD"));
  EXPECT_EQ(ListAll(*checkout, head), want);
}

// A corrupt or truncated index is not trusted: the tree is listed.
TEST_F(RealCheckoutTest, ListTrackedFilesWithACorruptIndex) {
  const fs::path repo = MakeRepo("repo", {{"a.txt", "a\n"}, {"b/c.txt", "c\n"}});
  const std::string head = RevParse(repo, "HEAD");
  const std::vector<Entry> want = LsTree(repo, "HEAD");
  const fs::path index = repo / ".git" / "index";
  std::string bytes;
  {
    std::ifstream in(index, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  ASSERT_GT(bytes.size(), 100u);
  std::unique_ptr<Checkout> checkout = OpenOrFail(repo);
  ASSERT_NE(checkout, nullptr);
  for (size_t cut : {size_t{0}, size_t{11}, size_t{40}, size_t{80}, bytes.size() - 30}) {
    WriteFile(index, bytes.substr(0, cut));
    EXPECT_EQ(ListAll(*checkout, head), want) << "index cut at " << cut;
  }
  std::string garbled = bytes;
  garbled[12 + 60] = '\x7f';  // the first entry's flags: a name length that does not fit
  WriteFile(index, garbled);
  EXPECT_EQ(ListAll(*checkout, head), want);
}

// ---------------------------------------------------------------------------
// FakeCheckout.

const std::string kSha1 = "1111111111111111111111111111111111111111";
const std::string kSha2 = "2222222222222222222222222222222222222222";
const std::string kSha3 = "2222aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

FakeCheckout MakeFake() {
  return FakeCheckout("/work/repo",
                      {
                          {kSha1, {{"b.txt", "bbbb"}, {"a/x.cc", "aaaa"}}},
                          {kSha2, {{"z.txt", "zzzz"}, {"a.txt", "a1a1"}, {"a/y.cc", "ayay"}}},
                          {kSha3, {}},
                      },
                      {{"upstream", "https://example.com/u/r.git"},
                       {"origin", "https://user:tok@example.com/o/r.git"},
                       {"alpha", "git@example.com:a/r.git"}});
}

TEST(FakeCheckoutTest, TopLevelAndHead) {
  FakeCheckout fake = MakeFake();
  EXPECT_EQ(fake.TopLevel(), "/work/repo");
  Result<std::string> head = fake.HeadCommit();
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(*head, kSha3);
}

TEST(FakeCheckoutTest, EmptyHasNoHead) {
  FakeCheckout fake("/work/empty", {}, {});
  Result<std::string> head = fake.HeadCommit();
  ASSERT_FALSE(head.ok());
  EXPECT_EQ(head.status().code(), Status::Code::kNotFound);
  EXPECT_THAT(head.status().message(), HasSubstr("HEAD has no commit yet: commit something first"));
  EXPECT_FALSE(fake.ResolveCommit("HEAD").ok());
  Result<std::vector<Remote>> remotes = fake.Remotes();
  ASSERT_TRUE(remotes.ok());
  EXPECT_TRUE(remotes->empty());
}

TEST(FakeCheckoutTest, ResolveCommit) {
  FakeCheckout fake = MakeFake();
  EXPECT_EQ(*fake.ResolveCommit("HEAD"), kSha3);
  EXPECT_EQ(*fake.ResolveCommit(kSha1), kSha1);
  EXPECT_EQ(*fake.ResolveCommit("1111"), kSha1);
  EXPECT_EQ(*fake.ResolveCommit("22222"), kSha2);
  EXPECT_EQ(*fake.ResolveCommit("2222a"), kSha3);
  EXPECT_EQ(*fake.ResolveCommit("2222AAAA"), kSha3);

  Result<std::string> ambiguous = fake.ResolveCommit("2222");
  ASSERT_FALSE(ambiguous.ok());
  EXPECT_EQ(ambiguous.status().code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(ambiguous.status().message(), HasSubstr("'2222' is ambiguous"));

  Result<std::string> too_short = fake.ResolveCommit("111");
  ASSERT_FALSE(too_short.ok());
  EXPECT_EQ(too_short.status().code(), Status::Code::kNotFound);

  Result<std::string> unknown = fake.ResolveCommit("main");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), Status::Code::kNotFound);
  EXPECT_THAT(unknown.status().message(), HasSubstr("'main'"));

  EXPECT_FALSE(fake.ResolveCommit("").ok());
  EXPECT_FALSE(fake.ResolveCommit("3333").ok());
}

TEST(FakeCheckoutTest, RemotesOriginFirst) {
  FakeCheckout fake = MakeFake();
  Result<std::vector<Remote>> remotes = fake.Remotes();
  ASSERT_TRUE(remotes.ok());
  ASSERT_EQ(remotes->size(), 3u);
  EXPECT_EQ((*remotes)[0].name, "origin");
  EXPECT_EQ((*remotes)[0].url, "https://user:tok@example.com/o/r.git");
  EXPECT_EQ((*remotes)[1].name, "alpha");
  EXPECT_EQ((*remotes)[2].name, "upstream");
}

TEST(FakeCheckoutTest, ListTrackedFilesSortedWithDefaultMode) {
  FakeCheckout fake = MakeFake();
  EXPECT_THAT(ListAll(fake, kSha2),
              ElementsAre(Entry{"a.txt", "a1a1", 0100644}, Entry{"a/y.cc", "ayay", 0100644},
                          Entry{"z.txt", "zzzz", 0100644}));
  EXPECT_THAT(ListAll(fake, kSha1),
              ElementsAre(Entry{"a/x.cc", "aaaa", 0100644}, Entry{"b.txt", "bbbb", 0100644}));
  EXPECT_TRUE(ListAll(fake, kSha3).empty());
}

TEST(FakeCheckoutTest, ListTrackedFilesStopsEarlyAndRejectsUnknownCommits) {
  FakeCheckout fake = MakeFake();
  int calls = 0;
  Status status = fake.ListTrackedFiles(kSha2, [&](const TrackedFile&) {
    ++calls;
    return Status::Internal("stop");
  });
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(status.message(), "stop");

  auto never = [&](const TrackedFile&) {
    ADD_FAILURE() << "visited";
    return Status::Ok();
  };
  EXPECT_EQ(fake.ListTrackedFiles("HEAD", never).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(fake.ListTrackedFiles(std::string(40, '9'), never).code(), Status::Code::kNotFound);
}

}  // namespace
}  // namespace srclink

// ---------------------------------------------------------------------------
// Blobs, parents, commit ranges, dirtiness (RealCheckout and FakeCheckout).

namespace srclink {
namespace {

TEST_F(RealCheckoutTest, ReadBlobAndBlobSize) {
  const fs::path repo = MakeRepo("blobs", {{"a.txt", "hello\r\n"}});
  std::unique_ptr<Checkout> checkout = OpenOrFail(repo);
  ASSERT_NE(checkout, nullptr);
  const std::string id = RevParse(repo, "HEAD:a.txt");
  Result<std::string> bytes = checkout->ReadBlob(id);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  EXPECT_EQ(*bytes, "hello\r\n");
  Result<uint64_t> size = checkout->BlobSize(id);
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, 7u);
  EXPECT_FALSE(checkout->ReadBlob("nothex").ok());
  Result<std::string> missing = checkout->ReadBlob(std::string(40, 'f'));
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(), HasSubstr("cannot read blob ffff"));
  EXPECT_FALSE(checkout->ReadBlob(RevParse(repo, "HEAD")).ok());  // a commit
}

TEST_F(RealCheckoutTest, ParentsLastCommitsAndCommitsSince) {
  const fs::path repo = MakeRepo("history", {{"a.txt", "0\n"}});
  const std::string c0 = RevParse(repo, "HEAD");
  CommitChange(repo, "a.txt", "1\n");
  const std::string c1 = RevParse(repo, "HEAD");
  Git(repo, "checkout -q -b side " + c0);
  CommitChange(repo, "b.txt", "side\n");
  const std::string side = RevParse(repo, "HEAD");
  Git(repo, "checkout -q main");
  Git(repo, "merge -q --no-ff -m merge side");
  const std::string merge = RevParse(repo, "HEAD");

  std::unique_ptr<Checkout> checkout = OpenOrFail(repo);
  ASSERT_NE(checkout, nullptr);
  Result<std::vector<std::string>> parents = checkout->Parents(merge);
  ASSERT_TRUE(parents.ok());
  EXPECT_THAT(*parents, ElementsAre(c1, side));
  EXPECT_TRUE(checkout->Parents(c0)->empty());

  Result<std::vector<std::string>> last = checkout->LastCommits(2);
  ASSERT_TRUE(last.ok());
  EXPECT_THAT(*last, ElementsAre(c1, merge));
  EXPECT_THAT(*checkout->LastCommits(10), ElementsAre(c0, c1, merge));

  Result<std::vector<std::string>> since = checkout->CommitsSince(c0);
  ASSERT_TRUE(since.ok()) << since.status().ToString();
  ASSERT_EQ(since->size(), 3u);
  EXPECT_EQ(since->back(), merge);  // parents before children
  EXPECT_TRUE(checkout->CommitsSince("HEAD")->empty());
  EXPECT_FALSE(checkout->CommitsSince("no-such-branch").ok());
  EXPECT_FALSE(checkout->IsShallow());
}

TEST_F(RealCheckoutTest, ShallowCloneHistoryStopsAtTheBoundary) {
  const fs::path origin = MakeRepo("origin", {{"a.txt", "0\n"}});
  CommitChange(origin, "a.txt", "1\n");
  const fs::path clone = root_ / "shallow";
  Git(root_, "clone -q --depth 1 " + ShellQuote("file://" + origin.string()) + " " +
                 ShellQuote(clone.string()));
  std::unique_ptr<Checkout> checkout = OpenOrFail(clone);
  ASSERT_NE(checkout, nullptr);
  EXPECT_TRUE(checkout->IsShallow());
  const std::string head = RevParse(origin, "HEAD");
  EXPECT_THAT(*checkout->Parents(head), ElementsAre(RevParse(origin, "HEAD~1")));
  EXPECT_THAT(*checkout->LastCommits(5), ElementsAre(head));
}

TEST_F(RealCheckoutTest, HasUncommittedChanges) {
  const fs::path repo = MakeRepo("dirty", {{"a.txt", "0\n"}});
  std::unique_ptr<Checkout> checkout = OpenOrFail(repo);
  ASSERT_NE(checkout, nullptr);
  EXPECT_FALSE(*checkout->HasUncommittedChanges());
  WriteFile(repo / "untracked.txt", "u\n");
  EXPECT_FALSE(*checkout->HasUncommittedChanges());
  WriteFile(repo / "a.txt", "changed\n");
  EXPECT_TRUE(*checkout->HasUncommittedChanges());
}

TEST(FakeCheckoutTest, BlobsParentsAndRanges) {
  FakeCheckout fake = MakeFake();
  fake.AddBlob("AAAA" + std::string(36, '0'), "bytes");
  EXPECT_EQ(*fake.ReadBlob("aaaa" + std::string(36, '0')), "bytes");
  EXPECT_EQ(*fake.BlobSize("aaaa" + std::string(36, '0')), 5u);
  EXPECT_FALSE(fake.ReadBlob(std::string(40, 'b')).ok());
  EXPECT_TRUE(fake.Parents(kSha1)->empty());
  EXPECT_THAT(*fake.Parents(kSha2), ElementsAre(kSha1));
  EXPECT_THAT(*fake.LastCommits(2), ElementsAre(kSha2, kSha3));
  EXPECT_THAT(*fake.CommitsSince(kSha1), ElementsAre(kSha2, kSha3));
  EXPECT_FALSE(fake.IsShallow());
  fake.SetShallow(true);
  fake.SetDirty(true);
  EXPECT_TRUE(fake.IsShallow());
  EXPECT_TRUE(*fake.HasUncommittedChanges());
}

}  // namespace
}  // namespace srclink
