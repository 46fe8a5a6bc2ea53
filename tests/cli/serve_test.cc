// The real binary: `srclink keys create`, `srclink serve`, a request with the
// key, SIGTERM, a clean exit.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

extern char** environ;

namespace srclink::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
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

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(ServeTest, KeysCreateServeRequestAndSigterm) {
  auto dir = std::filesystem::temp_directory_path() /
             ("srclink-serve-test-" + std::to_string(std::random_device{}()));
  std::filesystem::create_directories(dir);
  std::string data = (dir / "data").string();
  int code = -1;
  std::string key = RunShell(std::string(SRCLINK_BINARY) + " keys create --data " + data +
                                 " --name ci --scope upload,read 2>" + (dir / "keys.err").string(),
                             &code);
  ASSERT_EQ(code, 0) << ReadFile(dir / "keys.err");
  while (!key.empty() && key.back() == '\n') key.pop_back();
  ASSERT_EQ(key.rfind("sk_", 0), 0u) << key;
  EXPECT_THAT(ReadFile(dir / "keys.err"), HasSubstr("cannot be shown again"));
  std::string list = RunShell(std::string(SRCLINK_BINARY) + " keys list --data " + data, &code);
  EXPECT_EQ(code, 0);
  EXPECT_THAT(list, HasSubstr(key.substr(0, 15)));
  EXPECT_THAT(list, Not(HasSubstr(key.substr(16))));

  int port = FreePort();
  std::string listen = "127.0.0.1:" + std::to_string(port);
  std::string err_path = (dir / "serve.err").string();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  std::vector<std::string> args = {SRCLINK_BINARY, "serve", "--listen", listen, "--data", data};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, SRCLINK_BINARY, &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);

  httplib::Client client("127.0.0.1", port);
  bool healthy = false;
  for (int i = 0; i < 200 && !healthy; ++i) {
    auto r = client.Get("/healthz");
    healthy = r && r->status == 200;
    if (!healthy) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(healthy) << ReadFile(err_path);

  std::string body =
      R"({"repository_url": "git@github.com:acme/shop.git", "commit_sha": "3f2c3f2c3f2c3f2c3f2c3f2c3f2c3f2c3f2c3f2c",
          "files": [{"path": "a.py", "blob_id": "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"}]})";
  auto r = client.Post("/api/v1/upload/commit", {{"Authorization", "Bearer " + key}}, body,
                       "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_THAT(r->body, HasSubstr("e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"));
  r = client.Post("/api/v1/upload/commit", body, "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);

  ASSERT_EQ(kill(pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  std::string log = ReadFile(err_path);
  ASSERT_TRUE(WIFEXITED(status)) << log;
  EXPECT_EQ(WEXITSTATUS(status), 0) << log;
  EXPECT_THAT(log, HasSubstr("srclink serve: listening on http://" + listen));
  EXPECT_THAT(log, HasSubstr("\"path\":\"/api/v1/upload/commit\""));
  EXPECT_THAT(log, Not(HasSubstr(key.substr(16))));
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

TEST(ServeTest, NoAuthOffLoopbackIsAUsageError) {
  int code = -1;
  auto dir = std::filesystem::temp_directory_path() /
             ("srclink-serve-test-" + std::to_string(std::random_device{}()));
  std::string out =
      RunShell(std::string(SRCLINK_BINARY) + " serve --no-auth --listen 0.0.0.0:0 --data " +
                   dir.string() + " 2>&1",
               &code);
  EXPECT_EQ(code, 2) << out;
  EXPECT_THAT(out, HasSubstr("--no-auth is allowed only on a loopback address"));
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

}  // namespace
}  // namespace srclink::cli
