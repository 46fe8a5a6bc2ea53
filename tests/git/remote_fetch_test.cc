// Tests for RealRemoteFetcher against real git servers started on loopback by
// the tests themselves: `git daemon` (git://), `git http-backend` behind a
// small cpp-httplib server with Basic auth (http://), and file:// remotes.
// A server that cannot start fails the test with the reason; nothing is skipped.
//
// Isolation: git commands run with GIT_CONFIG_GLOBAL=<an empty file>,
// GIT_CONFIG_NOSYSTEM=1 and a fixed identity; libgit2's config search paths
// point at an empty directory (isolated_git_config.h).
#include "git/remote_fetch.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <git2.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "git/git_daemon.h"
#include "git/isolated_git_config.h"

extern char** environ;

namespace srclink {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// ---------------------------------------------------------------------------
// Shell, git and server helpers.

std::string ShellQuote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

const std::string& EmptyGitConfig() {
  static const std::string* path = [] {
    std::string pattern = (fs::temp_directory_path() / "srclink_fetch_gitconfig.XXXXXX").string();
    const int fd = mkstemp(pattern.data());
    if (fd >= 0) close(fd);
    return new std::string(pattern);
  }();
  return *path;
}

std::string GitEnv() {
  return "env -u GIT_DIR -u GIT_WORK_TREE -u GIT_INDEX_FILE -u GIT_OBJECT_DIRECTORY"
         " -u GIT_ALTERNATE_OBJECT_DIRECTORIES -u GIT_CEILING_DIRECTORIES -u GIT_NAMESPACE"
         " GIT_CONFIG_GLOBAL=" +
         ShellQuote(EmptyGitConfig()) +
         " GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0"
         " GIT_AUTHOR_NAME='Srclink Test' GIT_AUTHOR_EMAIL=test@example.com"
         " GIT_COMMITTER_NAME='Srclink Test' GIT_COMMITTER_EMAIL=test@example.com";
}

// Runs `git <args>` in `dir`; records a failure when git fails. Returns stdout.
std::string Git(const fs::path& dir, const std::string& args) {
  const std::string command = "cd " + ShellQuote(dir.string()) + " && " + GitEnv() +
                              " git -c init.defaultBranch=main -c core.symlinks=true " + args;
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "popen failed: " << command;
    return out;
  }
  char buffer[65536];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) out.append(buffer, n);
  const int status = pclose(pipe);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    ADD_FAILURE() << "command failed: " << command;
  }
  return out;
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

void WriteFile(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << content;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// `git ls-tree -r` of `commit` in `repo`: path → blob id, blobs only.
std::map<std::string, std::string> LsTree(const fs::path& repo, const std::string& commit) {
  std::map<std::string, std::string> out;
  std::istringstream lines(Git(repo, "ls-tree -r --full-tree " + commit));
  std::string line;
  while (std::getline(lines, line)) {
    // "<mode> SP <type> SP <id> TAB <path>"
    const size_t tab = line.find('\t');
    std::istringstream head(line.substr(0, tab));
    std::string mode, type, id;
    head >> mode >> type >> id;
    if (type == "blob") out[line.substr(tab + 1)] = id;
  }
  return out;
}

// ---------------------------------------------------------------------------
// The fixture: one repository with two commits, served bare by git daemon.

class RemoteFetchTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { testing::IsolatedGitConfig::Enter("srclink_remote_fetch_test"); }
  static void TearDownTestSuite() { testing::IsolatedGitConfig::Leave(); }

  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "srclink_remote_fetch.XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    work_ = dir_ / "work";
    served_ = dir_ / "served";
    fs::create_directories(work_);
    fs::create_directories(served_);
    Git(work_, "init -q");
    WriteFile(work_ / "README.md", "# shop\n");
    WriteFile(work_ / "src/app/views.py", "def get():\n    return 42\n");
    Git(work_, "add -A");
    Git(work_, "commit -q -m first");
    first_ = Trim(Git(work_, "rev-parse HEAD"));
    WriteFile(work_ / "src/app/views.py", "def get():\n    return 43\n");
    WriteFile(work_ / "bin/run.sh", "#!/bin/sh\nexec python -m app\n");
    fs::permissions(work_ / "bin/run.sh", fs::perms::owner_exec, fs::perm_options::add);
    WriteFile(work_ / "big.txt", std::string(5000, 'x') + "\n");
    fs::create_symlink("README.md", work_ / "link.md");
    Git(work_, "add -A");
    Git(work_, "commit -q -m second");
    second_ = Trim(Git(work_, "rev-parse HEAD"));
    Git(served_, "clone -q --bare " + ShellQuote(work_.string()) + " shop.git");
    bare_ = served_ / "shop.git";
    mirrors_ = (dir_ / "mirrors").string();
  }

  void TearDown() override {
    daemon_.Stop();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Starts `git daemon` on a free loopback port; fails the test if it does not answer.
  void StartDaemon() {
    const std::string error =
        daemon_.Start(served_.string(), (dir_ / "daemon.log").string(), EmptyGitConfig());
    ASSERT_EQ(error, "");
  }

  std::string DaemonUrl() const { return daemon_.Url("shop.git"); }

  FetchRequest Request(const std::string& url, const std::string& sha) const {
    FetchRequest r;
    r.repository_id = "127.0.0.1/shop";
    r.url = url;
    r.commit_sha = sha;
    r.limits.timeout_seconds = 60;
    return r;
  }

  // Checks every path, blob id and blob of `fetched` against git's view of `sha`.
  void ExpectMatchesGit(FetchedCommit& fetched, const std::string& sha) {
    std::map<std::string, std::string> got;
    for (const FetchedFile& f : fetched.files) got[f.path] = f.blob_id;
    EXPECT_EQ(got, LsTree(bare_, sha));
    for (const FetchedFile& f : fetched.files) {
      Result<std::string> contents = fetched.ReadBlob(f.blob_id);
      ASSERT_TRUE(contents.ok()) << contents.status().ToString();
      EXPECT_EQ(*contents, Git(bare_, "cat-file blob " + f.blob_id)) << f.path;
      Result<uint64_t> size = fetched.BlobSize(f.blob_id);
      ASSERT_TRUE(size.ok());
      EXPECT_EQ(*size, contents->size());
    }
  }

  fs::path dir_, work_, served_, bare_;
  std::string mirrors_, first_, second_;
  testing::GitDaemon daemon_;
};

TEST_F(RemoteFetchTest, GitDaemonCommitHasEveryPathBlobIdAndContents) {
  StartDaemon();
  if (HasFatalFailure()) return;
  auto fetcher = MakeRealRemoteFetcher(mirrors_);
  auto fetched = fetcher->FetchCommit(Request(DaemonUrl(), second_));
  ASSERT_TRUE(fetched.ok()) << fetched.status().ToString();
  EXPECT_EQ((*fetched)->commit_sha, second_);
  EXPECT_EQ((*fetched)->parent_sha, first_);
  EXPECT_TRUE((*fetched)->downloaded);
  std::vector<std::string> paths;
  for (const FetchedFile& f : (*fetched)->files) paths.push_back(f.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"README.md", "big.txt", "bin/run.sh", "link.md",
                                             "src/app/views.py"}));
  ExpectMatchesGit(**fetched, second_);
  fetched = Status::Internal("released");  // unlocks the mirror

  // The mirror is kept: the older commit needs no download.
  auto again = fetcher->FetchCommit(Request(DaemonUrl(), first_));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_FALSE((*again)->downloaded);
  EXPECT_EQ((*again)->parent_sha, "");
  ExpectMatchesGit(**again, first_);
  EXPECT_TRUE(fs::is_directory(fs::path(mirrors_) / MirrorDirName("127.0.0.1/shop")));
}

TEST_F(RemoteFetchTest, FileRemote) {
  auto fetcher = MakeRealRemoteFetcher(mirrors_);
  auto fetched = fetcher->FetchCommit(Request("file://" + bare_.string(), first_));
  ASSERT_TRUE(fetched.ok()) << fetched.status().ToString();
  ExpectMatchesGit(**fetched, first_);
}

TEST_F(RemoteFetchTest, CommitOnNoBranchIsFetchedById) {
  Git(work_, "checkout -q -b topic");
  WriteFile(work_ / "topic.txt", "topic\n");
  Git(work_, "add -A");
  Git(work_, "commit -q -m topic");
  const std::string topic = Trim(Git(work_, "rev-parse HEAD"));
  Git(work_, "push -q " + ShellQuote(bare_.string()) + " topic");
  Git(bare_, "update-ref -d refs/heads/topic");
  Git(bare_, "config uploadpack.allowAnySHA1InWant true");
  StartDaemon();
  if (HasFatalFailure()) return;
  auto fetcher = MakeRealRemoteFetcher(mirrors_);
  auto fetched = fetcher->FetchCommit(Request(DaemonUrl(), topic));
  ASSERT_TRUE(fetched.ok()) << fetched.status().ToString();
  EXPECT_EQ((*fetched)->parent_sha, second_);
  ExpectMatchesGit(**fetched, topic);
}

TEST_F(RemoteFetchTest, UnknownCommitNamesTheShaAndTheRemote) {
  StartDaemon();
  if (HasFatalFailure()) return;
  const std::string sha = "0123456789abcdef0123456789abcdef01234567";
  auto fetched = MakeRealRemoteFetcher(mirrors_)->FetchCommit(Request(DaemonUrl(), sha));
  ASSERT_FALSE(fetched.ok());
  EXPECT_EQ(fetched.status().code(), Status::Code::kNotFound);
  EXPECT_THAT(fetched.status().message(), StartsWith("commit " + sha + " is not in " + DaemonUrl() +
                                                     ": none of its branches and tags holds it"));
}

TEST_F(RemoteFetchTest, UnreachableRemote) {
  const std::string url =
      "git://127.0.0.1:" + std::to_string(testing::FreeLoopbackPort()) + "/shop.git";
  auto fetched = MakeRealRemoteFetcher(mirrors_)->FetchCommit(Request(url, first_));
  ASSERT_FALSE(fetched.ok());
  EXPECT_EQ(fetched.status().code(), Status::Code::kUnavailable);
  EXPECT_THAT(fetched.status().message(),
              StartsWith("cannot fetch commit " + first_ + " from " + url +
                         ": check that the remote is reachable from the server (libgit2: "));
}

TEST_F(RemoteFetchTest, CredentialsInTheUrlNeverAppearInErrors) {
  const std::string url =
      "http://srclink:s3cr3t-token@127.0.0.1:" + std::to_string(testing::FreeLoopbackPort()) +
      "/shop.git";
  auto fetched = MakeRealRemoteFetcher(mirrors_)->FetchCommit(Request(url, first_));
  ASSERT_FALSE(fetched.ok());
  EXPECT_THAT(fetched.status().message(), HasSubstr("cannot fetch commit " + first_));
  EXPECT_THAT(fetched.status().message(), Not(HasSubstr("s3cr3t")));
}

TEST_F(RemoteFetchTest, Limits) {
  auto fetcher = MakeRealRemoteFetcher(mirrors_);
  FetchRequest r = Request("file://" + bare_.string(), second_);
  r.limits.max_files = 3;
  auto fetched = fetcher->FetchCommit(r);
  ASSERT_FALSE(fetched.ok());
  EXPECT_EQ(fetched.status().message(),
            "commit " + second_ + " of file://" + bare_.string() +
                " has more than 3 files; raise the server's fetch max_files");

  r.limits.max_files = 100;
  r.limits.max_file_bytes = 1000;
  fetched = fetcher->FetchCommit(r);
  ASSERT_TRUE(fetched.ok()) << fetched.status().ToString();
  const std::string big = LsTree(bare_, second_).at("big.txt");
  auto size = (*fetched)->BlobSize(big);
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, 5001u);
  auto contents = (*fetched)->ReadBlob(big);
  ASSERT_FALSE(contents.ok());
  EXPECT_THAT(contents.status().message(), HasSubstr("is 5001 bytes, above the limit of 1000"));
}

TEST_F(RemoteFetchTest, DownloadLimitAbortsTheFetch) {
  auto fetcher = MakeRealRemoteFetcher(mirrors_);
  FetchRequest r = Request("file://" + bare_.string(), second_);
  r.limits.max_bytes = 10;
  auto fetched = fetcher->FetchCommit(r);
  ASSERT_FALSE(fetched.ok());
  EXPECT_EQ(fetched.status().code(), Status::Code::kUnavailable);
  EXPECT_THAT(fetched.status().message(),
              HasSubstr("the download exceeded 10 bytes; raise the server's fetch max_bytes"));
}

TEST(MirrorDirNameTest, SafeAndDistinct) {
  struct Case {
    std::string id;
    std::string prefix;
  };
  const Case cases[] = {
      {"github.com/acme/shop", "github.com_acme_shop-"},
      {"git.corp:8443/Team/App", "git.corp_8443_team_app-"},
      {"../../etc/passwd", "_._.._etc_passwd-"},
      {"..", "_.-"},
      {"", "-"},
  };
  for (const Case& c : cases) {
    const std::string name = MirrorDirName(c.id);
    EXPECT_THAT(name, StartsWith(c.prefix)) << c.id;
    EXPECT_EQ(name.size(), c.prefix.size() + 16) << c.id;
    EXPECT_EQ(name.find('/'), std::string::npos) << c.id;
    EXPECT_NE(name.front(), '.') << c.id;
  }
  EXPECT_NE(MirrorDirName("a/b"), MirrorDirName("a_b"));
  EXPECT_LE(MirrorDirName(std::string(500, 'a')).size(), 48u + 1 + 16);
}

// ---------------------------------------------------------------------------
// http:// with Basic auth: git http-backend as a CGI behind cpp-httplib.

constexpr char kHttpBackend[] = "/usr/lib/git-core/git-http-backend";

class HttpGitServer {
 public:
  HttpGitServer(fs::path project_root, fs::path scratch, std::string user, std::string password)
      : root_(std::move(project_root)),
        scratch_(std::move(scratch)),
        expected_auth_(httplib::make_basic_authentication_header(user, password).second) {
    auto handler = [this](const httplib::Request& req, httplib::Response& res) {
      Handle(req, res);
    };
    http_.Get("/git/.*", handler);
    http_.Post("/git/.*", handler);
  }
  ~HttpGitServer() {
    http_.stop();
    if (thread_.joinable()) thread_.join();
  }

  // The port, or a failure message.
  Result<int> Start() {
    if (access(kHttpBackend, X_OK) != 0) {
      return Status::Unavailable(std::string(kHttpBackend) + " is missing (install git)");
    }
    port_ = http_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) return Status::Unavailable("cannot bind a loopback port");
    thread_ = std::thread([this] { http_.listen_after_bind(); });
    for (int i = 0; i < 200 && !testing::LoopbackAccepts(port_); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (!testing::LoopbackAccepts(port_))
      return Status::Unavailable("the http server does not accept");
    return port_;
  }

  int unauthorized() const { return unauthorized_; }

 private:
  void Handle(const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("Authorization") != expected_auth_) {
      ++unauthorized_;
      res.status = 401;
      res.set_header("WWW-Authenticate", "Basic realm=\"git\"");
      res.set_content("authentication required\n", "text/plain");
      return;
    }
    std::string query;
    for (const auto& [k, v] : req.params) query += (query.empty() ? "" : "&") + k + "=" + v;
    const fs::path in = scratch_ / "cgi.in", out = scratch_ / "cgi.out";
    WriteFile(in, req.body);
    std::vector<std::string> env = {
        "GIT_PROJECT_ROOT=" + root_.string(),
        "GIT_HTTP_EXPORT_ALL=1",
        "GIT_CONFIG_GLOBAL=" + EmptyGitConfig(),
        "GIT_CONFIG_NOSYSTEM=1",
        "PATH_INFO=" + req.path.substr(4),  // without "/git"
        "QUERY_STRING=" + query,
        "REQUEST_METHOD=" + req.method,
        "CONTENT_TYPE=" + req.get_header_value("Content-Type"),
        "CONTENT_LENGTH=" + std::to_string(req.body.size()),
        "REMOTE_USER=srclink",
        "REMOTE_ADDR=127.0.0.1",
        "GIT_PROTOCOL=" + req.get_header_value("Git-Protocol"),
    };
    if (const char* path = getenv("PATH")) env.push_back(std::string("PATH=") + path);
    std::vector<char*> envp;
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    std::string program = kHttpBackend;
    char* argv[] = {program.data(), nullptr};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, in.c_str(), O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid = 0;
    int rc = posix_spawn(&pid, kHttpBackend, &actions, nullptr, argv, envp.data());
    posix_spawn_file_actions_destroy(&actions);
    int status = 0;
    if (rc != 0 || waitpid(pid, &status, 0) != pid) {
      res.status = 500;
      return;
    }
    // CGI answer: headers, a blank line, the body.
    const std::string cgi = ReadFile(out);
    size_t end = cgi.find("\r\n\r\n");
    size_t skip = 4;
    if (end == std::string::npos) {
      end = cgi.find("\n\n");
      skip = 2;
    }
    if (end == std::string::npos) {
      res.status = 500;
      return;
    }
    res.status = 200;
    std::string content_type = "application/octet-stream";
    std::istringstream headers(cgi.substr(0, end));
    std::string line;
    while (std::getline(headers, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      const size_t colon = line.find(": ");
      if (colon == std::string::npos) continue;
      const std::string name = line.substr(0, colon), value = line.substr(colon + 2);
      if (name == "Status") {
        res.status = std::stoi(value);
      } else if (name == "Content-Type") {
        content_type = value;
      } else {
        res.set_header(name, value);
      }
    }
    res.set_content(cgi.substr(end + skip), content_type);
  }

  fs::path root_, scratch_;
  std::string expected_auth_;
  httplib::Server http_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<int> unauthorized_{0};
};

TEST_F(RemoteFetchTest, HttpBasicAuthCredentialsComeFromConfigOnly) {
  HttpGitServer server(served_, dir_, "srclink", "t0ken-from-config");
  Result<int> port = server.Start();
  ASSERT_TRUE(port.ok()) << "cannot start the git http server: " << port.status().ToString();
  const std::string url = "http://127.0.0.1:" + std::to_string(*port) + "/git/shop.git";
  auto fetcher = MakeRealRemoteFetcher(mirrors_);

  // No credentials configured: refused, and the message says what to check.
  auto fetched = fetcher->FetchCommit(Request(url, second_));
  ASSERT_FALSE(fetched.ok());
  EXPECT_EQ(fetched.status().code(), Status::Code::kUnavailable);
  EXPECT_THAT(fetched.status().message(),
              HasSubstr("cannot fetch commit " + second_ + " from " + url));
  EXPECT_THAT(fetched.status().message(), HasSubstr("the server has none configured for it"));
  EXPECT_GE(server.unauthorized(), 1);

  // Wrong password: refused once (no retry loop), never quoted.
  FetchRequest wrong = Request(url, second_);
  wrong.credentials = {"srclink", "wr0ng-passw0rd", ""};
  fetched = fetcher->FetchCommit(wrong);
  ASSERT_FALSE(fetched.ok());
  EXPECT_THAT(fetched.status().message(), HasSubstr("check the server's fetch credentials"));
  EXPECT_THAT(fetched.status().message(), Not(HasSubstr("wr0ng-passw0rd")));

  // The configured credentials.
  FetchRequest right = Request(url, second_);
  right.credentials = {"srclink", "t0ken-from-config", ""};
  fetched = fetcher->FetchCommit(right);
  ASSERT_TRUE(fetched.ok()) << fetched.status().ToString();
  ExpectMatchesGit(**fetched, second_);
}

}  // namespace
}  // namespace srclink
