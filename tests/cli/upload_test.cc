// Tests for `srclink upload` and its protocol client, against real fixture
// repositories (built with the git CLI in temporary directories, isolated
// config) and an in-test httplib server implementing the two upload endpoints
// of docs/API.md: it decompresses what it receives and verifies blob hashes.
#include <git2.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zstd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/upload_client.h"
#include "core/json_text.h"
#include "git/isolated_git_config.h"

namespace srclink::cli {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kApiKey[] = "sk_test1234_s3cr3tvalue";

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
  return out + "'";
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

std::string Git(const fs::path& dir, const std::string& args) {
  const std::string command =
      "cd " + ShellQuote(dir.string()) +
      " && env -u GIT_DIR -u GIT_WORK_TREE -u GIT_INDEX_FILE -u GIT_OBJECT_DIRECTORY"
      " GIT_CONFIG_GLOBAL=" +
      ShellQuote(EmptyGitConfig()) +
      " GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0"
      " GIT_AUTHOR_NAME='Srclink Test' GIT_AUTHOR_EMAIL=test@example.com"
      " GIT_COMMITTER_NAME='Srclink Test' GIT_COMMITTER_EMAIL=test@example.com"
      " git -c init.defaultBranch=main -c advice.detachedHead=false " +
      args;
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "cannot run: " << command;
    return "";
  }
  char buffer[65536];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) output.append(buffer, n);
  const int status = pclose(pipe);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    ADD_FAILURE() << "command failed: " << command;
  }
  while (!output.empty() && output.back() == '\n') output.pop_back();
  return output;
}

void WriteFile(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << content;
}

std::string Sha1Hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha1(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

std::string GitBlobId(std::string_view bytes) {
  std::string data = "blob " + std::to_string(bytes.size());
  data.push_back('\0');
  data.append(bytes);
  return Sha1Hex(data);
}

// ---------------------------------------------------------------------------
// The fake server: the two upload endpoints, faithfully.

struct ReceivedCommit {
  json body;
  std::string content_encoding;
  std::string authorization;
  size_t bytes = 0;  // of the JSON text, decompressed
};

class FakeServer {
 public:
  FakeServer() {
    server_.Post("/api/v1/upload/commit",
                 [this](const httplib::Request& req, httplib::Response& res) {
                   std::lock_guard<std::mutex> lock(mu_);
                   ++commit_requests_;
                   if (RefuseOrFail(req, res, &commit_failures_)) return;
                   std::string body = req.body;
                   const std::string encoding = req.get_header_value("Content-Encoding");
                   if (encoding == "zstd") body = Decompress(body, 64 << 20);
                   ReceivedCommit received{json::parse(body, nullptr, false), encoding,
                                           req.get_header_value("Authorization"), body.size()};
                   if (!received.body.is_object()) {
                     Error(res, 400, "invalid_argument", "body is not JSON");
                     return;
                   }
                   json missing = json::array();
                   std::set<std::string> asked;
                   for (const json& f : received.body["files"]) {
                     if (!f.contains("blob_id")) continue;
                     const std::string id = f["blob_id"];
                     if (!blobs_.contains(id) && asked.insert(id).second) missing.push_back(id);
                   }
                   commits_.push_back(received);
                   res.set_content(json{{"repository_id", "github.com/acme/shop"},
                                        {"commit_sha", received.body["commit_sha"]},
                                        {"files", received.body["files"].size()},
                                        {"created", true},
                                        {"encoding", "full"},
                                        {"missing_blobs", missing}}
                                       .dump(),
                                   "application/json");
                 });
    server_.Post(
        "/api/v1/upload/blobs", [this](const httplib::Request& req, httplib::Response& res) {
          std::lock_guard<std::mutex> lock(mu_);
          ++blob_requests_;
          if (RefuseOrFail(req, res, &blob_failures_)) return;
          EXPECT_EQ(req.get_header_value("Content-Type"), "application/x-srclink-blobs");
          EXPECT_LE(req.body.size(), kMaxBlobRequestBytes);
          request_sizes_.push_back(req.body.size());
          const std::string& b = req.body;
          size_t pos = 0;
          json rejected = json::array();
          uint64_t stored = 0, bytes = 0;
          while (pos + 28 <= b.size()) {
            static const char* kHex = "0123456789abcdef";
            std::string id;
            for (size_t i = 0; i < 20; ++i) {
              const auto c = static_cast<unsigned char>(b[pos + i]);
              id += kHex[c >> 4];
              id += kHex[c & 15];
            }
            auto be32 = [&](size_t at) {
              return static_cast<uint32_t>(static_cast<unsigned char>(b[at])) << 24 |
                     static_cast<uint32_t>(static_cast<unsigned char>(b[at + 1])) << 16 |
                     static_cast<uint32_t>(static_cast<unsigned char>(b[at + 2])) << 8 |
                     static_cast<uint32_t>(static_cast<unsigned char>(b[at + 3]));
            };
            const uint32_t size = be32(pos + 20);
            const uint32_t n = be32(pos + 24);
            pos += 28;
            if (pos + n > b.size()) {
              ADD_FAILURE() << "truncated record";
              break;
            }
            const std::string contents = Decompress(b.substr(pos, n), size);
            pos += n;
            if (contents.size() != size || GitBlobId(contents) != id) {
              ADD_FAILURE() << "blob " << id << " does not hash to its id";
              rejected.push_back({{"blob_id", id}, {"error", "hash mismatch"}});
              continue;
            }
            blobs_[id] = contents;
            received_blobs_.push_back(id);
            ++stored;
            bytes += size;
          }
          EXPECT_EQ(pos, b.size()) << "trailing bytes in the blob request";
          res.set_content(json{{"stored", stored}, {"bytes", bytes}, {"rejected", rejected}}.dump(),
                          "application/json");
        });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }

  ~FakeServer() {
    server_.stop();
    thread_.join();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }

  // Answers the next `n` requests to an endpoint with `status` (and a
  // Retry-After header when `retry_after` is not empty).
  void FailCommits(int n, int status, std::string retry_after = "") {
    std::lock_guard<std::mutex> lock(mu_);
    commit_failures_ = {n, status, std::move(retry_after)};
  }
  void RequireKey(std::string key) {
    std::lock_guard<std::mutex> lock(mu_);
    key_ = std::move(key);
  }

  std::vector<ReceivedCommit> commits() {
    std::lock_guard<std::mutex> lock(mu_);
    return commits_;
  }
  std::vector<std::string> received_blobs() {
    std::lock_guard<std::mutex> lock(mu_);
    return received_blobs_;
  }
  std::vector<size_t> request_sizes() {
    std::lock_guard<std::mutex> lock(mu_);
    return request_sizes_;
  }
  int commit_requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return commit_requests_;
  }
  int blob_requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return blob_requests_;
  }
  void ClearReceived() {
    std::lock_guard<std::mutex> lock(mu_);
    received_blobs_.clear();
    commits_.clear();
  }

 private:
  struct Failures {
    int remaining = 0;
    int status = 0;
    std::string retry_after;
  };

  static std::string Decompress(const std::string& data, size_t limit) {
    std::string out(limit, '\0');
    const size_t n = ZSTD_decompress(out.data(), out.size(), data.data(), data.size());
    if (ZSTD_isError(n)) {
      ADD_FAILURE() << "zstd: " << ZSTD_getErrorName(n);
      return "";
    }
    out.resize(n);
    return out;
  }

  static void Error(httplib::Response& res, int status, const std::string& code,
                    const std::string& message) {
    res.status = status;
    res.set_content(json{{"error", {{"code", code}, {"message", message}}}}.dump(),
                    "application/json");
  }

  bool RefuseOrFail(const httplib::Request& req, httplib::Response& res, Failures* failures) {
    if (!key_.empty() && req.get_header_value("Authorization") != "Bearer " + key_) {
      Error(res, 401, "unauthenticated", "missing or unknown API key");
      return true;
    }
    if (failures->remaining > 0) {
      --failures->remaining;
      if (!failures->retry_after.empty()) res.set_header("Retry-After", failures->retry_after);
      Error(res, failures->status, failures->status == 413 ? "payload_too_large" : "internal",
            failures->status == 413 ? "request body above the limit of 1024 bytes"
                                    : "store unavailable");
      return true;
    }
    return false;
  }

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  std::string key_;
  Failures commit_failures_;
  Failures blob_failures_;
  std::vector<ReceivedCommit> commits_;
  std::map<std::string, std::string> blobs_;
  std::vector<std::string> received_blobs_;
  std::vector<size_t> request_sizes_;
  int commit_requests_ = 0;
  int blob_requests_ = 0;
};

// ---------------------------------------------------------------------------
// Fixture.

struct RunResult {
  int code = -1;
  std::string out;
  std::string err;
};

class UploadTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ::srclink::testing::IsolatedGitConfig::Enter("srclink_upload_config");
  }
  static void TearDownTestSuite() { ::srclink::testing::IsolatedGitConfig::Leave(); }

  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "srclink_upload_test.XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    root_ = fs::canonical(pattern);
    env_["SRCLINK_API_KEY"] = kApiKey;
    env_["SRCLINK_UPLOAD_BACKOFF_MS"] = "1";
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  // A repository with an origin holding credentials and two commits.
  fs::path MakeRepo() {
    const fs::path dir = root_ / "repo";
    fs::create_directories(dir);
    Git(dir, "init -q");
    Git(dir, "remote add origin https://ci-user:gh_t0ken@github.com/acme/shop.git");
    WriteFile(dir / "README.md", "# shop\n");
    WriteFile(dir / "src/app.py", "print('v1')\n");
    Git(dir, "add -A");
    Git(dir, "commit -q -m one");
    WriteFile(dir / "src/app.py", "print('v2')\n");
    for (int i = 0; i < 5; ++i) {
      WriteFile(dir / ("src/mod" + std::to_string(i) + ".py"), "x = " + std::to_string(i) + "\n");
    }
    WriteFile(dir / "dir with space/ünï \"q\".txt", "quoted\n");
    Git(dir, "add -A");
    Git(dir, "commit -q -m two");
    return dir;
  }

  void Commit(const fs::path& dir, const std::string& message) {
    Git(dir, "add -A");
    Git(dir, "commit -q -m " + ShellQuote(message));
  }

  RunResult Upload(std::vector<std::string> args) {
    std::istringstream in;
    std::ostringstream out, err;
    auto env = env_;
    Streams io{in, out, err, [env](const std::string& name) {
                 auto it = env.find(name);
                 return it == env.end() ? std::string() : it->second;
               }};
    RunResult r;
    r.code = RunUpload(args, io);
    r.out = out.str();
    r.err = err.str();
    // Never, in any test: the key or the remote's credentials.
    EXPECT_THAT(r.out + r.err, Not(HasSubstr(kApiKey)));
    EXPECT_THAT(r.out + r.err, Not(HasSubstr("s3cr3t")));
    EXPECT_THAT(r.out + r.err, Not(HasSubstr("gh_t0ken")));
    return r;
  }

  fs::path root_;
  std::map<std::string, std::string> env_;
};

// ---------------------------------------------------------------------------
// The command.

TEST_F(UploadTest, DryRunPrintsWithoutSending) {
  FakeServer server;
  const fs::path repo = MakeRepo();
  const std::string head = Git(repo, "rev-parse HEAD");
  RunResult r = Upload({"--dry-run", "--directory", repo.string(), "--server", server.url()});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Reporting commit " + head +
                               " from repository https://github.com/acme/shop.git."));
  EXPECT_THAT(r.out, HasSubstr("8 tracked file paths will be reported."));
  EXPECT_THAT(r.out, HasSubstr("nothing sent"));
  EXPECT_EQ(server.commit_requests(), 0);
  EXPECT_EQ(server.blob_requests(), 0);
}

// The dry run counts the JSON's bytes without building it: the same as what is sent.
TEST_F(UploadTest, DryRunReportsTheSizeOfTheJsonSent) {
  FakeServer server;
  const fs::path repo = MakeRepo();
  RunResult dry = Upload({"--dry-run", "--no-contents", "-C", repo.string()});
  ASSERT_EQ(dry.code, 0) << dry.err;
  RunResult sent = Upload({"--no-contents", "-C", repo.string(), "--server", server.url()});
  ASSERT_EQ(sent.code, 0) << sent.err;
  ASSERT_EQ(server.commits().size(), 1u);
  const size_t bytes = server.commits()[0].bytes;
  ASSERT_LT(bytes, 1024u);  // printed in bytes
  EXPECT_THAT(dry.out, HasSubstr("(the commit's JSON is " + std::to_string(bytes) + " B)"));
}

TEST_F(UploadTest, DryRunNeedsNoServer) {
  const fs::path repo = MakeRepo();
  RunResult r = Upload({"--dry-run", "-C", repo.string()});
  EXPECT_EQ(r.code, 0) << r.err;
}

TEST_F(UploadTest, NoServerIsAUsageError) {
  const fs::path repo = MakeRepo();
  RunResult r = Upload({"-C", repo.string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("no server to upload to: pass --server URL or set SRCLINK_SERVER"));
}

TEST_F(UploadTest, ServerFromEnvironment) {
  FakeServer server;
  const fs::path repo = MakeRepo();
  env_["SRCLINK_SERVER"] = server.url() + "/";
  RunResult r = Upload({"-C", repo.string()});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(server.commit_requests(), 1);
}

TEST_F(UploadTest, SendsCommitJsonWithSanitizedUrlAndAllBlobs) {
  FakeServer server;
  server.RequireKey(kApiKey);
  const fs::path repo = MakeRepo();
  RunResult r = Upload({"-C", repo.string(), "--server", server.url()});
  ASSERT_EQ(r.code, 0) << r.err;

  std::vector<ReceivedCommit> commits = server.commits();
  ASSERT_EQ(commits.size(), 1u);
  EXPECT_EQ(commits[0].content_encoding, "zstd");
  const json& body = commits[0].body;
  EXPECT_EQ(body["repository_url"], "https://github.com/acme/shop.git");
  EXPECT_EQ(body["commit_sha"], Git(repo, "rev-parse HEAD"));
  EXPECT_EQ(body["parent_sha"], Git(repo, "rev-parse HEAD~1"));
  // Exactly what ls-tree lists, in its order.
  std::vector<std::string> expected;
  std::istringstream ls(Git(repo, "ls-tree -r -z HEAD"));  // "<mode> blob <id>\t<path>\0"
  for (std::string line; std::getline(ls, line, '\0');) {
    const size_t tab = line.find('\t');
    expected.push_back(line.substr(tab - 40, 40) + " " + line.substr(tab + 1));
  }
  std::vector<std::string> sent;
  for (const json& f : body["files"]) {
    sent.push_back(f["blob_id"].get<std::string>() + " " + f["path"].get<std::string>());
  }
  EXPECT_EQ(sent, expected);
  EXPECT_THAT(body.dump(), Not(HasSubstr("ci-user")));

  // Every distinct blob, verified by the server.
  EXPECT_EQ(server.received_blobs().size(), 8u);
  EXPECT_THAT(r.out, HasSubstr("Sent 8 file contents"));
  EXPECT_THAT(r.out, HasSubstr("Uploaded 1 commit to " + server.url()));
}

TEST_F(UploadTest, SecondUploadSendsOnlyChangedBlobs) {
  FakeServer server;
  const fs::path repo = MakeRepo();
  ASSERT_EQ(Upload({"-C", repo.string(), "--server", server.url()}).code, 0);
  server.ClearReceived();
  WriteFile(repo / "README.md", "# shop, changed\n");
  WriteFile(repo / "src/mod1.py", "x = 'one'\n");
  WriteFile(repo / "src/new.py", "new = True\n");
  Commit(repo, "three changes");
  RunResult r = Upload({"-C", repo.string(), "--server", server.url()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(server.received_blobs().size(), 3u);
  EXPECT_THAT(r.out, HasSubstr("it lacks 3 file contents"));
  EXPECT_THAT(r.out, HasSubstr("Sent 3 file contents"));
}

TEST_F(UploadTest, NoContentsSendsNoBlobs) {
  FakeServer server;
  const fs::path repo = MakeRepo();
  RunResult r = Upload({"-C", repo.string(), "--server", server.url(), "--no-contents"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(server.commit_requests(), 1);
  EXPECT_EQ(server.blob_requests(), 0);
  EXPECT_THAT(r.out, HasSubstr("File contents not sent (--no-contents)."));
  // The server is told, so it can fetch the contents from the remote itself.
  ASSERT_EQ(server.commits().size(), 1u);
  EXPECT_EQ(server.commits()[0].body.value("no_contents", false), true);
}

TEST_F(UploadTest, RepositoryUrlOverrideIsSanitized) {
  FakeServer server;
  const fs::path repo = MakeRepo();
  RunResult r = Upload({"-C", repo.string(), "--server", server.url(), "--no-contents",
                        "--repository-url", "https://bot:gh_t0ken@gitlab.com/acme/other.git"});
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(server.commits().size(), 1u);
  EXPECT_EQ(server.commits()[0].body["repository_url"], "https://gitlab.com/acme/other.git");
}

TEST_F(UploadTest, RefusedKeySaysWhatToDo) {
  FakeServer server;
  server.RequireKey("sk_other_key");
  const fs::path repo = MakeRepo();
  RunResult r = Upload({"-C", repo.string(), "--server", server.url()});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("srclink upload: the server refused the API key: set "
                               "SRCLINK_API_KEY to a key with the upload scope (srclink keys "
                               "create --name ci --scope upload)"));
  EXPECT_EQ(server.commit_requests(), 1);  // 4xx: no retry
}

TEST_F(UploadTest, MissingKeySaysWhatToDo) {
  FakeServer server;
  server.RequireKey("sk_other_key");
  env_.erase("SRCLINK_API_KEY");
  const fs::path repo = MakeRepo();
  RunResult r = Upload({"-C", repo.string(), "--server", server.url()});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("note: SRCLINK_API_KEY is not set"));
  EXPECT_THAT(r.err, HasSubstr("requires an API key: set SRCLINK_API_KEY"));
}

TEST_F(UploadTest, TooLargeSaysTheLimit) {
  FakeServer server;
  server.FailCommits(1, 413);
  const fs::path repo = MakeRepo();
  RunResult r = Upload({"-C", repo.string(), "--server", server.url()});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("refused the commit upload as too large"));
  EXPECT_THAT(r.err, HasSubstr("request body above the limit of 1024 bytes"));
  EXPECT_THAT(r.err, HasSubstr("--max-body"));
  EXPECT_EQ(server.commit_requests(), 1);
}

TEST_F(UploadTest, RetriesServerErrorsThenSucceeds) {
  FakeServer server;
  server.FailCommits(1, 500);
  const fs::path repo = MakeRepo();
  RunResult r = Upload({"-C", repo.string(), "--server", server.url()});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(server.commit_requests(), 2);
  EXPECT_THAT(r.err, HasSubstr("HTTP 500"));
  EXPECT_THAT(r.err, HasSubstr("trying again"));
  EXPECT_EQ(server.received_blobs().size(), 8u);
}

TEST_F(UploadTest, HonoursRetryAfterOn429) {
  FakeServer server;
  server.FailCommits(1, 429, "1");
  const fs::path repo = MakeRepo();
  const auto start = std::chrono::steady_clock::now();
  RunResult r = Upload({"-C", repo.string(), "--server", server.url(), "--no-contents"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(900));
  EXPECT_THAT(r.err, HasSubstr("trying again in 1000 ms"));
}

TEST_F(UploadTest, GivesUpAfterFourTries) {
  FakeServer server;
  server.FailCommits(10, 503);
  const fs::path repo = MakeRepo();
  RunResult r = Upload({"-C", repo.string(), "--server", server.url()});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(server.commit_requests(), 4);
  EXPECT_THAT(r.err, HasSubstr("failed the commit upload (HTTP 503 internal: store unavailable "
                               "after 4 tries)"));
}

TEST_F(UploadTest, UnreachableServerSaysTheUrlAndWhatToCheck) {
  int port = 0;
  {
    FakeServer server;
    port = server.port();
  }
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  const fs::path repo = MakeRepo();
  RunResult r = Upload({"-C", repo.string(), "--server", url});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("cannot reach the srclink server at " + url));
  EXPECT_THAT(r.err, HasSubstr("check --server (or SRCLINK_SERVER), that the server is running"));
}

TEST_F(UploadTest, ServerUrlWithCredentialsIsRefused) {
  const fs::path repo = MakeRepo();
  RunResult r = Upload({"-C", repo.string(), "--server", "https://me:s3cr3t@srclink.example.com"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("holds a user name or password"));
}

TEST_F(UploadTest, SinceSendsCommitsOldestFirstWithParents) {
  FakeServer server;
  const fs::path repo = MakeRepo();
  Git(repo, "tag base");
  std::vector<std::string> made;
  for (int i = 0; i < 3; ++i) {
    WriteFile(repo / "src/app.py", "print(" + std::to_string(i) + ")\n");
    Commit(repo, "c" + std::to_string(i));
    made.push_back(Git(repo, "rev-parse HEAD"));
  }
  RunResult r = Upload({"-C", repo.string(), "--server", server.url(), "--since", "base"});
  ASSERT_EQ(r.code, 0) << r.err;
  std::vector<ReceivedCommit> commits = server.commits();
  ASSERT_EQ(commits.size(), 3u);
  std::string parent = Git(repo, "rev-parse base");
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(commits[i].body["commit_sha"], made[i]);
    EXPECT_EQ(commits[i].body["parent_sha"], parent);
    parent = made[i];
  }
  EXPECT_THAT(r.out, HasSubstr("Uploaded 3 commits"));

  RunResult none = Upload({"-C", repo.string(), "--server", server.url(), "--since", "HEAD"});
  EXPECT_EQ(none.code, 0);
  EXPECT_THAT(none.out, HasSubstr("Nothing to upload"));
}

TEST_F(UploadTest, LastSendsTheLastCommits) {
  FakeServer server;
  const fs::path repo = MakeRepo();
  RunResult r = Upload({"-C", repo.string(), "--server", server.url(), "--last", "5"});
  ASSERT_EQ(r.code, 0) << r.err;
  std::vector<ReceivedCommit> commits = server.commits();
  ASSERT_EQ(commits.size(), 2u);
  EXPECT_EQ(commits[0].body["commit_sha"], Git(repo, "rev-parse HEAD~1"));
  EXPECT_FALSE(commits[0].body.contains("parent_sha"));
  EXPECT_EQ(commits[1].body["parent_sha"], Git(repo, "rev-parse HEAD~1"));
  // The second commit only lacks what changed.
  EXPECT_EQ(server.received_blobs().size(), 2u + 7u);
}

TEST_F(UploadTest, ShallowCloneWorks) {
  FakeServer server;
  const fs::path origin = MakeRepo();
  const fs::path clone = root_ / "shallow";
  Git(root_, "clone -q --depth 1 " + ShellQuote("file://" + origin.string()) + " " +
                 ShellQuote(clone.string()));
  Git(clone, "remote set-url origin git@github.com:acme/shop.git");
  RunResult r = Upload({"-C", clone.string(), "--server", server.url(), "--last", "3"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("shallow clone holds only 1 of the 3 commits"));
  std::vector<ReceivedCommit> commits = server.commits();
  ASSERT_EQ(commits.size(), 1u);
  EXPECT_EQ(commits[0].body["commit_sha"], Git(origin, "rev-parse HEAD"));
  EXPECT_EQ(commits[0].body["parent_sha"], Git(origin, "rev-parse HEAD~1"));
  EXPECT_EQ(commits[0].body["repository_url"], "git@github.com:acme/shop.git");
  EXPECT_EQ(server.received_blobs().size(), 8u);
}

TEST_F(UploadTest, EmptyRepositoryIsAnError) {
  const fs::path dir = root_ / "empty";
  fs::create_directories(dir);
  Git(dir, "init -q");
  RunResult r = Upload({"-C", dir.string(), "--dry-run"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("HEAD has no commit yet"));
  EXPECT_THAT(r.err, HasSubstr("commit something first"));
}

TEST_F(UploadTest, NoRemoteIsAnErrorUnlessUrlGiven) {
  const fs::path repo = MakeRepo();
  Git(repo, "remote remove origin");
  RunResult r = Upload({"-C", repo.string(), "--dry-run"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("has no remote to name the repository"));
  EXPECT_EQ(Upload({"-C", repo.string(), "--dry-run", "--repository-url", "github.com/a/b"}).code,
            0);
}

TEST_F(UploadTest, SendsTheBranchesAndTagsAtEachCommit) {
  FakeServer server;
  const fs::path repo = MakeRepo();
  Git(repo, "tag -a v1.0 -m release HEAD~1");
  Git(repo, "tag v2.0");
  Git(repo, "update-ref refs/remotes/origin/release HEAD");
  // A CI checkout: detached HEAD, the branch in the CI's variables.
  Git(repo, "checkout -q --detach HEAD");
  env_["GITHUB_REF"] = "refs/heads/ci-branch";
  env_["DD_GIT_BRANCH"] = "main";  // already known from the checkout: not twice
  RunResult r = Upload(
      {"-C", repo.string(), "--server", server.url(), "--last", "2", "--ref", "deploy/prod"});
  ASSERT_EQ(r.code, 0) << r.err;
  std::vector<ReceivedCommit> commits = server.commits();
  ASSERT_EQ(commits.size(), 2u);
  EXPECT_EQ(commits[0].body["refs"], json::array({"refs/tags/v1.0"}));
  EXPECT_EQ(commits[1].body["refs"],
            json::array({"refs/heads/main", "refs/heads/release", "refs/tags/v2.0",
                         "refs/heads/ci-branch", "refs/heads/deploy/prod"}));
  EXPECT_THAT(r.out, HasSubstr("Branches and tags at it: main, release, v2.0 (tag), ci-branch, "
                               "deploy/prod."));

  r = Upload({"-C", repo.string(), "--server", server.url(), "--ref", "bad..name"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--ref \"bad..name\" is not a branch or tag name"));
}

TEST_F(UploadTest, DetachedHeadAndDirtyTreeAreFineWithANote) {
  FakeServer server;
  const fs::path repo = MakeRepo();
  Git(repo, "checkout -q HEAD~1");
  WriteFile(repo / "README.md", "uncommitted\n");
  RunResult r = Upload({"-C", repo.string(), "--server", server.url()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("note: the working tree has uncommitted changes"));
  ASSERT_EQ(server.commits().size(), 1u);
  EXPECT_EQ(server.commits()[0].body["commit_sha"], Git(repo, "rev-parse HEAD"));
}

TEST_F(UploadTest, LargeFilesAreReportedWithoutContents) {
  FakeServer server;
  const fs::path repo = MakeRepo();
  WriteFile(repo / "big.bin", std::string(5000, 'x'));
  Commit(repo, "big");
  RunResult r = Upload({"-C", repo.string(), "--server", server.url(), "--max-file-size", "4096"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Skipped the contents of 1 files larger than 4096 bytes"));
  EXPECT_EQ(server.received_blobs().size(), 8u);
  EXPECT_EQ(server.commits()[0].body["files"].size(), 9u);
}

TEST_F(UploadTest, BlobsAreBatchedBelowSixteenMebibytes) {
  FakeServer server;
  const fs::path repo = root_ / "random";
  fs::create_directories(repo);
  Git(repo, "init -q");
  std::mt19937_64 rng(42);
  for (int i = 0; i < 20; ++i) {  // 20 MiB of incompressible contents
    std::string bytes(1 << 20, '\0');
    for (size_t j = 0; j < bytes.size(); j += 8) {
      const uint64_t v = rng();
      std::memcpy(bytes.data() + j, &v, 8);
    }
    WriteFile(repo / ("r" + std::to_string(i)), bytes);
  }
  Commit(repo, "random");
  RunResult r = Upload({"-C", repo.string(), "--server", server.url(), "--repository-url",
                        "github.com/acme/random"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(server.received_blobs().size(), 20u);
  std::vector<size_t> sizes = server.request_sizes();
  EXPECT_EQ(sizes.size(), 2u);
  for (size_t s : sizes) EXPECT_LE(s, kMaxBlobRequestBytes);
}

// ---------------------------------------------------------------------------
// The client's pieces.

TEST(UploadClientTest, CommitJsonEscapesAndOmits) {
  std::vector<UploadFile> files = {{"a\"b\\c\n.txt", "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"},
                                   {"sub", ""}};
  const std::string text =
      CommitJson("https://x.org/a/b", "1111111111111111111111111111111111111111", "", files);
  const json j = json::parse(text);
  EXPECT_FALSE(j.contains("parent_sha"));
  EXPECT_EQ(j["files"][0]["path"], "a\"b\\c\n.txt");
  EXPECT_FALSE(j["files"][1].contains("blob_id"));
  std::string control;
  AppendJsonString(&control, std::string_view("\x01", 1));
  EXPECT_EQ(control, "\"\\u0001\"");
}

TEST(UploadClientTest, CommitJsonWriterMatchesCommitJson) {
  const std::vector<UploadFile> files = {
      {"a\"b\\c\n.txt", "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"},
      {"caf\xc3\xa9/\xff\xfe latin1.txt", "1111111111111111111111111111111111111111"},
      {"sub", ""},
      {"\x01\x1f tab\there", "2222222222222222222222222222222222222222"}};
  for (const char* parent : {"", "3333333333333333333333333333333333333333"}) {
    const std::string want = CommitJson("https://x.org/\"a\"/b",
                                        "1111111111111111111111111111111111111111", parent, files);
    CommitJsonWriter writer("https://x.org/\"a\"/b", "1111111111111111111111111111111111111111",
                            parent);
    CommitJsonWriter counter("https://x.org/\"a\"/b", "1111111111111111111111111111111111111111",
                             parent, /*size_only=*/true);
    for (const UploadFile& f : files) {
      writer.Add(f.path, f.blob_id);
      counter.Add(f.path, f.blob_id);
    }
    EXPECT_EQ(writer.files(), 4u);
    EXPECT_EQ(counter.files(), 4u);
    EXPECT_EQ(writer.size(), want.size());
    EXPECT_EQ(counter.size(), want.size());
    EXPECT_EQ(writer.Finish(), want);
    EXPECT_EQ(counter.Finish(), "");
    EXPECT_TRUE(json::parse(want, nullptr, false).is_object());
  }
  CommitJsonWriter empty("u", "s", "", true);
  EXPECT_EQ(empty.size(), CommitJson("u", "s", "", {}).size());
}

TEST(UploadClientTest, BlobRecordRoundTrips) {
  const std::string contents = "hello\n";
  const std::string id = GitBlobId(contents);
  std::string out;
  ASSERT_TRUE(AppendBlobRecord(id, contents, 3, &out).ok());
  ASSERT_GE(out.size(), 28u);
  EXPECT_LE(out.size(), BlobRecordBound(contents.size()));
  EXPECT_EQ(static_cast<unsigned char>(out[0]), std::stoi(id.substr(0, 2), nullptr, 16));
  EXPECT_EQ(out[23], 6);
  const uint32_t n = static_cast<unsigned char>(out[27]);
  EXPECT_EQ(out.size(), 28u + n);
  std::string back(6, '\0');
  EXPECT_EQ(ZSTD_decompress(back.data(), back.size(), out.data() + 28, n), 6u);
  EXPECT_EQ(back, contents);
  EXPECT_FALSE(AppendBlobRecord("xyz", contents, 3, &out).ok());
}

TEST(UploadClientTest, ParsesAnswers) {
  auto a = ParseCommitAnswer(R"({"repository_id":"github.com/a/b","created":true,
      "missing_blobs":["E69DE29BB2D1D6434B8B29AE775AD8C2E48C5391"]})");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->missing_blobs, std::vector<std::string>{"e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"});
  EXPECT_FALSE(ParseCommitAnswer(R"({"missing_blobs":["nope"]})").ok());
  EXPECT_FALSE(ParseCommitAnswer("<html>").ok());
  auto b =
      ParseBlobsAnswer(R"({"stored":2,"bytes":10,"rejected":[{"blob_id":"ab","error":"bad"}]})");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->stored, 2u);
  ASSERT_EQ(b->rejected.size(), 1u);
  EXPECT_EQ(b->rejected[0].second, "bad");
}

TEST(UploadClientTest, RetryDelay) {
  using std::chrono::milliseconds;
  const milliseconds initial(1000), max(30000);
  EXPECT_EQ(RetryDelay(1, "", initial, max), milliseconds(1000));
  EXPECT_EQ(RetryDelay(2, "", initial, max), milliseconds(2000));
  EXPECT_EQ(RetryDelay(3, "", initial, max), milliseconds(4000));
  EXPECT_EQ(RetryDelay(10, "", initial, max), max);
  EXPECT_EQ(RetryDelay(1, "7", initial, max), milliseconds(7000));
  EXPECT_EQ(RetryDelay(1, "99999", initial, max), max);
  EXPECT_EQ(RetryDelay(1, "Wed, 21 Oct 2015 07:28:00 GMT", initial, max), milliseconds(0));
  EXPECT_EQ(RetryDelay(2, "soon", initial, max), milliseconds(2000));
}

TEST(UploadClientTest, RejectsBadServerUrls) {
  for (const char* url : {"", "srclink.example.com", "ftp://x.org", "https://x.org/?a=b",
                          "https://u:p@x.org", "https://:80"}) {
    UploadClientOptions o;
    o.server = url;
    EXPECT_FALSE(UploadClient::Create(o).ok()) << url;
  }
  UploadClientOptions o;
  o.server = "https://srclink.example.com/prefix/";
  auto client = UploadClient::Create(o);
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  EXPECT_EQ((*client)->server(), "https://srclink.example.com/prefix");
}

}  // namespace
}  // namespace srclink::cli
