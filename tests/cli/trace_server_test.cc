// `srclink trace --server`: the real binary uploads a git checkout to a real
// `srclink serve`, then resolves a pasted trace through it — paths, links
// and the code of each frame, from the server.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <thread>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "cli/serve_process.h"

namespace srclink::cli {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::RunShell;
using testing::ServeProcess;

class TraceServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("srclink-trace-server-test-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_ / "repo" / "shop");
    std::ofstream(dir_ / "empty.gitconfig").flush();
    env_ = "env -u GIT_DIR -u GIT_WORK_TREE HOME=" + dir_.string() +
           " GIT_CONFIG_GLOBAL=" + (dir_ / "empty.gitconfig").string() +
           " GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com"
           " GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com ";
    std::ofstream(dir_ / "repo" / "shop" / "views.py")
        << "import json\n\ndef checkout(cart):\n    total = cart.total()\n    return total\n";
    std::ofstream(dir_ / "repo" / "shop" / "api.py") << "def handler():\n    return checkout()\n";
    Sh("git init -q -b main");
    Sh("git remote add origin https://user:hunter2@github.com/acme/shop.git");
    Sh("git add -A");
    Sh("git commit -qm first");
    sha_ = Sh("git rev-parse HEAD");
    while (!sha_.empty() && sha_.back() == '\n') sha_.pop_back();

    auto serve = ServeProcess::Start({"--data", (dir_ / "data").string(), "--no-auth"},
                                     (dir_ / "serve.err").string());
    ASSERT_TRUE(serve.ok()) << serve.status().ToString();
    serve_ = std::move(*serve);
    Sh(std::string(SRCLINK_BINARY) + " upload --server " + serve_->Url());
    std::ofstream(dir_ / "trace.txt") << "Traceback (most recent call last):\n"
                                         "  File \"/srv/app/shop/api.py\", line 2, in handler\n"
                                         "    return checkout()\n"
                                         "  File \"/srv/app/shop/views.py\", line 4, in checkout\n"
                                         "    total = cart.total()\n"
                                         "AttributeError: 'NoneType' object has no attribute "
                                         "'total'\n";
  }
  void TearDown() override {
    serve_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Runs one `command` in the checkout with a clean git environment; expects exit 0.
  std::string Sh(const std::string& command) {
    int code = -1;
    std::string out =
        RunShell("cd " + (dir_ / "repo").string() + " && " + env_ + command + " 2>&1", &code);
    EXPECT_EQ(code, 0) << command << "\n" << out;
    return out;
  }
  // `srclink trace ARGS` on trace.txt: stdout and stderr, and the exit code.
  std::string Trace(const std::string& args, int* code) {
    return RunShell(std::string(SRCLINK_BINARY) + " trace " + (dir_ / "trace.txt").string() +
                        " --server " + serve_->Url() + " " + args + " 2>&1",
                    code);
  }

  fs::path dir_;
  std::string env_, sha_;
  std::unique_ptr<ServeProcess> serve_;
};

TEST_F(TraceServerTest, ResolvesEveryFrameWithLinksAndCode) {
  int code = -1;
  std::string out = Trace("--repo github.com/acme/shop --commit " + sha_.substr(0, 8), &code);
  ASSERT_EQ(code, 0) << out;
  EXPECT_THAT(out, HasSubstr("resolved against " + serve_->Url() + ", github.com/acme/shop at " +
                             sha_.substr(0, 12)));
  EXPECT_THAT(out, HasSubstr("resolved  shop/views.py:4  [suffix, user code]"));
  EXPECT_THAT(out,
              HasSubstr("file    https://github.com/acme/shop/blob/" + sha_ + "/shop/views.py#L4"));
  EXPECT_THAT(out, HasSubstr("> 4 |     total = cart.total()"));  // the frame's line, marked
  EXPECT_THAT(out, HasSubstr("  3 | def checkout(cart):"));
  EXPECT_THAT(out, HasSubstr("resolved  shop/api.py:2"));
  EXPECT_THAT(out, Not(HasSubstr("hunter2")));

  // The upload recorded the branch: a ref names the commit as well.
  std::string by_branch = Trace("--repo github.com/acme/shop --commit main", &code);
  ASSERT_EQ(code, 0) << by_branch;
  EXPECT_EQ(by_branch, out);
}

TEST_F(TraceServerTest, JsonCarriesTheServersResolution) {
  int code = -1;
  std::string out = RunShell(
      std::string(SRCLINK_BINARY) + " trace " + (dir_ / "trace.txt").string() + " --server " +
          serve_->Url() + " --repo https://github.com/acme/shop --commit " + sha_ + " --json",
      &code);
  ASSERT_EQ(code, 0) << out;
  nlohmann::json j = nlohmann::json::parse(out);
  const auto& frames = j["exceptions"][0]["frames"];
  ASSERT_EQ(frames.size(), 2u) << j;
  EXPECT_EQ(frames[1]["file"], "/srv/app/shop/views.py");
  EXPECT_EQ(frames[1]["resolution"]["status"], "resolved");
  EXPECT_EQ(frames[1]["resolution"]["path"], "shop/views.py");
  EXPECT_EQ(frames[1]["resolution"]["snippet"]["line"], 4);
  EXPECT_EQ(frames[0]["resolution"]["links"]["blame"],
            "https://github.com/acme/shop/blame/" + sha_ + "/shop/api.py#L2");
}

// The service's own telemetry told the server its repository and commit
// (OTel resource attributes vcs.*): --service is all the trace needs.
TEST_F(TraceServerTest, ServiceNamesTheRepositoryAndCommitLearntFromTelemetry) {
  httplib::Client client("127.0.0.1", serve_->port());
  const std::string spans =
      R"({"resourceSpans":[{"resource":{"attributes":[)"
      R"({"key":"service.name","value":{"stringValue":"checkout"}},)"
      R"({"key":"service.version","value":{"stringValue":"1.4.2"}},)"
      R"({"key":"vcs.repository.url.full","value":{"stringValue":"https://github.com/acme/shop"}},)"
      R"({"key":"vcs.ref.head.revision","value":{"stringValue":")" +
      sha_ +
      R"("}}]},"scopeSpans":[{"spans":[{"traceId":"01010101010101010101010101010101",)"
      R"("spanId":"0202020202020202","name":"GET /","kind":2}]}]}]})";
  auto r = client.Post("/v1/traces", spans, "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  int code = -1;
  std::string out;
  // Telemetry is stored by a background flush (about a second).
  for (int i = 0; i < 50; ++i) {
    out = Trace("--service checkout --version 1.4.2", &code);
    if (code == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(code, 0) << out;
  EXPECT_THAT(out, HasSubstr("github.com/acme/shop at " + sha_.substr(0, 12)));
  EXPECT_THAT(out, HasSubstr("> 4 |     total = cart.total()"));

  out = Trace("--service billing", &code);
  EXPECT_NE(code, 0) << out;
  EXPECT_THAT(out, HasSubstr("billing"));
}

TEST_F(TraceServerTest, ErrorsSayWhatToDo) {
  int code = -1;
  std::string out = Trace("--repo github.com/acme/shop --commit 0123456789abcdef", &code);
  EXPECT_NE(code, 0) << out;
  EXPECT_THAT(out, HasSubstr("was not uploaded: run `srclink upload`"));

  out = Trace("--repo github.com/acme/shop", &code);
  EXPECT_EQ(code, 2) << out;
  EXPECT_THAT(out, HasSubstr("--server needs the repository and commit"));

  out = RunShell(std::string(SRCLINK_BINARY) + " trace " + (dir_ / "trace.txt").string() +
                     " --repo github.com/acme/shop 2>&1",
                 &code);
  EXPECT_EQ(code, 2) << out;
  EXPECT_THAT(out, HasSubstr("go with --server URL"));
}

}  // namespace
}  // namespace srclink::cli
