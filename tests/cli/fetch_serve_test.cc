// End to end: the real `srclink serve --fetch-host 127.0.0.1` fetches the
// contents of a commit uploaded with `srclink upload --no-contents` from a
// `git daemon` started on loopback by the test, then serves its snippets.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "git/git_daemon.h"

extern char** environ;

namespace srclink::cli {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string RunShell(const std::string& command, int* code) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  int status = pclose(p);
  *code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

class FetchServeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("srclink-fetch-serve-test-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_ / "served");
    empty_config_ = (dir_ / "empty.gitconfig").string();
    std::ofstream(empty_config_).flush();
    env_ = "env -u GIT_DIR -u GIT_WORK_TREE HOME=" + dir_.string() +
           " GIT_CONFIG_GLOBAL=" + empty_config_ +
           " GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com"
           " GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com ";
  }
  void TearDown() override {
    if (serve_ > 0) {
      kill(serve_, SIGKILL);
      waitpid(serve_, nullptr, 0);
    }
    daemon_.Stop();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::string Sh(const std::string& command) {
    int code = -1;
    std::string out = RunShell("cd " + dir_.string() + " && " + env_ + command + " 2>&1", &code);
    EXPECT_EQ(code, 0) << command << "\n" << out;
    return out;
  }

  // Starts `srclink serve` with `args`; waits for /healthz.
  void StartServe(std::vector<std::string> args) {
    port_ = testing::FreeLoopbackPort();
    args.insert(args.begin(),
                {SRCLINK_BINARY, "serve", "--listen", "127.0.0.1:" + std::to_string(port_),
                 "--data", (dir_ / "data").string()});
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env = {"HOME=" + dir_.string(), "GIT_CONFIG_NOSYSTEM=1",
                                    "GIT_CONFIG_GLOBAL=" + empty_config_};
    // PATH, and the sanitizer settings of an ASan/UBSan run (its suppressions).
    for (const char* name : {"PATH", "ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS",
                             "ASAN_SYMBOLIZER_PATH", "UBSAN_SYMBOLIZER_PATH"}) {
      if (const char* value = getenv(name)) env.push_back(std::string(name) + "=" + value);
    }
    std::vector<char*> envp;
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 2, (dir_ / "serve.err").c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ASSERT_EQ(posix_spawn(&serve_, SRCLINK_BINARY, &actions, nullptr, argv.data(), envp.data()), 0);
    posix_spawn_file_actions_destroy(&actions);
    httplib::Client client("127.0.0.1", port_);
    for (int i = 0; i < 200; ++i) {
      auto r = client.Get("/healthz");
      if (r && r->status == 200) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL() << "srclink serve did not answer /healthz: " << ReadAll(dir_ / "serve.err");
  }

  fs::path dir_;
  std::string empty_config_, env_;
  testing::GitDaemon daemon_;
  pid_t serve_ = 0;
  int port_ = 0;
};

TEST_F(FetchServeTest, UploadWithoutContentsThenTheServerFetchesThem) {
  // A repository, served bare by git daemon.
  fs::create_directories(dir_ / "work/src/app");
  std::ofstream(dir_ / "work/src/app/views.py") << "def get():\n    return 42\n";
  std::ofstream(dir_ / "work/README.md") << "# shop\n";
  Sh("git -C work init -q -b main && git -C work add -A && git -C work commit -q -m first");
  Sh("git clone -q --bare work served/shop.git");
  const std::string error =
      daemon_.Start((dir_ / "served").string(), (dir_ / "daemon.log").string(), empty_config_);
  ASSERT_EQ(error, "");
  const std::string remote = daemon_.Url("shop.git");
  Sh("git -C work remote add origin " + remote);
  std::string sha = Sh("git -C work rev-parse HEAD");
  while (!sha.empty() && sha.back() == '\n') sha.pop_back();

  int code = -1;
  std::string key =
      RunShell(std::string(SRCLINK_BINARY) + " keys create --data " + (dir_ / "data").string() +
                   " --name ci --scope upload,read 2>/dev/null",
               &code);
  ASSERT_EQ(code, 0);
  while (!key.empty() && key.back() == '\n') key.pop_back();

  StartServe({"--fetch-host", "127.0.0.1"});
  if (HasFatalFailure()) return;
  const std::string server = "http://127.0.0.1:" + std::to_string(port_);
  std::string upload = Sh("SRCLINK_API_KEY=" + key + " " + SRCLINK_BINARY +
                          " upload -C work --no-contents --server " + server);
  EXPECT_THAT(upload, HasSubstr("File contents not sent (--no-contents)."));

  httplib::Client client("127.0.0.1", port_);
  httplib::Headers auth = {{"Authorization", "Bearer " + key}};
  const std::string snippet = "/api/v1/snippet?repo=127.0.0.1/shop&commit=" + sha +
                              "&path=src/app/views.py&line=2&context=0";
  // The upload itself queued a fetch (no contents, an allowed host): the
  // contents are not there yet, or that fetch already ran.
  auto r = client.Get(snippet, auth);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->status == 404 || r->status == 200) << r->status << " " << r->body;

  json body{{"repository_url", remote}, {"commit_sha", sha}};
  r = client.Post("/api/v1/fetch", auth, body.dump(), "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 202) << r->body;

  json job;
  for (int i = 0; i < 600; ++i) {
    r = client.Get("/api/v1/fetch?repository_url=" + remote + "&commit_sha=" + sha, auth);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    job = json::parse(r->body);
    if (job["status"] == "done" || job["status"] == "failed") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(job["status"], "done") << job.dump() << "\n" << ReadAll(dir_ / "serve.err");
  EXPECT_EQ(job["files"], 2);
  // 2 when this job stored them; 0 when the upload's own fetch had already.
  EXPECT_TRUE(job["blobs_stored"] == 2 || job["blobs_stored"] == 0) << job.dump();

  r = client.Get(snippet, auth);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_THAT(r->body, HasSubstr("    return 42"));

  ASSERT_EQ(kill(serve_, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(waitpid(serve_, &status, 0), serve_);
  serve_ = 0;
  const std::string log = ReadAll(dir_ / "serve.err");
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << log;
  EXPECT_THAT(log, HasSubstr("srclink serve: fetching missing contents from git remotes on "
                             "127.0.0.1"));
  EXPECT_THAT(log, Not(HasSubstr(key.substr(16))));
}

TEST_F(FetchServeTest, ConfigErrorsAreUsageErrors) {
  struct Case {
    std::string config;  // "" for none
    std::string flags;
    std::string message;
  };
  const Case cases[] = {
      {"", "--fetch-host https://git.example.com",
       "--fetch-host: fetch host \"https://git.example.com\" holds ':'"},
      {R"({"fetch": {"hosts": ["git.example.com"], "credentials": {"git.example.com":
           {"username": "bot", "password_env": "SRCLINK_TEST_UNSET_TOKEN"}}}})",
       "",
       "fetch.credentials.git.example.com.password_env: the environment variable "
       "SRCLINK_TEST_UNSET_TOKEN is not set or empty"},
      {R"({"fetch": {"hosts": "git.example.com"}})", "",
       "fetch.hosts must be an array of host names"},
      {R"({"fetch": {"hosts": ["git.example.com"], "max_bytes": -1}})", "",
       "fetch.max_bytes must be a whole number above 0"},
      {R"({"fetch": {"host": []}})", "", "fetch.host: unknown key"},
  };
  for (const Case& c : cases) {
    std::string flags = c.flags;
    if (!c.config.empty()) {
      std::ofstream(dir_ / "config.json") << c.config;
      flags += " --config " + (dir_ / "config.json").string();
    }
    int code = -1;
    std::string out = RunShell(std::string(SRCLINK_BINARY) + " serve --listen 127.0.0.1:0 --data " +
                                   (dir_ / "data").string() + " " + flags + " 2>&1",
                               &code);
    EXPECT_EQ(code, 2) << c.flags << c.config << "\n" << out;
    EXPECT_THAT(out, HasSubstr(c.message)) << c.config;
  }
}

TEST_F(FetchServeTest, LiteralPasswordIsNeverPrinted) {
  std::ofstream(dir_ / "config.json")
      << R"({"fetch": {"hosts": ["git.example.com"], "credentials": {"git.example.com":
             {"username": "bot", "password": "hunter2-literal", "bogus": "x"}}}})";
  int code = -1;
  std::string out = RunShell(std::string(SRCLINK_BINARY) + " serve --listen 127.0.0.1:0 --data " +
                                 (dir_ / "data").string() + " --config " +
                                 (dir_ / "config.json").string() + " 2>&1",
                             &code);
  EXPECT_EQ(code, 2) << out;
  EXPECT_THAT(out, HasSubstr("fetch.credentials.git.example.com.bogus: unknown key"));
  EXPECT_THAT(out, Not(HasSubstr("hunter2-literal")));

  std::string help = RunShell(std::string(SRCLINK_BINARY) + " help serve 2>&1", &code);
  EXPECT_THAT(help, HasSubstr("--fetch-host"));
}

}  // namespace
}  // namespace srclink::cli
