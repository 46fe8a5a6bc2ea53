// The real binary: `srclink keys create`, `srclink serve`, a request with the
// key, SIGTERM, a clean exit.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "cli/serve_process.h"

namespace srclink::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

using testing::RunShell;
using testing::ServeProcess;

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

  std::string err_path = (dir / "serve.err").string();
  auto serve = ServeProcess::Start({"--data", data}, err_path);
  ASSERT_TRUE(serve.ok()) << serve.status().ToString();
  std::string listen = "127.0.0.1:" + std::to_string((*serve)->port());
  httplib::Client client("127.0.0.1", (*serve)->port());

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

  EXPECT_EQ((*serve)->Stop(), 0) << (*serve)->Log();
  std::string log = ReadFile(err_path);
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
